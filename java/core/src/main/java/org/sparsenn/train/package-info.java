/**
 * Training and evaluation on the CPU: mini-batch SGD and Adam with cross-entropy or squared
 * error loss, masks held so pruned weights stay zero while fine-tuning, cross-validation and
 * metrics.
 */
package org.sparsenn.train;
