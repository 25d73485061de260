package org.sparsenn.engine;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.sparsenn.kernel.AlignedBuffer;

/**
 * Runs the row ranges of one layer on several threads. The ranges ("chunks", a few per thread)
 * are claimed one at a time by the caller and by helpers handed to the executor, so a helper
 * that starts late, or whose core the machine takes away for a while, leaves its share to the
 * others instead of holding up the call (a virtual CPU can be descheduled for many
 * microseconds, longer than a layer takes). One instance belongs to one calling thread and is
 * reused for every call: the hot path allocates nothing and takes no lock.
 *
 * <p>Claims go through one word, {@code generation | chunks | next chunk}: a helper may run late,
 * even after its call has ended, but it can only claim a chunk of the call that is current, and
 * a call cannot end (and the caller cannot overwrite its fields) while one of its chunks runs.
 */
final class ParallelRanges {
  // The caller waits this long spinning for the last chunks before it parks.
  private static final long SPIN_NANOS = 20_000;
  /**
   * Below this many multiply-adds per call (stored weights times batch) a layer runs all its
   * ranges on the calling thread: handing a range to another thread and waiting for it costs
   * more than it saves on smaller layers, even with a worker spinning for it. (2^18 kept the
   * mlp's 300 x 784 first layer serial at batch 1: 12.1 us per call on 2 threads against
   * 7.5 us at 2^16, JMH, 3 forks each.)
   */
  static final long MIN_PARALLEL_WORK = 1L << 16;
  /**
   * Most chunks one call can have (the width of the chunk fields in the claim word); LinearOp
   * rejects thread counts that would exceed it.
   */
  static final int MAX_CHUNKS = 0xFFFF;

  private final Executor executor;
  private final int maxHelpers;
  private final Runnable helper = this::help;
  private final AtomicLong claims = new AtomicLong();
  private final AtomicInteger finished = new AtomicInteger();
  // Helpers handed to the executor that have not started yet (bounds its queue). Counting
  // them until they return instead let a helper that had claimed its last chunk, but not yet
  // returned, keep the next layer from getting a helper: that layer then ran on the caller.
  private final AtomicInteger helpersQueued = new AtomicInteger();
  private volatile Thread waiter;
  private volatile Throwable failure;
  private int generation;
  // The current call, written before its generation is published in claims.
  private LinearOp op;
  private AlignedBuffer x;
  private int batch;
  private AlignedBuffer y;

  /**
   * @param executor where helpers run; null runs every chunk on the caller
   * @param threads threads per call, the caller included (so {@code threads - 1} helpers)
   */
  ParallelRanges(Executor executor, int threads) {
    this.executor = executor;
    this.maxHelpers = Math.max(0, threads - 1);
  }

  /** Runs every chunk of {@code op} on {@code x}, then returns; rethrows a chunk's failure. */
  void run(LinearOp op, AlignedBuffer x, int batch, AlignedBuffer y) {
    int chunks = op.parts();
    if (chunks == 1 || executor == null || maxHelpers == 0
        || op.storedWeights() * batch < MIN_PARALLEL_WORK) {
      for (int chunk = 0; chunk < chunks; chunk++) {
        op.runPart(chunk, x, batch, y);
      }
      return;
    }
    this.op = op;
    this.x = x;
    this.batch = batch;
    this.y = y;
    failure = null;
    finished.set(0);
    waiter = Thread.currentThread();
    generation++;
    claims.set(((long) generation << 32) | ((long) chunks << 16));  // publishes the call
    int wanted = Math.min(maxHelpers, chunks - 1);
    for (int i = 0; i < wanted && helpersQueued.get() < maxHelpers; i++) {
      helpersQueued.incrementAndGet();
      try {
        executor.execute(helper);
      } catch (RejectedExecutionException e) {
        helpersQueued.decrementAndGet();
        break;  // the caller runs the rest
      }
    }
    runClaimedChunks();
    awaitChunks(chunks);
    this.op = null;
    this.x = null;
    this.y = null;
    Throwable t = failure;
    if (t != null) {
      rethrow(t);
    }
  }

  private void help() {
    helpersQueued.decrementAndGet();
    runClaimedChunks();
  }

  /** Claims and runs chunks of the current call until none is left. */
  private void runClaimedChunks() {
    long word = claims.get();
    while (true) {
      int next = (int) (word & 0xFFFF);
      int chunks = (int) ((word >>> 16) & 0xFFFF);
      if (next >= chunks) {
        return;
      }
      if (claims.compareAndSet(word, word + 1)) {
        runChunk(next, chunks);
      }
      word = claims.get();
    }
  }

  private void runChunk(int chunk, int chunks) {
    try {
      op.runPart(chunk, x, batch, y);
    } catch (Throwable t) {
      failure = t;
    } finally {
      if (finished.incrementAndGet() == chunks) {
        LockSupport.unpark(waiter);
      }
    }
  }

  private void awaitChunks(int chunks) {
    long deadline = System.nanoTime() + SPIN_NANOS;
    while (finished.get() != chunks && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    while (finished.get() != chunks) {
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
}
