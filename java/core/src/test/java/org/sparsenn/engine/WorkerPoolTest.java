package org.sparsenn.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {

  @Test
  void runsEveryTaskOnItsWorkers() throws InterruptedException {
    try (WorkerPool pool = new WorkerPool(2)) {
      int tasks = 10_000;
      CountDownLatch done = new CountDownLatch(tasks);
      AtomicInteger onWorkers = new AtomicInteger();
      for (int i = 0; i < tasks; i++) {
        pool.execute(() -> {
          if (Thread.currentThread().getName().startsWith("sparsenn-worker-")) {
            onWorkers.incrementAndGet();
          }
          done.countDown();
        });
      }
      assertTrue(done.await(30, TimeUnit.SECONDS), "tasks left: " + done.getCount());
      assertEquals(tasks, onWorkers.get());
    }
  }

  @Test
  void aParkedWorkerWakesForTheNextTask() throws InterruptedException {
    try (WorkerPool pool = new WorkerPool(1)) {
      for (int round = 0; round < 5; round++) {
        // idle far longer than the spin, so the worker has parked
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(WorkerPool.SPIN_NANOS) + 20);
        CountDownLatch done = new CountDownLatch(1);
        pool.execute(done::countDown);
        assertTrue(done.await(10, TimeUnit.SECONDS), "round " + round + " never ran");
      }
    }
  }

  @Test
  void aFailingTaskLeavesTheWorkerRunning() throws InterruptedException {
    try (WorkerPool pool = new WorkerPool(1)) {
      pool.execute(() -> {
        throw new IllegalStateException("expected by the test");
      });
      CountDownLatch done = new CountDownLatch(1);
      pool.execute(done::countDown);
      assertTrue(done.await(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void closeRunsWhatIsQueuedAndRejectsLaterTasks() throws InterruptedException {
    WorkerPool pool = new WorkerPool(1);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(2);
    pool.execute(() -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      done.countDown();
    });
    pool.execute(done::countDown);  // queued behind the blocked task
    pool.close();
    pool.close();
    assertTrue(pool.isClosed());
    release.countDown();
    assertTrue(done.await(10, TimeUnit.SECONDS), "a queued task was dropped by close()");
    assertThrows(RejectedExecutionException.class, () -> pool.execute(() -> { }));
  }

  @Test
  void needsAtLeastOneWorker() {
    assertThrows(IllegalArgumentException.class, () -> new WorkerPool(0));
  }
}
