package org.sparsenn.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.sparsenn.engine.Plan;
import org.sparsenn.engine.PlanningMode;
import org.sparsenn.engine.RecurrentMatrixPlan;
import org.sparsenn.engine.Session;
import org.sparsenn.engine.SessionOptions;
import org.sparsenn.io.AtomicFiles;
import org.sparsenn.io.ModelReader;
import org.sparsenn.io.NpyArray;
import org.sparsenn.io.NpyReader;
import org.sparsenn.io.NpyWriter;
import org.sparsenn.io.snn.MappedSnnFile;
import org.sparsenn.sparse.WeightMatrix;
import org.sparsenn.model.Network;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Runs a model on a {@code [batch, features]} NumPy array and writes the {@code [batch,
 * outputs]} results: the raw last-layer outputs (logits) unless {@code --softmax}. Inputs run
 * through a planned {@link Session} in chunks, so any batch size fits in bounded memory; the
 * output file appears whole or not at all (a device or FIFO is written directly). A
 * {@code .snn} model's CSR layers run from their stored arrays, copied into owned memory, or
 * with {@code --mmap} from the mapped file. A model whose input features were pruned takes
 * full-width inputs, as the library does. A recurrent model reads
 * {@code [batch, steps, features]} sequences.
 */
@Command(
    name = "infer",
    mixinStandardHelpOptions = true,
    header = "Run a model on a .npy batch and write the outputs as .npy.",
    description = {
      "Run a model on a [batch, features] float32 .npy array (float64 is converted) and",
      "write the [batch, outputs] float32 results (raw last-layer outputs) to a .npy file.",
      "A recurrent model reads [batch, steps, features] (or [steps, features])."
    })
final class InferCommand implements Callable<Integer> {
  // Rows per session call: large enough for the batched kernels, small enough for the cache.
  private static final int CHUNK = 256;
  // Input rows the planner sees (see infer).
  private static final int CALIBRATION_ROWS = 64;

  @Spec CommandSpec spec;

