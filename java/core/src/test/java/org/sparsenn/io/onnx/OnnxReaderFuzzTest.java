package org.sparsenn.io.onnx;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.sparsenn.io.ReaderFuzzing;

/**
 * Coverage-guided fuzzing of {@link OnnxReader} through its in-memory entry point, with an empty
 * directory for external data; in a normal test run, the seed corpus in
 * {@code OnnxReaderFuzzTestInputs/} replayed (see the README for a fuzzing run).
 */
class OnnxReaderFuzzTest {
  @FuzzTest(maxDuration = "3m")
  void everyInputIsAModelOrAModelFormatException(byte[] data) {
    ReaderFuzzing.expectResultOrModelFormatException(
        () -> OnnxReader.load(data, ReaderFuzzing.emptyDirectory()));
  }
}
