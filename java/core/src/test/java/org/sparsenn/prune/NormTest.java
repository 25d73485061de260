package org.sparsenn.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class NormTest {
  @Test
  void rowsAndStridedColumns() {
    float[] values = {3, -4, 0, 1, 2, -2}; // 2 x 3
    assertEquals(7, Norm.L1.of(values, 0, 3, 1), 1e-12);
    assertEquals(5, Norm.L2.of(values, 0, 3, 1), 1e-12);
    assertEquals(4, Norm.L1.of(values, 0, 2, 3), 1e-12); // column 0: 3, 1
    assertEquals(Math.sqrt(20), Norm.L2.of(values, 1, 2, 3), 1e-12); // column 1: -4, 2
  }
}
