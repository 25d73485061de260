package org.sparsenn.io;

/**
 * Conversions from the 16-bit float formats found in model files to {@code float}. Both are
 * exact: every half and bfloat16 value, subnormals, infinities and NaNs included, is a float.
 * ({@code Float.float16ToFloat} would do the first, but only from Java 20; we target 17.)
 */
public final class HalfFloats {
  private HalfFloats() {}

  /**
   * IEEE 754 binary16 (1 sign, 5 exponent, 10 mantissa bits) to float, exactly. NaNs keep their
   * sign and the top mantissa bits.
   *
   * @param bits the 16 bits, in the low half of the short
   * @return the same value as a float
   */
  public static float halfToFloat(short bits) {
    int h = bits & 0xffff;
    int sign = (h & 0x8000) << 16;
    int exponent = (h >>> 10) & 0x1f;
    int mantissa = h & 0x3ff;
    if (exponent == 0x1f) {
      // infinity (mantissa 0) or NaN (payload moved to the top of the float mantissa)
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      // zero or subnormal: mantissa * 2^-24, exact in float
      float magnitude = mantissa * 0x1p-24f;
      return sign != 0 ? -magnitude : magnitude;
    }
    // normal: rebias the exponent from 15 to 127
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }

  /**
   * bfloat16 (the top 16 bits of a float) to float, exactly.
   *
   * @param bits the 16 bits, in the low half of the short
   * @return the same value as a float
   */
  public static float bfloat16ToFloat(short bits) {
    return Float.intBitsToFloat((bits & 0xffff) << 16);
  }
}
