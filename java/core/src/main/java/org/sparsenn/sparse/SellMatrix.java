package org.sparsenn.sparse;

import java.util.Arrays;
import java.util.Objects;
import org.sparsenn.kernel.AlignedBuffer;
import org.sparsenn.kernel.SellOperand;

/**
 * An fp32 matrix in sliced ELL over input windows ({@link SellOperand}, the {@code sell}
 * layout), off-heap (64-byte aligned, sealed) and owned: {@link #close()} frees it; use after
 * close throws {@link IllegalStateException}.
 *
 * <p>For unstructured sparse weights at batch 1: the kernels run 16 rows side by side, one SIMD
 * lane each, and pick each slot's 16 inputs out of a 64-input window of x with permutes, so a
 * nonzero costs a vector lane instead of a scalar load of x. A slice pads each window to its
 * fullest row, so {@link #fromDense} orders rows by nonzero count (descending, ties by row)
 * within aligned groups of {@link #GROUP_ROWS}: a slice's rows then need similar slot counts,
 * and a lane range aligned to a group covers exactly the same rows (threads split there).
 * Lanes {@code [0, rows)} hold the rows; the lanes after them (in the last slice) hold none.
 * Exact zeros are not stored; every other weight is, exactly.
 */
public final class SellMatrix implements SellOperand, WeightMatrix {
  /**
   * Most columns the layout takes: the kernels count windows as {@code (cols + 63) / 64} in
   * int32.
   */
  public static final int MAX_COLUMNS = Integer.MAX_VALUE - (WINDOW - 1);

  /** Most rows the layout takes: lane indices ({@code slices * 16}) are int32. */
  public static final int MAX_ROWS = Integer.MAX_VALUE - (SLICE_LANES - 1);

  private final int rows;
  private final int cols;
  private final int slices;
  private final int windows;
  private final int slots;
  private final long nonzeros;
  private final AlignedBuffer laneRows;
  private final AlignedBuffer sliceSlots;
  private final AlignedBuffer windowSlots;
  private final AlignedBuffer offsets;
  private final AlignedBuffer values;

  private SellMatrix(int rows, int cols, int slots, long nonzeros, AlignedBuffer laneRows,
      AlignedBuffer sliceSlots, AlignedBuffer windowSlots, AlignedBuffer offsets,
      AlignedBuffer values) {
    this.rows = rows;
    this.cols = cols;
    this.slices = slices(rows);
    this.windows = windows(cols);
    this.slots = slots;
    this.nonzeros = nonzeros;
    this.laneRows = laneRows;
    this.sliceSlots = sliceSlots;
    this.windowSlots = windowSlots;
    this.offsets = offsets;
    this.values = values;
  }

  /**
   * The row-major {@code rows x cols} {@code weights}, every weight that is not an exact zero
   * (+0 or -0) kept.
   *
   * @throws IllegalArgumentException if the shape is negative, disagrees with the array or is
   *     larger than {@link #MAX_ROWS} x {@link #MAX_COLUMNS}, or the layout would exceed the
   *     largest buffer
   */
  public static SellMatrix fromDense(float[] weights, int rows, int cols) {
    Layout layout = Layout.of(weights, rows, cols);
    int windows = windows(cols);
    int[] laneRows = layout.laneRows;
    int[] sliceSlots = layout.sliceSlots;
    byte[] windowSlots = layout.windowSlots;
    int slots = layout.slots();
    byte[] offsets = new byte[SLICE_LANES * slots];
    float[] values = new float[SLICE_LANES * slots];
    int[] windowFirstSlot = new int[windows];
    for (int s = 0; s < slices(rows); s++) {
      for (int w = 0, k = sliceSlots[s]; w < windows; w++) {
        windowFirstSlot[w] = k;
        k += Byte.toUnsignedInt(windowSlots[s * windows + w]);
      }
      for (int l = 0; l < SLICE_LANES; l++) {
        int row = laneRows[s * SLICE_LANES + l];
        if (row < 0) {
          continue;
        }
        int base = row * cols;
        for (int w = 0; w < windows; w++) {
          int first = w * WINDOW;
          int k = windowFirstSlot[w];
          for (int c = first, end = Math.min(cols, first + WINDOW); c < end; c++) {
            float v = weights[base + c];
            if (v != 0f) {
              offsets[SLICE_LANES * k + l] = (byte) (c - first);
              values[SLICE_LANES * k + l] = v;
              k++;
            }
          }
        }
      }
    }
    return of(rows, cols, laneRows, sliceSlots, windowSlots, offsets, values);
  }

