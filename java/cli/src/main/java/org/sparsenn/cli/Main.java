package org.sparsenn.cli;

import java.io.UncheckedIOException;
import org.sparsenn.io.ModelFormatException;
import org.sparsenn.io.data.DatasetFormatException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code sparsenn} command line. */
@Command(
    name = "sparsenn",
    mixinStandardHelpOptions = true,
    versionProvider = VersionInfo.class,
    description = "Sparse neural-network inference for the JVM.",
    subcommands = {BenchCommand.class, CalibrateCommand.class, ConvertCommand.class,
        EvalCommand.class, InferCommand.class, InspectCommand.class, PruneCommand.class,
        SensitivityCommand.class, SweepCommand.class, TrainCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    // One line per log record on the terminal (the library itself leaves logging alone).
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "sparsenn %4$s: %5$s%6$s%n");
    }
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit status (for tests). */
  public static int run(String... args) {
    CommandLine commandLine = new CommandLine(new Main());
    commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("sparsenn: " + oneLine(e));
      return 1;
    });
    try {
      return commandLine.execute(args);
    } catch (Error e) {
      // picocli lets errors through (out of memory, a fault in a mapped file): still one line.
      commandLine.getErr().println("sparsenn: " + oneLine(e));
      commandLine.getErr().flush();
      return 1;
    }
  }

  /**
   * What the user sees of a failure: the message of the exceptions commands throw on purpose,
   * which name the file and what is wrong; for anything else its kind too, since a bare
   * message (a number, an index) means nothing on its own. Never more than one line.
   */
  static String oneLine(Throwable e) {
    String message = e.getMessage() == null ? "" : e.getMessage().strip();
    boolean expected = e instanceof IllegalArgumentException
        || e instanceof IllegalStateException || e instanceof UncheckedIOException
        || e instanceof ModelFormatException || e instanceof DatasetFormatException
        || e instanceof UnsupportedOperationException;
    String text;
    if (expected && !message.isEmpty()) {
      text = message;
    } else if (e instanceof OutOfMemoryError) {
      text = "out of memory (raise -Xmx)" + (message.isEmpty() ? "" : ": " + message);
    } else {
      text = "unexpected " + e.getClass().getSimpleName()
          + (message.isEmpty() ? "" : ": " + message) + " (a bug in sparsenn; please report it"
          + " with the command line)";
    }
    return text.replaceAll("\\s*\\R\\s*", " ");
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
