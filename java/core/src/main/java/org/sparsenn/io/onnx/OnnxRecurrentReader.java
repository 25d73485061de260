package org.sparsenn.io.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.sparsenn.io.ModelFormatException;
import org.sparsenn.io.onnx.OnnxTensors.Constant;
import org.sparsenn.io.onnx.proto.OnnxProtos.AttributeProto;
import org.sparsenn.io.onnx.proto.OnnxProtos.GraphProto;
import org.sparsenn.io.onnx.proto.OnnxProtos.NodeProto;
import org.sparsenn.model.Activation;
import org.sparsenn.model.RecurrentLayer;
import org.sparsenn.model.RecurrentLayer.Cell;
import org.sparsenn.model.RecurrentLayer.Direction;
import org.sparsenn.model.SequenceOutput;

/**
 * Reads the recurrent front end of a graph as {@code torch.onnx.export} writes it for a
 * {@code batch_first} {@code nn.LSTM}, {@code nn.GRU} or {@code nn.RNN}, up to the vector per
 * sequence that the dense layers read; {@link OnnxGraphReader} reads the rest.
 *
 * <p>The data path: the input {@code [batch, steps, features]}, {@code Transpose} (perm
 * {@code [1, 0, 2]}) to {@code [steps, batch, features]}; per layer an {@code LSTM}, {@code GRU}
 * or {@code RNN} node, then {@code Squeeze} of the direction axis (one direction) or
 * {@code Transpose} (perm {@code [0, 2, 1, 3]}) and {@code Reshape} to {@code [0, 0, -1]}
 * (bidirectional); then {@code Transpose} (perm {@code [1, 0, 2]}) and {@code Gather} of the
 * last step on axis 1 ({@code y[:, -1, :]}), or, for a one-way last layer, {@code Gather} of its
 * final hidden state {@code Y_h} ({@code h_n[-1]}), or, for a bidirectional one, the
 * {@code Transpose} (perm {@code [1, 0, 2]}) and {@code Reshape} to {@code [0, -1]} of
 * {@code Y_h} that {@link OnnxWriter} writes (both final states, forward then backward).
 *
 * <p>Initial states: absent, or computed from the input's shape as the exporter writes them
 * ({@code Shape -> Gather -> Unsqueeze -> Concat -> ConstantOfShape}, sliced per layer, or a
 * constant {@code Expand}ed over the batch), or constants the same for every sequence. Those
 * shape computations are recognised by what they are made of (only shape arithmetic on the
 * input's shape and constants) and are not evaluated: whatever batch they describe, the state
 * is the same for every sequence.
 *
 * <p>Refused, naming what: peepholes, {@code clip}, activations other than the defaults (a
 * plain RNN may use {@code Relu}), {@code activation_alpha}/{@code activation_beta},
 * {@code input_forget}, {@code layout = 1}, and {@code sequence_lens} (sequences are read
 * whole).
 */
final class OnnxRecurrentReader {
  private static final Set<String> RECURRENT_OPS = Set.of("LSTM", "GRU", "RNN");
  // What the exporter's batch-size arithmetic for initial states is made of.
  private static final Set<String> SHAPE_OPS = Set.of("Shape", "Gather", "Unsqueeze", "Squeeze",
      "Concat", "Reshape", "ConstantOfShape", "Mul", "Equal", "Where", "Slice", "Expand", "Cast",
      "Identity");
  private static final Set<String> KNOWN_ATTRIBUTES = Set.of("hidden_size", "direction",
      "activations", "activation_alpha", "activation_beta", "clip", "input_forget", "layout",
      "linear_before_reset");

  /**
   * The front end read.
   *
   * @param layers the recurrent layers, in order
   * @param output what the dense layers read
   * @param value the ONNX value holding it, {@code [batch, width]}
   * @param width the values per sequence
   */
  record Front(List<RecurrentLayer> layers, SequenceOutput output, String value, int width) {}

  private final OnnxGraphReader reader;
  private final GraphProto graph;
  private final String input;
  // Values computed from the input's shape and constants only, and the nodes computing them.
  private final Set<String> shapeValues = new HashSet<>();
  private final Set<Integer> shapeNodes = new HashSet<>();
  private final Map<String, Integer> producers = new HashMap<>();
  private long steps = -1;

