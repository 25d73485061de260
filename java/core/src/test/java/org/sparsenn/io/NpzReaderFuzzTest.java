package org.sparsenn.io;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of {@link NpzReader}; in a normal test run, the seed corpus in
 * {@code NpzReaderFuzzTestInputs/} replayed (see the README for a fuzzing run).
 */
class NpzReaderFuzzTest {
  @FuzzTest(maxDuration = "3m")
  void everyInputIsAModelOrAModelFormatException(byte[] data) {
    ReaderFuzzing.expectResultOrModelFormatException(() -> new NpzReader().read(
        ReaderFuzzing.file("fuzz.npz", data), ReadOptions.defaults()));
  }
}
