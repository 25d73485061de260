package org.sparsenn.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class IsaTest {

  @Test
  void codesMatchTheNativeHeader() {
    // SNN_ISA_SCALAR 0, SNN_ISA_AVX2 1, SNN_ISA_AVX512 2, SNN_ISA_NEON 3
    assertEquals(0, Isa.SCALAR.code());
    assertEquals(1, Isa.AVX2.code());
    assertEquals(2, Isa.AVX512.code());
    assertEquals(3, Isa.NEON.code());
    for (Isa isa : Isa.values()) {
      assertEquals(isa, Isa.ofCode(isa.code()));
    }
  }

  @Test
  void unknownCodeIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Isa.ofCode(4));
    assertTrue(e.getMessage().contains("4"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Isa.ofCode(-1));
  }

  @Test
  void labelsAreLowerCaseNames() {
    assertEquals("scalar", Isa.SCALAR.label());
    assertEquals("avx2", Isa.AVX2.label());
    assertEquals("avx512", Isa.AVX512.label());
    assertEquals("neon", Isa.NEON.label());
  }

  @Test
  void parseIgnoresCaseAndSurroundingSpace() {
    for (Isa isa : Isa.values()) {
      assertEquals(isa, Isa.parse(isa.label()));
      assertEquals(isa, Isa.parse(isa.name()));
      assertEquals(isa, Isa.parse("  " + isa.label() + "\t"));
    }
    assertEquals(Isa.AVX512, Isa.parse("AvX512"));
  }

  @Test
  void parseOfUnknownNameNamesIt() {
    for (String bad : new String[] {"avx3", "", "sse4", "avx 2"}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Isa.parse(bad));
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }
  }

  @Test
  void scalarIsBelowEverything() {
    for (Isa cap : Isa.values()) {
      assertTrue(Isa.SCALAR.isAtMost(cap), "scalar <= " + cap);
      assertTrue(cap.isAtMost(cap), cap + " <= itself");
    }
  }

  @Test
  void x86LevelsAreOrderedAndNeonIsApart() {
    assertTrue(Isa.AVX2.isAtMost(Isa.AVX512));
    assertFalse(Isa.AVX512.isAtMost(Isa.AVX2));
    assertFalse(Isa.AVX2.isAtMost(Isa.SCALAR));
    assertFalse(Isa.AVX512.isAtMost(Isa.SCALAR));
    assertFalse(Isa.NEON.isAtMost(Isa.SCALAR));
    assertFalse(Isa.NEON.isAtMost(Isa.AVX512));
    assertFalse(Isa.AVX2.isAtMost(Isa.NEON));
    assertFalse(Isa.AVX512.isAtMost(Isa.NEON));
  }
}
