package org.sparsenn.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparsenn.kernel.JavaKernels;
import org.sparsenn.kernel.Kernels;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;
import org.sparsenn.sparse.RandomWeights;

/**
 * Calibration inputs: validated in the options and against the model, propagated through the
 * layers, and what the planner prices and times the input-dependent format (csc16) on.
 */
class CalibrationInputsTest {
  private static final int INPUTS = 96;
  private static final int HIDDEN = 64;

  /**
   * Layer 0's ReLU outputs are all zero (zero weights, negative bias), so layer 1 sees only
   * zeros; layer 0 sees the calibration rows as they are.
   */
  private static Network deadHiddenLayer() {
    float[] negative = new float[HIDDEN];
    java.util.Arrays.fill(negative, -1f);
    DenseLayer first = new DenseLayer(INPUTS, HIDDEN, new float[HIDDEN * INPUTS], negative,
        Activation.RELU);
    DenseLayer second = new DenseLayer(HIDDEN, 10, RandomWeights.dense(10, HIDDEN, 0.5, 3),
        RandomWeights.vector(10, 4), Activation.IDENTITY);
    return new Network(List.of(first, second), false);
  }

  private static float[][] rows(int count, int width, double zeros, long seed) {
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    float[][] rows = new float[count][width];
    for (float[] row : rows) {
      for (int c = 0; c < width; c++) {
        row[c] = random.nextDouble() < zeros ? 0f : (float) random.nextDouble() + 0.1f;
      }
    }
    return rows;
  }

  @Test
  void builderRejectsMalformedInputsAndCopiesThem() {
    SessionOptions.Builder b = SessionOptions.builder();
    assertThrows(IllegalArgumentException.class, () -> b.calibrationInputs(new float[0][]));
    assertThrows(IllegalArgumentException.class,
        () -> b.calibrationInputs(new float[SessionOptions.MAX_CALIBRATION_ROWS + 1][1]));
    assertThrows(IllegalArgumentException.class,
        () -> b.calibrationInputs(new float[][] {{1f}, null}));
    assertThrows(IllegalArgumentException.class,
        () -> b.calibrationInputs(new float[][] {{}}));
    IllegalArgumentException ragged = assertThrows(IllegalArgumentException.class,
        () -> b.calibrationInputs(new float[][] {{1f, 2f}, {1f}}));
    assertTrue(ragged.getMessage().contains("input 1 has 1 features"), ragged.getMessage());

    float[][] given = {{1f, 2f}, {3f, 4f}};
    SessionOptions options = b.calibrationInputs(given).build();
    given[0][0] = 99f;
    assertEquals(2, options.calibrationRows());
    assertArrayEquals(new float[] {1f, 2f}, options.calibrationInputs()[0]);
    assertEquals(2, options.toBuilder().build().calibrationRows());
    assertEquals(0, options.toBuilder().calibrationInputs(null).build().calibrationRows());
  }