  /**
   * A matrix from its arrays (laid out as {@link SellOperand} describes), copied off-heap after
   * every invariant is checked: the array lengths, {@code sliceSlots} non-decreasing from 0,
   * each {@code windowSlots} entry at most 64 and a slice's entries summing to its slots, every
   * lane's column (padding included) below {@code cols}, and {@code laneRows} holding each row
   * exactly once, lane {@code i} a row of {@code i}'s group of {@link #GROUP_ROWS} for
   * {@code i < rows} and -1 for the lanes after.
   *
   * @throws IllegalArgumentException naming the first invariant that does not hold
   */
  public static SellMatrix of(int rows, int cols, int[] laneRows, int[] sliceSlots,
      byte[] windowSlots, byte[] offsets, float[] values) {
    Objects.requireNonNull(laneRows, "laneRows");
    Objects.requireNonNull(sliceSlots, "sliceSlots");
    Objects.requireNonNull(windowSlots, "windowSlots");
    Objects.requireNonNull(offsets, "offsets");
    Objects.requireNonNull(values, "values");
    checkShape(rows, cols);
    int slices = slices(rows);
    int windows = windows(cols);
    requireLength("laneRows", laneRows.length, (long) slices * SLICE_LANES);
    requireLength("sliceSlots", sliceSlots.length, slices + 1L);
    requireLength("windowSlots", windowSlots.length, (long) slices * windows);
    if (sliceSlots[0] != 0) {
      throw new IllegalArgumentException("sliceSlots[0] is " + sliceSlots[0] + ", not 0");
    }
    for (int s = 0; s < slices; s++) {
      if (sliceSlots[s + 1] < sliceSlots[s]) {
        throw new IllegalArgumentException("sliceSlots decreases at slice " + s + ": "
            + sliceSlots[s] + " then " + sliceSlots[s + 1]);
      }
    }
    int slots = sliceSlots[slices];
    checkSlots(rows, cols, slots);
    requireLength("offsets", offsets.length, (long) SLICE_LANES * slots);
    requireLength("values", values.length, (long) SLICE_LANES * slots);
    checkLaneRows(rows, laneRows);
    for (int s = 0; s < slices; s++) {
      long sum = 0;
      for (int w = 0; w < windows; w++) {
        int count = Byte.toUnsignedInt(windowSlots[s * windows + w]);
        if (count > WINDOW) {
          throw new IllegalArgumentException("slice " + s + " has " + count
              + " slots in window " + w + ", more than " + WINDOW);
        }
        sum += count;
      }
      if (sum != sliceSlots[s + 1] - sliceSlots[s]) {
        throw new IllegalArgumentException("the window slots of slice " + s + " sum to " + sum
            + ", its sliceSlots say " + (sliceSlots[s + 1] - sliceSlots[s]));
      }
      int k = sliceSlots[s];
      for (int w = 0; w < windows; w++) {
        int limit = Math.min(WINDOW, cols - w * WINDOW);
        for (int end = k + Byte.toUnsignedInt(windowSlots[s * windows + w]); k < end; k++) {
          for (int l = 0; l < SLICE_LANES; l++) {
            int offset = Byte.toUnsignedInt(offsets[SLICE_LANES * k + l]);
            if (offset >= limit) {
              throw new IllegalArgumentException("slot " + k + " lane " + l + " of slice " + s
                  + " reads column " + ((long) w * WINDOW + offset) + " of " + cols);
            }
          }
        }
      }
    }
    long nonzeros = 0;
    for (float v : values) {
      if (v != 0f) {
        nonzeros++;
      }
    }
    AlignedBuffer[] buffers = new AlignedBuffer[5];
    try {
      buffers[0] = AlignedBuffer.copyOf(laneRows).seal();
      buffers[1] = AlignedBuffer.copyOf(sliceSlots).seal();
      buffers[2] = AlignedBuffer.allocate(windowSlots.length);
      buffers[2].putBytes(0, windowSlots);
      buffers[2].seal();
      buffers[3] = AlignedBuffer.allocate(offsets.length);
      buffers[3].putBytes(0, offsets);
      buffers[3].seal();
      buffers[4] = AlignedBuffer.copyOf(values).seal();
      return new SellMatrix(rows, cols, slots, nonzeros, buffers[0], buffers[1], buffers[2],
          buffers[3], buffers[4]);
    } catch (RuntimeException | Error e) {
      for (AlignedBuffer buffer : buffers) {
        if (buffer != null) {
          buffer.close();
        }
      }
      throw e;
    }
  }

