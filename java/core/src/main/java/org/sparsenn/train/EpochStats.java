package org.sparsenn.train;

/**
 * What one epoch of training measured.
 *
 * @param epoch 1-based
 * @param trainLoss mean loss over the epoch's batches, as they were trained
 * @param trainAccuracy share of training examples classified right as they were trained (NaN
 *     without labels)
 * @param validationLoss mean loss on the validation part after the epoch (NaN without one)
 * @param validationAccuracy accuracy on the validation part (NaN without one or without labels)
 * @param seconds wall-clock time of the epoch, validation included
 */
public record EpochStats(int epoch, double trainLoss, double trainAccuracy,
    double validationLoss, double validationAccuracy, double seconds) {}
