package org.sparsenn.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ActivationTest {
  @Test
  void parseKnowsEveryKindIgnoringCase() {
    assertEquals(Activation.RELU, Activation.parse("ReLU"));
    assertEquals(Activation.IDENTITY, Activation.parse(" identity "));
    assertEquals(Activation.SIGMOID, Activation.parse("sigmoid"));
    assertEquals(Activation.TANH, Activation.parse("TANH"));
    assertEquals(Activation.GELU, Activation.parse("gelu"));
    assertEquals(Activation.leakyRelu(0.01f), Activation.parse("leaky_relu"));
    assertEquals(Activation.leakyRelu(0.2f), Activation.parse("leaky_relu:0.2"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "swish", "leaky_relu:", "leaky_relu:abc", "relu6", "leaky_reluX"})
  void unknownNameIsRejectedNamingIt(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Activation.parse(text));
    assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
  }

  @Test
  void alphaOnlyForLeakyReluAndFinite() {
    assertThrows(IllegalArgumentException.class,
        () -> new Activation(Activation.Kind.RELU, 0.1f));
    assertThrows(IllegalArgumentException.class, () -> Activation.leakyRelu(Float.NaN));
    assertThrows(IllegalArgumentException.class,
        () -> Activation.leakyRelu(Float.POSITIVE_INFINITY));
    assertThrows(NullPointerException.class, () -> new Activation(null, 0f));
  }

  @Test
  void toStringRoundTripsThroughParse() {
    for (Activation a : new Activation[] {Activation.IDENTITY, Activation.RELU,
        Activation.leakyRelu(0.3f), Activation.SIGMOID, Activation.TANH, Activation.GELU}) {
      assertEquals(a, Activation.parse(a.toString()));
    }
  }
}
