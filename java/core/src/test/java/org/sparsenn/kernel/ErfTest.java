package org.sparsenn.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ErfTest {

  @Test
  void matchesKnownValues() {
    // erf to 10 digits (Abramowitz and Stegun, table 7.1); tolerance 1e-7 absolute.
    double[][] known = {
      {0, 0}, {0.1, 0.1124629160}, {0.25, 0.2763263902}, {0.5, 0.5204998778},
      {1, 0.8427007929}, {1.5, 0.9661051465}, {2, 0.9953222650}, {3, 0.9999779095},
      {4, 0.9999999846}, {6, 1.0}
    };
    for (double[] k : known) {
      assertEquals(k[1], Erf.erf(k[0]), 1e-7, "erf(" + k[0] + ")");
      assertEquals(-k[1], Erf.erf(-k[0]), 1e-7, "erf(" + -k[0] + ")");
    }
  }

  @Test
  void matchesSeriesOnADenseGrid() {
    // Taylor series in double (error below 1e-10 for |x| <= 4) as the reference.
    for (int i = -400; i <= 400; i++) {
      double x = i / 100.0;
      assertEquals(series(x), Erf.erf(x), 1e-7, "erf(" + x + ")");
    }
  }

  @Test
  void isOdd() {
    for (double x = 0.013; x < 5; x += 0.37) {
      assertEquals(-Erf.erf(x), Erf.erf(-x), 0.0, "x = " + x);
    }
  }

  @Test
  void infinitiesAndNan() {
    assertEquals(1.0, Erf.erf(Double.POSITIVE_INFINITY));
    assertEquals(-1.0, Erf.erf(Double.NEGATIVE_INFINITY));
    assertTrue(Double.isNaN(Erf.erf(Double.NaN)));
    assertEquals(1.0, Erf.erf(30), 0.0);
  }

  @Test
  void staysWithinMinusOneAndOne() {
    for (double x = -10; x <= 10; x += 0.001) {
      double v = Erf.erf(x);
      assertTrue(v >= -1 && v <= 1, "erf(" + x + ") = " + v);
    }
  }

  private static double series(double z) {
    double term = z;
    double sum = z;
    for (int n = 1; n < 200; n++) {
      term *= -z * z / n;
      double add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17) {
        break;
      }
    }
    return 2.0 / Math.sqrt(Math.PI) * sum;
  }
}
