package org.sparsenn.kernel;

import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.ShortBuffer;
import java.util.Objects;

/**
 * Off-heap memory, 64-byte aligned, that kernels read and write: owned, or
 * {@linkplain #wrap(ByteBuffer) wrapped} (borrowed from a mapped file, read-only).
 *
 * <p>When the native library is loaded the memory comes from {@code snn_aligned_alloc} and is
 * freed by {@link #close()} (a {@link Cleaner} frees it if the owner forgets). Without the
 * native library it is a direct {@link ByteBuffer}, so the pure-Java kernels work on the same
 * type. Java code reads and writes it through copying accessors that check bounds and
 * throw {@link IllegalStateException} after close; no view of the memory escapes this package,
 * so closed memory is never touched from Java. A buffer can be {@linkplain #seal() sealed}:
 * it is then read-only, which is how matrices keep the invariants they validated when they
 * were built.
 *
 * <p>Not safe to close while a kernel still runs on it; owners (matrices, sessions) order
 * that themselves.
 */
public final class AlignedBuffer implements AutoCloseable {
  /** Alignment of every buffer, in bytes. */
  public static final int ALIGNMENT = 64;
  /** Largest buffer, in bytes: Java buffer views are int-indexed. */
  public static final long MAX_BYTES = Integer.MAX_VALUE - 4 * ALIGNMENT;

  private static final Cleaner CLEANER = Cleaner.create();

  private final long byteSize;
  private final long address;
  private final ByteBuffer bytes;
  private final Cleaner.Cleanable cleanable;
  // Shared views for the kernels in this package, which only use absolute get/put.
  private FloatBuffer floatView;
  private IntBuffer intView;
  private ShortBuffer shortView;
  private volatile boolean sealed;
  private volatile boolean closed;

  private AlignedBuffer(long byteSize, long address, ByteBuffer bytes, Runnable free) {
    this.byteSize = byteSize;
    this.address = address;
    this.bytes = bytes.order(ByteOrder.nativeOrder());
    this.cleanable = CLEANER.register(this, free);
    makeViews();
  }

  private void makeViews() {
    ByteBuffer base = sealed ? bytes.asReadOnlyBuffer() : bytes.duplicate();
    base.order(ByteOrder.nativeOrder());
    floatView = base.asFloatBuffer();
    intView = base.asIntBuffer();
    shortView = base.asShortBuffer();
  }

