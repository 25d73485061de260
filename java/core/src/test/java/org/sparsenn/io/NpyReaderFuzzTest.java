package org.sparsenn.io;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of {@link NpyReader}; in a normal test run, the seed corpus in
 * {@code NpyReaderFuzzTestInputs/} replayed (see the README for a fuzzing run).
 */
class NpyReaderFuzzTest {
  @FuzzTest(maxDuration = "3m")
  void everyInputIsAnArrayOrAModelFormatException(byte[] data) {
    ReaderFuzzing.expectResultOrModelFormatException(
        () -> NpyReader.read(ReaderFuzzing.file("fuzz.npy", data)));
  }
}
