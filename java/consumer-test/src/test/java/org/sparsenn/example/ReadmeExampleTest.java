package org.sparsenn.example;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarFile;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Test;
import org.sparsenn.io.NpyArray;
import org.sparsenn.io.NpyReader;
import org.sparsenn.kernel.Kernels;
import org.sparsenn.kernel.NativeKernels;

/**
 * Runs the README's library example as an application that declares only
 * {@code org.sparsenn:sparsenn} and {@code org.sparsenn:sparsenn-platform} would, and checks
 * what that application gets: the example's output, the native code, and nothing of the CLI.
 *
 * <p>{@code readme-example/expected.npy} is what {@code sparsenn prune} then {@code sparsenn infer}
 * wrote for the same model and input ({@code make-fixture.sh}); the CLI's own tests check that
 * it still does, so the library example and the CLI are held to the same numbers.
 */
class ReadmeExampleTest {
  /** Different kernels (sparse or dense, native or Java) sum in different orders. */
  private static final float TOLERANCE = 1e-5f;

  private static final List<String> CLI_CLASSES = List.of(
      "picocli.CommandLine", "me.tongfei.progressbar.ProgressBar", "org.knowm.xchart.XYChart");

  @Test
  void theExampleGivesWhatTheCliInferGives() throws Exception {
    Path dir = fixture();
    NpyArray expected = NpyReader.read(dir.resolve("expected.npy"));
    NpyArray actual = ReadmeExample.run(dir.resolve("mlp.onnx"), NpyReader.read(dir.resolve("x.npy")));

    assertArrayEquals(expected.shape(), actual.shape());
    float[] e = expected.data();
    float[] a = actual.data();
    for (int i = 0; i < e.length; i++) {
      float allowed = TOLERANCE * Math.max(1f, Math.abs(e[i]));
      assertTrue(Math.abs(e[i] - a[i]) <= allowed,
          "output " + i + ": CLI infer " + e[i] + ", library example " + a[i]);
    }
    // Not a degenerate fixture: the rows differ (a fully pruned layer would make them equal).
    int columns = expected.columns();
    assertNotEquals(Arrays.toString(Arrays.copyOfRange(e, 0, columns)),
        Arrays.toString(Arrays.copyOfRange(e, columns, 2 * columns)));
  }

  @Test
  void noCliLibraryIsOnTheClasspath() {
    for (String name : CLI_CLASSES) {
      assertThrows(ClassNotFoundException.class, () -> Class.forName(name),
          name + " is on the classpath of an application that uses only the library");
    }
    String classPath = System.getProperty("java.class.path").toLowerCase(Locale.ROOT);
    for (String entry : classPath.split(File.pathSeparator)) {
      for (String banned : List.of("picocli", "progressbar", "xchart", "sparsenn-cli")) {
        assertFalse(entry.contains(banned), "class path entry " + entry);
      }
    }
  }

  @Test
  void nativeCodeComesFromThePlatformJar() throws Exception {
    assumeTrue(Boolean.parseBoolean(System.getProperty("sparsenn.native", "true")),
        "native code disabled for this run");
    assertTrue(NativeKernels.isLoaded(), () -> "native library not loaded on "
        + Loader.getPlatform() + ": " + NativeKernels.loadFailure());
    assertTrue(Kernels.best().isNative(), Kernels.best().name());

    String platform = Loader.getPlatform();
    URL library = NativeKernels.class.getResource(platform + "/");
    URL classes = NativeKernels.class.getResource("NativeKernels.class");
    // Inside the reactor without `package`, both come from target/classes: nothing to check.
    assumeTrue("jar".equals(classes.getProtocol()), "library classes not from a jar: " + classes);
    assertEquals("jar", library.getProtocol(), library.toString());
    String nativeJar = jarPath(library).getFileName().toString();
    assertTrue(nativeJar.startsWith("sparsenn-") && nativeJar.endsWith("-" + platform + ".jar"),
        "native library for " + platform + " found in " + nativeJar);
    try (JarFile javaJar = new JarFile(jarPath(classes).toFile())) {
      assertTrue(javaJar.stream().noneMatch(e -> e.getName().startsWith("org/sparsenn/kernel/" + platform)),
          javaJar.getName() + " holds native code");
    }
  }

  private static Path jarPath(URL inJar) throws Exception {
    return Path.of(((JarURLConnection) inJar.openConnection()).getJarFileURL().toURI());
  }

  private static Path fixture() throws URISyntaxException {
    return Path.of(ReadmeExampleTest.class.getResource("/readme-example/x.npy").toURI()).getParent();
  }
}
