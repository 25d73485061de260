package org.sparsenn.io.data;

/**
 * A data set file that sparsenn cannot read: malformed, truncated, inconsistent (e.g. image and
 * label counts that differ), or in a layout it does not support. The message names the file and
 * says what is wrong in one line, so it can be shown to a user as it is. I/O failures keep
 * their own exceptions.
 */
public class DatasetFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what is wrong and where, in one line
   */
  public DatasetFormatException(String message) {
    super(message);
  }

  /**
   * @param message what is wrong and where, in one line
   * @param cause the lower-level failure
   */
  public DatasetFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
