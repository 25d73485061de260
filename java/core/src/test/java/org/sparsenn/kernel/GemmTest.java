package org.sparsenn.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Both GEMM implementations against a double-precision reference written here, over sizes that
 * hit the loop tails and block edges (1, 3, 7, 8, 9, 17, and past the 128/256/512 blocks), every
 * transpose combination, padded leading dimensions, offsets, and alpha/beta cases. Tolerance:
 * {@code 1e-5 * (sum_p |alpha a b| + |beta c|) + 1e-6} per element (fp32 sums in any order).
 */
class GemmTest {
  private static final int[] SMALL = {1, 3, 7, 8, 9, 17};
  private static final float SENTINEL = -777.25f;

  private static List<Gemm> implementations() {
    List<Gemm> gemms = new ArrayList<>(List.of(Gemm.java()));
    if (NativeKernels.isBlasBound()) {
      gemms.add(Gemm.blas());
    }
    return gemms;
  }

  @Test
  void everyTransposeOnTailSizesMatchesReference() {
    SplittableRandom random = new SplittableRandom(7);
    for (Gemm gemm : implementations()) {
      for (boolean ta : new boolean[] {false, true}) {
        for (boolean tb : new boolean[] {false, true}) {
          for (int m : SMALL) {
            for (int n : SMALL) {
              for (int k : SMALL) {
                check(gemm, ta, tb, m, n, k, 1f, 0f, 0, 0, random);
              }
            }
          }
        }
      }
    }
  }

  @Test
  void blockEdgesAlphaBetaPaddingAndOffsetsMatchReference() {
    SplittableRandom random = new SplittableRandom(11);
    // past the 128-row, 512-column and 256-deep blocks of the Java implementation
    int[][] shapes = {{129, 33, 257}, {5, 515, 3}, {130, 2, 300}, {17, 520, 9}};
    float[][] alphaBeta = {{1f, 0f}, {0.5f, 1f}, {-2f, 0.25f}};
    for (Gemm gemm : implementations()) {
      for (int[] s : shapes) {
        for (boolean ta : new boolean[] {false, true}) {
          for (boolean tb : new boolean[] {false, true}) {
            float[] ab = alphaBeta[random.nextInt(alphaBeta.length)];
            check(gemm, ta, tb, s[0], s[1], s[2], ab[0], ab[1], random.nextInt(3),
                random.nextInt(5), random);
          }
        }
      }
    }
  }

  @Test
  void zeroDepthScalesCByBeta() {
    for (Gemm gemm : implementations()) {
      check(gemm, false, false, 3, 5, 0, 1f, 0.5f, 0, 0, new SplittableRandom(3));
    }
  }

  @Test
  void betaZeroIgnoresNansInC() {
    for (Gemm gemm : implementations()) {
      try (AlignedBuffer a = AlignedBuffer.copyOf(new float[] {1, 2, 3, 4});
          AlignedBuffer b = AlignedBuffer.copyOf(new float[] {1, 0, 0, 1});
          AlignedBuffer c = AlignedBuffer.copyOf(new float[] {Float.NaN, Float.NaN, 1, 1})) {
        gemm.sgemm(false, false, 2, 2, 2, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2);
        float[] out = new float[4];
        c.getFloats(0, out);
        assertEquals(List.of(1f, 2f, 3f, 4f), List.of(out[0], out[1], out[2], out[3]),
            gemm.name());
      }
    }
  }

