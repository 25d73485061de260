package org.sparsenn.train;

/**
 * What training minimises, averaged over a batch as PyTorch's default {@code reduction='mean'}
 * does.
 */
public enum Loss {
  /**
   * Softmax followed by cross-entropy against the class label ({@code nn.CrossEntropyLoss}):
   * applied to the last layer's outputs (for a network with a softmax output, to what goes into
   * the softmax). Needs labelled data.
   */
  SOFTMAX_CROSS_ENTROPY,
  /**
   * Mean squared error over every output ({@code nn.MSELoss}): against the float targets, or
   * against the one-hot label when the data has only labels; on the softmax probabilities when
   * the network has a softmax output.
   */
  MSE
}
