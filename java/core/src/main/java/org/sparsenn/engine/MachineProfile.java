package org.sparsenn.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.sparsenn.kernel.AlignedBuffer;
import org.sparsenn.kernel.Epilogue;
import org.sparsenn.kernel.Kernels;
import org.sparsenn.kernel.NativeKernels;
import org.sparsenn.sparse.RandomWeights;

/**
 * What each layer method costs on this machine: the figures behind {@link PlanningMode#ESTIMATE}.
 *
 * <p>A session never measures on its own. The figures come from memory, else from this
 * machine's cache file (written by {@link #calibrate} and {@link #saveTo}, keyed by CPU model,
 * kernels (ISA level) and library version), else from the defaults shipped for the kernel set
 * ({@code native-avx512}, {@code native-avx2}, {@code native-scalar}, {@code java}; measured by
 * {@code sparsenn calibrate --out} on the build machine). No NEON hardware was at hand, so
 * {@code native-neon} uses the {@code native-scalar} defaults until calibrated. Calibration
 * takes a few seconds of small and memory-sized layers at batch 1, 8 and 64. The cache
 * directory is {@code -Dsparsenn.cache.dir} if set, else {@code $XDG_CACHE_HOME/sparsenn}, else
 * {@code ~/.cache/sparsenn}; when it cannot be read the defaults serve.
 */
public final class MachineProfile {
  private static final System.Logger LOG = System.getLogger(MachineProfile.class.getName());
  /**
   * Bumped whenever the cost model or the calibration changes, so that stale cache files are
   * ignored; the shipped defaults must then be measured again (a test checks they carry it).
   */
  static final int FORMAT = 10;
  /** The smaller batch the batched figures are measured at; between the two, log(batch) slides. */
  public static final int SMALL_BATCH = 8;
  /** The larger batch the batched figures are measured at. */
  public static final int LARGE_BATCH = 64;
  // The memory-sized calibration layer: 64 MiB dense, beyond the last-level cache of most CPUs.
  private static final int LARGE_SIDE = 4096;
  // The middle calibration layer: 8 MiB dense, within the last-level cache of most servers.
  private static final int MID_SIDE = 1448;

  private static final Map<String, MachineProfile> LOADED = new ConcurrentHashMap<>();
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String DEFAULTS_ORIGIN = "shipped defaults";
  private static final Set<String> DEFAULTS_LOGGED = ConcurrentHashMap.newKeySet();
  private static final AtomicInteger MEASUREMENTS = new AtomicInteger();

  private final String key;
  private final String origin;
  private final Map<LayerMethod, KernelFigures> single;
  private final Map<LayerMethod, KernelFigures> batched;
  private final Map<LayerMethod, KernelFigures> wide;

  MachineProfile(String key, Map<LayerMethod, KernelFigures> single,
      Map<LayerMethod, KernelFigures> batched, Map<LayerMethod, KernelFigures> wide) {
    this(key, single, batched, wide, "given");
  }

  MachineProfile(String key, Map<LayerMethod, KernelFigures> single,
      Map<LayerMethod, KernelFigures> batched, Map<LayerMethod, KernelFigures> wide,
      String origin) {
    this.key = key;
    this.origin = origin;
    this.single = new EnumMap<>(single);
    this.batched = new EnumMap<>(batched);
    this.wide = new EnumMap<>(wide);
  }

  /**
   * The profile of {@code kernels} on this machine: from memory, else from the cache file, else
   * the shipped defaults for the kernel set. Never measures.
   *
   * @throws IllegalStateException if the shipped defaults are missing or unreadable (a broken
   *     build)
   */
  public static MachineProfile forKernels(Kernels kernels) {
    Objects.requireNonNull(kernels, "kernels");
    String key = keyFor(kernels);
    return LOADED.computeIfAbsent(key, k -> load(k, kernels, cacheDirectory()));
  }

  /**
   * Measures {@code kernels} on this machine now (a few seconds) and uses the result for the
   * rest of this process; {@link #saveTo} keeps it for later processes.
   */
  public static MachineProfile calibrate(Kernels kernels) {
    Objects.requireNonNull(kernels, "kernels");
    String key = keyFor(kernels);
    MachineProfile measured = measure(key, kernels, LARGE_SIDE, LARGE_SIDE);
    LOADED.put(key, measured);
    return measured;
  }

