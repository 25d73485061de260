package org.sparsenn.io.snn;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.sparsenn.io.ReadOptions;
import org.sparsenn.io.ReaderFuzzing;

/**
 * Coverage-guided fuzzing of {@link SnnFile}, through {@link MappedSnnFile} so that the CSR
 * sections are also validated in place; in a normal test run, the seed corpus in
 * {@code SnnFileFuzzTestInputs/} replayed (see the README for a fuzzing run).
 *
 * <p>The header checksum is recomputed on every input and section checksums are not verified:
 * otherwise nearly every mutation would stop at a CRC mismatch and the structural checks behind
 * it would never be reached.
 */
class SnnFileFuzzTest {
  @FuzzTest(maxDuration = "3m")
  void everyInputIsAModelOrAModelFormatException(byte[] data) {
    byte[] sealed = SnnTestSupport.reseal(data.clone());
    ReaderFuzzing.expectResultOrModelFormatException(() -> {
      try (MappedSnnFile file = MappedSnnFile.open(ReaderFuzzing.file("fuzz.snn", sealed),
          ReadOptions.defaults(), false)) {
        file.file().network();
      }
    });
  }
}
