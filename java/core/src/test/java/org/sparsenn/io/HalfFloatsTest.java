package org.sparsenn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HalfFloatsTest {

  /** Independent oracle: the IEEE binary16 definition evaluated in double. */
  private static double halfByDefinition(int bits) {
    int sign = (bits >> 15) & 1;
    int exponent = (bits >> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    double magnitude;
    if (exponent == 0) {
      magnitude = Math.scalb((double) mantissa, -24);
    } else if (exponent == 31) {
      magnitude = mantissa == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
    } else {
      magnitude = Math.scalb(1.0 + mantissa / 1024.0, exponent - 15);
    }
    return sign == 1 ? -magnitude : magnitude;
  }

  @Test
  void everyHalfValueMatchesTheDefinitionBitForBit() {
    for (int bits = 0; bits < 65536; bits++) {
      float actual = HalfFloats.halfToFloat((short) bits);
      double expected = halfByDefinition(bits);
      if (Double.isNaN(expected)) {
        assertTrue(Float.isNaN(actual), "bits " + Integer.toHexString(bits));
        int sign = Float.floatToRawIntBits(actual) >>> 31;
        assertEquals(bits >> 15, sign, "NaN sign of " + Integer.toHexString(bits));
      } else {
        assertEquals(Float.floatToRawIntBits((float) expected),
            Float.floatToRawIntBits(actual), "bits " + Integer.toHexString(bits));
      }
    }
  }

  @Test
  void halfSpecialValues() {
    assertEquals(Float.floatToRawIntBits(0f),
        Float.floatToRawIntBits(HalfFloats.halfToFloat((short) 0x0000)));
    assertEquals(Float.floatToRawIntBits(-0f),
        Float.floatToRawIntBits(HalfFloats.halfToFloat((short) 0x8000)));
    assertEquals(0x1p-24f, HalfFloats.halfToFloat((short) 0x0001)); // smallest subnormal
    assertEquals(1023 * 0x1p-24f, HalfFloats.halfToFloat((short) 0x03ff)); // largest subnormal
    assertEquals(0x1p-14f, HalfFloats.halfToFloat((short) 0x0400)); // smallest normal
    assertEquals(65504f, HalfFloats.halfToFloat((short) 0x7bff)); // largest finite
    assertEquals(1f, HalfFloats.halfToFloat((short) 0x3c00));
    assertEquals(-2f, HalfFloats.halfToFloat((short) 0xc000));
    assertEquals(Float.POSITIVE_INFINITY, HalfFloats.halfToFloat((short) 0x7c00));
    assertEquals(Float.NEGATIVE_INFINITY, HalfFloats.halfToFloat((short) 0xfc00));
    assertTrue(Float.isNaN(HalfFloats.halfToFloat((short) 0x7e00)));
    assertTrue(Float.isNaN(HalfFloats.halfToFloat((short) 0x7c01))); // signalling payload
    assertTrue(Float.isNaN(HalfFloats.halfToFloat((short) 0xfe00)));
  }

  @Test
  void bfloat16SpecialValues() {
    assertEquals(1f, HalfFloats.bfloat16ToFloat((short) 0x3f80));
    assertEquals(3.140625f, HalfFloats.bfloat16ToFloat((short) 0x4049));
    assertEquals(-2f, HalfFloats.bfloat16ToFloat((short) 0xc000));
    assertEquals(Float.floatToRawIntBits(-0f),
        Float.floatToRawIntBits(HalfFloats.bfloat16ToFloat((short) 0x8000)));
    assertEquals(0x1p-133f, HalfFloats.bfloat16ToFloat((short) 0x0001)); // smallest subnormal
    assertEquals(0x1p-126f, HalfFloats.bfloat16ToFloat((short) 0x0080)); // smallest normal
    assertEquals(Float.POSITIVE_INFINITY, HalfFloats.bfloat16ToFloat((short) 0x7f80));
    assertEquals(Float.NEGATIVE_INFINITY, HalfFloats.bfloat16ToFloat((short) 0xff80));
    assertTrue(Float.isNaN(HalfFloats.bfloat16ToFloat((short) 0x7fc0)));
    assertTrue(Float.isNaN(HalfFloats.bfloat16ToFloat((short) 0xff81)));
  }

  @Test
  void everyBfloat16ValueIsTheTopHalfOfItsFloat() {
    for (int bits = 0; bits < 65536; bits++) {
      float f = HalfFloats.bfloat16ToFloat((short) bits);
      if (Float.isNaN(f)) {
        assertTrue((bits & 0x7f80) == 0x7f80 && (bits & 0x7f) != 0, Integer.toHexString(bits));
      } else {
        // truncating the float back to 16 bits is exact and gives the same bits
        assertEquals(bits, Float.floatToRawIntBits(f) >>> 16, Integer.toHexString(bits));
        assertEquals(0, Float.floatToRawIntBits(f) & 0xffff);
      }
    }
  }
}
