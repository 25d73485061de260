package org.sparsenn.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparsenn.kernel.internal.GateCell;
import org.sparsenn.kernel.internal.RawKernels;

/**
 * The fused recurrent gate epilogue ({@link RawKernels#gates}): every native ISA against the
 * Java gate math within the documented bound, {@code 8e-6 (1 + |h| + |c| + sum |q_g|)} per
 * step, on every cell, hidden and batch sizes on and off the vector widths, with NaN and
 * infinities; the Java gate math against the formulas in double precision.
 */
class GateKernelsTest {
  private static final float SENTINEL = -777.25f;
  private static final int STEPS = 3;

  static Stream<Arguments> nativeProvidersAndCells() {
    List<Arguments> out = new ArrayList<>();
    KernelConformanceTest.nativeProviders().forEach(p -> {
      for (GateCell cell : GateCell.values()) {
        out.add(Arguments.of(p, cell));
      }
    });
    return out.stream();
  }

  /** One call's buffers as heap arrays, step {@code step}'s column of a 3-step projection. */
  private static final class Case {
    final GateCell cell;
    final int hidden;
    final int batch;
    final ActivationFunction activation;
    boolean withOut;
    float[] projected;
    float[] product;
    float[] h;
    float[] c;
    float[] out;

    Case(GateCell cell, int hidden, int batch, ActivationFunction activation, boolean special,
        long seed) {
      this.cell = cell;
      this.hidden = hidden;
      this.batch = batch;
      this.activation = activation;
      SplittableRandom random = new SplittableRandom(seed);
      this.withOut = seed % 5 != 0 || cell == GateCell.GRU_RESET;
      int blocks = switch (cell) {
        case LSTM -> 4;
        case RNN -> 1;
        default -> 3;
      };
      int productRows = cell == GateCell.GRU_CANDIDATE ? hidden : blocks * hidden;
      projected = randoms(random, blocks * hidden * STEPS * batch, 4);
      product = randoms(random, productRows * batch, 4);
      h = randoms(random, hidden * batch, 1);
      c = randoms(random, hidden * batch, 3);
      if (cell == GateCell.GRU_CANDIDATE) {
        for (int i = 0; i < c.length; i++) {
          c[i] = (float) random.nextDouble(); // z
        }
      }
      out = new float[hidden * outStride()];
      java.util.Arrays.fill(out, SENTINEL);
      if (special) {
        float[] values = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 30f,
            -30f, 100f, -100f};
        for (int k = 0; k < 6; k++) {
          projected[random.nextInt(projected.length)] = values[k % values.length];
          product[random.nextInt(product.length)] = values[(k + 3) % values.length];
        }
      }
    }

    int projectedStride() {
      return STEPS * batch;
    }

    int outStride() {
      return cell == GateCell.GRU_RESET ? batch : STEPS * batch;
    }

    Case copy() {
      Case k = new Case(cell, hidden, batch, activation, false, 1);
      k.projected = projected.clone();
      k.product = product.clone();
      k.h = h.clone();
      k.c = c.clone();
      k.out = out.clone();
      k.withOut = withOut;
      return k;
    }

    private static float[] randoms(SplittableRandom random, int n, double scale) {
      float[] v = new float[n];
      for (int i = 0; i < n; i++) {
        v[i] = (float) (scale * (2 * random.nextDouble() - 1));
      }
      return v;
    }

