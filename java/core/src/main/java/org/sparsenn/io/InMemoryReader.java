package org.sparsenn.io;

/**
 * A {@link ModelFormatReader} that can parse a model held in memory without a file. Formats
 * whose readers do not implement it are read by {@link ModelReader} from a temporary copy.
 */
public interface InMemoryReader {
  /**
   * Reads a network from the bytes of a model. The result's {@link LoadedModel#source()} is
   * {@link ModelReader#inMemorySource} of the format.
   *
   * @throws ModelFormatException if the bytes are malformed, truncated or unsupported
   */
  LoadedModel read(byte[] model, ReadOptions options);
}
