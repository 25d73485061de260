package org.sparsenn.io.snn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsenn.io.ModelFormatException;
import org.sparsenn.io.ReadOptions;
import org.sparsenn.io.snn.SnnWriteOptions.StorageChoice;
import org.sparsenn.kernel.AlignedBuffer;
import org.sparsenn.kernel.Epilogue;
import org.sparsenn.kernel.IndexWidth;
import org.sparsenn.kernel.Kernels;
import org.sparsenn.kernel.internal.RawKernels;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;
import org.sparsenn.sparse.CsrMatrix;

class MappedSnnFileTest {
  private static final int VALUES_KIND = 4;
  private static final int COLUMN_INDICES_KIND = 3;
  @TempDir Path dir;

  private Path write(Network net, StorageChoice storage) {
    Path file = dir.resolve("m.snn");
    SnnWriter.write(net, file, SnnWriteOptions.defaults().withStorage(storage));
    return file;
  }

  private static Network network() {
    return SnnTestSupport.randomNetwork(5, 0.8, Activation.RELU, false, 37, 19, 5);
  }

  @Test
  void csrLayersHoldTheStoredArrays() {
    for (StorageChoice storage : new StorageChoice[] {StorageChoice.CSR, StorageChoice.CSR32}) {
      Network net = network();
      try (MappedSnnFile mapped = MappedSnnFile.open(write(net, storage))) {
        SnnTestSupport.assertSameNetwork(net, mapped.file().network());
        for (int layer = 0; layer < 2; layer++) {
          SnnFile.CsrArrays stored = mapped.file().csr(layer);
          CsrMatrix m = mapped.csr(layer);
          assertEquals(stored.indexWidth(), m.indexWidth());
          assertArrayEquals(stored.rowPointers(), m.rowPointerArray());
          assertArrayEquals(stored.columnIndices(), m.columnIndexArray());
          assertArrayEquals(stored.values(), m.valueArray());
          assertArrayEquals(net.layers().get(layer).weights(), m.toDense());
        }
        assertEquals(storage == StorageChoice.CSR ? IndexWidth.UINT16 : IndexWidth.INT32,
            mapped.csr(0).indexWidth());
      }
    }
  }

  @Test
  void mappedValuesAreTheFileButIndicesAreCopies() throws IOException {
    Path file = write(network(), StorageChoice.CSR32);
    byte[] bytes = SnnTestSupport.bytes(file);
    try (MappedSnnFile mapped = MappedSnnFile.open(file,
        ReadOptions.defaults().withMemoryMapped(true), true)) {
      CsrMatrix m = mapped.csr(0);
      int[] indices = m.columnIndexArray();
      // Rewrite one weight and one index through the file: the mapping shows the weight, but
      // the index is the copy that was validated, so no kernel can be sent out of bounds.
      rewrite(file, sectionOffset(bytes, VALUES_KIND), Float.floatToRawIntBits(42.5f));
      rewrite(file, sectionOffset(bytes, COLUMN_INDICES_KIND), 1_000_000);
      assertEquals(42.5f, m.values().getFloat(0));
      assertArrayEquals(indices, m.columnIndexArray());
    }
  }

  @Test
  void byDefaultNothingIsReadFromTheFileAfterOpen() throws IOException {
    Network net = network();
    Path file = write(net, StorageChoice.CSR);
    byte[] bytes = SnnTestSupport.bytes(file);
    try (MappedSnnFile copied = MappedSnnFile.open(file)) {
      rewrite(file, sectionOffset(bytes, VALUES_KIND), Float.floatToRawIntBits(42.5f));
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
        channel.truncate(0);
      }
      assertArrayEquals(net.layers().get(0).weights(), copied.csr(0).toDense());
    }
  }

  /** Writes four little-endian bytes at {@code offset} of the file, in place. */
  private static void rewrite(Path file, long offset, int bits) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ByteBuffer v = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, bits);
      channel.write(v, offset);
    }
  }

  @Test
  void kernelsOnTheMappedMatrixMatchTheDenseLayer() {
    Network net = network();
    try (MappedSnnFile mapped = MappedSnnFile.open(write(net, StorageChoice.CSR));
        AlignedBuffer x = AlignedBuffer.allocateFloats(37);
        AlignedBuffer y = AlignedBuffer.allocateFloats(19);
        AlignedBuffer bias = AlignedBuffer.copyOf(net.layers().get(0).bias()).seal()) {
      float[] input = new float[37];
      for (int i = 0; i < input.length; i++) {
        input[i] = (float) Math.sin(i);
      }
      x.putFloats(0, input);
      RawKernels.of(Kernels.best()).spmv(mapped.csr(0), 0, 19, x, bias, y, Epilogue.IDENTITY);
      DenseLayer layer = net.layers().get(0);
      for (int r = 0; r < 19; r++) {
        double sum = layer.bias()[r];
        for (int c = 0; c < 37; c++) {
          sum += layer.weight(r, c) * input[c];
        }
        assertEquals(sum, y.getFloat(r), 1e-4, "row " + r + " with " + Kernels.best().name());
      }
    }
  }

  @Test
  void useAfterCloseThrowsInsteadOfReadingTheMapping() {
    MappedSnnFile mapped = MappedSnnFile.open(write(network(), StorageChoice.CSR));
    CsrMatrix m = mapped.csr(0);
    mapped.close();
    mapped.close();
    assertTrue(mapped.isClosed());
    assertTrue(m.isClosed());
    assertThrows(IllegalStateException.class, () -> mapped.csr(0));
    assertThrows(IllegalStateException.class, () -> m.values().getFloat(0));
    assertThrows(IllegalStateException.class, m::rowPointerArray);
    try (AlignedBuffer x = AlignedBuffer.allocateFloats(37);
        AlignedBuffer y = AlignedBuffer.allocateFloats(19)) {
      assertThrows(IllegalStateException.class,
          () -> RawKernels.of(Kernels.best()).spmv(m, 0, 19, x, null, y, Epilogue.IDENTITY));
    }
    assertEquals(5, mapped.file().network().layers().get(1).outputs());
  }

  @Test
  void denseLayersHaveNoMatrix() {
    try (MappedSnnFile mapped = MappedSnnFile.open(write(network(), StorageChoice.DENSE))) {
      assertThrows(IllegalStateException.class, () -> mapped.csr(0));
      assertThrows(IndexOutOfBoundsException.class, () -> mapped.csr(2));
    }
  }

  @Test
  void outOfRangeColumnIndexIsRejectedAtOpen() {
    Path file = write(network(), StorageChoice.CSR32);
    byte[] bytes = SnnTestSupport.bytes(file);
    SnnTestSupport.le(bytes).putInt((int) sectionOffset(bytes, COLUMN_INDICES_KIND), 37);
    SnnTestSupport.write(file, bytes);
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> MappedSnnFile.open(file, ReadOptions.defaults(), false));
    assertTrue(e.getMessage().contains("columnIndices[0] = 37"), e.getMessage());
  }

  /** The offset of the first section of this kind (the first layer's). */
  private static long sectionOffset(byte[] bytes, int kind) {
    for (int i = 0; i < SnnTestSupport.sectionCount(bytes); i++) {
      int at = SnnFormat.HEADER_BYTES + i * SnnFormat.TOC_ENTRY_BYTES;
      if (SnnTestSupport.le(bytes).getShort(at) == kind) {
        return SnnTestSupport.tocLong(bytes, i, 8);
      }
    }
    throw new AssertionError("no section of kind " + kind);
  }
}
