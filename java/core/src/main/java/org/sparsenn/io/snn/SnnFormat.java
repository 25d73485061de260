package org.sparsenn.io.snn;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Constants and small helpers shared by {@link SnnWriter} and {@link SnnFile}; the byte layout
 * itself is documented on {@link SnnWriter}.
 */
final class SnnFormat {
  /** PNG-style: a non-ASCII first byte, then CR LF, EOF (^Z) and LF to catch text-mode damage. */
  static final byte[] MAGIC = {(byte) 0x89, 'S', 'N', 'N', '\r', '\n', 0x1a, '\n'};
  static final int MAJOR = 1;
  // 1.1 added the optional inputSelection metadata (networks whose input features were pruned).
  static final int MINOR = 1;
  /**
   * Files holding recurrent layers are version 2.0: a 1.x reader would skip their unknown
   * sections and read the dense layers alone, so they must refuse the file instead. Version
   * 2.0 is 1.1 plus {@code sequenceOutput} and {@code recurrentLayers}; feed-forward networks
   * are still written as 1.x.
   */
  static final int RECURRENT_MAJOR = 2;
  static final int RECURRENT_MINOR = 0;
  static final int HEADER_BYTES = 32;
  static final int TOC_ENTRY_BYTES = 40;
  static final int ALIGNMENT = 64;
  /** Offset of the header CRC32C field, which the CRC itself skips. */
  static final int HEADER_CRC_OFFSET = 20;
  /** The most sections a file may have (four per layer). */
  static final int MAX_SECTIONS = 1 << 20;
  /** The largest metadata block read. */
  static final int MAX_METADATA_BYTES = 16 << 20;
  /** The most elements one Java array can hold on common JVMs. */
  static final long MAX_ARRAY_ELEMENTS = Integer.MAX_VALUE - 8;

  /** What a section holds. */
  enum Kind {
    WEIGHTS(1, "weights"),
    ROW_POINTERS(2, "rowPointers"),
    COLUMN_INDICES(3, "columnIndices"),
    VALUES(4, "values"),
    BIAS(5, "bias"),
    // Codes from 16 on belong to the recurrent layers of version 2.
    /** f32 {@code [directions * hidden]}: a recurrent layer's initial hidden or cell state. */
    INITIAL_STATE(16, "initialState");

    final int code;
    /** The key naming this section in a layer's {@code sections} object. */
    final String key;

    Kind(int code, String key) {
      this.code = code;
      this.key = key;
    }

    static Kind of(int code) {
      for (Kind kind : values()) {
        if (kind.code == code) {
          return kind;
        }
      }
      return null;
    }
  }

  /** How a section's elements are stored, all little-endian. */
  enum Type {
    F32(1, 4, "f32"),
    I32(2, 4, "i32"),
    U16(3, 2, "u16");

    final int code;
    final int bytes;
    final String label;

    Type(int code, int bytes, String label) {
      this.code = code;
      this.bytes = bytes;
      this.label = label;
    }

    static Type of(int code) {
      for (Type type : values()) {
        if (type.code == code) {
          return type;
        }
      }
      return null;
    }
  }

  private SnnFormat() {}

  /** {@code value} rounded up to the section alignment. */
  static long align(long value) {
    return (value + ALIGNMENT - 1) & -ALIGNMENT;
  }

  /**
   * The header CRC32C: over the header, table of contents and metadata ({@code header}'s
   * bytes from 0 to its limit), skipping the 4-byte CRC field itself.
   */
  static int headerCrc(ByteBuffer header) {
    CRC32C crc = new CRC32C();
    ByteBuffer b = header.duplicate();
    int end = b.limit();
    crc.update(b.clear().position(0).limit(HEADER_CRC_OFFSET));
    crc.update(b.clear().position(HEADER_CRC_OFFSET + 4).limit(end));
    return (int) crc.getValue();
  }
}
