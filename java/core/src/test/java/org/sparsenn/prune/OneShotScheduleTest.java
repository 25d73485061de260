package org.sparsenn.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OneShotScheduleTest {
  @Test
  void prunesOnceAtItsStep() {
    SparsitySchedule s = new OneShotSchedule(5, 0.9);
    assertEquals(0, s.targetAt(4), 1e-12);
    assertEquals(0.9, s.targetAt(5), 1e-12);
    assertEquals(0.9, s.targetAt(50), 1e-12);
    assertTrue(s.isPruningStep(5));
    assertFalse(s.isPruningStep(6));
    assertTrue(SparsitySchedule.oneShot(0.5).isPruningStep(0));
  }

  @Test
  void badArgumentsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> SparsitySchedule.oneShot(1.0));
    assertThrows(IllegalArgumentException.class, () -> new OneShotSchedule(-1, 0.5));
  }
}
