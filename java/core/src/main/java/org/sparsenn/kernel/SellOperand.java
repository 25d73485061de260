package org.sparsenn.kernel;

/**
 * An unstructured sparse matrix in sliced ELL over input windows (the {@code sell} layout of the
 * native header), as the kernels see it. Rows go {@link #SLICE_LANES} to a slice, one SIMD lane
 * per row; inputs go in windows of {@link #WINDOW} columns. Per slice and window, lane
 * {@code l} of slot {@code t} holds the {@code t}-th nonzero of the lane's row in that window (its
 * value and its column minus the window's first column, a uint8), or a zero value and offset 0
 * where the row has fewer. With {@code slices = ceil(rows / 16)} and
 * {@code windows = ceil(cols / 64)}:
 *
 * <ul>
 *   <li>{@code laneRows[slices * 16]} (int32): the output row of lane {@code l} of slice
 *       {@code s} at {@code s * 16 + l}, or -1 for none; no row twice, and a lane of an aligned
 *       group of {@link #GROUP_ROWS} lanes maps to a row of the same group of rows;
 *   <li>{@code sliceSlots[slices + 1]} (int32): the first slot of each slice, from 0,
 *       non-decreasing;
 *   <li>{@code windowSlots[slices * windows]} (uint8): the slots of slice {@code s} in window
 *       {@code w} at {@code s * windows + w}, at most 64, summing to the slice's slots, which go
 *       in window order;
 *   <li>{@code values[16 * slots]} (fp32) and {@code offsets[16 * slots]} (uint8): lane
 *       {@code l} of slot {@code k} at {@code 16 * k + l}; every lane's column (padding
 *       included) is below {@link #cols()}.
 * </ul>
 *
 * A zero lane contributes nothing (its input is never multiplied). A row range of the kernels
 * counts lanes, starting on a multiple of 16; a range whose ends are multiples of
 * {@link #GROUP_ROWS} (or the row count) writes exactly the rows in it. The invariants were
 * checked when the matrix was built; kernels trust them.
 */
public interface SellOperand {
  /** Rows per slice: one SIMD lane each. */
  int SLICE_LANES = 16;

  /** Input columns per window: an offset into one fits a byte. */
  int WINDOW = 64;

  /**
   * Rows per sorting group: rows are ordered by nonzero count within aligned groups of this
   * many, so a lane range aligned to it covers exactly the same range of rows.
   */
  int GROUP_ROWS = 512;

  /** Number of rows. */
  int rows();

  /** Number of columns. */
  int cols();

  /** {@code ceil(rows / 16)}. */
  int slices();

  /** {@code ceil(cols / 64)}. */
  int windows();

  /** Slots in all slices; each holds 16 lanes. */
  int slots();

  /** {@code slices * 16} int32 output rows of the lanes, -1 for none. */
  AlignedBuffer laneRows();

  /** {@code slices + 1} int32 first slots of the slices. */
  AlignedBuffer sliceSlots();

  /** {@code slices * windows} uint8 slot counts per slice and window. */
  AlignedBuffer windowSlots();

  /** {@code 16 * slots} uint8 column offsets from their window's first column. */
  AlignedBuffer offsets();

  /** {@code 16 * slots} fp32 values, zero in padding lanes. */
  AlignedBuffer values();
}