  /**
   * Allocates {@code byteSize} zero-filled bytes.
   *
   * @throws IllegalArgumentException if {@code byteSize} is negative or above {@link #MAX_BYTES}
   * @throws OutOfMemoryError if the native allocation fails
   */
  public static AlignedBuffer allocate(long byteSize) {
    if (byteSize < 0 || byteSize > MAX_BYTES) {
      throw new IllegalArgumentException(
          "buffer size must be in [0, " + MAX_BYTES + "] bytes, got " + byteSize);
    }
    if (NativeKernels.isLoaded()) {
      NativeKernels.Allocation allocation = NativeKernels.allocate(byteSize);
      return new AlignedBuffer(byteSize, allocation.address(), allocation.view(), allocation.free());
    }
    // alignedSlice rounds both ends to the alignment, so round the size up and pad one unit.
    long rounded = (byteSize + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    ByteBuffer direct = ByteBuffer.allocateDirect((int) rounded + ALIGNMENT).alignedSlice(ALIGNMENT);
    direct.limit((int) byteSize);
    return new AlignedBuffer(byteSize, 0L, direct.slice(), () -> {});
  }

  /**
   * A sealed buffer over memory that something else owns, such as a section of a memory-mapped
   * file, without copying. The buffer keeps {@code region} reachable, so the memory stays valid
   * as long as this buffer is reachable; {@link #close()} frees nothing and only makes later use
   * throw {@link IllegalStateException}. An empty region gives an empty allocated buffer.
   *
   * @param region direct memory from its position to its limit, 64-byte aligned, in the
   *     platform's byte order, which must not change while the buffer is in use
   * @throws IllegalArgumentException if {@code region} is not direct, not 64-byte aligned or
   *     larger than {@link #MAX_BYTES}
   */
  public static AlignedBuffer wrap(ByteBuffer region) {
    Objects.requireNonNull(region, "region");
    if (!region.isDirect()) {
      throw new IllegalArgumentException("only direct memory can be wrapped, not a heap buffer");
    }
    ByteBuffer bytes = region.slice();
    if (bytes.capacity() == 0) {
      return allocate(0).seal();
    }
    if (bytes.capacity() > MAX_BYTES) {
      throw new IllegalArgumentException("region of " + bytes.capacity()
          + " bytes is larger than the " + MAX_BYTES + " bytes of one buffer");
    }
    if (bytes.alignmentOffset(0, ALIGNMENT) != 0) {
      throw new IllegalArgumentException("region is not " + ALIGNMENT + "-byte aligned (offset "
          + bytes.alignmentOffset(0, ALIGNMENT) + ")");
    }
    long address = NativeKernels.isLoaded() ? NativeKernels.addressOf(bytes) : 0L;
    return new AlignedBuffer(bytes.capacity(), address, bytes, () -> {}).seal();
  }

  /** Allocates room for {@code count} floats. */
  public static AlignedBuffer allocateFloats(long count) {
    return allocate(checkedBytes(count, Float.BYTES));
  }

  /** Allocates room for {@code count} ints. */
  public static AlignedBuffer allocateInts(long count) {
    return allocate(checkedBytes(count, Integer.BYTES));
  }

  /** Allocates room for {@code count} shorts. */
  public static AlignedBuffer allocateShorts(long count) {
    return allocate(checkedBytes(count, Short.BYTES));
  }

  /** A new buffer holding a copy of {@code values}. */
  public static AlignedBuffer copyOf(float[] values) {
    AlignedBuffer buffer = allocateFloats(values.length);
    buffer.putFloats(0, values);
    return buffer;
  }

  /** A new buffer holding a copy of {@code values}. */
  public static AlignedBuffer copyOf(int[] values) {
    AlignedBuffer buffer = allocateInts(values.length);
    buffer.putInts(0, values);
    return buffer;
  }

  /** A new buffer holding a copy of {@code values}. */
  public static AlignedBuffer copyOf(short[] values) {
    AlignedBuffer buffer = allocateShorts(values.length);
    buffer.putShorts(0, values);
    return buffer;
  }

  private static long checkedBytes(long count, int elementBytes) {
    if (count < 0 || count > MAX_BYTES / elementBytes) {
      throw new IllegalArgumentException(
          "element count must be in [0, " + MAX_BYTES / elementBytes + "], got " + count);
    }
    return count * elementBytes;
  }

  /** Size in bytes. */
  public long byteSize() {
    return byteSize;
  }

  /** Capacity in floats (also the capacity in ints). */
  public long floatCapacity() {
    return byteSize / Float.BYTES;
  }

  /**
   * The native address, for {@link NativeKernels}.
   *
   * @throws IllegalStateException if closed, or if the buffer was allocated without the
   *     native library
   */
  public long address() {
    checkOpen();
    if (address == 0L) {
      throw new IllegalStateException("buffer was allocated without the native library");
    }
    return address;
  }

  /**
   * Copies {@code length} floats from {@code src[offset..]} into this buffer at float
   * {@code index}.
   *
   * @throws IllegalStateException if closed or sealed
   * @throws IndexOutOfBoundsException if either range is out of bounds
   */
  public void putFloats(int index, float[] src, int offset, int length) {
    checkWritable();
    floatView.put(index, src, offset, length);
  }

  /** Copies all of {@code src} into this buffer at float {@code index}; see above. */
  public void putFloats(int index, float[] src) {
    putFloats(index, src, 0, src.length);
  }

  /**
   * Copies {@code length} floats from {@code src} at its absolute {@code srcIndex} (its
   * position is not used or moved) into this buffer at float {@code index}.
   *
   * @throws IllegalStateException if closed or sealed
   * @throws IndexOutOfBoundsException if either range is out of bounds
   */
  public void putFloats(int index, FloatBuffer src, int srcIndex, int length) {
    checkWritable();
    floatView.put(index, src, srcIndex, length);
  }

  /**
   * Copies {@code length} floats from float {@code index} of this buffer into
   * {@code dst[offset..]}.
   *
   * @throws IllegalStateException if closed
   * @throws IndexOutOfBoundsException if either range is out of bounds
   */
  public void getFloats(int index, float[] dst, int offset, int length) {
    checkOpen();
    floatView.get(index, dst, offset, length);
  }

  /** Fills all of {@code dst} from float {@code index} of this buffer; see above. */
  public void getFloats(int index, float[] dst) {
    getFloats(index, dst, 0, dst.length);
  }

  /**
   * Copies {@code length} floats from float {@code index} of this buffer into {@code dst} at
   * its absolute {@code dstIndex} (its position is not used or moved).
   *
   * @throws IllegalStateException if closed
   * @throws IndexOutOfBoundsException if either range is out of bounds
   * @throws java.nio.ReadOnlyBufferException if {@code dst} is read-only
   */
  public void getFloats(int index, FloatBuffer dst, int dstIndex, int length) {
    checkOpen();
    dst.put(dstIndex, floatView, index, length);
  }

  /** The float at {@code index}. */
  public float getFloat(int index) {
    checkOpen();
    return floatView.get(index);
  }

  /** Sets the float at {@code index}; throws if closed or sealed. */
  public void putFloat(int index, float value) {
    checkWritable();
    floatView.put(index, value);
  }

  /** Copies all of {@code src} into this buffer at int {@code index}; throws if closed or sealed. */
  public void putInts(int index, int[] src) {
    checkWritable();
    intView.put(index, src);
  }

  /** Fills all of {@code dst} from int {@code index} of this buffer. */
  public void getInts(int index, int[] dst) {
    checkOpen();
    intView.get(index, dst);
  }

  /** The int at {@code index}. */
  public int getInt(int index) {
    checkOpen();
    return intView.get(index);
  }

  /** Copies all of {@code src} into this buffer at short {@code index}; throws if closed or sealed. */
  public void putShorts(int index, short[] src) {
    checkWritable();
    shortView.put(index, src);
  }

  /** Fills all of {@code dst} from short {@code index} of this buffer. */
  public void getShorts(int index, short[] dst) {
    checkOpen();
    shortView.get(index, dst);
  }

  /** The shared float view; callers use absolute access only. */
  FloatBuffer floatView() {
    checkOpen();
    return floatView;
  }

  /** The shared int view; callers use absolute access only. */
  IntBuffer intView() {
    checkOpen();
    return intView;
  }

  /** The shared short view; callers use absolute access only. */
  ShortBuffer shortView() {
    checkOpen();
    return shortView;
  }

  /**
   * Makes the buffer read-only from Java: later {@code put*} calls throw, and outputs of the
   * engine must not be sealed. Call before the buffer is shared. Returns this buffer.
   */
  public AlignedBuffer seal() {
    checkOpen();
    sealed = true;
    makeViews();
    return this;
  }

  /** Whether the views are read-only. */
  public boolean isSealed() {
    return sealed;
  }

  /** Whether {@link #close()} has been called. */
  public boolean isClosed() {
    return closed;
  }

  /** Frees the memory. Idempotent. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      cleanable.clean();
    }
  }

  private void checkWritable() {
    checkOpen();
    if (sealed) {
      throw new IllegalStateException("buffer is sealed (read-only)");
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("buffer is closed");
    }
  }

  /** Copies all of {@code src} into this buffer at byte {@code index}; throws if closed or sealed. */
  public void putBytes(int index, byte[] src) {
    checkWritable();
    byteView().put(index, src);
  }

  /** Fills all of {@code dst} from byte {@code index} of this buffer. */
  public void getBytes(int index, byte[] dst) {
    checkOpen();
    byteView().get(index, dst);
  }

  /** A byte view for the kernels in this package (absolute access only), read-only if sealed. */
  ByteBuffer byteView() {
    checkOpen();
    return sealed ? bytes.asReadOnlyBuffer() : bytes.duplicate();
  }
}
