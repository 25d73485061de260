/**
 * Pruning: magnitude (global or per layer), random, block, N:M, neuron and input-feature
 * pruning, one-shot or gradual on a schedule, with sensitivity scans; start from
 * {@link org.sparsenn.prune.Pruners}. Pruners return new networks and masks, never modify
 * their input.
 */
package org.sparsenn.prune;
