package org.sparsenn.io.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Examples for training or evaluation: a feature vector per example, and either an integer
 * class label (classification) or a vector of float targets (regression), or both.
 *
 * <p>Storage is one flat row-major {@code float[]} of features ({@code size x featureCount})
 * shared by every view made from it: {@link #shuffled}, {@link #subset}, {@link #split} and
 * {@link #kFolds} only make a new index list, so a 60,000-image set is never copied. The arrays
 * handed to the factories are kept, not copied (they can be large); callers must not change
 * them afterwards. Immutable otherwise, and thread-safe.
 */
public final class Dataset {
  private final float[] features;
  private final int featureCount;
  private final int[] labels;
  private final float[] targets;
  private final int targetCount;
  private final int classCount;
  /** Rows of the base arrays in this view, in order; null for all of them in order. */
  private final int[] rows;
  private final int size;

  private Dataset(float[] features, int featureCount, int[] labels, float[] targets,
      int targetCount, int classCount, int[] rows, int size) {
    this.features = features;
    this.featureCount = featureCount;
    this.labels = labels;
    this.targets = targets;
    this.targetCount = targetCount;
    this.classCount = classCount;
    this.rows = rows;
    this.size = size;
  }

  /**
   * A classification set from flat row-major features and one label per example.
   *
   * @param features {@code labels.length * featureCount} values, row-major; kept, not copied
   * @param labels class indices, each non-negative; kept, not copied
   * @throws IllegalArgumentException if the sizes disagree, {@code featureCount < 1}, or a
   *     label is negative
   */
  public static Dataset classification(float[] features, int featureCount, int[] labels) {
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(labels, "labels");
    checkFeatures(features, featureCount, labels.length);
    int max = -1;
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0) {
        throw new IllegalArgumentException("label of example " + i + " is negative: "
            + labels[i]);
      }
      max = Math.max(max, labels[i]);
    }
    return new Dataset(features, featureCount, labels, null, 0, max + 1, null, labels.length);
  }

  /**
   * A classification set from one feature array per example (copied into one flat array).
   *
   * @throws IllegalArgumentException if rows differ in length, are empty, or a label is
   *     negative or the counts disagree
   */
  public static Dataset classification(float[][] rows, int[] labels) {
    Objects.requireNonNull(rows, "rows");
    if (rows.length != labels.length) {
      throw new IllegalArgumentException(rows.length + " feature rows but " + labels.length
          + " labels");
    }
    return classification(flatten(rows), rows.length == 0 ? 1 : rows[0].length, labels);
  }

  /**
   * A regression set: flat row-major features and {@code targetCount} targets per example.
   *
   * @param targets {@code size * targetCount} values, row-major; kept, not copied
   * @throws IllegalArgumentException if the sizes disagree or a count is below 1
   */
  public static Dataset regression(float[] features, int featureCount, float[] targets,
      int targetCount) {
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(targets, "targets");
    if (targetCount < 1 || targets.length % targetCount != 0) {
      throw new IllegalArgumentException(targets.length + " targets do not make rows of "
          + targetCount);
    }
    int size = targets.length / targetCount;
    checkFeatures(features, featureCount, size);
    return new Dataset(features, featureCount, null, targets, targetCount, 0, null, size);
  }

  private static void checkFeatures(float[] features, int featureCount, int size) {
    if (featureCount < 1) {
      throw new IllegalArgumentException("feature count must be positive, got " + featureCount);
    }
    if ((long) size * featureCount != features.length) {
      throw new IllegalArgumentException(size + " examples of " + featureCount
          + " features need " + (long) size * featureCount + " values, got "
          + features.length);
    }
  }

  private static float[] flatten(float[][] rows) {
    if (rows.length == 0) {
      return new float[0];
    }
    int width = rows[0].length;
    float[] flat = new float[Math.multiplyExact(rows.length, width)];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != width) {
        throw new IllegalArgumentException("feature row " + i + " has " + rows[i].length
            + " values, row 0 has " + width);
      }
      System.arraycopy(rows[i], 0, flat, i * width, width);
    }
    return flat;
  }

  /** Number of examples. */
  public int size() {
    return size;
  }

  /** Whether there are no examples. */
  public boolean isEmpty() {
    return size == 0;
  }

  /** Features per example. */
  public int featureCount() {
    return featureCount;
  }

  /** Whether examples carry class labels. */
  public boolean hasLabels() {
    return labels != null;
  }

  /** Whether examples carry float targets. */
  public boolean hasTargets() {
    return targets != null;
  }

  /** Targets per example; 0 when there are none. */
  public int targetCount() {
    return targetCount;
  }

  /**
   * One more than the largest label of the whole underlying set (views share it, so that a
   * split does not shrink the class count); 0 without labels.
   */
  public int classCount() {
    return classCount;
  }

  private int row(int index) {
    Objects.checkIndex(index, size);
    return rows == null ? index : rows[index];
  }

  /**
   * The label of example {@code index}.
   *
   * @throws IllegalStateException if the set has no labels
   * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, size)}
   */
  public int label(int index) {
    requireLabels();
    return labels[row(index)];
  }

  /**
   * The labels of all examples, in order (a copy).
   *
   * @throws IllegalStateException if the set has no labels
   */
  public int[] labels() {
    requireLabels();
    int[] copy = new int[size];
    for (int i = 0; i < size; i++) {
      copy[i] = labels[row(i)];
    }
    return copy;
  }

  /** The largest label in this view, or -1 when empty; throws without labels. */
  public int maxLabel() {
    requireLabels();
    int max = -1;
    for (int i = 0; i < size; i++) {
      max = Math.max(max, labels[row(i)]);
    }
    return max;
  }

  /** A copy of example {@code index}'s features. */
  public float[] features(int index) {
    float[] copy = new float[featureCount];
    copyFeatures(index, index + 1, copy, 0);
    return copy;
  }

  /**
   * Copies the features of examples {@code [from, to)} into {@code dst} row after row from
   * {@code offset}: the fast path for cutting batches.
   *
   * @throws IndexOutOfBoundsException if a range is out of bounds
   */
  public void copyFeatures(int from, int to, float[] dst, int offset) {
    Objects.checkFromToIndex(from, to, size);
    Objects.checkFromIndexSize(offset, (to - from) * featureCount, dst.length);
    for (int i = from; i < to; i++) {
      System.arraycopy(features, row(i) * featureCount, dst,
          offset + (i - from) * featureCount, featureCount);
    }
  }

  /**
   * Copies the labels of examples {@code [from, to)} into {@code dst} from {@code offset}.
   *
   * @throws IllegalStateException if the set has no labels
   */
  public void copyLabels(int from, int to, int[] dst, int offset) {
    requireLabels();
    Objects.checkFromToIndex(from, to, size);
    for (int i = from; i < to; i++) {
      dst[offset + i - from] = labels[row(i)];
    }
  }

  /**
   * Copies the targets of examples {@code [from, to)} into {@code dst} from {@code offset}.
   *
   * @throws IllegalStateException if the set has no targets
   */
  public void copyTargets(int from, int to, float[] dst, int offset) {
    if (targets == null) {
      throw new IllegalStateException("this data set has no float targets");
    }
    Objects.checkFromToIndex(from, to, size);
    for (int i = from; i < to; i++) {
      System.arraycopy(targets, row(i) * targetCount, dst, offset + (i - from) * targetCount,
          targetCount);
    }
  }

  /** The examples in a random order fixed by {@code seed} (Fisher-Yates). */
  public Dataset shuffled(long seed) {
    int[] order = new int[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    shuffle(order, new SplittableRandom(seed));
    return subset(order);
  }

  /**
   * Shuffles {@code values} in place with {@code random} (Fisher-Yates): the one shuffle that
   * every seeded ordering in sparsenn uses.
   */
  public static void shuffle(int[] values, SplittableRandom random) {
    for (int i = values.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = values[i];
      values[i] = values[j];
      values[j] = t;
    }
  }

  /**
   * The examples at {@code indices} of this view, in that order (repeats allowed).
   *
   * @throws IndexOutOfBoundsException if an index is not in {@code [0, size)}
   */
  public Dataset subset(int[] indices) {
    int[] picked = new int[indices.length];
    for (int i = 0; i < indices.length; i++) {
      picked[i] = row(indices[i]);
    }
    return new Dataset(features, featureCount, labels, targets, targetCount, classCount, picked,
        picked.length);
  }

  /**
   * Examples {@code [from, to)} of this view.
   *
   * @throws IndexOutOfBoundsException if the range is out of bounds
   */
  public Dataset range(int from, int to) {
    Objects.checkFromToIndex(from, to, size);
    int[] picked = new int[to - from];
    for (int i = from; i < to; i++) {
      picked[i - from] = row(i);
    }
    return new Dataset(features, featureCount, labels, targets, targetCount, classCount, picked,
        picked.length);
  }

  /**
   * Cuts this view in two, in order: the first {@code round(size * (1 - secondFraction))}
   * examples and the rest (shuffle first for a random split).
   *
   * @throws IllegalArgumentException if {@code secondFraction} is not in {@code [0, 1]}
   */
  public Split split(double secondFraction) {
    if (!(secondFraction >= 0 && secondFraction <= 1)) {
      throw new IllegalArgumentException("split fraction must be in [0, 1], got "
          + secondFraction);
    }
    int second = (int) Math.round(size * secondFraction);
    return new Split(range(0, size - second), range(size - second, size));
  }

  /**
   * {@code k} folds of a shuffled copy of this view: fold {@code i} validates on the
   * {@code i}-th of {@code k} near-equal parts and trains on the others.
   *
   * @throws IllegalArgumentException if {@code k < 2} or {@code k > size}
   */
  public List<Split> kFolds(int k, long seed) {
    if (k < 2 || k > size) {
      throw new IllegalArgumentException("k-fold needs 2 <= k <= " + size + " examples, got k="
          + k);
    }
    Dataset order = shuffled(seed);
    List<Split> folds = new ArrayList<>();
    for (int fold = 0; fold < k; fold++) {
      int from = (int) ((long) size * fold / k);
      int to = (int) ((long) size * (fold + 1) / k);
      int[] train = new int[size - (to - from)];
      int n = 0;
      for (int i = 0; i < size; i++) {
        if (i < from || i >= to) {
          train[n++] = i;
        }
      }
      folds.add(new Split(order.subset(train), order.range(from, to)));
    }
    return List.copyOf(folds);
  }

  private void requireLabels() {
    if (labels == null) {
      throw new IllegalStateException("this data set has no class labels");
    }
  }

  /**
   * Two parts of a data set.
   *
   * @param first the training part (or the larger one)
   * @param second the held-out part (validation or test)
   */
  public record Split(Dataset first, Dataset second) {
    /** @throws NullPointerException if a part is null */
    public Split {
      Objects.requireNonNull(first, "first");
      Objects.requireNonNull(second, "second");
    }
  }

  @Override
  public String toString() {
    return "Dataset[" + size + " x " + featureCount
        + (labels != null ? ", " + classCount + " classes" : "")
        + (targets != null ? ", " + targetCount + " targets" : "") + "]";
  }
}