  /**
   * Writes this profile as this machine's cache file in {@code directory} (created if needed),
   * where {@link #forKernels} of later processes finds it.
   *
   * @return the file written
   * @throws IOException if the directory cannot be created or written
   */
  public Path saveTo(Path directory) throws IOException {
    Path file = directory.resolve(cacheFileName(key));
    Files.createDirectories(directory);
    writeTo(file);
    return file;
  }

  /**
   * Writes this profile as JSON to {@code file}, replacing it atomically (the form of the cache
   * files and of the shipped defaults).
   *
   * @throws IOException if the file cannot be written
   */
  public void writeTo(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Path temp = Files.createTempFile(parent, "machine-", ".tmp");
    try {
      JSON.writerWithDefaultPrettyPrinter().writeValue(temp.toFile(), toJson());
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * Where machine profiles are cached: {@code -Dsparsenn.cache.dir} if set, else
   * {@code $XDG_CACHE_HOME/sparsenn}, else {@code ~/.cache/sparsenn}.
   */
  public static Path cacheDirectory() {
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

  /** Where the figures came from: measured in this process, a cache file, or shipped defaults. */
  public String origin() {
    return origin;
  }

  /** Whether these are the shipped defaults rather than figures measured on this machine. */
  public boolean isDefault() {
    return origin.startsWith(DEFAULTS_ORIGIN);
  }

  /** What this profile is for: CPU model, kernels, library version. */
  public String key() {
    return key;
  }

  /**
   * The figures of {@code method} measured at {@code batch}: 1, {@link #SMALL_BATCH} or
   * {@link #LARGE_BATCH}.
   *
   * @throws IllegalArgumentException for another batch
   */
  public KernelFigures figures(LayerMethod method, int batch) {
    return switch (batch) {
      case 1 -> single.get(method);
      case SMALL_BATCH -> batched.get(method);
      case LARGE_BATCH -> wide.get(method);
      default -> throw new IllegalArgumentException("figures are measured at batch 1, "
          + SMALL_BATCH + " and " + LARGE_BATCH + ", not " + batch);
    };
  }

  /**
   * Predicted microseconds of one run of a layer: batch 1 from the single-input figures; a
   * batch from the two batched measurements, weighted by where it lies between them on a log
   * scale (clamped at either end).
   */
  public double predictMicros(LayerMethod method, int rows, long storedWeights, long weightBytes,
      int batch) {
    if (batch == 1) {
      return single.get(method).predictMicros(rows, storedWeights, weightBytes, 1);
    }
    double small = batched.get(method).predictMicros(rows, storedWeights, weightBytes, batch);
    double large = wide.get(method).predictMicros(rows, storedWeights, weightBytes, batch);
    double t = Math.log((double) batch / SMALL_BATCH)
        / Math.log((double) LARGE_BATCH / SMALL_BATCH);
    t = Math.max(0, Math.min(1, t));
    return small + t * (large - small);
  }

  /**
   * The cached profile for {@code key} in {@code directory}, else the shipped defaults for
   * {@code kernels} (logged once per kernel set).
   */
  static MachineProfile load(String key, Kernels kernels, Path directory) {
    Path file = directory.resolve(cacheFileName(key));
    if (Files.isRegularFile(file)) {
      try {
        MachineProfile cached = fromJson(JSON.readValue(file.toFile(), Map.class),
            "cache " + file);
        if (cached.key.equals(key)) {
          LOG.log(Level.DEBUG, "machine profile read from {0}", file);
          return cached;
        }
      } catch (IOException | RuntimeException e) {
        LOG.log(Level.INFO, "ignoring unreadable machine profile {0}: {1}", file, e.getMessage());
      }
    }
    MachineProfile defaults = defaults(kernels.name());
    if (DEFAULTS_LOGGED.add(kernels.name())) {
      LOG.log(Level.INFO, "using default kernel figures for {0}; run `sparsenn calibrate` to"
          + " measure this machine", kernels.name());
    }
    return defaults;
  }

  /**
   * The figures shipped for the kernel set {@code kernelsName} ({@code native-neon}, with no
   * measurement of its own, borrows {@code native-scalar}'s).
   *
   * @throws IllegalStateException if the kernel set has none or they do not parse
   */
  static MachineProfile defaults(String kernelsName) {
    String name = kernelsName.equals("native-neon") ? "native-scalar" : kernelsName;
    String resource = "profiles/" + name + ".json";
    InputStream stream = MachineProfile.class.getResourceAsStream(resource);
    if (stream == null) {
      throw new IllegalStateException("no default kernel figures for " + kernelsName
          + " (no resource " + resource + ")");
    }
    try (InputStream in = stream) {
      return fromJson(JSON.readValue(in, Map.class),
          DEFAULTS_ORIGIN + " for " + kernelsName + " (" + resource + ")");
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("unreadable default kernel figures " + resource + ": "
          + e.getMessage(), e);
    }
  }

  /** How many calibrations this process has run (tests check that sessions start without). */
  static int measurements() {
    return MEASUREMENTS.get();
  }

  /** Forgets the profiles of this process, so the next session looks again (for tests). */
  static void forgetLoaded() {
    LOADED.clear();
  }

  /**
   * Measures every method at batch 1, {@link #SMALL_BATCH} and {@link #LARGE_BATCH}: a tiny
   * layer for the call cost, a cache-sized layer at two densities for the per-row and
   * per-weight costs, and half-dense layers of 8 MiB and {@code largeRows x largeCols} for
   * weights in the last-level cache and streamed from memory. Each layer is built once per
   * method and timed at every batch.
   */
  static MachineProfile measure(String key, Kernels kernels, int largeRows, int largeCols) {
    MEASUREMENTS.incrementAndGet();
    Map<LayerMethod, KernelFigures> single = new EnumMap<>(LayerMethod.class);
    Map<LayerMethod, KernelFigures> batched = new EnumMap<>(LayerMethod.class);
    Map<LayerMethod, KernelFigures> wide = new EnumMap<>(LayerMethod.class);
    Map<String, float[]> weights = new HashMap<>();
    for (LayerMethod method : LayerMethod.values()) {
      List<LinearOp> ops = new ArrayList<>();
      try {
        LinearOp tiny = track(ops, build(kernels, method, weights, 8, 8, 0.0));
        LinearOp half = track(ops, build(kernels, method, weights, 256, 512, 0.5));
        LinearOp thin = method.isSparse()
            ? track(ops, build(kernels, method, weights, 256, 512, 0.95)) : null;
        List<LinearOp> sized = new ArrayList<>();
        for (int[] shape : new int[][] {{MID_SIDE, MID_SIDE}, {largeRows, largeCols}}) {
          sized.add(track(ops, build(kernels, method, weights, shape[0], shape[1], 0.5)));
        }
        single.put(method, figures(1, tiny, half, thin, sized));
        batched.put(method, figures(SMALL_BATCH, tiny, half, thin, sized));
        wide.put(method, figures(LARGE_BATCH, tiny, half, thin, sized));
      } finally {
        ops.forEach(LinearOp::close);
      }
    }
    return new MachineProfile(key, single, batched, wide, "measured");
  }

  private static LinearOp track(List<LinearOp> ops, LinearOp op) {
    ops.add(op);
    return op;
  }

  /** The figures of one method at one batch, from its calibration layers. */
  private static KernelFigures figures(int batch, LinearOp tiny, LinearOp half, LinearOp thin,
      List<LinearOp> sized) {
    Sample cached = sample(half, batch, 15);
    // The call cost is a floor: a disturbed tiny-layer timing must not exceed a whole layer's
    // (it once read 83 µs for an 8 x 8 sgemv and priced every BLAS call out).
    double call = Math.min(timeOp(tiny, batch, 15), cached.micros);
    double rowNanos = 0;
    double cachedNanos;
    if (thin != null) {
      // Two densities on the same shape separate the per-row from the per-nonzero cost.
      Sample sparse = sample(thin, batch, 15);
      double perNnz = (cached.workNanos(call, batch) - sparse.workNanos(call, batch))
          / Math.max(1, cached.weights - sparse.weights);
      cachedNanos = Math.max(1e-3, perNnz);
      rowNanos = Math.max(0,
          (sparse.workNanos(call, batch) - sparse.weights * cachedNanos) / thin.rows());
    } else {
      cachedNanos = Math.max(1e-3, cached.workNanos(call, batch) / cached.weights);
    }
    List<KernelFigures.CostPoint> points = new ArrayList<>();
    points.add(new KernelFigures.CostPoint(cached.bytes, cachedNanos));
    double previous = cachedNanos;
    for (LinearOp op : sized) {
      if (op.weightBytes() <= points.get(points.size() - 1).bytes()) {
        continue;
      }
      Sample s = sample(op, batch, 3);
      double nanos = (s.workNanos(call, batch) - (double) op.rows() * rowNanos) / s.weights;
      // Weights further from the core never cost less; noise must not say otherwise.
      previous = Math.max(previous, nanos);
      points.add(new KernelFigures.CostPoint(s.bytes, previous));
    }
    return new KernelFigures(call, rowNanos, points);
  }

  /** One timed layer: its stored weights, storage bytes and microseconds. */
  private record Sample(long weights, long bytes, double micros) {
    double workNanos(double callMicros, int batch) {
      return Math.max(0, (micros - callMicros) * 1000.0 / batch);
    }
  }

  private static Sample sample(LinearOp op, int batch, int samples) {
    return new Sample(op.storedWeights(), op.weightBytes(), timeOp(op, batch, samples));
  }

  private static LinearOp build(Kernels kernels, LayerMethod method, Map<String, float[]> cache,
      int rows, int cols, double sparsity) {
    float[] weights = cache.computeIfAbsent(rows + "x" + cols + "@" + sparsity,
        k -> RandomWeights.dense(rows, cols, sparsity, 42));
    return LinearOp.create(weights, rows, cols, null, Epilogue.IDENTITY, method, kernels, 1,
        null);
  }

  private static double timeOp(LinearOp op, int batch, int samples) {
    try (AlignedBuffer x = AlignedBuffer.copyOf(RandomWeights.vector(op.cols() * batch, 7));
        AlignedBuffer y = AlignedBuffer.allocateFloats((long) op.rows() * batch)) {
      return OpTimer.medianMicros(op, x, batch, y, samples, 100_000_000L);
    }
  }

  static String keyFor(Kernels kernels) {
    String version = MachineProfile.class.getPackage().getImplementationVersion();
    String kernelVersion = kernels.isNative() ? NativeKernels.version() : "java";
    return "format " + FORMAT + "; cpu " + cpuModel() + "; " + System.getProperty("os.arch")
        + "; kernels " + kernels.name() + " " + kernelVersion + "; sparsenn "
        + (version == null ? "dev" : version);
  }

  /**
   * The CPU's model name ({@code /proc/cpuinfo} on Linux), or the OS name and processor count
   * where that cannot be read.
   */
  public static String cpuModel() {
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

  private static String cacheFileName(String key) {
    return "machine-" + digest(key) + ".json";
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

  /** The figures as JSON: {@code key}, then {@code single}, {@code batched}, {@code wide}. */
  public Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("key", key);
    json.put("single", figuresJson(single));
    json.put("batched", figuresJson(batched));
    json.put("wide", figuresJson(wide));
    return json;
  }

  private static Map<String, Object> figuresJson(Map<LayerMethod, KernelFigures> figures) {
    Map<String, Object> json = new LinkedHashMap<>();
    figures.forEach((method, f) -> {
      List<Map<String, Object>> points = new ArrayList<>();
      for (KernelFigures.CostPoint p : f.points()) {
        Map<String, Object> point = new LinkedHashMap<>();
        point.put("bytes", p.bytes());
        point.put("nanosPerWeight", p.nanosPerWeight());
        points.add(point);
      }
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("callMicros", f.callMicros());
      entry.put("rowNanos", f.rowNanos());
      entry.put("points", points);
      json.put(method.name(), entry);
    });
    return json;
  }

  @SuppressWarnings("unchecked")
  private static MachineProfile fromJson(Map<?, ?> json, String origin) {
    String key = (String) Objects.requireNonNull(json.get("key"), "key");
    return new MachineProfile(key, parseFigures((Map<String, Object>) json.get("single")),
        parseFigures((Map<String, Object>) json.get("batched")),
        parseFigures((Map<String, Object>) json.get("wide")), origin);
  }

  @SuppressWarnings("unchecked")
  private static Map<LayerMethod, KernelFigures> parseFigures(Map<String, Object> json) {
    Map<LayerMethod, KernelFigures> figures = new EnumMap<>(LayerMethod.class);
    for (LayerMethod method : LayerMethod.values()) {
      Map<String, Object> f = (Map<String, Object>) Objects.requireNonNull(
          json.get(method.name()), method.name());
      List<KernelFigures.CostPoint> points = new ArrayList<>();
      for (Map<String, Number> p : (List<Map<String, Number>>) f.get("points")) {
        points.add(new KernelFigures.CostPoint(p.get("bytes").longValue(),
            p.get("nanosPerWeight").doubleValue()));
      }
      figures.put(method, new KernelFigures(((Number) f.get("callMicros")).doubleValue(),
          ((Number) f.get("rowNanos")).doubleValue(), points));
    }
    return figures;
  }

  @Override
  public String toString() {
    return "MachineProfile[" + key + "; " + origin + "]";
  }
}
