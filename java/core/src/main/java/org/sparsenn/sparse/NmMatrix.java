package org.sparsenn.sparse;

import java.util.Objects;
import org.sparsenn.kernel.AlignedBuffer;
import org.sparsenn.kernel.NmOperand;

/**
 * An fp32 matrix in the N:M semi-structured layout ({@link NmOperand}), off-heap (64-byte
 * aligned, sealed) and owned: {@link #close()} frees it; use after close throws
 * {@link IllegalStateException}.
 *
 * <p>Built from dense weights that follow a pattern {@code n:m} ({@link NmPattern}): the
 * {@code n} slots of group {@code g} of a row are {@code g * n .. g * n + n - 1}, holding the
 * group's nonzeros in column order, then zero slots; the row is padded with zero slots to a
 * multiple of 16. So each 16-slot block covers the {@code 16 m / n} inputs from
 * {@code block * window}, and an offset fits in a byte. Zero weights are not stored: like CSR,
 * the kernels never multiply an input by a zero weight. Storage is 5 bytes per slot.
 */
public final class NmMatrix implements NmOperand, WeightMatrix {
  private final int rows;
  private final int cols;
  private final NmPattern pattern;
  private final int rowSlots;
  private final long nonzeros;
  private final AlignedBuffer offsets;
  private final AlignedBuffer values;

  private NmMatrix(int rows, int cols, NmPattern pattern, int rowSlots, long nonzeros,
      AlignedBuffer offsets, AlignedBuffer values) {
    this.rows = rows;
    this.cols = cols;
    this.pattern = pattern;
    this.rowSlots = rowSlots;
    this.nonzeros = nonzeros;
    this.offsets = offsets;
    this.values = values;
  }

  /**
   * The row-major {@code rows x cols} {@code weights} in the sparsest layout that holds them
   * ({@link NmPattern#tightest}; 16:16, every weight, when no sparse pattern does).
   *
   * @throws IllegalArgumentException if the shape is negative or disagrees with the array, or
   *     the layout would exceed the largest buffer
   */
  public static NmMatrix fromDense(float[] weights, int rows, int cols) {
    return fromDense(weights, rows, cols, NmPattern.tightest(weights, rows, cols));
  }

  /**
   * The row-major {@code rows x cols} {@code weights} in the layout of {@code pattern}.
   *
   * @throws IllegalArgumentException if the shape is negative or disagrees with the array, a
   *     group of some row holds more than {@code pattern.n()} nonzeros (naming the row and
   *     group), or the layout would exceed the largest buffer
   */
  public static NmMatrix fromDense(float[] weights, int rows, int cols, NmPattern pattern) {
    Objects.requireNonNull(weights, "weights");
    Objects.requireNonNull(pattern, "pattern");
    if (rows < 0 || cols < 0 || (long) rows * cols != weights.length) {
      throw new IllegalArgumentException("dense matrix has " + weights.length
          + " entries, expected rows * cols = " + rows + " * " + cols);
    }
    long rowSlots = pattern.rowSlots(cols);
    long slots = rowSlots * rows;
    if (slots * Float.BYTES > AlignedBuffer.MAX_BYTES) {
      throw new IllegalArgumentException("an " + pattern + " layout of a " + rows + " x " + cols
          + " matrix needs " + slots + " slots, more than one buffer holds");
    }
    int n = pattern.n();
    int m = pattern.m();
    int window = pattern.window();
    byte[] rowOffsets = new byte[(int) rowSlots];
    float[] rowValues = new float[(int) rowSlots];
    long nonzeros = 0;
    AlignedBuffer offsets = AlignedBuffer.allocate(slots);
    AlignedBuffer values = null;
    try {
      values = AlignedBuffer.allocateFloats(slots);
      for (int r = 0; r < rows; r++) {
        java.util.Arrays.fill(rowOffsets, (byte) 0);
        java.util.Arrays.fill(rowValues, 0f);
        int base = r * cols;
        for (int g = 0, group = 0; g < cols; g += m, group++) {
          int used = 0;
          for (int c = g, end = Math.min(cols, g + m); c < end; c++) {
            float w = weights[base + c];
            if (w == 0f) {
              continue;
            }
            if (used == n) {
              throw new IllegalArgumentException("row " + r + " has more than " + n
                  + " nonzeros in inputs " + g + ".." + (end - 1) + ": not " + pattern);
            }
            int slot = group * n + used++;
            rowOffsets[slot] = (byte) (c - slot / BLOCK_SLOTS * window);
            rowValues[slot] = w;
            nonzeros++;
          }
        }
        offsets.putBytes((int) (r * rowSlots), rowOffsets);
        values.putFloats((int) (r * rowSlots), rowValues);
      }
      return new NmMatrix(rows, cols, pattern, (int) rowSlots, nonzeros, offsets.seal(),
          values.seal());
    } catch (RuntimeException | Error e) {
      offsets.close();
      if (values != null) {
        values.close();
      }
      throw e;
    }
  }

  /** A copy of the weights, row-major. */
  public float[] toArray() {
    byte[] o = new byte[rowSlots];
    float[] v = new float[rowSlots];
    float[] out = new float[rows * cols];
    for (int r = 0; r < rows; r++) {
      offsets.getBytes(r * rowSlots, o);
      values.getFloats(r * rowSlots, v);
      for (int k = 0; k < rowSlots; k++) {
        if (v[k] != 0f) {
          out[r * cols + k / BLOCK_SLOTS * window() + Byte.toUnsignedInt(o[k])] = v[k];
        }
      }
    }
    return out;
  }

  /** The pattern the layout was built for. */
  public NmPattern pattern() {
    return pattern;
  }

  /** Nonzero weights stored. */
  public long nonzeros() {
    return nonzeros;
  }

  @Override
  public int rows() {
    return rows;
  }

  @Override
  public int cols() {
    return cols;
  }

  @Override
  public int window() {
    return pattern.window();
  }

  @Override
  public int rowSlots() {
    return rowSlots;
  }

  @Override
  public AlignedBuffer offsets() {
    return offsets;
  }

  @Override
  public AlignedBuffer values() {
    return values;
  }

  /** Slots of a {@code rows x cols} layout of {@code pattern}: what the kernels work through. */
  public static long storedSlots(int rows, int cols, NmPattern pattern) {
    return pattern.rowSlots(cols) * rows;
  }

  /**
   * Bytes of a {@code rows x cols} layout of {@code pattern} (a float and a byte per slot):
   * what {@link #storageBytes()} reports.
   */
  public static long storageBytes(int rows, int cols, NmPattern pattern) {
    return storedSlots(rows, cols, pattern) * (Float.BYTES + 1);
  }

  /** The slots, padding included: the work of one pass. */
  @Override
  public long storedWeights() {
    return storedSlots(rows, cols, pattern);
  }

  @Override
  public long storageBytes() {
    return storageBytes(rows, cols, pattern);
  }

  @Override
  public boolean isClosed() {
    return values.isClosed();
  }

  @Override
  public void close() {
    offsets.close();
    values.close();
  }

  @Override
  public String toString() {
    return "NmMatrix[" + rows + " x " + cols + ", " + pattern + "]";
  }
}
