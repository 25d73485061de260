package org.sparsenn.sparse;

/**
 * fp32 to bf16 and back. A bf16 is the upper 16 bits of an fp32: the same sign and 8-bit
 * exponent (so the same range, infinities and NaN), 7 of the 23 mantissa bits. Widening is
 * exact; narrowing rounds to nearest, ties to even, the rule of the hardware conversions
 * (AVX-512 BF16 {@code vcvtneps2bf16}, Arm {@code BFCVT}) and of PyTorch. The native side has
 * the widening only (in registers); the rounding happens here, once, when a matrix is built.
 */
public final class BFloat16 {
  private static final int QUIET_BIT = 0x0040;

  private BFloat16() {}

  /**
   * The bf16 nearest to {@code value} (ties to even), as its 16 bits. Finite values too large
   * for bf16 round to infinity as in IEEE; a NaN stays a NaN (quiet, sign kept), never turning
   * into an infinity by truncation.
   */
  public static short fromFloat(float value) {
    int bits = Float.floatToRawIntBits(value);
    if (Float.isNaN(value)) {
      return (short) ((bits >>> 16) | QUIET_BIT);
    }
    int lsb = (bits >>> 16) & 1;
    return (short) ((bits + 0x7FFF + lsb) >>> 16);
  }

  /** The fp32 value of the bf16 with these 16 bits (exact). */
  public static float toFloat(short bf16) {
    return Float.intBitsToFloat((bf16 & 0xFFFF) << 16);
  }

  /** {@code value} rounded to bf16 and widened back: the fp32 a bf16 kernel multiplies with. */
  public static float round(float value) {
    return toFloat(fromFloat(value));
  }
}