  @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL",
      description = "Model file (.onnx, .npz, .safetensors, .snn).")
  Path model;

  @Option(names = {"-i", "--input"}, required = true, paramLabel = "X.npy",
      description = "Inputs: a [batch, features] array, or [features] for one input;"
          + " [batch, steps, features] or [steps, features] for a recurrent model.")
  Path input;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "Y.npy",
      description = "Where to write the [batch, outputs] results (replaced if it exists;"
          + " a device or FIFO such as /dev/null is written into, not replaced).")
  Path output;

  @Option(names = "--softmax", description = "Apply a softmax to the outputs.")
  boolean softmax;

  @Option(names = "--threads", defaultValue = "1",
      description = "Threads per layer (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--planning", defaultValue = "estimate",
      description = "How layers are planned: estimate or measure (default: ${DEFAULT-VALUE}).")
  String planning;

  @Option(names = "--plan", description = "Print what the planner chose for each layer.")
  boolean printPlan;

  @Option(names = "--mmap", description = {"Memory-map a .snn model's sparse weights instead"
      + " of copying them (zero-copy). The file may then be replaced by a rename while this"
      + " runs, but must not be overwritten in place or truncated."})
  boolean mmap;

  @Mixin ReadOptionsMixin reading;

  @Mixin PrecisionMixin precision;

  @Option(names = "--json", description = "Print one JSON object instead of text; with --plan"
      + " it holds the plan.")
  boolean json;

  @Override
  public Integer call() {
    PlanningMode mode = parsePlanning(planning);
    if (threads < 1) {
      throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
    }
    String name = String.valueOf(model.getFileName()).toLowerCase(Locale.ROOT);
    // A .snn file's CSR and block layers run from their stored arrays, without re-encoding.
    try (MappedSnnFile mapped = name.endsWith(".snn")
        ? MappedSnnFile.open(model, reading.readOptions().withMemoryMapped(mmap), true) : null) {
      Network network = mapped != null ? mapped.file().network()
          : ModelReader.load(model, reading.readOptions()).network();
      List<WeightMatrix> stored = new ArrayList<>();
      for (int i = 0; i < network.layers().size(); i++) {
        stored.add(mapped != null && mapped.hasMatrix(i) ? mapped.matrix(i) : null);
      }
      return infer(network, stored, mode);
    } catch (InternalError e) {
      // A fault reading a mapped page: the file was truncated or rewritten under --mmap.
      throw new UncheckedIOException(model + ": the model file changed on disk while mapped"
          + " (--mmap); replace a mapped model by renaming a new file over it, never in place",
          new IOException(e));
    }
  }

  private int infer(Network network, List<WeightMatrix> stored, PlanningMode mode) {
    NpyArray x = NpyReader.read(input);
    int[] shape = x.shape();
    int steps = 0;
    if (network.isRecurrent()) {
      if (shape.length != 2 && shape.length != 3) {
        throw new IllegalArgumentException(input + ": the model reads sequences; expected a"
            + " [batch, steps, features] array (or [steps, features] for one), got shape "
            + Arrays.toString(shape));
      }
      steps = shape[shape.length - 2];
      if (steps < 1) {
        throw new IllegalArgumentException(input + ": sequences need at least one step, got"
            + " shape " + Arrays.toString(shape));
      }
      shape = shape.length == 2 ? new int[] {shape[1]} : new int[] {shape[0], shape[2]};
    }
    if (shape.length != 1 && shape.length != 2) {
      throw new IllegalArgumentException(input + ": expected a [batch, features] array, got shape "
          + Arrays.toString(shape));
    }
    int batch = shape.length == 1 ? 1 : shape[0];
    int features = shape[shape.length - 1];
    // A model whose input features were pruned takes full-width rows and reads the kept ones.
    if (features != network.originalInputs()) {
      throw new IllegalArgumentException(input + " has " + features + " features per row, "
          + "the model takes " + network.originalInputs() + (network.hasInputSelection()
              ? " (it reads " + network.inputs() + " of them)" : ""));
    }
    // The planner sees the first rows of the input: some formats' speed depends on its zeros
    // (feed-forward models; a recurrent one is planned without them).
    float[][] calibration = network.isRecurrent() ? null
        : new float[Math.min(batch, CALIBRATION_ROWS)][features];
    for (int r = 0; calibration != null && r < calibration.length; r++) {
      System.arraycopy(x.data(), r * features, calibration[r], 0, features);
    }
    SessionOptions options = SessionOptions.builder().threads(threads).planning(mode)
        .softmax(softmax).calibrationInputs(calibration).precision(precision.precision()).build();
    float[] results = new float[Math.multiplyExact(batch, network.outputs())];
    Plan plan;
    try (Session session = Session.create(network, stored, options)) {
      plan = printPlan ? session.plan() : null;
      if (printPlan && !json) {
        for (RecurrentMatrixPlan matrix : session.recurrentPlans()) {
          spec.commandLine().getErr().println(matrix.describe());
        }
        spec.commandLine().getErr().print(session.plan().describe());
        spec.commandLine().getErr().flush();
      }
      runInChunks(session, x.data(), batch, Math.max(steps, 1), results);
    }
    NpyArray y = NpyArray.matrix(batch, network.outputs(), results);
    AtomicFiles.write(output, channel -> {
      BufferedOutputStream buffered =
          new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
      NpyWriter.write(buffered, y);
      buffered.flush();
    });
    if (json) {
      CliJson.write(spec.commandLine().getOut(), CliJson.inference(output, batch, network, plan));
      return 0;
    }
    spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s: %d x %d outputs of %s%n", output,
        batch, network.outputs(), network);
    spec.commandLine().getOut().flush();
    return 0;
  }

  /** Runs rows (or sequences of {@code steps} steps, for a recurrent model) in chunks. */
  private static void runInChunks(Session session, float[] inputs, int batch, int steps,
      float[] results) {
    int in = session.inputs() * steps;
    int out = session.outputs();
    float[] chunkIn = new float[Math.min(batch, CHUNK) * in];
    float[] chunkOut = new float[Math.min(batch, CHUNK) * out];
    for (int first = 0; first < batch; first += CHUNK) {
      int rows = Math.min(CHUNK, batch - first);
      float[] xs = rows * in == chunkIn.length ? chunkIn : new float[rows * in];
      float[] ys = rows * out == chunkOut.length ? chunkOut : new float[rows * out];
      System.arraycopy(inputs, first * in, xs, 0, rows * in);
      if (session.readsSequences()) {
        session.runSequences(xs, rows, steps, ys);
      } else {
        session.run(xs, rows, ys);
      }
      System.arraycopy(ys, 0, results, first * out, rows * out);
    }
  }

  private static PlanningMode parsePlanning(String text) {
    try {
      return PlanningMode.valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown planning mode '" + text + "': expected estimate or measure");
    }
  }
}
