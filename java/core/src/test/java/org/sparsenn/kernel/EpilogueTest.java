package org.sparsenn.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EpilogueTest {

  @Test
  void codesMatchTheNativeHeader() {
    // SNN_ACT_IDENTITY 0, RELU 1, LEAKY_RELU 2, SIGMOID 3, TANH 4, GELU 5
    ActivationFunction[] byCode = ActivationFunction.values();
    for (int i = 0; i < byCode.length; i++) {
      assertEquals(i, byCode[i].code());
    }
    assertEquals(6, byCode.length);
    assertEquals(2, ActivationFunction.LEAKY_RELU.code());
    assertEquals(5, ActivationFunction.GELU.code());
  }

  @Test
  void nonFiniteAlphaIsRejected() {
    for (float alpha : new float[] {Float.NaN, Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Epilogue.leakyRelu(alpha));
      assertTrue(e.getMessage().contains(String.valueOf(alpha)), e.getMessage());
    }
  }

  @Test
  void alphaOnOtherFunctionIsRejected() {
    for (ActivationFunction f : ActivationFunction.values()) {
      if (f != ActivationFunction.LEAKY_RELU) {
        IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, () -> new Epilogue(f, 0.1f));
        assertTrue(e.getMessage().contains(f.name()), e.getMessage());
        assertEquals(f, new Epilogue(f, 0f).function());
      }
    }
  }

  @Test
  void nullFunctionIsRejected() {
    assertThrows(NullPointerException.class, () -> new Epilogue(null, 0f));
  }

  @Test
  void leakyReluAcceptsZeroAndNegativeSlopes() {
    assertEquals(0f, Epilogue.leakyRelu(0f).apply(-3f), 0f);
    assertEquals(3f, Epilogue.leakyRelu(-1f).apply(-3f));
    assertEquals(-0.6f, Epilogue.leakyRelu(0.2f).apply(-3f), 1e-7f);
    assertEquals(3f, Epilogue.leakyRelu(0.2f).apply(3f));
    assertEquals(Epilogue.leakyRelu(0.2f), new Epilogue(ActivationFunction.LEAKY_RELU, 0.2f));
  }

  @Test
  void identityAndReluSemantics() {
    assertEquals(-2.5f, Epilogue.IDENTITY.apply(-2.5f));
    assertEquals(0f, Epilogue.RELU.apply(-2.5f));
    assertEquals(2.5f, Epilogue.RELU.apply(2.5f));
    assertEquals(Float.POSITIVE_INFINITY, Epilogue.RELU.apply(Float.POSITIVE_INFINITY));
    assertEquals(0f, Epilogue.RELU.apply(Float.NEGATIVE_INFINITY));
  }

  @Test
  void reluOfNegativeZeroKeepsNegativeZero() {
    // The scalar reference is x < 0 ? 0 : x, so -0 stays -0 (kernels.h, scalar-act.h).
    assertEquals(Float.floatToRawIntBits(-0f),
        Float.floatToRawIntBits(Epilogue.RELU.apply(-0f)));
    assertEquals(Float.floatToRawIntBits(-0f),
        Float.floatToRawIntBits(Epilogue.leakyRelu(0.5f).apply(-0f)));
  }

  @Test
  void nanPropagatesThroughEveryActivation() {
    for (ActivationFunction f : ActivationFunction.values()) {
      float alpha = f == ActivationFunction.LEAKY_RELU ? 0.1f : 0f;
      assertTrue(Float.isNaN(new Epilogue(f, alpha).apply(Float.NaN)), f + "(NaN)");
    }
  }

  @Test
  void sigmoidAndTanhSaturateAtInfinity() {
    assertEquals(1f, Epilogue.SIGMOID.apply(Float.POSITIVE_INFINITY));
    assertEquals(0f, Epilogue.SIGMOID.apply(Float.NEGATIVE_INFINITY));
    assertEquals(0.5f, Epilogue.SIGMOID.apply(0f));
    assertEquals(1f, Epilogue.SIGMOID.apply(100f));
    assertEquals(0f, Epilogue.SIGMOID.apply(-200f));
    assertEquals(0.7310586f, Epilogue.SIGMOID.apply(1f), 1e-7f);
    assertEquals(1f, Epilogue.TANH.apply(Float.POSITIVE_INFINITY));
    assertEquals(-1f, Epilogue.TANH.apply(Float.NEGATIVE_INFINITY));
    assertEquals(0.7615942f, Epilogue.TANH.apply(1f), 1e-7f);
    assertEquals(-0.7615942f, Epilogue.TANH.apply(-1f), 1e-7f);
  }

  @Test
  void geluMatchesKnownValues() {
    // 0.5 x (1 + erf(x / sqrt 2)), exact values to 7 digits.
    assertEquals(0.8413447f, Epilogue.GELU.apply(1f), 1e-7f);
    assertEquals(-0.1586553f, Epilogue.GELU.apply(-1f), 1e-7f);
    assertEquals(1.9544997f, Epilogue.GELU.apply(2f), 2e-7f);
    assertEquals(-0.04550026f, Epilogue.GELU.apply(-2f), 1e-7f);
    assertEquals(0.3457312f, Epilogue.GELU.apply(0.5f), 1e-7f);
    assertEquals(-0.004049694f, Epilogue.GELU.apply(-3f), 1e-7f);
    assertEquals(0f, Epilogue.GELU.apply(0f));
    assertEquals(10f, Epilogue.GELU.apply(10f), 1e-6f);
    assertEquals(0f, Epilogue.GELU.apply(-10f), 1e-6f);
    assertEquals(Float.POSITIVE_INFINITY, Epilogue.GELU.apply(Float.POSITIVE_INFINITY));
  }

  @Test
  void geluOfNegativeInfinityIsNanByTheFormula() {
    // Documented in native/src/math/scalar-act.h: -inf * (1 + erf(-inf)) = -inf * 0 = NaN.
    assertTrue(Float.isNaN(Epilogue.GELU.apply(Float.NEGATIVE_INFINITY)));
  }
}
