package org.sparsenn.spark;

import org.apache.spark.sql.SparkSession;

/**
 * The one {@code local[2]} SparkSession every test class shares (starting Spark takes seconds);
 * it lives until the test JVM exits. Small and quiet: no UI, loopback only, two shuffle
 * partitions.
 */
final class LocalSpark {
  private static SparkSession session;

  private LocalSpark() {}

  static synchronized SparkSession session() {
    if (session == null) {
      session = SparkSession.builder()
          .master("local[2]")
          .appName("sparsenn-spark-tests")
          .config("spark.ui.enabled", "false")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.sql.shuffle.partitions", "2")
          .config("spark.sql.adaptive.enabled", "false")
          .getOrCreate();
      session.sparkContext().setLogLevel("WARN");
    }
    return session;
  }
}
