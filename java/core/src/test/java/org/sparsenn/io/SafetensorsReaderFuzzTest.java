package org.sparsenn.io;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of {@link SafetensorsReader}; in a normal test run, the seed corpus in
 * {@code SafetensorsReaderFuzzTestInputs/} replayed (see the README for a fuzzing run).
 */
class SafetensorsReaderFuzzTest {
  @FuzzTest(maxDuration = "3m")
  void everyInputIsAModelOrAModelFormatException(byte[] data) {
    ReaderFuzzing.expectResultOrModelFormatException(() -> new SafetensorsReader().read(
        ReaderFuzzing.file("fuzz.safetensors", data), ReadOptions.defaults()));
  }
}
