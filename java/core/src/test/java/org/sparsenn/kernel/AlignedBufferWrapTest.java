package org.sparsenn.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class AlignedBufferWrapTest {
  private static ByteBuffer alignedDirect(int bytes) {
    return ByteBuffer.allocateDirect(bytes + AlignedBuffer.ALIGNMENT)
        .alignedSlice(AlignedBuffer.ALIGNMENT).limit(bytes).slice()
        .order(ByteOrder.nativeOrder());
  }

  @Test
  void wrappedBufferSharesTheMemoryAndIsSealed() {
    ByteBuffer region = alignedDirect(256);
    AlignedBuffer wrapped = AlignedBuffer.wrap(region);
    assertEquals(256, wrapped.byteSize());
    assertTrue(wrapped.isSealed());
    region.putFloat(8, 3.25f);
    assertEquals(3.25f, wrapped.getFloat(2));
    assertThrows(IllegalStateException.class, () -> wrapped.putFloat(0, 1f));
    if (NativeKernels.isLoaded()) {
      assertEquals(0, wrapped.address() % AlignedBuffer.ALIGNMENT);
    }
  }

  @Test
  void closeDetachesWithoutFreeingTheRegion() {
    ByteBuffer region = alignedDirect(64);
    AlignedBuffer wrapped = AlignedBuffer.wrap(region);
    wrapped.close();
    assertTrue(wrapped.isClosed());
    assertThrows(IllegalStateException.class, () -> wrapped.getFloat(0));
    assertThrows(IllegalStateException.class, wrapped::address);
    region.putFloat(0, 1f);
    assertEquals(1f, region.getFloat(0));
  }

  @Test
  void emptyRegionGivesAnEmptyBuffer() {
    AlignedBuffer wrapped = AlignedBuffer.wrap(ByteBuffer.allocateDirect(0));
    assertEquals(0, wrapped.byteSize());
    assertTrue(wrapped.isSealed());
  }

  @Test
  void heapAndMisalignedRegionsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> AlignedBuffer.wrap(ByteBuffer.allocate(64)));
    ByteBuffer misaligned = alignedDirect(128).position(4).slice();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AlignedBuffer.wrap(misaligned));
    assertTrue(e.getMessage().contains("aligned"), e.getMessage());
  }
}
