package org.sparsenn.kernel;

/** Width of the column indices of a CSR matrix. */
public enum IndexWidth {
  /** int32 indices: any number of columns. */
  INT32(Integer.BYTES, Integer.MAX_VALUE),
  /** uint16 indices: 6 bytes per nonzero instead of 8, for at most 65,536 columns. */
  UINT16(Short.BYTES, 1 << 16);

  private final int bytes;
  private final int maxColumns;

  IndexWidth(int bytes, int maxColumns) {
    this.bytes = bytes;
    this.maxColumns = maxColumns;
  }

  /** Bytes per index. */
  public int bytes() {
    return bytes;
  }

  /** The largest column count this width can address. */
  public int maxColumns() {
    return maxColumns;
  }
}
