package org.sparsenn.example;

import java.nio.file.Path;
import org.sparsenn.engine.Session;
import org.sparsenn.engine.SessionOptions;
import org.sparsenn.io.ModelReader;
import org.sparsenn.io.NpyArray;
import org.sparsenn.io.NpyReader;
import org.sparsenn.io.NpyWriter;
import org.sparsenn.model.Network;
import org.sparsenn.prune.Pruners;

/**
 * The README's library example ("The engine: Session"), made runnable: read a model, prune 90%
 * of its weights by global magnitude, run a batch of inputs through a {@link Session}, write the
 * outputs. Usage: {@code ReadmeExample MODEL X.npy Y.npy}.
 */
public final class ReadmeExample {
  private ReadmeExample() {}

  public static void main(String[] args) {
    if (args.length != 3) {
      System.err.println("usage: ReadmeExample MODEL X.npy Y.npy");
      System.exit(2);
    }
    NpyArray inputs = NpyReader.read(Path.of(args[1]));
    NpyWriter.write(Path.of(args[2]), run(Path.of(args[0]), inputs));
  }

  /**
   * The example itself: {@code inputs} is a {@code [batch, features]} array; the result is
   * {@code [batch, outputs]}.
   *
   * @throws org.sparsenn.io.ModelFormatException if the model cannot be read
   * @throws IllegalArgumentException if the inputs do not fit the model
   */
  public static NpyArray run(Path model, NpyArray inputs) {
    Network net = ModelReader.read(model);
    Network pruned = Pruners.magnitude().global().sparsity(0.9).build().apply(net);
    int batch = inputs.rows();
    float[] outputs = new float[batch * pruned.outputs()];
    try (Session session = Session.create(pruned, SessionOptions.defaults())) {
      session.run(inputs.data(), batch, outputs);                     // row-major
      System.out.print(session.plan().describe());                    // what ran where, and why
    }
    return NpyArray.matrix(batch, pruned.outputs(), outputs);
  }
}
