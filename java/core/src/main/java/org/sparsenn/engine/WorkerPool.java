package org.sparsenn.engine;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The worker threads a session owns. A layer's row ranges come one layer after another, a few
 * microseconds apart; a worker that parked after its last range has to be woken for the next
 * one, which costs tens of microseconds on a virtual machine (a thread pool's blocking queue
 * did that for every layer). So an idle worker first spins on the queue for
 * {@link #SPIN_NANOS}, and parks only when no work came.
 */
final class WorkerPool implements Executor, AutoCloseable {
  // Longer than the gap between two layers of a call, short enough not to hold a core idle.
  static final long SPIN_NANOS = 50_000;
  private static final int RUNNING = 0;
  private static final int PARKED = 1;

  private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
  private final Thread[] workers;
  private final AtomicIntegerArray state;
  private volatile boolean closed;

  WorkerPool(int workers) {
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be >= 1, got " + workers);
    }
    this.workers = new Thread[workers];
    this.state = new AtomicIntegerArray(workers);
    for (int i = 0; i < workers; i++) {
      int index = i;
      Thread t = new Thread(() -> work(index), "sparsenn-worker-" + (i + 1));
      t.setDaemon(true);
      this.workers[i] = t;
    }
    for (Thread t : this.workers) {
      t.start();
    }
  }

  /**
   * Queues {@code task} for the next free worker.
   *
   * @throws RejectedExecutionException after {@link #close()}
   */
  @Override
  public void execute(Runnable task) {
    if (closed) {
      throw new RejectedExecutionException("worker pool is closed");
    }
    queue.offer(task);
    // A worker marks itself parked before its last look at the queue, so one that this misses
    // sees the task.
    for (int i = 0; i < workers.length; i++) {
      if (state.get(i) == PARKED) {
        LockSupport.unpark(workers[i]);
        return;
      }
    }
  }

  private void work(int index) {
    while (true) {
      Runnable task = queue.poll();
      if (task == null) {
        if (closed) {
          return;  // the queue is drained: nobody waits on a dropped range
        }
        task = spinForTask();
      }
      if (task == null) {
        state.set(index, PARKED);
        task = queue.poll();
        if (task == null && !closed) {
          LockSupport.park(this);
        }
        state.set(index, RUNNING);
      }
      if (task != null) {
        try {
          task.run();
        } catch (Throwable t) {
          // Tasks report their own failures (ParallelRanges rethrows them to the caller).
        }
      }
    }
  }

  private Runnable spinForTask() {
    long deadline = System.nanoTime() + SPIN_NANOS;
    while (!closed && System.nanoTime() < deadline) {
      Runnable task = queue.poll();
      if (task != null) {
        return task;
      }
      Thread.onSpinWait();
    }
    return null;
  }

  /** Stops the workers once the queue is empty; later tasks are rejected. Idempotent. */
  @Override
  public void close() {
    closed = true;
    for (Thread t : workers) {
      LockSupport.unpark(t);
    }
  }

  /** Whether {@link #close()} was called. */
  boolean isClosed() {
    return closed;
  }
}
