package org.sparsenn.io;

/**
 * A model file that sparsenn cannot read: malformed, truncated, inconsistent, or using
 * something sparsenn does not support. The message says where (node, tensor, byte offset)
 * and what is wrong, so it can be shown to a user as it is. Readers throw this and nothing
 * else for any problem with the file's content; I/O failures keep their own exceptions.
 */
public class ModelFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what is wrong and where, in one line
   */
  public ModelFormatException(String message) {
    super(message);
  }

  /**
   * @param message what is wrong and where, in one line
   * @param cause the lower-level failure (e.g. a protobuf parse error)
   */
  public ModelFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
