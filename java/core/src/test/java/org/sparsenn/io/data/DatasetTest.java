package org.sparsenn.io.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DatasetTest {
  /** 10 examples of 2 features, feature 0 = index, label = index % 3. */
  private static Dataset tenExamples() {
    float[] features = new float[20];
    int[] labels = new int[10];
    for (int i = 0; i < 10; i++) {
      features[2 * i] = i;
      features[2 * i + 1] = -i;
      labels[i] = i % 3;
    }
    return Dataset.classification(features, 2, labels);
  }

  private static int[] ids(Dataset d) {
    return IntStream.range(0, d.size()).map(i -> (int) d.features(i)[0]).toArray();
  }

  @Test
  void shuffleIsSeededAndKeepsFeaturesWithTheirLabels() {
    Dataset data = tenExamples();
    Dataset a = data.shuffled(1);
    assertArrayEquals(ids(a), ids(data.shuffled(1)));
    assertNotEquals(Arrays.toString(ids(a)), Arrays.toString(ids(data.shuffled(2))));
    int[] sorted = ids(a).clone();
    Arrays.sort(sorted);
    assertArrayEquals(ids(data), sorted);
    for (int i = 0; i < a.size(); i++) {
      assertEquals((int) a.features(i)[0] % 3, a.label(i));
      assertEquals(0f - a.features(i)[0], a.features(i)[1]);
    }
    assertEquals(3, a.classCount());
  }

  @Test
  void splitSubsetAndRangeCutInOrder() {
    Dataset data = tenExamples();
    Dataset.Split split = data.split(0.3);
    assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6}, ids(split.first()));
    assertArrayEquals(new int[] {7, 8, 9}, ids(split.second()));
    assertArrayEquals(new int[] {9, 0, 9}, ids(data.subset(new int[] {9, 0, 9})));
    assertArrayEquals(new int[] {8, 9}, ids(split.second().range(1, 3)));
    assertEquals(3, split.second().subset(new int[] {0}).classCount());
    assertThrows(IllegalArgumentException.class, () -> data.split(1.5));
    assertThrows(IndexOutOfBoundsException.class, () -> data.subset(new int[] {10}));
  }

  @Test
  void kFoldsPartitionTheData() {
    Dataset data = tenExamples();
    List<Dataset.Split> folds = data.kFolds(3, 5);
    assertEquals(3, folds.size());
    int[] seen = new int[10];
    for (Dataset.Split fold : folds) {
      assertEquals(10, fold.first().size() + fold.second().size());
      for (int id : ids(fold.second())) {
        seen[id]++;
      }
      for (int id : ids(fold.second())) {
        assertTrue(Arrays.stream(ids(fold.first())).noneMatch(t -> t == id));
      }
    }
    assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, seen);
    assertThrows(IllegalArgumentException.class, () -> data.kFolds(1, 0));
    assertThrows(IllegalArgumentException.class, () -> data.kFolds(11, 0));
  }

  @Test
  void copyHelpersCutBatches() {
    Dataset data = tenExamples().subset(new int[] {4, 2});
    float[] batch = new float[5];
    data.copyFeatures(0, 2, batch, 1);
    assertArrayEquals(new float[] {0, 4, -4, 2, -2}, batch);
    int[] labels = new int[2];
    data.copyLabels(0, 2, labels, 0);
    assertArrayEquals(new int[] {1, 2}, labels);
    assertThrows(IllegalStateException.class, () -> data.copyTargets(0, 1, new float[2], 0));
  }

  @Test
  void regressionAndFactoriesCheckSizes() {
    Dataset r = Dataset.regression(new float[] {1, 2, 3, 4}, 2, new float[] {5, 6}, 1);
    assertEquals(2, r.size());
    assertTrue(r.hasTargets());
    assertThrows(IllegalStateException.class, () -> r.label(0));
    float[] t = new float[1];
    r.copyTargets(1, 2, t, 0);
    assertEquals(6f, t[0]);
    assertThrows(IllegalArgumentException.class,
        () -> Dataset.classification(new float[3], 2, new int[] {0, 1}));
    assertThrows(IllegalArgumentException.class,
        () -> Dataset.classification(new float[2], 1, new int[] {0, -1}));
    assertThrows(IllegalArgumentException.class,
        () -> Dataset.classification(new float[][] {{1, 2}, {3}}, new int[] {0, 1}));
    assertEquals(0, Dataset.classification(new float[0], 3, new int[0]).size());
  }
}
