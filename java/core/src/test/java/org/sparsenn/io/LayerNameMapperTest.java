package org.sparsenn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparsenn.model.Activation;
import org.sparsenn.model.Network;

class LayerNameMapperTest {

  private static LayerNameMapper.TensorSpec spec(String name, long... shape) {
    List<Long> dims = new ArrayList<>();
    for (long d : shape) {
      dims.add(d);
    }
    return new LayerNameMapper.TensorSpec(name, dims, "F32");
  }

  private static List<String> weightOrder(LayerNameMapper.Plan plan) {
    return plan.layers().stream().map(LayerNameMapper.Slot::weight).toList();
  }

  private static ModelFormatException rejects(String fragment,
      LayerNameMapper.TensorSpec... specs) {
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> LayerNameMapper.plan(List.of(specs), "m.npz"));
    assertTrue(e.getMessage().startsWith("m.npz: "), e.getMessage());
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
    return e;
  }

  @Test
  void numberedNamesAreOrderedNumericallyNotAlphabetically() {
    List<LayerNameMapper.TensorSpec> specs = new ArrayList<>();
    // declared in a scrambled order: 10, 2, 1, with out/in chaining 1 -> 2 -> 10
    specs.add(spec("layers.10.weight", 3, 5));
    specs.add(spec("layers.2.bias", 5));
    specs.add(spec("layers.2.weight", 5, 6));
    specs.add(spec("layers.1.weight", 6, 4));
    specs.add(spec("layers.10.bias", 3));
    LayerNameMapper.Plan plan = LayerNameMapper.plan(specs, "m.npz");
    assertEquals(List.of("layers.1.weight", "layers.2.weight", "layers.10.weight"),
        weightOrder(plan));
    assertNull(plan.layers().get(0).bias());
    assertTrue(plan.ordering().contains("numeric"), plan.ordering());
    assertEquals(5, plan.mapping().size());
    assertEquals(new TensorMapping("layers.2.bias", 1, "layers.2", TensorMapping.Role.BIAS,
        List.of(5L), "F32"), plan.mapping().get(2));
  }

  @Test
  void commonPyTorchConventionsMap() {
    assertEquals(List.of("fc1.weight", "fc2.weight", "fc10.weight"), weightOrder(
        LayerNameMapper.plan(List.of(spec("fc10.weight", 2, 3), spec("fc1.weight", 4, 5),
            spec("fc2.weight", 3, 4)), "m")));
    assertEquals(List.of("net.0.weight", "net.2.weight"), weightOrder(LayerNameMapper.plan(
        List.of(spec("net.2.weight", 2, 3), spec("net.0.weight", 3, 4)), "m")));
    assertEquals(List.of("0.weight", "1.weight"), weightOrder(LayerNameMapper.plan(
        List.of(spec("1.weight", 2, 3), spec("0.weight", 3, 4)), "m")));
    assertEquals(List.of("model.linear1.weight", "model.linear2.weight"),
        weightOrder(LayerNameMapper.plan(List.of(spec("model.linear2.weight", 2, 3),
            spec("model.linear1.weight", 3, 4)), "m")));
    LayerNameMapper.Plan single = LayerNameMapper.plan(
        List.of(spec("weight", 2, 3), spec("bias", 2)), "m");
    assertEquals("(unnamed)", single.layers().get(0).name());
    assertEquals("bias", single.layers().get(0).bias());
  }

  @Test
  void unnumberedNamesKeepDeclaredOrder() {
    LayerNameMapper.Plan plan = LayerNameMapper.plan(List.of(spec("hidden.weight", 8, 4),
        spec("hidden.bias", 8), spec("classifier.weight", 2, 8)), "m");
    assertEquals(List.of("hidden.weight", "classifier.weight"), weightOrder(plan));
    assertTrue(plan.ordering().contains("declaration"), plan.ordering());
  }

  @Test
  void chainMismatchNamesBothLayersAndShapes() {
    ModelFormatException e = rejects("do not chain", spec("fc1.weight", 8, 4),
        spec("fc2.weight", 2, 7));
    assertTrue(e.getMessage().contains("fc1.weight") && e.getMessage().contains("fc2.weight")
        && e.getMessage().contains("[2, 7]"), e.getMessage());
  }

  @Test
  void batchNormStateIsRejectedNotSkipped() {
    rejects("bn1.running_mean", spec("fc1.weight", 8, 4), spec("bn1.running_mean", 8));
    rejects("BatchNorm", spec("fc1.weight", 8, 4), spec("bn1.num_batches_tracked"));
  }

  @Test
  void oneDimensionalWeightIsRejectedAsNormalization() {
    rejects("normalization", spec("ln.weight", 8));
    rejects("convolution", spec("conv.weight", 8, 3, 3, 3));
  }

  @Test
  void biasWithoutWeightOrOfWrongSizeIsRejected() {
    rejects("no matching weight", spec("fc1.bias", 4));
    rejects("needs a bias of shape [8]", spec("fc1.weight", 8, 4), spec("fc1.bias", 7));
    rejects("needs a bias of shape [8]", spec("fc1.weight", 8, 4), spec("fc1.bias", 8, 1));
  }

  @Test
  void zeroSizedOrEmptyInputIsRejected() {
    rejects("between 1 and", spec("fc1.weight", 0, 4));
    assertThrows(ModelFormatException.class, () -> LayerNameMapper.plan(List.of(), "m"));
    rejects("twice", spec("fc1.weight", 2, 2), spec("fc1.weight", 2, 2));
  }

  @Test
  void buildUsesHiddenActivationThenOutputActivation() {
    LayerNameMapper.Plan plan = LayerNameMapper.plan(List.of(spec("a1.weight", 2, 1),
        spec("a2.weight", 2, 2), spec("a2.bias", 2), spec("a3.weight", 1, 2)), "m");
    Map<String, float[]> data = new HashMap<>();
    data.put("a1.weight", new float[] {1, 2});
    data.put("a2.weight", new float[] {1, 0, 0, 1});
    data.put("a2.bias", new float[] {5, 6});
    data.put("a3.weight", new float[] {3, 4});
    Network net = LayerNameMapper.build(plan, data, ReadOptions.defaults()
        .withHiddenActivation(Activation.TANH).withOutputActivation(Activation.SIGMOID));
    assertEquals(Activation.TANH, net.layers().get(0).activation());
    assertEquals(Activation.TANH, net.layers().get(1).activation());
    assertEquals(Activation.SIGMOID, net.layers().get(2).activation());
    assertArrayEquals(new float[] {5, 6}, net.layers().get(1).bias());
    assertArrayEquals(new float[] {0, 0}, net.layers().get(0).bias());
  }

  @Test
  void naturalOrderComparesDigitRunsAsNumbers() {
    List<String> names = new ArrayList<>(List.of("b10", "b9", "a100", "b9x", "b09"));
    names.sort(LayerNameMapper.NATURAL);
    assertEquals(List.of("a100", "b09", "b9", "b9x", "b10"), names);
  }
}