    /** Runs step {@code step} through {@code kernels} on off-heap copies, back into this. */
    void run(RawKernels kernels, int step) {
      try (AlignedBuffer p = AlignedBuffer.copyOf(projected);
          AlignedBuffer q = AlignedBuffer.copyOf(product);
          AlignedBuffer hs = AlignedBuffer.copyOf(h);
          AlignedBuffer cs = AlignedBuffer.copyOf(c);
          AlignedBuffer os = AlignedBuffer.copyOf(out)) {
        long column = cell == GateCell.GRU_RESET ? 0 : (long) step * batch;
        kernels.gates(cell, hidden, batch, p, (long) step * batch, projectedStride(), q, hs,
            cs, withOut ? os : null, column, outStride(), activation);
        hs.getFloats(0, h);
        cs.getFloats(0, c);
        os.getFloats(0, out);
      }
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("nativeProvidersAndCells")
  void nativeGatesMatchJavaWithinTheBound(String id, GateCell cell) {
    RawKernels kernels = KernelConformanceTest.kernels(id);
    long seed = 100;
    for (int hidden : new int[] {1, 3, 4, 7, 8, 9, 16, 17, 33}) {
      for (int batch : new int[] {1, 2, 3, 8, 9, 17}) {
        for (ActivationFunction activation : cell == GateCell.RNN
            ? new ActivationFunction[] {ActivationFunction.TANH, ActivationFunction.RELU}
            : new ActivationFunction[] {ActivationFunction.TANH}) {
          for (boolean special : new boolean[] {false, true}) {
            Case want = new Case(cell, hidden, batch, activation, special, seed++);
            for (int step = 0; step < STEPS; step++) {
              Case before = want.copy();
              Case got = want.copy();
              got.run(kernels, step);
              want.run(JavaKernels.instance(), step);
              String where = id + " " + cell + " " + activation + " hidden=" + hidden
                  + " batch=" + batch + " special=" + special + " step=" + step;
              compare(before, got, want, where);
            }
          }
        }
      }
    }
  }

  private static void compare(Case before, Case got, Case want, String where) {
    compareArray("h", before, got.h, want.h, before.batch, where);
    compareArray("c", before, got.c, want.c, before.batch, where);
    compareArray("out", before, got.out, want.out, before.outStride(), where);
  }

  private static void compareArray(String name, Case before, float[] got, float[] want,
      int stride, String where) {
    int batch = before.batch;
    for (int i = 0; i < want.length; i++) {
      if (Float.floatToRawIntBits(want[i]) == Float.floatToRawIntBits(SENTINEL)) {
        assertEquals(SENTINEL, got[i], where + ": " + name + "[" + i + "] written");
        continue;
      }
      int j = i / stride;
      int b = (i % stride) % batch;
      int s = j * batch + b;
      double mag = 1 + finite(before.h[s]) + finite(before.c[s]);
      for (int r = j; r < before.product.length / batch; r += before.hidden) {
        mag += finite(before.product[r * batch + b]);
      }
      boolean ok;
      if (Float.isNaN(want[i])) {
        ok = Float.isNaN(got[i]);
      } else if (Float.isInfinite(want[i])) {
        ok = got[i] == want[i];
      } else {
        ok = Float.isFinite(got[i]) && Math.abs((double) got[i] - want[i]) <= 8e-6 * mag;
      }
      if (!ok) {
        fail(where + ": " + name + "[" + i + "] = " + got[i] + ", Java " + want[i] + " (mag "
            + mag + ")");
      }
    }
  }

  private static double finite(float v) {
    return Float.isFinite(v) ? Math.abs(v) : 0;
  }

  @Test
  void javaGatesFollowTheFormulas() {
    for (GateCell cell : GateCell.values()) {
      Case k = new Case(cell, 13, 3, ActivationFunction.TANH, false, 42 + cell.ordinal());
      k.withOut = true;
      Case before = k.copy();
      k.run(JavaKernels.instance(), 1);
      int hd = k.hidden;
      int nb = k.batch;
      for (int j = 0; j < hd; j++) {
        for (int b = 0; b < nb; b++) {
          final int jj = j;
          final int bb = b;
          java.util.function.IntToDoubleFunction p =
              g -> before.projected[(g * hd + jj) * before.projectedStride() + nb + bb];
          java.util.function.IntToDoubleFunction q = g -> before.product[(g * hd + jj) * nb + bb];
          int s = j * nb + b;
          double h = before.h[s];
          double c = before.c[s];
          double o;
          switch (cell) {
            case LSTM -> {
              c = sig(p.applyAsDouble(2) + q.applyAsDouble(2)) * c
                  + sig(p.applyAsDouble(0) + q.applyAsDouble(0))
                  * Math.tanh(p.applyAsDouble(3) + q.applyAsDouble(3));
              h = sig(p.applyAsDouble(1) + q.applyAsDouble(1)) * Math.tanh(c);
              o = h;
            }
            case GRU -> {
              double z = sig(p.applyAsDouble(0) + q.applyAsDouble(0));
              double r = sig(p.applyAsDouble(1) + q.applyAsDouble(1));
              h = (1 - z) * Math.tanh(p.applyAsDouble(2) + r * q.applyAsDouble(2)) + z * h;
              o = h;
            }
            case GRU_RESET -> {
              c = sig(p.applyAsDouble(0) + q.applyAsDouble(0));
              o = sig(p.applyAsDouble(1) + q.applyAsDouble(1)) * h;
            }
            case GRU_CANDIDATE -> {
              h = (1 - c) * Math.tanh(p.applyAsDouble(2) + q.applyAsDouble(0)) + c * h;
              o = h;
            }
            default -> {
              h = Math.tanh(p.applyAsDouble(0) + q.applyAsDouble(0));
              o = h;
            }
          }
          int oi = j * k.outStride() + (cell == GateCell.GRU_RESET ? 0 : nb) + b;
          double tolerance = 1e-6 * (1 + Math.abs(c) + Math.abs(h));
          String where = cell + " j=" + j + " b=" + b;
          assertEquals(h, k.h[s], tolerance, where + " h");
          assertEquals(c, k.c[s], tolerance, where + " c");
          assertEquals(o, k.out[oi], tolerance, where + " out");
        }
      }
    }
  }

  private static double sig(double x) {
    return 1 / (1 + Math.exp(-x));
  }
}
