package org.sparsenn.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CubicScheduleTest {
  // s_i = 0, s_f = 0.8, t0 = 100, n = 4, dt = 50: ramp over [100, 300]
  private final SparsitySchedule schedule = SparsitySchedule.cubic(0, 0.8, 100, 4, 50);

  @Test
  void formulaValuesAtKnownPoints() {
    assertEquals(0.0, schedule.targetAt(0), 1e-12);
    assertEquals(0.0, schedule.targetAt(100), 1e-12);
    // 0.8 + (0 - 0.8) (1 - 1/4)^3 = 0.8 (1 - 27/64)
    assertEquals(0.8 * (1 - 27.0 / 64), schedule.targetAt(150), 1e-12);
    assertEquals(0.8 * (1 - 1.0 / 8), schedule.targetAt(200), 1e-12);
    assertEquals(0.8 * (1 - 1.0 / 64), schedule.targetAt(250), 1e-12);
    assertEquals(0.8, schedule.targetAt(300), 1e-12);
    assertEquals(0.8, schedule.targetAt(10_000), 1e-12);
  }

  @Test
  void nonZeroInitialSparsity() {
    SparsitySchedule s = SparsitySchedule.cubic(0.5, 0.9, 0, 2, 10);
    assertEquals(0.5, s.targetAt(0), 1e-12);
    assertEquals(0.9 - 0.4 / 8, s.targetAt(10), 1e-12);
    assertEquals(0.9, s.targetAt(20), 1e-12);
  }

  @Test
  void prunesEveryIntervalWithinTheRampOnly() {
    assertFalse(schedule.isPruningStep(50));
    assertTrue(schedule.isPruningStep(100));
    assertFalse(schedule.isPruningStep(101));
    assertTrue(schedule.isPruningStep(150));
    assertTrue(schedule.isPruningStep(300));
    assertFalse(schedule.isPruningStep(350));
    assertEquals(300, schedule.lastPruningStep());
  }

  @Test
  void targetNeverDecreases() {
    double last = 0;
    for (long t = 0; t <= 400; t++) {
      double s = schedule.targetAt(t);
      assertTrue(s >= last - 1e-15, "step " + t);
      last = s;
    }
  }

  @Test
  void badParametersAreRejected() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> SparsitySchedule.cubic(0, 1.0, 0, 4, 10));
    assertTrue(e.getMessage().contains("1.0"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SparsitySchedule.cubic(0.5, 0.4, 0, 4, 1));
    assertThrows(IllegalArgumentException.class, () -> SparsitySchedule.cubic(0, 0.5, -1, 4, 1));
    assertThrows(IllegalArgumentException.class, () -> SparsitySchedule.cubic(0, 0.5, 0, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> SparsitySchedule.cubic(0, 0.5, 0, 4, 0));
  }
}
