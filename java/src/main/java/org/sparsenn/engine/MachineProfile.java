package org.sparsenn.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.sparsenn.kernel.AlignedBuffer;
import org.sparsenn.kernel.Epilogue;
import org.sparsenn.kernel.Kernels;
import org.sparsenn.kernel.NativeKernels;
import org.sparsenn.sparse.RandomWeights;

/**
 * What each layer method costs on this machine: the figures behind {@link PlanningMode#ESTIMATE}.
 *
 * <p>Measured once per machine (about two seconds of small and memory-sized layers, single and
 * batched) and cached as JSON in the user's cache directory, keyed by CPU model, kernels (ISA
 * level) and library version; later sessions, in this process or another, read the cache. The
 * directory is {@code -Dsparsenn.cache.dir} if set, else {@code $XDG_CACHE_HOME/sparsenn}, else
 * {@code ~/.cache/sparsenn}; when it cannot be written the profile lives in memory only.
 */
public final class MachineProfile {
  private static final System.Logger LOG = System.getLogger(MachineProfile.class.getName());
  /** Bumped whenever the cost model or the calibration changes, so stale caches are redone. */
  static final int FORMAT = 1;
  /** Batch the batched figures are measured at. */
  static final int CALIBRATION_BATCH = 8;
  // The memory-sized calibration layer: 64 MiB dense, beyond the last-level cache of most CPUs.
  private static final int LARGE_SIDE = 4096;

  private static final Map<String, MachineProfile> LOADED = new ConcurrentHashMap<>();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String key;
  private final Map<LayerMethod, KernelFigures> single;
  private final Map<LayerMethod, KernelFigures> batched;

  MachineProfile(String key, Map<LayerMethod, KernelFigures> single,
      Map<LayerMethod, KernelFigures> batched) {
    this.key = key;
    this.single = new EnumMap<>(single);
    this.batched = new EnumMap<>(batched);
  }

  /**
   * The profile of {@code kernels} on this machine: from memory, else from the cache file, else
   * measured now (and cached).
   */
  public static MachineProfile forKernels(Kernels kernels) {
    Objects.requireNonNull(kernels, "kernels");
    String key = keyFor(kernels);
    return LOADED.computeIfAbsent(key,
        k -> loadOrMeasure(k, kernels, cacheDirectory(), LARGE_SIDE, LARGE_SIDE));
  }

  /** What this profile is for: CPU model, kernels, library version. */
  public String key() {
    return key;
  }

  /** The figures of {@code method} at batch 1 ({@code batched = false}) or above. */
  public KernelFigures figures(LayerMethod method, boolean batched) {
    return (batched ? this.batched : single).get(method);
  }

  /** Predicted microseconds of one run of a layer. */
  public double predictMicros(LayerMethod method, int rows, long storedWeights, long weightBytes,
      int batch) {
    return figures(method, batch > 1).predictMicros(rows, storedWeights, weightBytes, batch);
  }

