package org.sparsenn.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * What a benchmark trial knows beyond its time, appended as one JSON line to the file that the
 * system property {@value #PROPERTY} names (nothing is written without it): the trial's
 * parameters, the JVM's process id (one per JMH fork), and per benchmark what the summarizer
 * needs, e.g. each layer's shape, nonzeros, chosen method and bytes. {@code bench/summarize.py}
 * joins these lines to the JMH JSON by benchmark and parameters.
 *
 * <pre>java -jar benchmarks.jar ModelBenchmark -jvmArgsAppend -Dsparsenn.bench.record=r.jsonl</pre>
 */
final class BenchRecord {
  static final String PROPERTY = "sparsenn.bench.record";
  private static final ObjectMapper JSON = new ObjectMapper();

  private BenchRecord() {}

  /** A record for benchmark {@code benchmark} (its simple class name) with these parameters. */
  static ObjectNode start(String benchmark, Map<String, Object> params) {
    ObjectNode record = JSON.createObjectNode();
    record.put("benchmark", benchmark);
    ObjectNode p = record.putObject("params");
    params.forEach((k, v) -> p.put(k, String.valueOf(v)));
    record.put("pid", ProcessHandle.current().pid());
    return record;
  }

  /** Whether records are being written at all (a benchmark may skip work it needs only here). */
  static boolean enabled() {
    return System.getProperty(PROPERTY) != null;
  }

  /** Appends {@code record} as one line, if the property names a file. */
  static void write(ObjectNode record) {
    String file = System.getProperty(PROPERTY);
    if (file == null) {
      return;
    }
    try {
      Files.writeString(Path.of(file), JSON.writeValueAsString(record) + "\n",
          StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + file, e);
    }
  }
}
