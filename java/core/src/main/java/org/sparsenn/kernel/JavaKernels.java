package org.sparsenn.kernel;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.ShortBuffer;
import java.util.function.IntUnaryOperator;
import org.sparsenn.kernel.internal.GateCell;
import org.sparsenn.kernel.internal.RawKernels;

/**
 * Plain-Java kernels with the native semantics: the oracle in tests and the fallback when the
 * native library cannot load. Kept simple and obviously correct; accumulation is fp32 in index
 * order, like the scalar native reference. There is no BLAS here: the {@code *Blas} methods
 * compute the same result with the same loops.
 */
public final class JavaKernels implements Kernels, RawKernels {
  private static final JavaKernels INSTANCE = new JavaKernels();

  private JavaKernels() {}

  /** The shared instance (the class is stateless). */
  public static JavaKernels instance() {
    return INSTANCE;
  }

  @Override
  public String name() {
    return "java";
  }

  @Override
  public boolean isNative() {
    return false;
  }

  @Override
  public void spmv(CsrOperand a, int rowBegin, int rowEnd, AlignedBuffer x, AlignedBuffer bias,
      AlignedBuffer y, Epilogue epilogue) {
    IntBuffer rowPtr = a.rowPointers().intView();
    CsrValues values = new CsrValues(a);
    FloatBuffer xs = x.floatView();
    FloatBuffer ys = y.floatView();
    FloatBuffer b = bias == null ? null : bias.floatView();
    if (a.indexWidth() == IndexWidth.INT32) {
      IntBuffer cols = a.columnIndices().intView();
      for (int r = rowBegin; r < rowEnd; r++) {
        float sum = 0f;
        for (int k = rowPtr.get(r), end = rowPtr.get(r + 1); k < end; k++) {
          sum += values.get(k) * xs.get(cols.get(k));
        }
        ys.put(r, epilogue.apply(b == null ? sum : sum + b.get(r)));
      }
    } else {
      ShortBuffer cols = a.columnIndices().shortView();
      for (int r = rowBegin; r < rowEnd; r++) {
        float sum = 0f;
        for (int k = rowPtr.get(r), end = rowPtr.get(r + 1); k < end; k++) {
          sum += values.get(k) * xs.get(Short.toUnsignedInt(cols.get(k)));
        }
        ys.put(r, epilogue.apply(b == null ? sum : sum + b.get(r)));
      }
    }
  }

  /** The values of a CSR operand as fp32, whatever their stored type (bf16 widens exactly). */
  private static final class CsrValues {
    private final FloatBuffer fp32;
    private final ShortBuffer bf16;

    CsrValues(CsrOperand a) {
      boolean narrow = a.valueType() == ValueType.BF16;
      this.fp32 = narrow ? null : a.values().floatView();
      this.bf16 = narrow ? a.values().shortView() : null;
    }

    float get(int k) {
      return fp32 != null ? fp32.get(k) : Float.intBitsToFloat((bf16.get(k) & 0xFFFF) << 16);
    }
  }

  @Override
  public void spmm(CsrOperand a, int rowBegin, int rowEnd, AlignedBuffer x, int batch,
      AlignedBuffer bias, AlignedBuffer y, Epilogue epilogue) {
    IntBuffer rowPtr = a.rowPointers().intView();
    CsrValues values = new CsrValues(a);
    FloatBuffer xs = x.floatView();
    FloatBuffer ys = y.floatView();
    IntBuffer cols32 = a.indexWidth() == IndexWidth.INT32 ? a.columnIndices().intView() : null;
    ShortBuffer cols16 = cols32 == null ? a.columnIndices().shortView() : null;
    FloatBuffer biasView = bias == null ? null : bias.floatView();
    float[] acc = new float[batch];
    for (int r = rowBegin; r < rowEnd; r++) {
      java.util.Arrays.fill(acc, 0f);
      for (int k = rowPtr.get(r), end = rowPtr.get(r + 1); k < end; k++) {
        float v = values.get(k);
        int col = cols32 != null ? cols32.get(k) : Short.toUnsignedInt(cols16.get(k));
        int base = col * batch;
        for (int j = 0; j < batch; j++) {
          acc[j] += v * xs.get(base + j);
        }
      }
      store(acc, r, batch, biasView, ys, epilogue);
    }
  }

