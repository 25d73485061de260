package org.sparsenn.io.snn;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.sparsenn.io.ModelFormatException;
import org.sparsenn.io.ReadOptions;
import org.sparsenn.sparse.CsrMatrix;
import org.sparsenn.sparse.WeightMatrix;

/**
 * An {@code .snn} file whose CSR and 16x1-block layers are ready for kernels: {@link #csr(int)}
 * gives a {@link CsrMatrix} of the stored arrays, {@link #matrix(int)} that or the
 * {@link org.sparsenn.sparse.BlockMatrix} of a {@code bsr16} layer (always an owned copy), so
 * the engine need not re-encode the dense weights.
 * Everything {@link SnnFile#read} checks is checked, and the CSR invariants once more over the
 * memory the kernels will read.
 *
 * <p><b>Owned by default.</b> With {@link ReadOptions#defaults()} the sections are read, checked
 * and copied into memory this object owns; nothing reads the file after {@code open} returns,
 * so the file may then be replaced, rewritten in place or truncated without effect on a running
 * session.
 *
 * <p><b>Mapped on request.</b> With {@link ReadOptions#memoryMapped()} the values of each CSR
 * layer stay in the mapped file (zero-copy: the page cache is shared between processes and
 * nothing is copied at open). Row pointers and column indices are still copied, so a change to
 * the file can never make a kernel read out of bounds. The contract: the file may be replaced
 * by a rename at any time (the safe way to deploy a model; the old file stays mapped until
 * {@code close}), but must never be overwritten in place or truncated while open. A rewrite in
 * place changes the weights under running sessions; a truncation makes the next read of a lost
 * page fault, which in a native kernel kills the process with SIGBUS.
 *
 * <p>The matrices belong to this object and live as long as it: after {@link #close()} every use
 * of them throws {@link IllegalStateException}. A mapping itself is released by the garbage
 * collector once nothing refers to it, so even a kernel that raced with {@code close()} reads
 * valid memory, never an unmapped page.
 */
public final class MappedSnnFile implements AutoCloseable {
  private final SnnFile file;
  private final List<WeightMatrix> matrices;
  private volatile boolean closed;

  private MappedSnnFile(SnnFile file) {
    this.file = file;
    this.matrices = file.mappedCsr();
  }

  /**
   * Opens a file with the default options (owned copies, not mapped), verifying every checksum.
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
   * @param options as for {@link SnnFile#read(Path, ReadOptions, boolean)}, and
   *     {@link ReadOptions#memoryMapped()} chooses owned copies or mapped values (see above)
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
   * The CSR matrix of a layer stored as CSR; owned by this object (do not close it).
   *
   * @throws IndexOutOfBoundsException if there is no such layer
   * @throws IllegalStateException if the layer is stored dense, or this file is closed
   */
  public CsrMatrix csr(int layer) {
    if (!(matrix(layer) instanceof CsrMatrix csr)) {
      throw new IllegalStateException("layer " + layer + " is stored "
          + file.storage(layer).label() + ", not as CSR");
    }
    return csr;
  }

  /**
   * The matrix of a layer stored sparse, as it is stored: a {@link CsrMatrix} for CSR, a
   * {@link org.sparsenn.sparse.BlockMatrix} for 16x1 blocks; owned by this object (do not
   * close it). A session borrows it as its format's candidate
   * ({@link org.sparsenn.engine.Session#create(org.sparsenn.model.Network, List,
   * org.sparsenn.engine.SessionOptions)}).
   *
   * @throws IndexOutOfBoundsException if there is no such layer
   * @throws IllegalStateException if the layer is stored dense, or this file is closed
   */
  public WeightMatrix matrix(int layer) {
    Objects.checkIndex(layer, matrices.size());
    if (closed) {
      throw new IllegalStateException("the .snn file is closed");
    }
    WeightMatrix matrix = matrices.get(layer);
    if (matrix == null) {
      throw new IllegalStateException("layer " + layer + " is stored "
          + file.storage(layer).label() + ", not sparse");
    }
    return matrix;
  }

  /** Whether a layer has a stored sparse matrix ({@link #matrix}): CSR or 16x1 blocks. */
  public boolean hasMatrix(int layer) {
    Objects.checkIndex(layer, matrices.size());
    return matrices.get(layer) != null;
  }

  /** Whether {@link #close()} has been called. */
  public boolean isClosed() {
    return closed;
  }

  /** Detaches every matrix from the mapping; later use of them throws. Idempotent. */
  @Override
  public void close() {
    closed = true;
    for (WeightMatrix matrix : matrices) {
      if (matrix != null) {
        matrix.close();
      }
    }
  }
}
