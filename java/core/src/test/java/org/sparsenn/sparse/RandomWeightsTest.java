package org.sparsenn.sparse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RandomWeightsTest {

  @Test
  void sameSeedGivesSameMatrix() {
    assertArrayEquals(RandomWeights.dense(50, 70, 0.8, 42), RandomWeights.dense(50, 70, 0.8, 42));
    assertArrayEquals(RandomWeights.vector(100, 7), RandomWeights.vector(100, 7));
  }

  @Test
  void differentSeedGivesDifferentMatrix() {
    assertFalse(Arrays.equals(RandomWeights.dense(50, 70, 0.5, 1),
        RandomWeights.dense(50, 70, 0.5, 2)));
    assertFalse(Arrays.equals(RandomWeights.vector(100, 1), RandomWeights.vector(100, 2)));
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.0, 0.1, 0.5, 0.9, 0.95, 0.99, 1.0})
  void measuredSparsityIsWithinOnePercent(double sparsity) {
    float[] w = RandomWeights.dense(1000, 1000, sparsity, 42);
    assertEquals(1_000_000, w.length);
    long zeros = 0;
    for (float v : w) {
      if (v == 0f) {
        zeros++;
      } else {
        assertTrue(v >= -1f && v < 1f, "value " + v);
      }
    }
    assertEquals(sparsity, zeros / 1e6, 0.01);
  }

  @Test
  void zeroSparsityHasNoZeros() {
    for (float v : RandomWeights.dense(100, 100, 0.0, 3)) {
      assertTrue(v != 0f);
    }
  }

  @Test
  void invalidSparsityIsRejected() {
    for (double s : new double[] {-0.01, 1.01, Double.NaN, Double.POSITIVE_INFINITY}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> RandomWeights.dense(2, 2, s, 1));
      assertTrue(e.getMessage().contains(String.valueOf(s)), e.getMessage());
    }
  }

  @Test
  void invalidShapeIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> RandomWeights.dense(-1, 2, 0.5, 1));
    assertThrows(IllegalArgumentException.class, () -> RandomWeights.dense(2, -1, 0.5, 1));
    assertThrows(IllegalArgumentException.class,
        () -> RandomWeights.dense(65536, 65536, 0.5, 1));
    assertEquals(0, RandomWeights.dense(0, 10, 0.5, 1).length);
  }

  @Test
  void vectorValuesAreInRange() {
    float[] v = RandomWeights.vector(10_000, 5);
    double sum = 0;
    for (float f : v) {
      assertTrue(f >= -1f && f < 1f, "value " + f);
      sum += f;
    }
    assertEquals(0, sum / v.length, 0.05, "roughly centred");
  }
}