  @Override
  public void spmmBlock(BlockOperand w, int rowBegin, int rowEnd, AlignedBuffer x, int batch,
      AlignedBuffer bias, AlignedBuffer y, Epilogue epilogue) {
    IntBuffer panelPtr = w.panelPointers().intView();
    ShortBuffer blockCols = w.blockColumns().shortView();
    FloatBuffer values = w.values().floatView();
    FloatBuffer xs = x.floatView();
    FloatBuffer ys = y.floatView();
    FloatBuffer biasView = bias == null ? null : bias.floatView();
    float[] acc = new float[batch];
    for (int r = rowBegin; r < rowEnd; r++) {
      java.util.Arrays.fill(acc, 0f);
      int panel = r / BlockOperand.PANEL_ROWS;
      int lane = r % BlockOperand.PANEL_ROWS;
      for (int k = panelPtr.get(panel), end = panelPtr.get(panel + 1); k < end; k++) {
        float v = values.get(k * BlockOperand.PANEL_ROWS + lane);
        int base = Short.toUnsignedInt(blockCols.get(k)) * batch;
        for (int j = 0; j < batch; j++) {
          acc[j] += v * xs.get(base + j);
        }
      }
      store(acc, r, batch, biasView, ys, epilogue);
    }
  }

  @Override
  public void gemv(DenseOperand w, int rowBegin, int rowEnd, AlignedBuffer x, AlignedBuffer bias,
      AlignedBuffer y, Epilogue epilogue) {
    FloatBuffer ws = w.weights().floatView();
    FloatBuffer xs = x.floatView();
    FloatBuffer ys = y.floatView();
    FloatBuffer b = bias == null ? null : bias.floatView();
    int cols = w.cols();
    for (int r = rowBegin; r < rowEnd; r++) {
      int base = r * cols;
      float sum = 0f;
      for (int c = 0; c < cols; c++) {
        sum += ws.get(base + c) * xs.get(c);
      }
      ys.put(r, epilogue.apply(b == null ? sum : sum + b.get(r)));
    }
  }

  @Override
  public void gemvBlas(DenseOperand w, int rowBegin, int rowEnd, AlignedBuffer x,
      AlignedBuffer bias, AlignedBuffer y, Epilogue epilogue) {
    gemv(w, rowBegin, rowEnd, x, bias, y, epilogue);
  }

  @Override
  public void gemm(DenseOperand w, int rowBegin, int rowEnd, AlignedBuffer x, int batch,
      AlignedBuffer bias, AlignedBuffer y, Epilogue epilogue) {
    int cols = w.cols();
    denseBatch(w.weights().floatView(), r -> r * cols, 1, cols, rowBegin, rowEnd, x, batch,
        bias, y, epilogue);
  }

  @Override
  public void gemmPacked(PackedOperand w, int rowBegin, int rowEnd, AlignedBuffer x, int batch,
      AlignedBuffer bias, AlignedBuffer y, Epilogue epilogue) {
    int cols = w.cols();
    denseBatch(w.panels().floatView(), r -> (int) PackedOperand.index(r, 0, cols),
        PackedOperand.PANEL_ROWS, cols, rowBegin, rowEnd, x, batch, bias, y, epilogue);
  }