  /**
   * Slots of the layout {@link #fromDense} builds for these weights: 16 lanes each, the work of
   * one pass.
   *
   * @throws IllegalArgumentException as {@link #fromDense} does
   */
  public static long countSlots(float[] weights, int rows, int cols) {
    return Layout.of(weights, rows, cols).slots();
  }

  /**
   * The slots expected for a {@code rows x cols} layer whose nonzeros fall independently at
   * random with probability {@code density}: per slice and window, the expected largest of the
   * slice's row counts, each Binomial(window columns, density), computed from the exact
   * binomial distribution. An estimate: real weights are not uniformly random, and the sort by
   * row length lowers the padding, which this leaves out: measured on random layers, it is
   * within 10% of the built layout from about four windows (256 inputs) and 2% density up, and
   * high on narrow or very sparse layers (up to 2x on one window at 1% density), where the sort
   * packs the few nonzeros into fewer slices.
   *
   * @throws IllegalArgumentException if the shape is negative or the density is not in [0, 1]
   */
  public static double expectedSlots(int rows, int cols, double density) {
    if (rows < 0 || cols < 0) {
      throw new IllegalArgumentException("negative shape " + rows + " x " + cols);
    }
    if (!(density >= 0 && density <= 1)) {
      throw new IllegalArgumentException("density " + density + " is not in [0, 1]");
    }
    long fullSlices = rows / SLICE_LANES;
    int tailLanes = rows % SLICE_LANES;
    long fullWindows = cols / WINDOW;
    int tailColumns = cols % WINDOW;
    double slots = 0;
    for (int lanes : new int[] {SLICE_LANES, tailLanes}) {
      long sliceCount = lanes == SLICE_LANES ? fullSlices : (tailLanes > 0 ? 1 : 0);
      if (lanes == 0 || sliceCount == 0) {
        continue;
      }
      slots += sliceCount * fullWindows * expectedMax(lanes, WINDOW, density);
      if (tailColumns > 0) {
        slots += sliceCount * expectedMax(lanes, tailColumns, density);
      }
    }
    return slots;
  }

  /** E[max of {@code lanes} independent Binomial(columns, density)] = sum_k P(max > k). */
  private static double expectedMax(int lanes, int columns, double density) {
    if (density == 0) {
      return 0;
    }
    if (density == 1) {
      return columns;
    }
    double ratio = density / (1 - density);
    double pmf = Math.pow(1 - density, columns);
    double cdf = 0;
    double expected = 0;
    for (int k = 0; k < columns; k++) {
      cdf = Math.min(1, cdf + pmf);
      expected += 1 - Math.pow(cdf, lanes);
      pmf *= ratio * (columns - k) / (k + 1);
    }
    return expected;
  }