  @Test
  void widthMustMatchTheModel() {
    SessionOptions options = SessionOptions.builder()
        .calibrationInputs(rows(3, INPUTS + 1, 0, 1)).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Planner.plan(deadHiddenLayer(), options, JavaKernels.instance()));
    assertTrue(e.getMessage().contains("has " + (INPUTS + 1) + " features, the model takes "
        + INPUTS), e.getMessage());
  }

  @Test
  void zerosArePropagatedAndCountedPerBatch() {
    LayerInputs inputs = LayerInputs.propagate(deadHiddenLayer(), rows(8, INPUTS, 0.5, 2));
    assertEquals(1.0, inputs.skippedFraction(1, 1));
    assertEquals(1.0, inputs.skippedFraction(1, 8));
    double single = inputs.skippedFraction(0, 1);
    assertTrue(single > 0.35 && single < 0.65, "about half the raw inputs are zero: " + single);
    // a feature is skipped in a batch only when every sample has it zero
    assertTrue(inputs.skippedFraction(0, 4) < single / 4, "batched " + inputs.skippedFraction(0, 4));
    // only the first MAX_PLANNING_ROWS rows are used
    LayerInputs many = LayerInputs.propagate(deadHiddenLayer(),
        rows(LayerInputs.MAX_PLANNING_ROWS + 5, INPUTS, 0, 3));
    assertEquals(0.0, many.skippedFraction(0, 1));
  }

  @Test
  void estimatePricesZeroSkippingByTheMeasuredZerosAndAssumesNoneWithout() {
    Kernels kernels = JavaKernels.instance();
    Network network = deadHiddenLayer();
    // fixed figures where csc16 costs twice csr16 per weight read
    SessionOptions fixed = SessionOptions.builder().profile(SessionTest.FIXED_PROFILE).build();
    Plan blind = Planner.plan(network, fixed, kernels);
    Plan seen = Planner.plan(network, fixed.toBuilder()
        .calibrationInputs(rows(16, INPUTS, 0.5, 5)).build(), kernels);
    double blindCsc = predicted(blind.layers().get(1).singleCandidates(), LayerMethod.CSC16);
    double seenCsc = predicted(seen.layers().get(1).singleCandidates(), LayerMethod.CSC16);
    assertTrue(seenCsc < blindCsc, "all-zero inputs must price csc16 lower: " + seenCsc
        + " vs " + blindCsc);
    assertEquals(predicted(blind.layers().get(1).singleCandidates(), LayerMethod.CSR16),
        predicted(seen.layers().get(1).singleCandidates(), LayerMethod.CSR16),
        "methods that read every input are priced alike");
    // layer 1 reads only zeros: skipping them all is the cheapest way; blind, it is not chosen
    assertEquals(LayerMethod.CSC16, seen.layers().get(1).single(), seen.describe());
    assertTrue(blind.layers().get(1).single() != LayerMethod.CSC16, blind.describe());
  }

  @Test
  void measureTimesCandidatesOnTheCalibrationInputsAndRunsCorrectly() {
    Network network = deadHiddenLayer();
    SessionOptions options = SessionOptions.builder().planning(PlanningMode.MEASURE)
        .measureBudget(Duration.ofMillis(50))
        .candidates(EnumSet.of(LayerMethod.CSR16, LayerMethod.CSC16))
        .calibrationInputs(rows(16, INPUTS, 0.5, 6)).plannedBatch(4).build();
    float[] x = rows(1, INPUTS, 0.5, 7)[0];
    try (Session session = Session.create(network, options, JavaKernels.instance());
        Session reference = Session.create(network, SessionOptions.builder()
            .candidates(EnumSet.of(LayerMethod.DENSE_SIMD)).build(), JavaKernels.instance())) {
      for (Plan.LayerPlan layer : session.plan().layers()) {
        assertEquals("measured", layer.reason());
      }
      assertArrayEquals(reference.run(x), session.run(x), 1e-5f);
    }
  }

  @Test
  void timingBatchesAreFeatureMajorAndCycleThroughTheSamples() {
    float[][] samples = {{1f, 2f, 3f}, {4f, 5f, 6f}, {7f, 8f, 9f}};
    Network identity = new Network(List.of(new DenseLayer(3, 1, new float[3], new float[1],
        Activation.IDENTITY)), false);
    LayerInputs inputs = LayerInputs.propagate(identity, samples);
    List<org.sparsenn.kernel.AlignedBuffer> batches = inputs.batches(0, 2, 8);
    try {
      // 3 samples make one whole batch of 2
      assertEquals(1, batches.size());
      float[] got = new float[6];
      batches.get(0).getFloats(0, got);
      assertArrayEquals(new float[] {1f, 4f, 2f, 5f, 3f, 6f}, got);
    } finally {
      batches.forEach(org.sparsenn.kernel.AlignedBuffer::close);
    }
    List<org.sparsenn.kernel.AlignedBuffer> wide = inputs.batches(0, 4, 8);
    try {
      float[] got = new float[12];
      wide.get(0).getFloats(0, got);
      // fewer samples than a batch: they repeat
      assertArrayEquals(new float[] {1f, 4f, 7f, 1f, 2f, 5f, 8f, 2f, 3f, 6f, 9f, 3f}, got);
    } finally {
      wide.forEach(org.sparsenn.kernel.AlignedBuffer::close);
    }
  }

  private static double predicted(List<Plan.Candidate> candidates, LayerMethod method) {
    return candidates.stream().filter(c -> c.method() == method).findFirst().orElseThrow()
        .predictedMicros();
  }
}
