package org.sparsenn.sparse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BFloat16Test {
  private static short bits(int b) {
    return (short) b;
  }

  @Test
  void exactValuesRoundTrip() {
    for (float v : new float[] {0f, -0f, 1f, -2f, 0.5f, 3.0f, 1.5f, -0.75f, 65536f,
        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
      assertEquals(Float.floatToRawIntBits(v),
          Float.floatToRawIntBits(BFloat16.round(v)), "value " + v);
    }
  }

  @Test
  void roundsToNearestWithTiesToEven() {
    // 1 + 2^-8 is halfway between 1 (even mantissa) and 1 + 2^-7: down to 1
    assertEquals(bits(0x3F80), BFloat16.fromFloat(Float.intBitsToFloat(0x3F808000)));
    // 1 + 3 * 2^-8 is halfway between 1 + 2^-7 (odd) and 1 + 2^-6 (even): up
    assertEquals(bits(0x3F82), BFloat16.fromFloat(Float.intBitsToFloat(0x3F818000)));
    // just above and below the halfway point
    assertEquals(bits(0x3F81), BFloat16.fromFloat(Float.intBitsToFloat(0x3F808001)));
    assertEquals(bits(0x3F80), BFloat16.fromFloat(Float.intBitsToFloat(0x3F807FFF)));
    // negative values round by magnitude
    assertEquals(bits(0xBF82), BFloat16.fromFloat(Float.intBitsToFloat(0xBF818000)));
    // a carry into the exponent: the largest mantissa rounds up to the next power of two
    assertEquals(bits(0x4000), BFloat16.fromFloat(Float.intBitsToFloat(0x3FFFFFFF)));
  }

  @Test
  void overflowGoesToInfinityAndNanStaysNan() {
    assertEquals(bits(0x7F80), BFloat16.fromFloat(Float.MAX_VALUE));
    assertEquals(bits(0xFF80), BFloat16.fromFloat(-Float.MAX_VALUE));
    for (int nan : new int[] {0x7FC00000, 0x7F800001, 0xFF800001, 0x7FFFFFFF, 0xFFFFFFFF}) {
      float f = Float.intBitsToFloat(nan);
      assertTrue(Float.isNaN(BFloat16.round(f)), Integer.toHexString(nan));
      assertEquals(nan < 0, BFloat16.fromFloat(f) < 0, "sign of " + Integer.toHexString(nan));
    }
  }

  @Test
  void subnormalsRoundAndTheSmallestRoundToZero() {
    assertEquals(bits(0x0000), BFloat16.fromFloat(Float.MIN_VALUE));
    assertEquals(bits(0x8000), BFloat16.fromFloat(-Float.MIN_VALUE));
    assertEquals(bits(0x0001), BFloat16.fromFloat(Float.intBitsToFloat(0x00010000)));
  }

  // Against the definition: the nearer of the two bf16 neighbours, the even one on a tie.
  @Test
  void randomValuesMatchTheDefinition() {
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 200_000; i++) {
      int b = random.nextInt();
      float f = Float.intBitsToFloat(b);
      if (Float.isNaN(f) || Float.isInfinite(f)) {
        continue;
      }
      float down = Float.intBitsToFloat(b & 0xFFFF0000);
      float up = Float.intBitsToFloat((b & 0xFFFF0000) + 0x10000);
      // past the largest bf16, infinity stands where 2^128 would be (IEEE overflow rounding)
      double upValue = Float.isInfinite(up) ? Math.copySign(0x1p128, f) : up;
      double dDown = Math.abs((double) f - down);
      double dUp = Math.abs(upValue - f);
      float want = dDown < dUp ? down : dUp < dDown ? up
          : ((b >>> 16) & 1) == 0 ? down : up;
      assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(BFloat16.round(f)),
          Integer.toHexString(b));
    }
  }
}
