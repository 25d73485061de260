package org.sparsenn.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.sparsenn.model.Activation;
import org.sparsenn.model.DenseLayer;
import org.sparsenn.model.Network;
import org.sparsenn.model.RecurrentLayer;
import org.sparsenn.model.RecurrentLayer.Cell;
import org.sparsenn.model.RecurrentLayer.Direction;
import org.sparsenn.model.SequenceOutput;

/** Magnitude and block pruning of recurrent networks: W, R and the dense head. */
class RecurrentPruningTest {
  private static float[] uniform(SplittableRandom random, int n) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) random.nextDouble(-1, 1);
    }
    return values;
  }

  /** A bidirectional LSTM of hidden 16 over 12 features, then a dense 32 -> 5. */
  private static Network lstm(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int rows = 2 * 4 * 16;
    RecurrentLayer layer = new RecurrentLayer(Cell.LSTM, Direction.BIDIRECTIONAL, 12, 16,
        Activation.TANH, false, uniform(random, rows * 12), uniform(random, rows * 16),
        uniform(random, rows), null);
    DenseLayer head = new DenseLayer(32, 5, uniform(random, 160), null, Activation.IDENTITY);
    return Network.sequence(List.of(layer), SequenceOutput.LAST_STEP, List.of(head), false);
  }

  private static int zeros(float[] values) {
    int count = 0;
    for (float v : values) {
      count += v == 0f ? 1 : 0;
    }
    return count;
  }

  @Test
  void layerScopePrunesEveryMatrixToTheTarget() {
    Network net = lstm(1);
    for (boolean aligned : new boolean[] {true, false}) {
      PruneResult result = Pruners.magnitude().sparsity(0.75).alignGates(aligned).build()
          .prune(net);
      RecurrentLayer pruned = result.network().recurrentLayers().get(0);
      assertEquals(3, result.masks().layerCount());
      assertEquals(Math.round(0.75 * 128 * 12), zeros(pruned.inputWeights()));
      assertEquals(Math.round(0.75 * 128 * 16), zeros(pruned.recurrentWeights()));
      assertEquals(120, zeros(result.network().layers().get(0).weights()));
      assertEquals(List.of("rnn 0 W", "rnn 0 R", "layer 0"),
          result.report().layers().stream().map(SparsityReport.Layer::name).toList());
      assertEquals(0.75, result.report().totalSparsity(), 1e-3);
      // the masks are what fine-tuning keeps: they match the zeros
      assertEquals(Masks.ofNonzeros(result.network()).sparsity(), result.masks().sparsity(),
          1e-12);
    }
  }

  @Test
  void alignedGatesPruneTheSamePositionInEveryGate() {
    Network net = lstm(2);
    float[] aligned = Pruners.magnitude().sparsity(0.6).alignGates(true).build().apply(net)
        .recurrentLayers().get(0).recurrentWeights();
    float[] free = Pruners.magnitude().sparsity(0.6).alignGates(false).build().apply(net)
        .recurrentLayers().get(0).recurrentWeights();
    float[] byDefault = Pruners.magnitude().sparsity(0.6).build().apply(net)
        .recurrentLayers().get(0).recurrentWeights();
    assertTrue(splitGroups(aligned) <= 1, "aligned pruning split " + splitGroups(aligned));
    assertTrue(splitGroups(free) > 50, "unaligned pruning split only " + splitGroups(free));
    assertArrayEquals(free, byDefault); // each weight on its own unless asked
  }

  /** (direction, row in gate, column) groups whose 4 gates are neither all kept nor all pruned. */
  private static int splitGroups(float[] r) {
    int hidden = 16;
    int split = 0;
    for (int d = 0; d < 2; d++) {
      for (int j = 0; j < hidden; j++) {
        for (int c = 0; c < hidden; c++) {
          int zeros = 0;
          for (int g = 0; g < 4; g++) {
            zeros += r[((d * 4 + g) * hidden + j) * hidden + c] == 0f ? 1 : 0;
          }
          split += zeros != 0 && zeros != 4 ? 1 : 0;
        }
      }
    }
    return split;
  }

  @Test
  void globalScopeIsOneThresholdAcrossWRAndTheHead() {
    Network net = lstm(3);
    Network pruned = Pruners.magnitude().global().sparsity(0.8).alignGates(false).build()
        .apply(net);
    float largestPruned = 0;
    float smallestKept = Float.MAX_VALUE;
    float[][] before = {net.recurrentLayers().get(0).inputWeights(),
        net.recurrentLayers().get(0).recurrentWeights(), net.layers().get(0).weights()};
    float[][] after = {pruned.recurrentLayers().get(0).inputWeights(),
        pruned.recurrentLayers().get(0).recurrentWeights(), pruned.layers().get(0).weights()};
    long total = 0;
    long zeros = 0;
    for (int m = 0; m < 3; m++) {
      for (int i = 0; i < before[m].length; i++) {
        float magnitude = Math.abs(before[m][i]);
        if (after[m][i] == 0f) {
          largestPruned = Math.max(largestPruned, magnitude);
          zeros++;
        } else {
          smallestKept = Math.min(smallestKept, magnitude);
          assertEquals(before[m][i], after[m][i]);
        }
        total++;
      }
    }
    assertTrue(largestPruned <= smallestKept, largestPruned + " > " + smallestKept);
    assertEquals(Math.round(0.8 * total), zeros);
  }

  @Test
  void pruningAgainNeverRevivesAWeight() {
    Network net = lstm(4);
    Network half = Pruners.magnitude().sparsity(0.5).build().apply(net);
    Network more = Pruners.magnitude().sparsity(0.7).build().apply(half);
    float[] a = half.recurrentLayers().get(0).recurrentWeights();
    float[] b = more.recurrentLayers().get(0).recurrentWeights();
    for (int i = 0; i < a.length; i++) {
      if (a[i] == 0f) {
        assertEquals(0f, b[i], "weight " + i + " revived");
      }
    }
    assertEquals(Math.round(0.7 * b.length), zeros(b));
  }

  @Test
  void sixteenByOneBlocksAreWholeColumnsOfSixteenRows() {
    Network net = lstm(5);
    PruneResult result = Pruners.blocks(16, 1).sparsity(0.5).build().prune(net);
    float[] r = result.network().recurrentLayers().get(0).recurrentWeights();
    int blocks = 0;
    for (int block = 0; block < 128 / 16; block++) {
      for (int c = 0; c < 16; c++) {
        int zeros = 0;
        for (int i = 0; i < 16; i++) {
          zeros += r[(block * 16 + i) * 16 + c] == 0f ? 1 : 0;
        }
        assertTrue(zeros == 0 || zeros == 16, "block " + block + " column " + c + ": " + zeros);
        blocks += zeros == 16 ? 1 : 0;
      }
    }
    assertEquals(64, blocks);
  }

  @Test
  void overridesAddressTheMatricesAndUnknownOnesAreNamed() {
    Network net = lstm(6);
    Network pruned = Pruners.magnitude().sparsity(0.5).override(1, 0.9).build().apply(net);
    assertEquals(Math.round(0.9 * 128 * 16),
        zeros(pruned.recurrentLayers().get(0).recurrentWeights()));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Pruners.magnitude().sparsity(0.5).override(3, 0.9).build().prune(net));
    assertTrue(e.getMessage().contains("W and R of each recurrent layer"), e.getMessage());
  }

  @Test
  void gradualPruningGrowsRecurrentMasks() {
    Network net = lstm(7);
    GradualPruning pruning = GradualPruning.magnitude(
        SparsitySchedule.cubic(0, 0.9, 0, 4, 1), Scope.LAYER);
    Masks masks = Masks.keepAll(net);
    double previous = 0;
    for (long step = 1; step <= 4; step++) { // step 0 prunes to the initial 0
      masks = pruning.update(step, net, masks);
      assertTrue(masks.sparsity() > previous, "step " + step + ": " + masks);
      previous = masks.sparsity();
    }
    assertEquals(0.9, masks.sparsity(1), 1e-3);
    Network applied = masks.apply(net);
    assertEquals(net.recurrentLayers().get(0).initialHidden(1).length,
        applied.recurrentLayers().get(0).initialHidden(1).length);
  }
}
