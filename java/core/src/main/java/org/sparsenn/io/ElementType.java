package org.sparsenn.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Element types the readers decode, each converted to float32. */
enum ElementType {
  F32(4, "float32"),
  F64(8, "float64"),
  F16(2, "float16"),
  BF16(2, "bfloat16");

  final int bytes;
  final String label;

  ElementType(int bytes, String label) {
    this.bytes = bytes;
    this.label = label;
  }

  /** Whether reading this type changes values' representation (reported as a conversion). */
  boolean converts() {
    return this != F32;
  }

  /**
   * Decodes {@code count} elements from {@code src} (position advanced, byte order as set on
   * it) into {@code dst[offset...]}.
   *
   * @throws ModelFormatException if a finite float64 overflows float32
   */
  void decode(ByteBuffer src, float[] dst, int offset, int count, String where) {
    switch (this) {
      case F32 -> {
        src.asFloatBuffer().get(dst, offset, count);
        src.position(src.position() + count * 4);
      }
      case F64 -> {
        for (int i = 0; i < count; i++) {
          double d = src.getDouble();
          float f = (float) d;
          if (Float.isInfinite(f) && !Double.isInfinite(d)) {
            throw new ModelFormatException(where + ": float64 value " + d + " at index "
                + (offset + i) + " is outside the float32 range");
          }
          dst[offset + i] = f;
        }
      }
      case F16 -> {
        for (int i = 0; i < count; i++) {
          dst[offset + i] = HalfFloats.halfToFloat(src.getShort());
        }
      }
      case BF16 -> {
        for (int i = 0; i < count; i++) {
          dst[offset + i] = HalfFloats.bfloat16ToFloat(src.getShort());
        }
      }
      default -> throw new AssertionError(this);
    }
  }

  /** A little-endian buffer of {@code bytes} bytes. */
  static ByteBuffer littleEndian(int bytes) {
    return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }
}
