package org.sparsenn.engine;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.sparsenn.kernel.AlignedBuffer;

/**
 * Runs the row ranges of one layer on several threads: the caller takes range 0, the executor
 * the others. One instance belongs to one calling thread and is reused for every call, so the
 * hot path allocates nothing and takes no lock: the caller spins briefly, then parks, until the
 * last range's worker unparks it.
 */
final class ParallelRanges {
  // About 20 µs of spinning: most ranges finish within that, and parking costs more.
  private static final int SPINS = 20_000;
  /**
   * Below this many multiply-adds per call (stored weights times batch) a layer runs all its
   * ranges on the calling thread: handing a range to another thread and waiting for it costs
   * several microseconds, more than the work saved on small layers.
   */
  static final long MIN_PARALLEL_WORK = 1L << 18;

  private final Executor executor;
  private final RangeTask[] tasks;
  private final AtomicInteger pending = new AtomicInteger();
  private volatile Thread waiter;
  private volatile Throwable failure;

  ParallelRanges(Executor executor, int maxParts) {
    this.executor = executor;
    this.tasks = new RangeTask[Math.max(0, maxParts - 1)];
    for (int i = 0; i < tasks.length; i++) {
      tasks[i] = new RangeTask();
    }
  }

  /** Runs every part of {@code op} on {@code x}, then returns; rethrows a worker's failure. */
  void run(LinearOp op, AlignedBuffer x, int batch, AlignedBuffer y) {
    int parts = op.parts();
    if (parts == 1 || executor == null || op.storedWeights() * batch < MIN_PARALLEL_WORK) {
      for (int part = 0; part < parts; part++) {
        op.runPart(part, x, batch, y);
      }
      return;
    }
    failure = null;
    waiter = Thread.currentThread();
    pending.set(parts - 1);
    for (int part = 1; part < parts; part++) {
      RangeTask task = tasks[part - 1];
      task.prepare(op, part, x, batch, y);
      try {
        executor.execute(task);
      } catch (RejectedExecutionException e) {
        task.run();
      }
    }
    Throwable own = null;
    try {
      op.runPart(0, x, batch, y);
    } catch (Throwable t) {
      own = t;
    }
    awaitWorkers();
    Throwable workerFailure = failure;
    if (own != null) {
      rethrow(own);
    }
    if (workerFailure != null) {
      rethrow(workerFailure);
    }
  }

  private void awaitWorkers() {
    for (int spin = 0; spin < SPINS && pending.get() != 0; spin++) {
      Thread.onSpinWait();
    }
    while (pending.get() != 0) {
      LockSupport.park(this);
    }
  }

  private static void rethrow(Throwable t) {
    if (t instanceof RuntimeException e) {
      throw e;
    }
    if (t instanceof Error e) {
      throw e;
    }
    throw new IllegalStateException(t);
  }

  /** One reusable range of one call; fields are published by the executor's hand-off. */
  private final class RangeTask implements Runnable {
    private LinearOp op;
    private int part;
    private AlignedBuffer x;
    private int batch;
    private AlignedBuffer y;

    void prepare(LinearOp op, int part, AlignedBuffer x, int batch, AlignedBuffer y) {
      this.op = op;
      this.part = part;
      this.x = x;
      this.batch = batch;
      this.y = y;
    }

    @Override
    public void run() {
      try {
        op.runPart(part, x, batch, y);
      } catch (Throwable t) {
        failure = t;
      } finally {
        if (pending.decrementAndGet() == 0) {
          LockSupport.unpark(waiter);
        }
      }
    }
  }
}
