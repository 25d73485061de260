package org.sparsenn.kernel;

/**
 * An N:M semi-structured matrix as the kernels see it (the {@code nm} layout of the native
 * header): every row holds {@link #rowSlots()} slots, a multiple of {@link #BLOCK_SLOTS}; slot
 * {@code k} of row {@code r} is {@code values[r * rowSlots + k]} and the uint8
 * {@code offsets[r * rowSlots + k]}, and reads input column
 * {@code (k / 16) * window + offset}. A zero slot contributes nothing (its input is never
 * multiplied); a nonzero slot's column is below {@link #cols()}. The invariants were checked
 * when the matrix was built; kernels trust them.
 */
public interface NmOperand {
  /** Slots per block: the kernels select the inputs of one block from one window of x. */
  int BLOCK_SLOTS = 16;

  /** Number of rows. */
  int rows();

  /** Number of columns. */
  int cols();

  /** Input columns each 16-slot block covers (16 M / N; 1 to 256). */
  int window();

  /** Slots per row, a multiple of 16. */
  int rowSlots();

  /** {@code rows * rowSlots} uint8 offsets into their block's window. */
  AlignedBuffer offsets();

  /** {@code rows * rowSlots} fp32 values, zero in padding slots. */
  AlignedBuffer values();
}
