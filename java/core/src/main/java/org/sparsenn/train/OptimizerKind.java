package org.sparsenn.train;

/** The update rule, each as PyTorch's {@code torch.optim} class of the same name computes it. */
public enum OptimizerKind {
  /**
   * SGD with momentum: {@code v = momentum * v + g; w -= lr * v} (no dampening, no Nesterov).
   */
  SGD,
  /**
   * Adam with bias correction: {@code m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
   * w -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)}.
   */
  ADAM
}