  /**
   * Dense rows times a feature-major batch; row {@code r}'s weight of column {@code c} is at
   * {@code rowStart(r) + c * colStride}. Per row, the batch is the inner loop: one weight times
   * a contiguous run of x, which the JIT vectorises once x is a heap array (bulk-copied once
   * per call).
   */
  private static void denseBatch(FloatBuffer ws, IntUnaryOperator rowStart, int colStride,
      int cols, int rowBegin, int rowEnd, AlignedBuffer x, int batch, AlignedBuffer bias,
      AlignedBuffer y, Epilogue epilogue) {
    FloatBuffer ys = y.floatView();
    FloatBuffer biasView = bias == null ? null : bias.floatView();
    float[] xa = new float[cols * batch];
    x.floatView().get(0, xa);
    float[] acc = new float[batch];
    for (int r = rowBegin; r < rowEnd; r++) {
      java.util.Arrays.fill(acc, 0f);
      int base = rowStart.applyAsInt(r);
      for (int c = 0; c < cols; c++) {
        float v = ws.get(base + c * colStride);
        int xBase = c * batch;
        for (int j = 0; j < batch; j++) {
          acc[j] += v * xa[xBase + j];
        }
      }
      store(acc, r, batch, biasView, ys, epilogue);
    }
  }

  @Override
  public void gemmBlas(DenseOperand w, int rowBegin, int rowEnd, AlignedBuffer x, int batch,
      AlignedBuffer bias, AlignedBuffer y, Epilogue epilogue) {
    gemm(w, rowBegin, rowEnd, x, batch, bias, y, epilogue);
  }

  @Override
  public void spmvCsc(CscOperand a, int rowBegin, int rowEnd, AlignedBuffer x,
      AlignedBuffer bias, AlignedBuffer y, Epilogue epilogue) {
    spmmCsc(a, rowBegin, rowEnd, x, 1, bias, y, epilogue);
  }

  /**
   * Panel by panel, the columns in order, skipping a column whose inputs are all zero, each
   * column's nonzeros added into their rows: each row sums its terms in column order, as the
   * native kernels do.
   */
  @Override
  public void spmmCsc(CscOperand a, int rowBegin, int rowEnd, AlignedBuffer x, int batch,
      AlignedBuffer bias, AlignedBuffer y, Epilogue epilogue) {
    IntBuffer colPtr = a.colPointers().intView();
    ShortBuffer offsets = a.rowOffsets().shortView();
    FloatBuffer values = a.values().floatView();
    FloatBuffer ys = y.floatView();
    FloatBuffer biasView = bias == null ? null : bias.floatView();
    int cols = a.cols();
    float[] xa = new float[cols * batch];
    x.floatView().get(0, xa);
    boolean[] zero = new boolean[cols];
    for (int c = 0; c < cols; c++) {
      zero[c] = true;
      for (int j = 0; j < batch; j++) {
        zero[c] &= xa[c * batch + j] == 0f;
      }
    }
    float[] acc = new float[Math.max(0, rowEnd - rowBegin) * batch];
    int panelRows = a.panelRows();
    for (int p = rowBegin / panelRows; p * (long) panelRows < rowEnd; p++) {
      int first = p * panelRows;
      for (int c = 0; c < cols; c++) {
        if (zero[c]) {
          continue;
        }
        for (int k = colPtr.get(p * cols + c), end = colPtr.get(p * cols + c + 1); k < end;
            k++) {
          int r = first + Short.toUnsignedInt(offsets.get(k));
          if (r < rowBegin || r >= rowEnd) {
            continue;
          }
          float v = values.get(k);
          int out = (r - rowBegin) * batch;
          for (int j = 0; j < batch; j++) {
            acc[out + j] += v * xa[c * batch + j];
          }
        }
      }
    }
    float[] row = new float[batch];
    for (int r = rowBegin; r < rowEnd; r++) {
      System.arraycopy(acc, (r - rowBegin) * batch, row, 0, batch);
      store(row, r, batch, biasView, ys, epilogue);
    }
  }

  private static void store(float[] acc, int row, int batch, FloatBuffer bias, FloatBuffer ys,
      Epilogue epilogue) {
    float b = bias == null ? 0f : bias.get(row);
    int base = row * batch;
    for (int j = 0; j < batch; j++) {
      ys.put(base + j, epilogue.apply(bias == null ? acc[j] : acc[j] + b));
    }
  }

