package org.sparsenn.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class IterativeScheduleTest {
  private final SparsitySchedule schedule =
      SparsitySchedule.iterative(List.of(0.5, 0.75, 0.9), 10, 100);

  @Test
  void stepsThroughTheListOneIntervalApart() {
    assertEquals(0, schedule.targetAt(9), 1e-12);
    assertEquals(0.5, schedule.targetAt(10), 1e-12);
    assertEquals(0.5, schedule.targetAt(109), 1e-12);
    assertEquals(0.75, schedule.targetAt(110), 1e-12);
    assertEquals(0.9, schedule.targetAt(210), 1e-12);
    assertEquals(0.9, schedule.targetAt(5000), 1e-12);
    assertTrue(schedule.isPruningStep(10));
    assertTrue(schedule.isPruningStep(110));
    assertTrue(schedule.isPruningStep(210));
    assertFalse(schedule.isPruningStep(310));
    assertFalse(schedule.isPruningStep(60));
    assertEquals(210, schedule.lastPruningStep());
  }

  @Test
  void badListsAreRejected() {
    assertThrows(IllegalArgumentException.class,
        () -> SparsitySchedule.iterative(List.of(), 0, 1));
    var e = assertThrows(IllegalArgumentException.class,
        () -> SparsitySchedule.iterative(List.of(0.5, 0.5), 0, 1));
    assertTrue(e.getMessage().contains("increase"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> SparsitySchedule.iterative(List.of(0.5, 1.0), 0, 1));
    assertThrows(IllegalArgumentException.class,
        () -> SparsitySchedule.iterative(List.of(0.5), 0, 0));
  }
}
