package org.sparsenn.train;

/**
 * How a network did on a data set.
 *
 * @param count examples evaluated
 * @param meanLoss the mean loss ({@link Loss}) per example
 * @param accuracy share classified right (NaN without labels)
 * @param topK the k of {@code topKAccuracy}
 * @param topKAccuracy share whose label is among the k largest outputs (NaN without labels)
 * @param meanSquaredError mean squared difference between the network's outputs (after its
 *     softmax, if it has one) and the targets, or the one-hot labels when there are no targets
 */
public record Evaluation(int count, double meanLoss, double accuracy, int topK,
    double topKAccuracy, double meanSquaredError) {}
