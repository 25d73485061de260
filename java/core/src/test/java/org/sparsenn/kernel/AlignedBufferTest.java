package org.sparsenn.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ReadOnlyBufferException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AlignedBufferTest {

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 3, 4, 63, 64, 65, 1000, 4096, 1 << 20})
  void addressIs64ByteAligned(long bytes) {
    Assumptions.assumeTrue(NativeKernels.isLoaded(), "address() needs the native library");
    try (AlignedBuffer b = AlignedBuffer.allocate(bytes)) {
      assertEquals(0, b.address() % AlignedBuffer.ALIGNMENT, "address " + b.address());
      assertEquals(bytes, b.byteSize());
    }
  }

  @Test
  void consecutiveBuffersAreDistinctAndAligned() {
    Assumptions.assumeTrue(NativeKernels.isLoaded(), "address() needs the native library");
    try (AlignedBuffer a = AlignedBuffer.allocate(5); AlignedBuffer b = AlignedBuffer.allocate(5)) {
      assertTrue(a.address() != b.address());
      assertEquals(0, b.address() % 64);
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 17, 64, 1000, 1 << 16})
  void newBufferIsZeroFilled(long count) {
    try (AlignedBuffer b = AlignedBuffer.allocateFloats(count)) {
      assertEquals(count, b.floatCapacity());
      float[] all = new float[(int) count];
      b.getFloats(0, all);
      for (int i = 0; i < count; i++) {
        assertEquals(0, Float.floatToRawIntBits(all[i]), "index " + i);
      }
    }
  }

  @Test
  void typedAccessorsUseNativeByteOrderOverTheSameMemory() {
    try (AlignedBuffer b = AlignedBuffer.allocateInts(4)) {
      assertEquals(ByteOrder.nativeOrder(), b.floatView().order());
      assertEquals(ByteOrder.nativeOrder(), b.intView().order());
      assertEquals(ByteOrder.nativeOrder(), b.shortView().order());
      b.putFloat(1, 1.5f);
      assertEquals(Float.floatToRawIntBits(1.5f), b.getInt(1));
      b.putInts(2, new int[] {0x00020001});
      short[] shorts = new short[8];
      b.getShorts(0, shorts);
      int lo = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? 4 : 5;
      assertEquals(1, shorts[lo]);
    }
  }

  @Test
  void outOfRangeAccessThrowsIndexOutOfBounds() {
    try (AlignedBuffer b = AlignedBuffer.allocateFloats(4)) {
      assertThrows(IndexOutOfBoundsException.class, () -> b.getFloat(4));
      assertThrows(IndexOutOfBoundsException.class, () -> b.getFloat(-1));
      assertThrows(IndexOutOfBoundsException.class, () -> b.putFloats(2, new float[3]));
      assertThrows(IndexOutOfBoundsException.class, () -> b.getFloats(1, new float[4]));
      assertThrows(IndexOutOfBoundsException.class, () -> b.getInt(4));
      assertThrows(IndexOutOfBoundsException.class, () -> b.putShorts(7, new short[2]));
    }
  }

  @Test
  void floatBufferCopiesUseAbsoluteIndicesAndLeavePositionsAlone() {
    try (AlignedBuffer b = AlignedBuffer.allocateFloats(4)) {
      FloatBuffer src = FloatBuffer.wrap(new float[] {9, 1, 2, 3});
      src.position(3);
      b.putFloats(1, src, 1, 3);
      assertEquals(3, src.position());
      FloatBuffer dst = FloatBuffer.allocate(5);
      b.getFloats(0, dst, 1, 4);
      assertEquals(0, dst.position());
      assertArrayEquals(new float[] {0, 0, 1, 2, 3}, dst.array());
    }
  }

  @Test
  void negativeSizeIsRejected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> AlignedBuffer.allocate(-1));
    assertTrue(e.getMessage().contains("-1"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> AlignedBuffer.allocateFloats(-1));
    assertThrows(IllegalArgumentException.class, () -> AlignedBuffer.allocateInts(-5));
    assertThrows(IllegalArgumentException.class, () -> AlignedBuffer.allocateShorts(-1));
    assertThrows(IllegalArgumentException.class, () -> AlignedBuffer.allocate(Long.MIN_VALUE));
  }

  @Test
  void sizeAboveMaximumIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AlignedBuffer.allocate(AlignedBuffer.MAX_BYTES + 1));
    assertTrue(e.getMessage().contains(String.valueOf(AlignedBuffer.MAX_BYTES + 1)),
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> AlignedBuffer.allocate(Long.MAX_VALUE));
    // Element counts whose byte size overflows int or long.
    assertThrows(IllegalArgumentException.class,
        () -> AlignedBuffer.allocateFloats(AlignedBuffer.MAX_BYTES / 4 + 1));
    assertThrows(IllegalArgumentException.class,
        () -> AlignedBuffer.allocateFloats(Long.MAX_VALUE / 2));
    assertThrows(IllegalArgumentException.class,
        () -> AlignedBuffer.allocateShorts(AlignedBuffer.MAX_BYTES / 2 + 1));
  }

  @Test
  void zeroSizeBufferWorks() {
    try (AlignedBuffer b = AlignedBuffer.allocate(0)) {
      assertEquals(0, b.byteSize());
      assertEquals(0, b.floatCapacity());
      assertEquals(0, b.floatView().capacity());
      assertEquals(0, b.intView().capacity());
      assertEquals(0, b.shortView().capacity());
      if (NativeKernels.isLoaded()) {
        assertEquals(0, b.address() % 64);
      }
    }
    try (AlignedBuffer b = AlignedBuffer.copyOf(new float[0])) {
      assertEquals(0, b.floatCapacity());
    }
  }

  @Test
  void copyOfHoldsTheValues() {
    float[] f = {1f, -2.5f, Float.NaN, Float.NEGATIVE_INFINITY, -0f};
    try (AlignedBuffer b = AlignedBuffer.copyOf(f)) {
      float[] back = new float[f.length];
      b.getFloats(0, back);
      for (int i = 0; i < f.length; i++) {
        assertEquals(Float.floatToRawIntBits(f[i]), Float.floatToRawIntBits(back[i]));
      }
    }
    int[] ints = {0, Integer.MIN_VALUE, Integer.MAX_VALUE, -1};
    try (AlignedBuffer b = AlignedBuffer.copyOf(ints)) {
      int[] back = new int[ints.length];
      b.getInts(0, back);
      assertArrayEquals(ints, back);
    }
    short[] shorts = {0, (short) 65535, (short) 32768, 1};
    try (AlignedBuffer b = AlignedBuffer.copyOf(shorts)) {
      short[] back = new short[shorts.length];
      b.getShorts(0, back);
      assertArrayEquals(shorts, back);
      assertEquals(8, b.byteSize());
    }
  }

  @Test
  void closeIsIdempotent() {
    AlignedBuffer b = AlignedBuffer.allocateFloats(10);
    assertFalse(b.isClosed());
    b.close();
    assertTrue(b.isClosed());
    assertDoesNotThrow(b::close);
    assertTrue(b.isClosed());
  }

  @Test
  void useAfterCloseThrowsIllegalState() {
    AlignedBuffer b = AlignedBuffer.allocateFloats(10);
    b.close();
    assertThrows(IllegalStateException.class, () -> b.getFloat(0));
    assertThrows(IllegalStateException.class, () -> b.getFloats(0, new float[1]));
    assertThrows(IllegalStateException.class, () -> b.putFloats(0, new float[1]));
    assertThrows(IllegalStateException.class, () -> b.getInt(0));
    assertThrows(IllegalStateException.class, () -> b.getShorts(0, new short[1]));
    assertThrows(IllegalStateException.class, b::address);
    assertThrows(IllegalStateException.class, b::seal);
    assertThrows(IllegalStateException.class, b::floatView);
    assertThrows(IllegalStateException.class, b::intView);
    assertThrows(IllegalStateException.class, b::shortView);
  }

  @Test
  void closedBufferPassedToKernelThrowsIllegalStateNotCrash() {
    AlignedBuffer x = AlignedBuffer.copyOf(new float[] {1, 2});
    x.close();
    try (AlignedBuffer y = AlignedBuffer.allocateFloats(1);
        AlignedBuffer w = AlignedBuffer.copyOf(new float[] {1, 1})) {
      DenseOperand dense = new DenseOperand() {
        @Override
        public int rows() {
          return 1;
        }

        @Override
        public int cols() {
          return 2;
        }

        @Override
        public AlignedBuffer weights() {
          return w;
        }
      };
      assertThrows(IllegalStateException.class,
          () -> JavaKernels.instance().gemv(dense, 0, 1, x, null, y, Epilogue.IDENTITY));
      if (NativeKernels.isLoaded()) {
        assertThrows(IllegalStateException.class, () -> NativeKernels.at(Isa.SCALAR)
            .gemv(dense, 0, 1, x, null, y, Epilogue.IDENTITY));
      }
    }
  }

  @Test
  void sealedBufferIsReadOnly() {
    try (AlignedBuffer b = AlignedBuffer.copyOf(new float[] {1, 2, 3, 4})) {
      assertFalse(b.isSealed());
      assertTrue(b.seal() == b);
      assertTrue(b.isSealed());
      assertThrows(IllegalStateException.class, () -> b.putFloat(0, 9f));
      assertThrows(IllegalStateException.class, () -> b.putFloats(0, new float[] {9f}));
      assertThrows(IllegalStateException.class, () -> b.putInts(0, new int[] {9}));
      assertThrows(IllegalStateException.class, () -> b.putShorts(0, new short[] {9}));
      assertTrue(b.floatView().isReadOnly());
      assertThrows(ReadOnlyBufferException.class, () -> b.floatView().put(0, 9f));
      assertEquals(1f, b.getFloat(0));
      assertEquals(4f, b.getFloat(3));
    }
  }
}
