package org.sparsenn.io.snn;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.sparsenn.io.ModelFormatException;
import org.sparsenn.io.ReadOptions;
import org.sparsenn.sparse.CsrMatrix;

/**
 * An {@code .snn} file whose CSR layers are used in place: {@link #csr(int)} gives a
 * {@link CsrMatrix} whose three arrays are the file's mapped sections, not copies, so the engine
 * need not re-encode the dense weights. Everything {@link SnnFile#read} checks is checked, and
 * the CSR invariants once more over the mapped memory itself, which is what kernels will read.
 *
 * <p>The matrices belong to this object and live as long as it: after {@link #close()} every use
 * of them throws {@link IllegalStateException}. The mapping itself is released by the garbage
 * collector once nothing refers to it, so even a kernel that raced with {@code close()} reads
 * valid memory, never an unmapped page.
 *
 * <p>The file must not be modified or truncated while it is open: a mapping shows later writes
 * to the file, and the kernels trust the indices that were validated when it was opened.
 * {@link SnnWriter} replaces files by an atomic move, which leaves an open mapping untouched.
 */
public final class MappedSnnFile implements AutoCloseable {
  private final SnnFile file;
  private final List<CsrMatrix> matrices;
  private volatile boolean closed;

  private MappedSnnFile(SnnFile file) {
    this.file = file;
    this.matrices = file.mappedCsr();
  }

  /**
   * Opens a file with the default options, verifying every checksum.
   *
   * @throws ModelFormatException naming the file and the damaged part if it is not a valid
   *     {@code .snn} file this version reads
   * @throws UncheckedIOException if the file cannot be read
   */
  public static MappedSnnFile open(Path file) {
    return open(file, ReadOptions.defaults(), true);
  }

  /**
   * Opens a file.
   *
   * @param options as for {@link SnnFile#read(Path, ReadOptions, boolean)}
   * @param verifyChecksums as for {@link SnnFile#read(Path, ReadOptions, boolean)}
   * @throws ModelFormatException naming the file and the damaged part if it is not a valid
   *     {@code .snn} file this version reads, or a CSR section is over 2 GiB (too large for one
   *     mapped buffer)
   * @throws UncheckedIOException if the file cannot be read or changes while being read
   */
  public static MappedSnnFile open(Path file, ReadOptions options, boolean verifyChecksums) {
    return new MappedSnnFile(SnnFile.read(file, options, verifyChecksums, Integer.MAX_VALUE,
        1 << 30, true));
  }

  /**
   * The file's contents: network (CSR layers also expanded to dense), storages, provenance.
   * Plain heap data, still usable after {@link #close()}.
   */
  public SnnFile file() {
    return file;
  }

  /**
   * The CSR matrix of a layer stored as CSR, over the mapped file; owned by this object (do not
   * close it).
   *
   * @throws IndexOutOfBoundsException if there is no such layer
   * @throws IllegalStateException if the layer is stored dense, or this file is closed
   */
  public CsrMatrix csr(int layer) {
    Objects.checkIndex(layer, matrices.size());
    if (closed) {
      throw new IllegalStateException("the .snn file is closed");
    }
    CsrMatrix matrix = matrices.get(layer);
    if (matrix == null) {
      throw new IllegalStateException("layer " + layer + " is stored dense, not as CSR");
    }
    return matrix;
  }

  /** Whether {@link #close()} has been called. */
  public boolean isClosed() {
    return closed;
  }

  /** Detaches every matrix from the mapping; later use of them throws. Idempotent. */
  @Override
  public void close() {
    closed = true;
    for (CsrMatrix matrix : matrices) {
      if (matrix != null) {
        matrix.close();
      }
    }
  }
}
