package org.sparsenn.model;

/**
 * What a network's recurrent front end hands to its dense layers: one vector per sequence,
 * taken from the last recurrent layer.
 */
public enum SequenceOutput {
  /**
   * The output of the last step, {@code y[:, -1, :]} in PyTorch: the forward state after the
   * whole sequence and, for a bidirectional layer, the backward state after reading only the
   * last step.
   */
  LAST_STEP,
  /**
   * Each direction's state after reading the whole sequence, forward then backward:
   * {@code torch.cat((h_n[-2], h_n[-1]), 1)} for a bidirectional layer, the same as
   * {@link #LAST_STEP} for a one-way forward layer.
   */
  FINAL_STATE
}
