package org.sparsenn.io.snn;

import java.util.Locale;

/** How a layer's weights are stored in an {@code .snn} file. */
public enum LayerStorage {
  /** fp32 {@code [outputs][inputs]}, row-major. */
  DENSE,
  /** CSR with int32 column indices: any number of inputs. */
  CSR,
  /** CSR with uint16 column indices: at most 65,536 inputs, 6 bytes per nonzero. */
  CSR16;

  /** The name in the file's metadata: {@code dense}, {@code csr} or {@code csr16}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether the weights are stored as CSR. */
  public boolean isCsr() {
    return this != DENSE;
  }

  /** The storage with this label, or null. */
  static LayerStorage ofLabel(String label) {
    for (LayerStorage storage : values()) {
      if (storage.label().equals(label)) {
        return storage;
      }
    }
    return null;
  }
}
