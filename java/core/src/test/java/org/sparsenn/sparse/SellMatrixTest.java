package org.sparsenn.sparse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.sparsenn.engine.LayerMethod;
import org.sparsenn.kernel.SellOperand;

class SellMatrixTest {
  private static final int LANES = SellOperand.SLICE_LANES;

  /** Row r keeps about a fraction r % 9 / 8 of its weights: lengths from none to all. */
  private static float[] unevenRows(int rows, int cols, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] w = new float[rows * cols];
    for (int r = 0; r < rows; r++) {
      double keep = (r * 7 % 9) / 8.0;
      for (int c = 0; c < cols; c++) {
        if (random.nextDouble() < keep) {
          float v = (float) (random.nextDouble() * 2 - 1);
          w[r * cols + c] = v == 0f ? 0.5f : v;
        }
      }
    }
    return w;
  }

  private static int[] ints(SellMatrix a, int count, boolean laneRows) {
    int[] out = new int[count];
    (laneRows ? a.laneRows() : a.sliceSlots()).getInts(0, out);
    return out;
  }

  private static int rowNonzeros(float[] w, int cols, int row) {
    int n = 0;
    for (int c = 0; c < cols; c++) {
      n += w[row * cols + c] != 0f ? 1 : 0;
    }
    return n;
  }

  @Test
  void layoutRoundTripsAndKeepsItsInvariants() {
    int[][] shapes = {{0, 0}, {0, 7}, {7, 0}, {1, 1}, {15, 63}, {16, 64}, {17, 65}, {100, 130},
      {513, 70}, {1100, 200}};
    for (int[] s : shapes) {
      int rows = s[0];
      int cols = s[1];
      float[] w = unevenRows(rows, cols, 31L * rows + cols);
      if (w.length > 0) {
        w[w.length / 2] = -0f; // a negative zero is not stored
      }
      try (SellMatrix a = SellMatrix.fromDense(w, rows, cols)) {
        String what = rows + " x " + cols;
        float[] back = a.toArray();
        for (int i = 0; i < w.length; i++) {
          assertEquals(w[i] == 0f ? 0f : w[i], back[i], what + " index " + i);
        }
        int slices = (rows + 15) / 16;
        int windows = (cols + 63) / 64;
        assertEquals(slices, a.slices(), what);
        assertEquals(windows, a.windows(), what);
        int[] first = ints(a, slices + 1, false);
        assertEquals(0, first[0], what);
        byte[] counts = new byte[slices * windows];
        a.windowSlots().getBytes(0, counts);
        int[] lanes = ints(a, slices * LANES, true);
        long expectedNonzeros = 0;
        for (float v : w) {
          expectedNonzeros += v != 0f ? 1 : 0;
        }
        assertEquals(expectedNonzeros, a.nonzeros(), what);
        for (int sl = 0; sl < slices; sl++) {
          int sum = 0;
          for (int win = 0; win < windows; win++) {
            int count = Byte.toUnsignedInt(counts[sl * windows + win]);
            assertTrue(count <= SellOperand.WINDOW, what);
            // a window's slots are its fullest row's nonzeros there: no more, no fewer
            int most = 0;
            for (int l = 0; l < LANES; l++) {
              int row = lanes[sl * LANES + l];
              if (row < 0) {
                continue;
              }
              int n = 0;
              for (int c = win * 64; c < Math.min(cols, win * 64 + 64); c++) {
                n += w[row * cols + c] != 0f ? 1 : 0;
              }
              most = Math.max(most, n);
            }
            assertEquals(most, count, what + " slice " + sl + " window " + win);
            sum += count;
          }
          assertEquals(sum, first[sl + 1] - first[sl], what + " slice " + sl);
        }
        assertEquals(a.slots(), first[slices], what);
        assertEquals(16L * a.slots(), a.storedWeights(), what);
        assertEquals(SellMatrix.countSlots(w, rows, cols), a.slots(), what);
        assertEquals(SellMatrix.storageBytes(rows, cols, a.slots()), a.storageBytes(), what);
        // every row in one lane of its own group, sorted by length within the group
        boolean[] seen = new boolean[rows];
        for (int lane = 0; lane < lanes.length; lane++) {
          int row = lanes[lane];
          if (lane >= rows) {
            assertEquals(-1, row, what + " lane " + lane);
            continue;
          }
          assertEquals(lane / 512, row / 512, what + " lane " + lane + " row " + row);
          assertFalse(seen[row], what + " row " + row + " twice");
          seen[row] = true;
          if (lane % 512 > 0) {
            int before = lanes[lane - 1];
            int n = rowNonzeros(w, cols, row);
            int m = rowNonzeros(w, cols, before);
            assertTrue(m > n || (m == n && before < row),
                what + " lanes " + (lane - 1) + ", " + lane + ": rows " + before + " (" + m
                    + ") then " + row + " (" + n + ")");
          }
        }
      }
    }
  }

  @Test
  void storageBytesCountEveryArray() {
    // 17 x 65: row 0 holds columns 0, 1, 2 and 64, row 16 column 5, the others nothing; the
    // sort puts rows 0 and 16 in lanes 0 and 1, so slice 1 (row 15 alone, empty) has no slots
    float[] w = new float[17 * 65];
    w[0] = 1f;
    w[1] = 2f;
    w[2] = 3f;
    w[64] = 4f;
    w[16 * 65 + 5] = 5f;
    try (SellMatrix a = SellMatrix.fromDense(w, 17, 65)) {
      // slice 0: 3 slots in window 0, 1 in window 1
      assertEquals(4, a.slots());
      assertEquals(64, a.storedWeights());
      long bytes = 2 * 16 * 4 + 3 * 4 + 2 * 2 + 4 * 16 * 5;
      assertEquals(bytes, a.storageBytes());
      assertEquals(bytes, SellMatrix.storageBytes(17, 65, 4));
      int[] lanes = ints(a, 2 * 16, true);
      assertEquals(0, lanes[0]);
      assertEquals(16, lanes[1]);
      assertEquals(15, lanes[16]);
      assertEquals(-1, lanes[17]);
      assertArrayEquals(new int[] {0, 4, 4}, ints(a, 3, false));
      byte[] offsets = new byte[16 * 4];
      float[] values = new float[16 * 4];
      a.offsets().getBytes(0, offsets);
      a.values().getFloats(0, values);
      assertEquals(2, offsets[16 * 2]);
      assertEquals(3f, values[16 * 2]);
      assertEquals(0, offsets[16 * 3]); // column 64: offset 0 in window 1
      assertEquals(4f, values[16 * 3]);
      assertEquals(5, offsets[1]); // row 16's column 5, lane 1 of slot 0
      assertEquals(5f, values[1]);
      assertEquals(0f, values[16 + 1]); // padding
      assertEquals(0, offsets[16 + 1]);
    }
  }

  // The estimate for a layer known only by its nonzeros, against the layouts built for random
  // layers at that density: within 10% on layers of several windows. On narrow layers the sort
  // by row length packs the few nonzeros into fewer slices than random rows would need, so the
  // estimate is high there (up to 2x on one window at 1%), never low.
  @Test
  void slotEstimateMatchesRandomLayers() {
    int[][] shapes = {{1024, 1024}, {300, 784}, {2048, 512}, {512, 4096}, {100, 70}, {64, 64}};
    for (int[] s : shapes) {
      for (double density : new double[] {0.02, 0.05, 0.1, 0.2, 0.5, 0.9}) {
        int rows = s[0];
        int cols = s[1];
        float[] w = RandomWeights.dense(rows, cols, 1 - density, rows + cols);
        long nonzeros = 0;
        for (float v : w) {
          nonzeros += v != 0f ? 1 : 0;
        }
        long built = SellMatrix.countSlots(w, rows, cols);
        double estimated = SellMatrix.expectedSlots(rows, cols, (double) nonzeros / w.length);
        String what = rows + " x " + cols + " density " + density + ": built " + built
            + " slots, estimated " + estimated;
        if (cols < 256) {
          assertTrue(estimated >= built, what);
          continue;
        }
        assertEquals(built, estimated, 0.1 * built, what);
        long bytes = SellMatrix.storageBytes(rows, cols, built);
        assertEquals(bytes, LayerMethod.SELL.storageBytes(rows, cols, nonzeros), 0.1 * bytes,
            what);
        assertEquals(16.0 * built, LayerMethod.SELL.storedWeights(rows, cols, nonzeros),
            0.1 * 16 * built, what);
      }
    }
    assertEquals(0, SellMatrix.expectedSlots(100, 100, 0));
    assertEquals(2 * 2 * 64 + 2 * 36, SellMatrix.expectedSlots(20, 164, 1), 1e-9);
    assertEquals(0, SellMatrix.expectedSlots(0, 100, 0.5));
  }

  @Test
  void useAfterCloseThrows() {
    SellMatrix a = SellMatrix.fromDense(unevenRows(20, 70, 1), 20, 70);
    assertFalse(a.isClosed());
    a.close();
    a.close();
    assertTrue(a.isClosed());
    assertThrows(IllegalStateException.class, () -> a.values().getFloat(0));
    assertThrows(IllegalStateException.class, () -> a.laneRows().address());
    assertThrows(IllegalStateException.class, a::toArray);
  }

  @Test
  void badShapesAreRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SellMatrix.fromDense(new float[3], 2, 2));
    assertTrue(e.getMessage().contains("rows * cols = 2 * 2"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SellMatrix.fromDense(new float[0], -1, 0));
    assertThrows(IllegalArgumentException.class, () -> SellMatrix.fromDense(new float[0], 0, -3));
    assertThrows(NullPointerException.class, () -> SellMatrix.fromDense(null, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> SellMatrix.expectedSlots(2, 2, 1.5));
    assertThrows(IllegalArgumentException.class, () -> SellMatrix.expectedSlots(-2, 2, 0.5));
    assertTrue(LayerMethod.SELL.fits(SellMatrix.MAX_COLUMNS));
    assertFalse(LayerMethod.SELL.fits(Integer.MAX_VALUE));
  }

  /** The arrays of a valid 20 x 70 layout, for {@link SellMatrix#of} to check, one broken. */
  private static void assertRejected(String message, Consumer<Object[]> breakIt) {
    float[] w = unevenRows(20, 70, 5);
    Object[] parts;
    try (SellMatrix a = SellMatrix.fromDense(w, 20, 70)) {
      int slots = a.slots();
      int[] lanes = ints(a, 32, true);
      int[] first = ints(a, 3, false);
      byte[] counts = new byte[4];
      byte[] offsets = new byte[16 * slots];
      float[] values = new float[16 * slots];
      a.windowSlots().getBytes(0, counts);
      a.offsets().getBytes(0, offsets);
      a.values().getFloats(0, values);
      parts = new Object[] {lanes, first, counts, offsets, values};
    }
    try (SellMatrix valid = SellMatrix.of(20, 70, (int[]) parts[0], (int[]) parts[1],
        (byte[]) parts[2], (byte[]) parts[3], (float[]) parts[4])) {
      assertArrayEquals(w, valid.toArray());
    }
    breakIt.accept(parts);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SellMatrix.of(20, 70, (int[]) parts[0], (int[]) parts[1], (byte[]) parts[2],
            (byte[]) parts[3], (float[]) parts[4]));
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @Test
  void brokenInvariantsAreRejectedByName() {
    assertRejected("laneRows has 31 entries", p -> p[0] = new int[31]);
    assertRejected("row 1 is in two lanes", p -> {
      int[] lanes = (int[]) p[0];
      lanes[lanes[0] == 1 ? 1 : 0] = 1;
    });
    assertRejected("outside its group", p -> ((int[]) p[0])[3] = 25);
    assertRejected("lane 21 is past the 20 rows", p -> ((int[]) p[0])[21] = 4);
    assertRejected("sliceSlots[0] is 1", p -> ((int[]) p[1])[0] = 1);
    assertRejected("sliceSlots decreases at slice 0", p -> ((int[]) p[1])[1] = -1);
    assertRejected("the window slots of slice 1 sum to", p -> ((byte[]) p[2])[2]++);
    assertRejected("more than 64", p -> ((byte[]) p[2])[0] = (byte) 200);
    assertRejected("offsets has", p -> p[3] = new byte[7]);
    assertRejected("reads column 70 of 70", p -> {
      int[] first = (int[]) p[1];
      byte[] counts = (byte[]) p[2];
      // lane 5 of the first slot of slice 0 in window 1 (columns 64..69): offset 6 is column 70
      int slot = first[0] + Byte.toUnsignedInt(counts[0]);
      ((byte[]) p[3])[16 * slot + 5] = 6;
    });
  }
}
