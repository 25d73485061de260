package org.sparsenn.io.snn;

import java.util.Map;
import java.util.Objects;

/**
 * How {@link SnnWriter} stores a network.
 *
 * @param storage which weight storage to use for every layer
 * @param provenance where the network came from, stored as strings in the metadata; the usual
 *     keys are {@link SnnWriter#SOURCE_FILE}, {@link SnnWriter#SOURCE_SHA256},
 *     {@link SnnWriter#SOURCE_FORMAT}, {@link SnnWriter#PRUNING_METHOD} and
 *     {@link SnnWriter#SPARSITY}; empty when unknown
 */
public record SnnWriteOptions(StorageChoice storage, Map<String, String> provenance) {
  /** Which weight storage the writer uses. */
  public enum StorageChoice {
    /**
     * Per layer, CSR when it takes fewer bytes than dense (uint16 indices when they fit), or
     * 16x1 blocks ({@link LayerStorage#BSR16}) when they take fewer still.
     */
    AUTO,
    /** Every layer dense. */
    DENSE,
    /** Every layer CSR (uint16 indices when the inputs fit, int32 otherwise). */
    CSR,
    /** Every layer CSR with int32 indices. */
    CSR32,
    /**
     * Lossy, opt-in: every weight rounded to bf16 (nearest, ties to even), each layer stored
     * dense ({@link LayerStorage#DENSE_BF16}) or CSR with uint16 indices
     * ({@link LayerStorage#CSR16_BF16}), whichever is smaller: half the bytes of f32 dense, 4
     * instead of 6 per nonzero. The network read back has the rounded weights.
     */
    BF16
  }

  /**
   * @throws NullPointerException if an argument, key or value is null
   */
  public SnnWriteOptions {
    Objects.requireNonNull(storage, "storage");
    provenance = Map.copyOf(provenance);
  }

  /** Automatic storage choice and no provenance. */
  public static SnnWriteOptions defaults() {
    return new SnnWriteOptions(StorageChoice.AUTO, Map.of());
  }

  /** The same options with another storage choice. */
  public SnnWriteOptions withStorage(StorageChoice choice) {
    return new SnnWriteOptions(choice, provenance);
  }

  /** The same options with this provenance. */
  public SnnWriteOptions withProvenance(Map<String, String> entries) {
    return new SnnWriteOptions(storage, entries);
  }
}
