package org.sparsenn.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code sparsenn} command line. */
@Command(
    name = "sparsenn",
    mixinStandardHelpOptions = true,
    versionProvider = VersionInfo.class,
    description = "Sparse neural-network inference for the JVM.",
    subcommands = {BenchCommand.class, ConvertCommand.class, EvalCommand.class,
        InferCommand.class, InspectCommand.class, PruneCommand.class,
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
      cmd.getErr().println("sparsenn: " + e.getMessage());
      return 1;
    });
    return commandLine.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
