package org.sparsenn.kernel;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * {@link Gemm} in plain Java, blocked the usual way: for each block of {@code C} columns and
 * rows, panels of {@code op(B)} and {@code op(A)} are copied ("packed") into heap arrays, rows
 * contiguous whatever the transposition, and multiplied into a heap tile of {@code C}, which is
 * then written back. Packing also makes the off-heap buffers cost one bulk copy per panel, not
 * one call per element.
 *
 * <p>The inner loop is {@code c[j] += a * b[j]} over rows of the tile and a packed row of
 * {@code B}, each its own array indexed from 0 (four tile rows share each loaded {@code B}
 * row): HotSpot 17 vectorises that shape, and leaves the same loop over offsets into one shared
 * array scalar (measured here: about 4x apart; this kernel reaches 10-20 GFLOP/s on one core
 * against OpenBLAS's 55-75 at LeNet sizes, on a loaded machine).
 */
final class JavaGemm implements GemmKernel {
  /** Columns of C per block: a packed B block (KC x NC) stays in L2. */
  private static final int NC = 512;
  /** Rows of C per block. */
  private static final int MC = 128;
  /** Depth per block. */
  private static final int KC = 256;

  /** Per-thread scratch so that the facade is thread-safe without allocating per call. */
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private static final class Scratch {
    final float[] packedA = new float[MC * KC];
    final float[][] packedB = new float[KC][NC];
    final float[][] tile = new float[MC][NC];
    final float[] line = new float[Math.max(MC, KC)];
  }

  @Override
  public String name() {
    return "java";
  }

  @Override
  public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
      AlignedBuffer a, long aOffset, int lda, AlignedBuffer b, long bOffset, int ldb, float beta,
      AlignedBuffer c, long cOffset, int ldc) {
    Scratch s = SCRATCH.get();
    FloatBuffer av = a.floatView();
    FloatBuffer bv = b.floatView();
    FloatBuffer cv = c.floatView();
    for (int jc = 0; jc < n; jc += NC) {
      int nc = Math.min(NC, n - jc);
      for (int ic = 0; ic < m; ic += MC) {
        int mc = Math.min(MC, m - ic);
        loadTile(cv, cOffset, ldc, ic, jc, mc, nc, beta, s.tile);
        for (int pc = 0; pc < k; pc += KC) {
          int kc = Math.min(KC, k - pc);
          packB(bv, bOffset, ldb, transB, pc, jc, kc, nc, s);
          packA(av, aOffset, lda, transA, ic, pc, mc, kc, alpha, s);
          multiply(s.packedA, s.packedB, s.tile, mc, nc, kc);
        }
        storeTile(cv, cOffset, ldc, ic, jc, mc, nc, s.tile);
      }
    }
  }

  /** tile = beta * C block (C is not read when beta is 0). */
  private static void loadTile(FloatBuffer cv, long cOffset, int ldc, int ic, int jc, int mc,
      int nc, float beta, float[][] tile) {
    for (int i = 0; i < mc; i++) {
      float[] row = tile[i];
      if (beta == 0f) {
        Arrays.fill(row, 0, nc, 0f);
      } else {
        cv.get((int) (cOffset + (long) (ic + i) * ldc + jc), row, 0, nc);
        if (beta != 1f) {
          for (int j = 0; j < nc; j++) {
            row[j] *= beta;
          }
        }
      }
    }
  }

  private static void storeTile(FloatBuffer cv, long cOffset, int ldc, int ic, int jc, int mc,
      int nc, float[][] tile) {
    for (int i = 0; i < mc; i++) {
      cv.put((int) (cOffset + (long) (ic + i) * ldc + jc), tile[i], 0, nc);
    }
  }

  /** packedB[p][j] = op(B)[pc + p][jc + j]. */
  private static void packB(FloatBuffer bv, long bOffset, int ldb, boolean transB, int pc,
      int jc, int kc, int nc, Scratch s) {
    float[][] packed = s.packedB;
    if (!transB) {
      for (int p = 0; p < kc; p++) {
        bv.get((int) (bOffset + (long) (pc + p) * ldb + jc), packed[p], 0, nc);
      }
    } else {
      // B is stored n x k: read its rows (contiguous in p) and scatter them into columns.
      float[] line = s.line;
      for (int j = 0; j < nc; j++) {
        bv.get((int) (bOffset + (long) (jc + j) * ldb + pc), line, 0, kc);
        for (int p = 0; p < kc; p++) {
          packed[p][j] = line[p];
        }
      }
    }
  }

  /** packedA[i * kc + p] = alpha * op(A)[ic + i][pc + p]. */
  private static void packA(FloatBuffer av, long aOffset, int lda, boolean transA, int ic,
      int pc, int mc, int kc, float alpha, Scratch s) {
    float[] packed = s.packedA;
    if (!transA) {
      for (int i = 0; i < mc; i++) {
        av.get((int) (aOffset + (long) (ic + i) * lda + pc), packed, i * kc, kc);
      }
    } else {
      // A is stored k x m: read its rows (contiguous in i) and scatter them into columns.
      float[] line = s.line;
      for (int p = 0; p < kc; p++) {
        av.get((int) (aOffset + (long) (pc + p) * lda + ic), line, 0, mc);
        for (int i = 0; i < mc; i++) {
          packed[i * kc + p] = line[i];
        }
      }
    }
    if (alpha != 1f) {
      for (int i = 0; i < mc * kc; i++) {
        packed[i] *= alpha;
      }
    }
  }

  /** tile[mc x nc] += packedA[mc x kc] * packedB[kc x nc]. */
  private static void multiply(float[] pa, float[][] pb, float[][] tile, int mc, int nc,
      int kc) {
    int i = 0;
    // body: four rows of C share each loaded row of B
    for (; i + 4 <= mc; i += 4) {
      float[] row0 = tile[i];
      float[] row1 = tile[i + 1];
      float[] row2 = tile[i + 2];
      float[] row3 = tile[i + 3];
      for (int p = 0; p < kc; p++) {
        axpy4(pa[i * kc + p], pa[(i + 1) * kc + p], pa[(i + 2) * kc + p],
            pa[(i + 3) * kc + p], pb[p], row0, row1, row2, row3, nc);
      }
    }
    // tail: pairs, then the last row alone
    for (; i + 2 <= mc; i += 2) {
      float[] row0 = tile[i];
      float[] row1 = tile[i + 1];
      for (int p = 0; p < kc; p++) {
        axpy2(pa[i * kc + p], pa[(i + 1) * kc + p], pb[p], row0, row1, nc);
      }
    }
    for (; i < mc; i++) {
      float[] row = tile[i];
      for (int p = 0; p < kc; p++) {
        axpy(pa[i * kc + p], pb[p], row, nc);
      }
    }
  }

  /** yr += ar * x for r = 0..3 over {@code [0, n)}. */
  private static void axpy4(float a0, float a1, float a2, float a3, float[] x, float[] y0,
      float[] y1, float[] y2, float[] y3, int n) {
    for (int j = 0; j < n; j++) {
      float xj = x[j];
      y0[j] += a0 * xj;
      y1[j] += a1 * xj;
      y2[j] += a2 * xj;
      y3[j] += a3 * xj;
    }
  }

  /** y0 += a0 * x and y1 += a1 * x over {@code [0, n)}. */
  private static void axpy2(float a0, float a1, float[] x, float[] y0, float[] y1, int n) {
    for (int j = 0; j < n; j++) {
      float xj = x[j];
      y0[j] += a0 * xj;
      y1[j] += a1 * xj;
    }
  }

  /** y[0 .. n) += a * x[0 .. n). */
  private static void axpy(float a, float[] x, float[] y, int n) {
    for (int j = 0; j < n; j++) {
      y[j] += a * x[j];
    }
  }
}