  @Override
  public void transpose(int rows, int cols, AlignedBuffer src, AlignedBuffer dst) {
    FloatBuffer from = src.floatView();
    FloatBuffer to = dst.floatView();
    for (int r = 0; r < rows; r++) {
      int base = r * cols;
      for (int c = 0; c < cols; c++) {
        to.put(c * rows + r, from.get(base + c));
      }
    }
  }

  @Override
  public void softmax(int features, int batch, AlignedBuffer x, AlignedBuffer y) {
    FloatBuffer xs = x.floatView();
    FloatBuffer ys = y.floatView();
    for (int j = 0; j < batch; j++) {
      float max = Float.NEGATIVE_INFINITY;
      for (int f = 0; f < features; f++) {
        max = Math.max(max, xs.get(f * batch + j));
      }
      float sum = 0f;
      for (int f = 0; f < features; f++) {
        float e = (float) Math.exp(xs.get(f * batch + j) - max);
        ys.put(f * batch + j, e);
        sum += e;
      }
      float inverse = 1f / sum;
      for (int f = 0; f < features; f++) {
        ys.put(f * batch + j, ys.get(f * batch + j) * inverse);
      }
    }
  }

  @Override
  public String toString() {
    return name();
  }

  @Override
  public void spmvNm(NmOperand a, int rowBegin, int rowEnd, AlignedBuffer x, AlignedBuffer bias,
      AlignedBuffer y, Epilogue epilogue) {
    spmmNm(a, rowBegin, rowEnd, x, 1, bias, y, epilogue);
  }

  @Override
  public void spmmNm(NmOperand a, int rowBegin, int rowEnd, AlignedBuffer x, int batch,
      AlignedBuffer bias, AlignedBuffer y, Epilogue epilogue) {
    java.nio.ByteBuffer offsets = a.offsets().byteView();
    FloatBuffer values = a.values().floatView();
    FloatBuffer xs = x.floatView();
    FloatBuffer ys = y.floatView();
    FloatBuffer biasView = bias == null ? null : bias.floatView();
    int slots = a.rowSlots();
    int window = a.window();
    float[] acc = new float[batch];
    for (int r = rowBegin; r < rowEnd; r++) {
      java.util.Arrays.fill(acc, 0f);
      int row = r * slots;
      for (int k = 0; k < slots; k++) {
        float v = values.get(row + k);
        if (v == 0f) {
          continue; // padding: its input is never multiplied
        }
        int col = k / NmOperand.BLOCK_SLOTS * window + Byte.toUnsignedInt(offsets.get(row + k));
        int base = col * batch;
        for (int j = 0; j < batch; j++) {
          acc[j] += v * xs.get(base + j);
        }
      }
      store(acc, r, batch, biasView, ys, epilogue);
    }
  }