  /**
   * Bytes of a {@code rows x cols} layout of {@code slots} slots, every array the kernels read
   * (lane rows, slice and window slot counts, a float and a byte per lane of a slot): what
   * {@link #storageBytes()} reports.
   */
  public static long storageBytes(int rows, int cols, long slots) {
    long slices = slices(rows);
    return slices * SLICE_LANES * Integer.BYTES + (slices + 1) * Integer.BYTES
        + slices * windows(cols) + slots * SLICE_LANES * (Float.BYTES + 1);
  }

  /** A copy of the weights, row-major. */
  public float[] toArray() {
    int[] lanes = new int[slices * SLICE_LANES];
    int[] first = new int[slices + 1];
    byte[] counts = new byte[slices * windows];
    byte[] o = new byte[SLICE_LANES * slots];
    float[] v = new float[SLICE_LANES * slots];
    laneRows.getInts(0, lanes);
    sliceSlots.getInts(0, first);
    windowSlots.getBytes(0, counts);
    offsets.getBytes(0, o);
    values.getFloats(0, v);
    float[] out = new float[rows * cols];
    for (int s = 0; s < slices; s++) {
      int k = first[s];
      for (int w = 0; w < windows; w++) {
        for (int t = Byte.toUnsignedInt(counts[s * windows + w]); t > 0; t--, k++) {
          for (int l = 0; l < SLICE_LANES; l++) {
            int row = lanes[s * SLICE_LANES + l];
            float value = v[SLICE_LANES * k + l];
            if (row >= 0 && value != 0f) {
              out[row * cols + w * WINDOW + Byte.toUnsignedInt(o[SLICE_LANES * k + l])] = value;
            }
          }
        }
      }
    }
    return out;
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
  public int slices() {
    return slices;
  }

  @Override
  public int windows() {
    return windows;
  }

  @Override
  public int slots() {
    return slots;
  }

  @Override
  public AlignedBuffer laneRows() {
    return laneRows;
  }

  @Override
  public AlignedBuffer sliceSlots() {
    return sliceSlots;
  }

  @Override
  public AlignedBuffer windowSlots() {
    return windowSlots;
  }

  @Override
  public AlignedBuffer offsets() {
    return offsets;
  }

  @Override
  public AlignedBuffer values() {
    return values;
  }

  /** The lanes of every slot, padding included: what the kernels walk in one pass. */
  @Override
  public long storedWeights() {
    return (long) SLICE_LANES * slots;
  }

  @Override
  public long storageBytes() {
    return storageBytes(rows, cols, slots);
  }

  @Override
  public boolean isClosed() {
    return values.isClosed();
  }

  @Override
  public void close() {
    laneRows.close();
    sliceSlots.close();
    windowSlots.close();
    offsets.close();
    values.close();
  }

  @Override
  public String toString() {
    return "SellMatrix[" + rows + " x " + cols + ", " + slots + " slots]";
  }

  static int slices(int rows) {
    return (int) ((rows + (long) SLICE_LANES - 1) / SLICE_LANES);
  }

  static int windows(int cols) {
    return (int) ((cols + (long) WINDOW - 1) / WINDOW);
  }

  private static void checkShape(int rows, int cols) {
    if (rows < 0 || cols < 0 || rows > MAX_ROWS || cols > MAX_COLUMNS) {
      throw new IllegalArgumentException("a sell matrix is at most " + MAX_ROWS + " x "
          + MAX_COLUMNS + ", not " + rows + " x " + cols);
    }
    if ((long) slices(rows) * windows(cols) > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("a sell layout of a " + rows + " x " + cols
          + " matrix has more than " + Integer.MAX_VALUE + " slices x windows");
    }
  }

  private static void checkSlots(int rows, int cols, long slots) {
    if (slots * SLICE_LANES * Float.BYTES > AlignedBuffer.MAX_BYTES) {
      throw new IllegalArgumentException("a sell layout of a " + rows + " x " + cols
          + " matrix needs " + slots + " slots of 16 lanes, more than one buffer holds");
    }
  }

  private static void requireLength(String name, int length, long expected) {
    if (length != expected) {
      throw new IllegalArgumentException(name + " has " + length + " entries, expected "
          + expected);
    }
  }

  /** Lane i < rows holds a row of its own group, each row once; the lanes after hold -1. */
  private static void checkLaneRows(int rows, int[] laneRows) {
    boolean[] seen = new boolean[rows];
    for (int lane = 0; lane < laneRows.length; lane++) {
      int row = laneRows[lane];
      if (lane >= rows) {
        if (row != -1) {
          throw new IllegalArgumentException("lane " + lane + " is past the " + rows
              + " rows but holds row " + row + ", not -1");
        }
        continue;
      }
      int group = lane / GROUP_ROWS * GROUP_ROWS;
      if (row < group || row >= Math.min(rows, group + GROUP_ROWS)) {
        throw new IllegalArgumentException("lane " + lane + " holds row " + row
            + ", outside its group of rows [" + group + ", "
            + Math.min(rows, group + GROUP_ROWS) + ")");
      }
      if (seen[row]) {
        throw new IllegalArgumentException("row " + row + " is in two lanes");
      }
      seen[row] = true;
    }
  }

  /** Where the rows go and how many slots each slice and window needs. */
  private record Layout(int[] laneRows, int[] sliceSlots, byte[] windowSlots) {
    int slots() {
      return sliceSlots[sliceSlots.length - 1];
    }

    static Layout of(float[] weights, int rows, int cols) {
      Objects.requireNonNull(weights, "weights");
      if (rows < 0 || cols < 0 || (long) rows * cols != weights.length) {
        throw new IllegalArgumentException("dense matrix has " + weights.length
            + " entries, expected rows * cols = " + rows + " * " + cols);
      }
      checkShape(rows, cols);
      int slices = slices(rows);
      int windows = windows(cols);
      int[] laneRows = new int[slices * SLICE_LANES];
      Arrays.fill(laneRows, -1);
      long[] keys = new long[Math.min(rows, GROUP_ROWS)];
      for (int group = 0; group < rows; group += GROUP_ROWS) {
        int n = Math.min(GROUP_ROWS, rows - group);
        for (int i = 0; i < n; i++) {
          int row = group + i;
          int nonzeros = 0;
          for (int c = row * cols, end = c + cols; c < end; c++) {
            if (weights[c] != 0f) {
              nonzeros++;
            }
          }
          // ascending keys: most nonzeros first, then by row (a stable sort)
          keys[i] = (long) (cols - nonzeros) << 32 | row;
        }
        Arrays.sort(keys, 0, n);
        for (int i = 0; i < n; i++) {
          laneRows[group + i] = (int) keys[i];
        }
      }
      int[] sliceSlots = new int[slices + 1];
      byte[] windowSlots = new byte[slices * windows];
      int[] most = new int[windows];
      int[] count = new int[windows];
      long slots = 0;
      for (int s = 0; s < slices; s++) {
        Arrays.fill(most, 0);
        for (int l = 0; l < SLICE_LANES; l++) {
          int row = laneRows[s * SLICE_LANES + l];
          if (row < 0) {
            continue;
          }
          Arrays.fill(count, 0);
          for (int c = 0, base = row * cols; c < cols; c++) {
            if (weights[base + c] != 0f) {
              count[c / WINDOW]++;
            }
          }
          for (int w = 0; w < windows; w++) {
            most[w] = Math.max(most[w], count[w]);
          }
        }
        for (int w = 0; w < windows; w++) {
          windowSlots[s * windows + w] = (byte) most[w];
          slots += most[w];
        }
        checkSlots(rows, cols, slots);
        sliceSlots[s + 1] = (int) slots;
      }
      return new Layout(laneRows, sliceSlots, windowSlots);
    }
  }
}
