package org.sparsenn.example;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Test;
import org.sparsenn.io.NpyArray;
import org.sparsenn.io.NpyReader;
import org.sparsenn.kernel.Kernels;

/**
 * The application without {@code sparsenn-<version>-<platform>.jar} (as on a platform no native
 * jar is built for): the library says so in one log line naming the missing artifact, and the
 * example still runs, on the pure-Java kernels. Runs in the {@code without-native-jar}
 * execution, whose class path leaves that jar out.
 */
class WithoutNativeJarTest {
  private static final Logger KERNEL_LOG = Logger.getLogger("org.sparsenn.kernel");

  @Test
  void fallsBackToJavaAndSaysWhichJarIsMissing() throws Exception {
    assumeTrue(Boolean.getBoolean("consumer.withoutNativeJar"),
        "only in the without-native-jar execution");
    List<LogRecord> records = new CopyOnWriteArrayList<>();
    Handler capture = new Handler() {
      @Override public void publish(LogRecord r) { records.add(r); }
      @Override public void flush() {}
      @Override public void close() {}
    };
    KERNEL_LOG.addHandler(capture);
    try {
      Kernels kernels = Kernels.best();
      assertFalse(kernels.isNative(), kernels.name());
    } finally {
      KERNEL_LOG.removeHandler(capture);
    }
    String platform = Loader.getPlatform();
    assertTrue(records.stream().anyMatch(r -> r.getLevel().intValue() >= Level.WARNING.intValue()
            && format(r).contains("pure-Java")
            && format(r).contains("org.sparsenn:sparsenn:") && format(r).contains(platform)),
        "no warning naming the missing jar among " + records.stream().map(WithoutNativeJarTest::format).toList());

    Path dir = Path.of(WithoutNativeJarTest.class.getResource("/readme-example/x.npy").toURI()).getParent();
    NpyArray expected = NpyReader.read(dir.resolve("expected.npy"));
    NpyArray actual = ReadmeExample.run(dir.resolve("mlp.onnx"), NpyReader.read(dir.resolve("x.npy")));
    float[] e = expected.data();
    float[] a = actual.data();
    for (int i = 0; i < e.length; i++) {
      assertTrue(Math.abs(e[i] - a[i]) <= 1e-5f * Math.max(1f, Math.abs(e[i])),
          "output " + i + ": CLI infer " + e[i] + ", pure-Java example " + a[i]);
    }
  }

  private static String format(LogRecord r) {
    return new java.util.logging.SimpleFormatter().formatMessage(r);
  }
}
