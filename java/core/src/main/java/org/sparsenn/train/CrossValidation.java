package org.sparsenn.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.sparsenn.io.data.Dataset;
import org.sparsenn.model.Network;

/** k-fold cross-validation: train on k-1 parts, evaluate on the one held out, k times. */
public final class CrossValidation {
  private CrossValidation() {}

  /**
   * The evaluation of each fold, and their means.
   *
   * @param folds one evaluation per fold, in order
   * @param meanAccuracy mean of the folds' accuracies (NaN without labels)
   * @param accuracyStdDev their sample standard deviation
   * @param meanLoss mean of the folds' mean losses
   */
  public record Result(List<Evaluation> folds, double meanAccuracy, double accuracyStdDev,
      double meanLoss) {
    /** @throws NullPointerException if {@code folds} is null */
    public Result {
      folds = List.copyOf(folds);
    }
  }

  /**
   * Runs {@code k}-fold cross-validation over a seeded shuffle of {@code data}.
   *
   * @param train trains a network on one fold's training part (e.g. a {@link Trainer} from
   *     fresh {@link Initializers} weights)
   * @throws IllegalArgumentException if {@code k < 2} or {@code k > data.size()}, or a trained
   *     network does not fit the data
   * @throws NullPointerException if an argument is null
   */
  public static Result run(Dataset data, int k, long seed, Function<Dataset, Network> train,
      Loss loss) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(train, "train");
    Objects.requireNonNull(loss, "loss");
    List<Evaluation> folds = new ArrayList<>();
    for (Dataset.Split fold : data.kFolds(k, seed)) {
      Network trained = Objects.requireNonNull(train.apply(fold.first()), "trained network");
      folds.add(Evaluator.evaluate(trained, fold.second(), loss));
    }
    double accuracy = 0;
    double lossSum = 0;
    for (Evaluation e : folds) {
      accuracy += e.accuracy();
      lossSum += e.meanLoss();
    }
    accuracy /= folds.size();
    double squares = 0;
    for (Evaluation e : folds) {
      squares += (e.accuracy() - accuracy) * (e.accuracy() - accuracy);
    }
    return new Result(folds, accuracy, Math.sqrt(squares / (folds.size() - 1)),
        lossSum / folds.size());
  }
}