  OnnxRecurrentReader(OnnxGraphReader reader, String input) {
    this.reader = reader;
    this.graph = reader.graph;
    this.input = input;
    for (int i = 0; i < graph.getNodeCount(); i++) {
      for (String out : graph.getNode(i).getOutputList()) {
        producers.put(out, i);
      }
    }
  }

  /** Whether the graph has an LSTM, GRU or RNN node. */
  static boolean hasRecurrentNode(GraphProto graph) {
    for (NodeProto node : graph.getNodeList()) {
      if (RECURRENT_OPS.contains(node.getOpType()) && OnnxGraphReader.isDefaultDomain(node)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Reads the front end from the graph input of shape {@code dims} (null if undeclared), marking
   * its nodes visited.
   *
   * @throws ModelFormatException naming the node where the graph leaves the pattern
   */
  Front read(long[] dims) {
    if (dims != null && dims.length != 3) {
      throw new ModelFormatException("graph input '" + input + "' has rank " + dims.length
          + "; a recurrent model reads [batch, steps, features]");
    }
    long features = dims == null ? -1 : dims[2];
    steps = dims == null ? -1 : dims[1];
    findShapeArithmetic();
    int transpose = soleDataUser(input, "the graph input");
    requireTranspose(transpose, input, List.of(1L, 0L, 2L),
        "batch_first input [batch, steps, features] to [steps, batch, features]");
    String current = graph.getNode(transpose).getOutput(0);
    List<RecurrentLayer> layers = new ArrayList<>();
    while (true) {
      int index = soleDataUser(current, "'" + current + "'");
      NodeProto node = graph.getNode(index);
      if (!RECURRENT_OPS.contains(node.getOpType()) || !node.getInput(0).equals(current)) {
        throw reader.error(index, "follows " + (layers.isEmpty() ? "the input Transpose"
            : "recurrent layer " + (layers.size() - 1)) + "; sparsenn reads an LSTM, GRU or RNN"
            + " node there, taking '" + current + "' as X");
      }
      reader.visited[index] = true;
      RecurrentLayer layer = layer(index, node, features);
      layers.add(layer);
      features = layer.outputs();
      String y = node.getOutput(0);
      if (dataUsers(y).isEmpty() && !reader.isGraphOutput(y)) {
        return finalState(index, node, layers);
      }
      requireUnused(index, node, 1, "final hidden state Y_h");
      requireUnused(index, node, 2, "final cell state Y_c");
      current = sequenceOf(index, layer);
      int next = soleDataUser(current, "'" + current + "'");
      if (RECURRENT_OPS.contains(graph.getNode(next).getOpType())) {
        continue;
      }
      requireTranspose(next, current, List.of(1L, 0L, 2L),
          "the output sequence back to [batch, steps, features]");
      return lastStep(next, layers);
    }
  }

  // ---- the batch-size arithmetic of the initial states --------------------------------------

  /** Finds every node that computes from the input's shape and constants only. */
  private void findShapeArithmetic() {
    boolean grew = true;
    while (grew) {
      grew = false;
      for (int i = 0; i < graph.getNodeCount(); i++) {
        NodeProto node = graph.getNode(i);
        if (reader.visited[i] || shapeNodes.contains(i) || !SHAPE_OPS.contains(node.getOpType())
            || !OnnxGraphReader.isDefaultDomain(node)) {
          continue;
        }
        boolean computed = false;
        boolean fromShape = true;
        for (String in : node.getInputList()) {
          if (in.isEmpty() || reader.isConstant(in)) {
            continue;
          }
          computed = true;
          boolean inputShape = node.getOpType().equals("Shape") && in.equals(input);
          fromShape &= inputShape || shapeValues.contains(in);
        }
        if (computed && fromShape) {
          shapeNodes.add(i);
          shapeValues.addAll(node.getOutputList());
          grew = true;
        }
      }
    }
    for (int i : shapeNodes) {
      for (String out : graph.getNode(i).getOutputList()) {
        for (int user : reader.consumers.getOrDefault(out, List.of())) {
          NodeProto node = graph.getNode(user);
          boolean state = RECURRENT_OPS.contains(node.getOpType())
              && stateInput(node, out);
          if (!shapeNodes.contains(user) && !state) {
            throw reader.error(user, "uses '" + out + "', computed from the shape of the input"
                + " by " + reader.describe(i) + "; sparsenn reads such shape arithmetic only"
                + " as the initial states of a recurrent layer");
          }
        }
      }
      reader.visited[i] = true;
    }
  }

  private static boolean stateInput(NodeProto node, String value) {
    for (int k = 5; k <= 6 && k < node.getInputCount(); k++) {
      if (node.getInput(k).equals(value)) {
        return true;
      }
    }
    return false;
  }

  /**
   * An initial state that is the same for every sequence: {@code dirs * hidden} values, or null
   * for zeros.
   */
  private float[] initialState(int index, String name, int dirs, int hidden, String role) {
    float[][] rows = stateRows(index, name, hidden, role);
    if (rows == null) {
      return null;
    }
    if (rows.length == 1 && dirs > 1) {
      rows = new float[][] {rows[0], rows[0]};
    }
    if (rows.length != dirs) {
      throw reader.error(index, "has " + role + " '" + name + "' with " + rows.length
          + " directions; the layer has " + dirs);
    }
    float[] state = new float[dirs * hidden];
    for (int d = 0; d < dirs; d++) {
      System.arraycopy(rows[d], 0, state, d * hidden, hidden);
    }
    return state;
  }

  /**
   * The state {@code name} as rows along its first axis (one per direction or layer), each
   * the same for every sequence; one row filled with the constant of a ConstantOfShape; null
   * for a ConstantOfShape of zeros.
   */
  private float[][] stateRows(int index, String name, int hidden, String role) {
    if (reader.isConstant(name)) {
      Constant c = reader.constant(index, name);
      long[] d = c.dims();
      if (c.floats() == null || d.length != 3 || d[2] != hidden || d[0] < 1 || d[1] < 1) {
        throw reader.error(index, "has " + role + " '" + name + "' of shape "
            + OnnxGraphReader.shapeText(d) + "; expected float [directions, batch, " + hidden
            + "]");
      }
      float[][] rows = new float[(int) d[0]][];
      for (int r = 0; r < rows.length; r++) {
        int base = (int) (r * d[1] * hidden);
        rows[r] = Arrays.copyOfRange(c.floats(), base, base + hidden);
        for (int b = 1; b < d[1]; b++) {
          for (int j = 0; j < hidden; j++) {
            if (c.floats()[base + b * hidden + j] != rows[r][j]) {
              throw reader.error(index, "has " + role + " '" + name + "' that differs between"
                  + " sequences of the batch; sparsenn reads initial states that are the same"
                  + " for every sequence");
            }
          }
        }
      }
      return rows;
    }
    Integer producer = producers.get(name);
    if (producer == null || !shapeNodes.contains(producer)) {
      throw reader.error(index, "has " + role + " '" + name + "' that is "
          + (producer == null ? "a graph input" : "computed by " + reader.describe(producer))
          + "; sparsenn reads initial states that are constants, or zeros or constants"
          + " expanded over the batch as PyTorch exports them");
    }
    NodeProto node = graph.getNode(producer);
    switch (node.getOpType()) {
      case "ConstantOfShape" -> {
        AttributeProto value = reader.attr(producer, "value");
        if (value == null) {
          return null;
        }
        Constant fill = OnnxTensors.decode(value.getT(), null, new OnnxTensors.Budget(1024));
        if (fill.floats() == null || fill.elements() != 1) {
          throw reader.error(producer, "fills " + role + " with a value that is not one float");
        }
        float v = fill.floats()[0];
        if (v == 0f) {
          return null;
        }
        float[] row = new float[hidden];
        Arrays.fill(row, v);
        return new float[][] {row};
      }
      case "Expand", "Identity" -> {
        return stateRows(producer, node.getInput(0), hidden, role);
      }
      case "Slice" -> {
        float[][] source = stateRows(producer, node.getInput(0), hidden, role);
        return source == null || source.length == 1 ? source : sliced(producer, node, source);
      }
      default -> throw reader.error(producer, "computes " + role + " '" + name + "'; sparsenn"
          + " reads initial states made by ConstantOfShape, Expand or Slice");
    }
  }

  /** Rows {@code [start, end)} of {@code source} for a Slice on axis 0 with step 1. */
  private float[][] sliced(int index, NodeProto node, float[][] source) {
    long[] starts = ints(index, node, 1);
    long[] ends = ints(index, node, 2);
    long[] axes = node.getInputCount() > 3 && !node.getInput(3).isEmpty()
        ? ints(index, node, 3) : new long[] {0};
    long[] stepsPer = node.getInputCount() > 4 && !node.getInput(4).isEmpty()
        ? ints(index, node, 4) : new long[] {1};
    if (starts == null || ends == null || starts.length != 1 || ends.length != 1
        || axes.length != 1 || axes[0] != 0 || stepsPer[0] != 1) {
      throw reader.error(index, "slices an initial state other than along its first axis with"
          + " constant bounds and step 1");
    }
    int n = source.length;
    int start = (int) Math.max(0, Math.min(n, starts[0] < 0 ? starts[0] + n : starts[0]));
    int end = (int) Math.max(0, Math.min(n, ends[0] < 0 ? ends[0] + n : ends[0]));
    if (end <= start) {
      throw reader.error(index, "slices an empty initial state");
    }
    return Arrays.copyOfRange(source, start, end);
  }

  private long[] ints(int index, NodeProto node, int k) {
    if (node.getInputCount() <= k || !reader.isConstant(node.getInput(k))) {
      return null;
    }
    return reader.constant(index, node.getInput(k)).ints();
  }

  // ---- the data path ------------------------------------------------------------------------

  /** The consumers of {@code value} outside the shape arithmetic. */
  private List<Integer> dataUsers(String value) {
    List<Integer> users = new ArrayList<>();
    for (int user : reader.consumers.getOrDefault(value, List.of())) {
      if (!shapeNodes.contains(user)) {
        users.add(user);
      }
    }
    return users;
  }

  private int soleDataUser(String value, String what) {
    List<Integer> users = dataUsers(value);
    if (users.size() != 1 || reader.isGraphOutput(value)) {
      throw new ModelFormatException(what + " has " + users.size() + " consumers besides"
          + " shape arithmetic" + (reader.isGraphOutput(value) ? " and is the graph output" : "")
          + "; sparsenn reads a recurrent front end as a chain");
    }
    int user = users.get(0);
    if (reader.visited[user]) {
      throw reader.error(user, "is reached a second time: the graph has a cycle");
    }
    return user;
  }

  private void requireTranspose(int index, String from, List<Long> perm, String purpose) {
    NodeProto node = graph.getNode(index);
    AttributeProto p = reader.attr(index, "perm");
    if (!node.getOpType().equals("Transpose") || node.getInputCount() != 1
        || !node.getInput(0).equals(from) || p == null || !p.getIntsList().equals(perm)) {
      throw reader.error(index, "is where sparsenn expects a Transpose (perm " + perm + ") of '"
          + from + "': the " + purpose + ", as PyTorch exports it");
    }
    reader.visited[index] = true;
  }

  private void requireUnused(int index, NodeProto node, int output, String role) {
    if (node.getOutputCount() > output && !node.getOutput(output).isEmpty()) {
      String value = node.getOutput(output);
      if (!reader.consumers.getOrDefault(value, List.of()).isEmpty()
          || reader.isGraphOutput(value)) {
        throw reader.error(index, "has its " + role + " '" + value + "' used; sparsenn reads"
            + " it only as h_n[-1] of a one-way last layer whose sequence output is unused");
      }
    }
  }

  /**
   * The output sequence of a layer as {@code [steps, batch, outputs]}: after the Squeeze of
   * the direction axis, or the Transpose and Reshape that join two directions.
   */
  private String sequenceOf(int index, RecurrentLayer layer) {
    String y = graph.getNode(index).getOutput(0);
    int next = soleDataUser(y, "the output Y of " + reader.describe(index));
    NodeProto node = graph.getNode(next);
    if (layer.direction() != Direction.BIDIRECTIONAL) {
      List<Long> axes = new ArrayList<>();
      if (node.getInputCount() == 2 && reader.isConstant(node.getInput(1))) {
        long[] v = reader.constant(next, node.getInput(1)).ints();
        for (long a : v == null ? new long[0] : v) {
          axes.add(a);
        }
      } else if (reader.attr(next, "axes") != null) {
        axes.addAll(reader.attr(next, "axes").getIntsList());
      }
      if (!node.getOpType().equals("Squeeze") || !node.getInput(0).equals(y)
          || axes.size() != 1 || (axes.get(0) != 1 && axes.get(0) != -3)) {
        throw reader.error(next, "follows " + reader.describe(index) + "; sparsenn expects the"
            + " Squeeze of the direction axis (axes [1]) PyTorch exports there");
      }
      reader.visited[next] = true;
      return node.getOutput(0);
    }
    requireTranspose(next, y, List.of(0L, 2L, 1L, 3L),
        "two directions' outputs to [steps, batch, directions, hidden]");
    String joined = node.getOutput(0);
    int reshape = soleDataUser(joined, "'" + joined + "'");
    NodeProto r = graph.getNode(reshape);
    long[] shape = r.getOpType().equals("Reshape") && r.getInputCount() == 2
        && r.getInput(0).equals(joined) && reader.isConstant(r.getInput(1))
        ? reader.constant(reshape, r.getInput(1)).ints() : null;
    boolean joins = shape != null && shape.length == 3 && shape[0] == 0 && shape[1] == 0
        && (shape[2] == -1 || shape[2] == layer.outputs());
    if (!joins) {
      throw reader.error(reshape, "follows the Transpose of a bidirectional layer's output;"
          + " sparsenn expects a Reshape to [0, 0, -1] there");
    }
    reader.visited[reshape] = true;
    return r.getOutput(0);
  }

  /** {@code y[:, -1, :]}: a Gather of the last step on axis 1 of the batch-first sequence. */
  private Front lastStep(int transpose, List<RecurrentLayer> layers) {
    String sequence = graph.getNode(transpose).getOutput(0);
    int index = soleDataUser(sequence, "'" + sequence + "'");
    NodeProto node = graph.getNode(index);
    boolean last = false;
    if (node.getOpType().equals("Gather") && node.getInputCount() == 2
        && node.getInput(0).equals(sequence) && reader.isConstant(node.getInput(1))
        && reader.intAttr(index, "axis", 0) == 1) {
      Constant c = reader.constant(index, node.getInput(1));
      last = c.ints() != null && c.dims().length == 0
          && (c.ints()[0] == -1 || (steps > 0 && c.ints()[0] == steps - 1));
    }
    if (!last) {
      throw reader.error(index, "follows the output sequence; sparsenn reads the last step,"
          + " y[:, -1, :], as a Gather on axis 1 with the scalar index -1");
    }
    reader.visited[index] = true;
    RecurrentLayer top = layers.get(layers.size() - 1);
    return new Front(layers, SequenceOutput.LAST_STEP, node.getOutput(0), top.outputs());
  }

  /** {@code h_n[-1]}: a Gather of the last entry of a one-way last layer's Y_h. */
  private Front finalState(int index, NodeProto rnn, List<RecurrentLayer> layers) {
    RecurrentLayer top = layers.get(layers.size() - 1);
    String yh = rnn.getOutputCount() > 1 ? rnn.getOutput(1) : "";
    requireUnused(index, rnn, 2, "final cell state Y_c");
    List<Integer> users = yh.isEmpty() ? List.of() : dataUsers(yh);
    if (top.direction() == Direction.BIDIRECTIONAL && users.size() == 1
        && !reader.isGraphOutput(yh)) {
      return joinedFinalStates(index, users.get(0), yh, layers);
    }
    int gather = users.size() == 1 ? users.get(0) : -1;
    NodeProto node = gather < 0 ? null : graph.getNode(gather);
    boolean read = node != null && node.getOpType().equals("Gather")
        && node.getInputCount() == 2 && node.getInput(0).equals(yh)
        && reader.isConstant(node.getInput(1)) && reader.intAttr(gather, "axis", 0) == 0
        && top.direction() != Direction.BIDIRECTIONAL && !reader.isGraphOutput(yh);
    if (read) {
      Constant c = reader.constant(gather, node.getInput(1));
      read = c.ints() != null && c.dims().length == 0 && (c.ints()[0] == -1 || c.ints()[0] == 0);
    }
    if (!read) {
      throw reader.error(index, "has its output sequence Y unused; sparsenn then reads only"
          + " h_n[-1] of a one-way layer: one Gather of index -1 on axis 0 of Y_h");
    }
    reader.visited[gather] = true;
    return new Front(layers, SequenceOutput.FINAL_STATE, node.getOutput(0), top.outputs());
  }

  /**
   * Both final states of a bidirectional last layer, forward then backward, as
   * {@link OnnxWriter} writes them: {@code Transpose} (perm {@code [1, 0, 2]}) of {@code Y_h}
   * and {@code Reshape} to {@code [0, -1]}.
   */
  private Front joinedFinalStates(int index, int transpose, String yh,
      List<RecurrentLayer> layers) {
    RecurrentLayer top = layers.get(layers.size() - 1);
    requireTranspose(transpose, yh, List.of(1L, 0L, 2L),
        "final states Y_h to [batch, directions, hidden]");
    String transposed = graph.getNode(transpose).getOutput(0);
    int reshape = soleDataUser(transposed, "'" + transposed + "'");
    NodeProto r = graph.getNode(reshape);
    long[] shape = r.getOpType().equals("Reshape") && r.getInputCount() == 2
        && r.getInput(0).equals(transposed) && reader.isConstant(r.getInput(1))
        ? reader.constant(reshape, r.getInput(1)).ints() : null;
    if (shape == null || shape.length != 2 || shape[0] != 0
        || (shape[1] != -1 && shape[1] != top.outputs())) {
      throw reader.error(reshape, "follows the Transpose of a bidirectional layer's final"
          + " states; sparsenn expects a Reshape to [0, -1] there");
    }
    reader.visited[reshape] = true;
    return new Front(layers, SequenceOutput.FINAL_STATE, r.getOutput(0), top.outputs());
  }

  // ---- one recurrent node -------------------------------------------------------------------

  private RecurrentLayer layer(int index, NodeProto node, long features) {
    Cell cell = Cell.valueOf(node.getOpType());
    for (AttributeProto a : node.getAttributeList()) {
      if (!KNOWN_ATTRIBUTES.contains(a.getName())) {
        throw reader.error(index, "has attribute '" + a.getName() + "', which sparsenn does not"
            + " know");
      }
    }
    for (String refused : List.of("clip", "activation_alpha", "activation_beta")) {
      if (reader.attr(index, refused) != null) {
        throw reader.error(index, "has attribute '" + refused + "', which sparsenn does not"
            + " support");
      }
    }
    if (reader.intAttr(index, "layout", 0) != 0) {
      throw reader.error(index, "has layout = " + reader.intAttr(index, "layout", 0)
          + "; sparsenn reads layout = 0 (PyTorch's batch_first is the Transposes around it)");
    }
    if (reader.intAttr(index, "input_forget", 0) != 0) {
      throw reader.error(index, "has input_forget = 1 (coupled input and forget gates), which"
          + " sparsenn does not support");
    }
    long hiddenSize = reader.intAttr(index, "hidden_size", -1);
    if (hiddenSize < 1 || hiddenSize > Integer.MAX_VALUE) {
      throw reader.error(index, "needs a positive hidden_size attribute, has " + hiddenSize);
    }
    int hidden = (int) hiddenSize;
    String directionName = reader.stringAttr(index, "direction", "forward");
    Direction direction = switch (directionName) {
      case "forward" -> Direction.FORWARD;
      case "reverse" -> Direction.REVERSE;
      case "bidirectional" -> Direction.BIDIRECTIONAL;
      default -> throw reader.error(index, "has direction '" + directionName + "'; expected"
          + " forward, reverse or bidirectional");
    };
    Activation activation = activation(index, cell, direction.count());
    long reset = reader.intAttr(index, "linear_before_reset", 0);
    if (reset != 0 && (cell != Cell.GRU || reset != 1)) {
      throw reader.error(index, "has linear_before_reset = " + reset);
    }
    int inputCount = node.getInputCount();
    if (inputCount < 3) {
      throw reader.error(index, "has " + inputCount + " inputs; it needs X, W and R");
    }
    if (inputCount > 4 && !node.getInput(4).isEmpty()) {
      throw reader.error(index, "has sequence_lens '" + node.getInput(4) + "'; sparsenn reads"
          + " whole sequences, without sequence_lens");
    }
    if (cell == Cell.LSTM && inputCount > 7 && !node.getInput(7).isEmpty()) {
      throw reader.error(index, "has peephole weights P '" + node.getInput(7) + "', which"
          + " sparsenn does not support");
    }
    if (inputCount > (cell == Cell.LSTM ? 8 : 6)) {
      throw reader.error(index, "has " + inputCount + " inputs, more than " + cell + " takes");
    }
    int dirs = direction.count();
    int gateRows = cell.gates() * hidden;
    float[] w = weights(index, node.getInput(1), "W", dirs, gateRows, -1);
    int inputs = w.length / dirs / gateRows;
    if (features >= 0 && features != inputs) {
      throw reader.error(index, "takes " + inputs + " features per step (W) but receives "
          + features);
    }
    float[] r = weights(index, node.getInput(2), "R", dirs, gateRows, hidden);
    float[] inputBias = null;
    float[] recurrentBias = null;
    if (inputCount > 3 && !node.getInput(3).isEmpty()) {
      float[] b = reader.floatConstant(index, node.getInput(3), "bias B");
      long[] d = reader.constant(index, node.getInput(3)).dims();
      if (d.length != 2 || d[0] != dirs || d[1] != 2L * gateRows) {
        throw reader.error(index, "has bias B '" + node.getInput(3) + "' of shape "
            + OnnxGraphReader.shapeText(d) + "; expected [" + dirs + ", " + 2 * gateRows + "]");
      }
      inputBias = new float[dirs * gateRows];
      recurrentBias = new float[dirs * gateRows];
      for (int k = 0; k < dirs; k++) {
        System.arraycopy(b, 2 * k * gateRows, inputBias, k * gateRows, gateRows);
        System.arraycopy(b, (2 * k + 1) * gateRows, recurrentBias, k * gateRows, gateRows);
      }
    }
    float[] h0 = inputCount > 5 && !node.getInput(5).isEmpty()
        ? initialState(index, node.getInput(5), dirs, hidden, "initial_h") : null;
    float[] c0 = cell == Cell.LSTM && inputCount > 6 && !node.getInput(6).isEmpty()
        ? initialState(index, node.getInput(6), dirs, hidden, "initial_c") : null;
    RecurrentLayer layer = new RecurrentLayer(cell, direction, inputs, hidden, activation,
        reset == 1, w, r, inputBias, recurrentBias);
    return h0 == null && c0 == null ? layer : layer.withInitialState(h0, c0);
  }

  /** W or R as {@code [dirs][gateRows][cols]}, with {@code cols} checked unless negative. */
  private float[] weights(int index, String name, String role, int dirs, int gateRows,
      int cols) {
    if (!reader.isConstant(name)) {
      throw reader.error(index, "has " + role + " '" + name + "' that is not a constant");
    }
    float[] v = reader.floatConstant(index, name, role);
    long[] d = reader.constant(index, name).dims();
    if (d.length != 3 || d[0] != dirs || d[1] != gateRows || d[2] < 1
        || (cols >= 0 && d[2] != cols)) {
      throw reader.error(index, "has " + role + " '" + name + "' of shape "
          + OnnxGraphReader.shapeText(d) + "; expected [" + dirs + ", " + gateRows + ", "
          + (cols >= 0 ? String.valueOf(cols) : "inputs") + "]");
    }
    return v;
  }

  /** The plain RNN's function from {@code activations}; the defaults only for LSTM and GRU. */
  private Activation activation(int index, Cell cell, int dirs) {
    List<String> defaults = switch (cell) {
      case LSTM -> List.of("sigmoid", "tanh", "tanh");
      case GRU -> List.of("sigmoid", "tanh");
      case RNN -> List.of("tanh");
    };
    AttributeProto a = reader.attr(index, "activations");
    if (a == null) {
      return Activation.TANH;
    }
    List<String> names = new ArrayList<>();
    for (var s : a.getStringsList()) {
      names.add(s.toStringUtf8().toLowerCase(Locale.ROOT));
    }
    int per = defaults.size();
    boolean relu = cell == Cell.RNN && !names.isEmpty() && names.get(0).equals("relu");
    List<String> expected = relu ? List.of("relu") : defaults;
    boolean ok = names.size() == per * dirs || (names.size() == per && dirs == 2);
    for (int i = 0; ok && i < names.size(); i++) {
      ok = names.get(i).equals(expected.get(i % per));
    }
    if (!ok) {
      throw reader.error(index, "has activations " + names + "; sparsenn supports the defaults"
          + " (" + String.join(", ", defaults) + (cell == Cell.RNN ? ", or relu" : "")
          + " per direction)");
    }
    return relu ? Activation.RELU : Activation.TANH;
  }
}
