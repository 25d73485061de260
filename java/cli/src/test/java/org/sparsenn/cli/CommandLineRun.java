package org.sparsenn.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Exit status and captured stdout/stderr of one in-process {@code sparsenn} command line. */
record CommandLineRun(int status, String out, String err) {
  // Main.run builds a fresh picocli CommandLine, whose writers wrap System.out/err lazily, so
  // swapping the streams around the call captures what it prints. The streams are global: one
  // lock for every test class.
  static synchronized CommandLineRun of(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      status = Main.run(args);
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    return new CommandLineRun(status, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }
}