  /**
   * The gate math in fp32 with sigmoid and tanh as {@link ActivationFunction} computes them
   * (through double, rounded once): the formulas of the native scalar kernel, term for term.
   */
  @Override
  public void gates(GateCell cell, int hidden, int batch, AlignedBuffer projected,
      long projectedOffset, int projectedStride, AlignedBuffer product, AlignedBuffer h,
      AlignedBuffer c, AlignedBuffer out, long outOffset, int outStride,
      ActivationFunction activation) {
    FloatBuffer ps = projected.floatView();
    FloatBuffer qs = product.floatView();
    FloatBuffer hs = h.floatView();
    FloatBuffer cs = c == null ? null : c.floatView();
    FloatBuffer os = out == null ? null : out.floatView();
    int gate = hidden * projectedStride;
    int productGate = hidden * batch;
    for (int j = 0; j < hidden; j++) {
      for (int b = 0; b < batch; b++) {
        int p = (int) projectedOffset + j * projectedStride + b;
        int q = j * batch + b;
        int s = j * batch + b;
        int o = (int) outOffset + j * outStride + b;
        float next;
        switch (cell) {
          case LSTM -> {
            float in = sigmoid(ps.get(p) + qs.get(q));
            float og = sigmoid(ps.get(p + gate) + qs.get(q + productGate));
            float forget = sigmoid(ps.get(p + 2 * gate) + qs.get(q + 2 * productGate));
            float candidate = tanh(ps.get(p + 3 * gate) + qs.get(q + 3 * productGate));
            float cell1 = forget * cs.get(s) + in * candidate;
            cs.put(s, cell1);
            next = og * tanh(cell1);
          }
          case GRU -> {
            float z = sigmoid(ps.get(p) + qs.get(q));
            float r = sigmoid(ps.get(p + gate) + qs.get(q + productGate));
            float candidate = tanh(ps.get(p + 2 * gate) + r * qs.get(q + 2 * productGate));
            next = (1f - z) * candidate + z * hs.get(s);
          }
          case GRU_RESET -> {
            float z = sigmoid(ps.get(p) + qs.get(q));
            float r = sigmoid(ps.get(p + gate) + qs.get(q + productGate));
            cs.put(s, z);
            if (os != null) {
              os.put(o, r * hs.get(s));
            }
            continue;
          }
          case GRU_CANDIDATE -> {
            float z = cs.get(s);
            float candidate = tanh(ps.get(p + 2 * gate) + qs.get(q));
            next = (1f - z) * candidate + z * hs.get(s);
          }
          case RNN -> next = activation.apply(ps.get(p) + qs.get(q), 0f);
          default -> throw new AssertionError(cell);
        }
        hs.put(s, next);
        if (os != null) {
          os.put(o, next);
        }
      }
    }
  }

  private static float sigmoid(float x) {
    return ActivationFunction.SIGMOID.apply(x, 0f);
  }

  private static float tanh(float x) {
    return ActivationFunction.TANH.apply(x, 0f);
  }

  @Override
  public void spmvSell(SellOperand a, int rowBegin, int rowEnd, AlignedBuffer x,
      AlignedBuffer bias, AlignedBuffer y, Epilogue epilogue) {
    spmmSell(a, rowBegin, rowEnd, x, 1, bias, y, epilogue);
  }

  /**
   * Per lane, over its slots in order (column order), a zero lane skipped before its input is
   * read: the native scalar kernel's loop, with the batch innermost.
   */
  @Override
  public void spmmSell(SellOperand a, int rowBegin, int rowEnd, AlignedBuffer x, int batch,
      AlignedBuffer bias, AlignedBuffer y, Epilogue epilogue) {
    int lanes = SellOperand.SLICE_LANES;
    IntBuffer laneRows = a.laneRows().intView();
    IntBuffer sliceSlots = a.sliceSlots().intView();
    java.nio.ByteBuffer windowSlots = a.windowSlots().byteView();
    java.nio.ByteBuffer offsets = a.offsets().byteView();
    FloatBuffer values = a.values().floatView();
    FloatBuffer xs = x.floatView();
    FloatBuffer ys = y.floatView();
    FloatBuffer biasView = bias == null ? null : bias.floatView();
    int windows = a.windows();
    float[] acc = new float[batch];
    for (int s = rowBegin / lanes; s * lanes < rowEnd; s++) {
      for (int l = 0; l < lanes; l++) {
        int lane = s * lanes + l;
        int row = laneRows.get(lane);
        if (lane >= rowEnd || row < 0) {
          continue;
        }
        java.util.Arrays.fill(acc, 0f);
        int k = sliceSlots.get(s);
        for (int w = 0; w < windows; w++) {
          int base = w * SellOperand.WINDOW;
          for (int t = Byte.toUnsignedInt(windowSlots.get(s * windows + w)); t > 0; t--, k++) {
            float v = values.get(lanes * k + l);
            if (v == 0f) {
              continue; // padding: its input is never multiplied
            }
            int col = base + Byte.toUnsignedInt(offsets.get(lanes * k + l));
            for (int j = 0; j < batch; j++) {
              acc[j] += v * xs.get(col * batch + j);
            }
          }
        }
        store(acc, row, batch, biasView, ys, epilogue);
      }
    }
  }
}
