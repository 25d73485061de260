/**
 * The model: a {@link org.sparsenn.model.Network} is a chain of
 * {@link org.sparsenn.model.DenseLayer}s (row-major {@code [outputs][inputs]} weights, a bias
 * and an {@link org.sparsenn.model.Activation}), optionally ending in a softmax. Immutable;
 * pruning, training and the readers all produce new networks.
 */
package org.sparsenn.model;