  /** The cached profile for {@code key} in {@code directory}, or a new measurement cached there. */
  static MachineProfile loadOrMeasure(String key, Kernels kernels, Path directory,
      int largeRows, int largeCols) {
    Path file = directory.resolve("machine-" + digest(key) + ".json");
    if (Files.isRegularFile(file)) {
      try {
        MachineProfile cached = fromJson(JSON.readValue(file.toFile(), Map.class));
        if (cached.key.equals(key)) {
          LOG.log(Level.DEBUG, "machine profile read from {0}", file);
          return cached;
        }
      } catch (IOException | RuntimeException e) {
        LOG.log(Level.INFO, "ignoring unreadable machine profile {0}: {1}", file, e.getMessage());
      }
    }
    LOG.log(Level.INFO, "measuring kernel costs on this machine once (about 2 s), for {0}", key);
    MachineProfile measured = measure(key, kernels, largeRows, largeCols);
    try {
      Files.createDirectories(file.getParent());
      Path temp = Files.createTempFile(file.getParent(), "machine-", ".tmp");
      JSON.writerWithDefaultPrettyPrinter().writeValue(temp.toFile(), measured.toJson());
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.INFO, "machine profile kept in memory only, cannot write {0}: {1}", file,
          e.getMessage());
    }
    return measured;
  }

  /**
   * Measures every method: a tiny layer for the call cost, a cache-sized layer at two densities
   * for the per-row and per-weight costs, and a {@code largeRows x largeCols} layer for weights
   * streamed from memory.
   */
  static MachineProfile measure(String key, Kernels kernels, int largeRows, int largeCols) {
    Map<LayerMethod, KernelFigures> single = new EnumMap<>(LayerMethod.class);
    Map<LayerMethod, KernelFigures> batched = new EnumMap<>(LayerMethod.class);
    for (LayerMethod method : LayerMethod.values()) {
      single.put(method, measureMethod(kernels, method, 1, largeRows, largeCols));
      batched.put(method, measureMethod(kernels, method, CALIBRATION_BATCH, largeRows, largeCols));
    }
    return new MachineProfile(key, single, batched);
  }

  private static KernelFigures measureMethod(Kernels kernels, LayerMethod method, int batch,
      int largeRows, int largeCols) {
    final int rows = 256;
    final int cols = 512;
    double call = time(kernels, method, 8, 8, 0.0, batch);
    Sample half = sample(kernels, method, rows, cols, 0.5, batch);
    long largeWeights;
    long largeBytes;
    double largeMicros;
    try (LinearOp op = build(kernels, method, largeRows, largeCols, 0.5)) {
      largeWeights = op.storedWeights();
      largeBytes = op.weightBytes();
      largeMicros = timeOp(op, largeCols, largeRows, batch, 5);
    }
    double rowNanos = 0;
    double cachedNanos;
    if (method.isSparse()) {
      // Two densities on the same shape separate the per-row from the per-nonzero cost.
      Sample thin = sample(kernels, method, rows, cols, 0.95, batch);
      double perNnz = (half.workNanos(call, batch) - thin.workNanos(call, batch))
          / Math.max(1, half.weights - thin.weights);
      cachedNanos = Math.max(1e-3, perNnz);
      rowNanos = Math.max(0, (thin.workNanos(call, batch) - thin.weights * cachedNanos) / rows);
    } else {
      cachedNanos = Math.max(1e-3, half.workNanos(call, batch) / half.weights);
    }
    double streamed = ((largeMicros - call) * 1000.0 / batch - (double) largeRows * rowNanos)
        / largeWeights;
    return new KernelFigures(call, rowNanos, cachedNanos, Math.max(cachedNanos, streamed),
        half.bytes, largeBytes);
  }

  /** One timed layer: its stored weights, storage bytes and microseconds. */
  private record Sample(long weights, long bytes, double micros) {
    double workNanos(double callMicros, int batch) {
      return Math.max(0, (micros - callMicros) * 1000.0 / batch);
    }
  }

  private static Sample sample(Kernels kernels, LayerMethod method, int rows, int cols,
      double sparsity, int batch) {
    try (LinearOp op = build(kernels, method, rows, cols, sparsity)) {
      return new Sample(op.storedWeights(), op.weightBytes(), timeOp(op, cols, rows, batch, 15));
    }
  }

  private static double time(Kernels kernels, LayerMethod method, int rows, int cols,
      double sparsity, int batch) {
    try (LinearOp op = build(kernels, method, rows, cols, sparsity)) {
      return timeOp(op, cols, rows, batch, 15);
    }
  }

  private static LinearOp build(Kernels kernels, LayerMethod method, int rows, int cols,
      double sparsity) {
    float[] weights = RandomWeights.dense(rows, cols, sparsity, 42);
    return LinearOp.create(weights, rows, cols, null, Epilogue.IDENTITY, method, kernels, 1,
        null);
  }

  private static double timeOp(LinearOp op, int cols, int rows, int batch, int samples) {
    try (AlignedBuffer x = AlignedBuffer.copyOf(RandomWeights.vector(cols * batch, 7));
        AlignedBuffer y = AlignedBuffer.allocateFloats((long) rows * batch)) {
      return OpTimer.medianMicros(op, x, batch, y, samples, 200_000_000L);
    }
  }

  static String keyFor(Kernels kernels) {
    String version = MachineProfile.class.getPackage().getImplementationVersion();
    String kernelVersion = kernels.isNative() ? NativeKernels.version() : "java";
    return "format " + FORMAT + "; cpu " + cpuModel() + "; " + System.getProperty("os.arch")
        + "; kernels " + kernels.name() + " " + kernelVersion + "; sparsenn "
        + (version == null ? "dev" : version);
  }

  private static String cpuModel() {
    Path cpuinfo = Path.of("/proc/cpuinfo");
    try {
      if (Files.isReadable(cpuinfo)) {
        for (String line : Files.readAllLines(cpuinfo)) {
          if (line.startsWith("model name") || line.startsWith("Model")) {
            return line.substring(line.indexOf(':') + 1).trim();
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // Fall through to the generic name.
    }
    return System.getProperty("os.name") + " " + Runtime.getRuntime().availableProcessors()
        + " cpus";
  }

  static Path cacheDirectory() {
    String property = System.getProperty("sparsenn.cache.dir");
    if (property != null && !property.isBlank()) {
      return Path.of(property);
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank()) {
      return Path.of(xdg, "sparsenn");
    }
    return Path.of(System.getProperty("user.home"), ".cache", "sparsenn");
  }

  private static String digest(String key) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256")
          .digest(key.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("key", key);
    json.put("single", figuresJson(single));
    json.put("batched", figuresJson(batched));
    return json;
  }

  private static Map<String, Object> figuresJson(Map<LayerMethod, KernelFigures> figures) {
    Map<String, Object> json = new LinkedHashMap<>();
    figures.forEach((method, f) -> json.put(method.name(), Map.of(
        "callMicros", f.callMicros(), "rowNanos", f.rowNanos(), "cachedNanos", f.cachedNanos(),
        "streamedNanos", f.streamedNanos(), "cachedBytes", f.cachedBytes(),
        "streamedBytes", f.streamedBytes())));
    return json;
  }

  @SuppressWarnings("unchecked")
  private static MachineProfile fromJson(Map<?, ?> json) {
    String key = (String) Objects.requireNonNull(json.get("key"), "key");
    return new MachineProfile(key, parseFigures((Map<String, Object>) json.get("single")),
        parseFigures((Map<String, Object>) json.get("batched")));
  }

  @SuppressWarnings("unchecked")
  private static Map<LayerMethod, KernelFigures> parseFigures(Map<String, Object> json) {
    Map<LayerMethod, KernelFigures> figures = new EnumMap<>(LayerMethod.class);
    for (LayerMethod method : LayerMethod.values()) {
      Map<String, Number> f = (Map<String, Number>) Objects.requireNonNull(
          json.get(method.name()), method.name());
      figures.put(method, new KernelFigures(f.get("callMicros").doubleValue(),
          f.get("rowNanos").doubleValue(), f.get("cachedNanos").doubleValue(),
          f.get("streamedNanos").doubleValue(), f.get("cachedBytes").longValue(),
          f.get("streamedBytes").longValue()));
    }
    return figures;
  }

  @Override
  public String toString() {
    return "MachineProfile[" + key + "]";
  }
}