  @Test
  void facadeRejectsOperandsThatDoNotFit() {
    try (AlignedBuffer small = AlignedBuffer.allocateFloats(6);
        AlignedBuffer other = AlignedBuffer.allocateFloats(100);
        AlignedBuffer big = AlignedBuffer.allocateFloats(100)) {
      Gemm gemm = Gemm.best();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> gemm.sgemm(false, false, 3, 3, 3, 1f, small, 0, 3, big, 0, 3, 0f, big, 0, 3));
      assertTrue(e.getMessage().contains("operand A"), e.getMessage());
      assertThrows(IllegalArgumentException.class,
          () -> gemm.sgemm(false, false, 2, 3, 3, 1f, small, 0, 2, big, 0, 3, 0f, big, 0, 3));
      assertThrows(IllegalArgumentException.class,
          () -> gemm.sgemm(false, false, -1, 3, 3, 1f, small, 0, 3, big, 0, 3, 0f, big, 0, 3));
      assertThrows(IllegalArgumentException.class,
          () -> gemm.sgemm(false, false, 2, 3, 3, 1f, small, 1, 3, big, 0, 3, 0f, big, 0, 3));
      big.seal();
      assertThrows(IllegalStateException.class,
          () -> gemm.sgemm(false, false, 2, 3, 3, 1f, small, 0, 3, other, 0, 3, 0f, big, 0, 3));
      small.close();
      assertThrows(IllegalStateException.class,
          () -> gemm.sgemm(false, false, 2, 3, 3, 1f, small, 0, 3, other, 0, 3, 0f, other, 0, 3));
    }
  }

  @Test
  void bestFollowsTheNativeLibrary() {
    assertEquals(NativeKernels.isBlasBound(), Gemm.best().isNative());
    assertFalse(Gemm.java().isNative());
    if (!NativeKernels.isBlasBound()) {
      assertThrows(IllegalStateException.class, Gemm::blas);
    }
  }

  @Test
  void blasMatchesReferenceOnLenetSizedProducts() {
    Assumptions.assumeTrue(NativeKernels.isBlasBound(), "OpenBLAS not loaded");
    SplittableRandom random = new SplittableRandom(5);
    check(Gemm.blas(), false, true, 64, 300, 784, 1f, 0f, 0, 0, random);
    check(Gemm.blas(), true, false, 300, 784, 64, 1f, 0f, 0, 0, random);
  }

  /**
   * Runs one product with random operands, leading dimensions padded by {@code pad} and the
   * matrices placed {@code offset} floats into their buffers, and checks every element of C and
   * that the padding and the floats before C keep their sentinel.
   */
  private static void check(Gemm gemm, boolean ta, boolean tb, int m, int n, int k, float alpha,
      float beta, int pad, int offset, SplittableRandom random) {
    int aRows = ta ? k : m;
    int aCols = ta ? m : k;
    int bRows = tb ? n : k;
    int bCols = tb ? k : n;
    int lda = Math.max(1, aCols + pad);
    int ldb = Math.max(1, bCols + pad);
    int ldc = n + pad;
    float[] a = randomArray(offset + aRows * lda, random);
    float[] b = randomArray(offset + bRows * ldb, random);
    float[] c = new float[offset + m * ldc];
    java.util.Arrays.fill(c, SENTINEL);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        c[offset + i * ldc + j] = (float) random.nextDouble(-1, 1);
      }
    }
    float[] got = new float[c.length];
    try (AlignedBuffer ab = AlignedBuffer.copyOf(a); AlignedBuffer bb = AlignedBuffer.copyOf(b);
        AlignedBuffer cb = AlignedBuffer.copyOf(c)) {
      gemm.sgemm(ta, tb, m, n, k, alpha, ab, offset, lda, bb, offset, ldb, beta, cb, offset,
          ldc);
      cb.getFloats(0, got);
    }
    String what = gemm.name() + " ta=" + ta + " tb=" + tb + " m=" + m + " n=" + n + " k=" + k;
    for (int i = 0; i < c.length; i++) {
      int rel = i - offset;
      boolean inside = rel >= 0 && rel % ldc < n;
      if (!inside) {
        assertEquals(SENTINEL, got[i], what + ": wrote outside C at " + i);
      }
    }
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double sum = 0;
        double magnitude = 0;
        for (int p = 0; p < k; p++) {
          double av = ta ? a[offset + p * lda + i] : a[offset + i * lda + p];
          double bv = tb ? b[offset + j * ldb + p] : b[offset + p * ldb + j];
          sum += alpha * av * bv;
          magnitude += Math.abs(alpha * av * bv);
        }
        double cv = c[offset + i * ldc + j];
        double expected = sum + (beta == 0f ? 0 : beta * cv);
        magnitude += Math.abs(beta * cv);
        assertEquals(expected, got[offset + i * ldc + j], 1e-5 * magnitude + 1e-6,
            what + " at (" + i + ", " + j + ")");
      }
    }
  }

  private static float[] randomArray(int length, SplittableRandom random) {
    float[] values = new float[length];
    for (int i = 0; i < length; i++) {
      values[i] = (float) random.nextDouble(-1, 1);
    }
    return values;
  }
}
