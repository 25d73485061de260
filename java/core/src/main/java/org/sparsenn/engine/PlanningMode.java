package org.sparsenn.engine;

/** How the {@link Planner} chooses each layer's storage and kernel. */
public enum PlanningMode {
  /**
   * Predict each candidate's time from a cost model fed by machine figures: this machine's
   * cached calibration ({@code sparsenn calibrate}), else the defaults shipped for the kernel
   * set (see {@link MachineProfile}). Never measures; within a few tens of percent of the best
   * choice.
   */
  ESTIMATE,
  /**
   * Time the promising candidates on the real layer when the session is created, within a
   * small budget ({@link SessionOptions#measureBudget()}), and keep the fastest. Candidates are
   * timed on the creating thread alone, however many threads the session runs: that ranks the
   * kernels without the noise of handing work to other threads while the JVM warms up.
   */
  MEASURE
}
