package org.sparsenn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectCommandTest {
  @TempDir Path dir;

  private static CommandLineRun run(String... args) {
    return CommandLineRun.of(args);
  }

  /** A safetensors file: layers.0 F16 [2, 3] with two zeros, layers.1 F32 [1, 2] + bias. */
  private Path model() throws IOException {
    String header = "{\"__metadata__\":{\"format\":\"pt\"},"
        + "\"layers.0.weight\":{\"dtype\":\"F16\",\"shape\":[2,3],\"data_offsets\":[0,12]},"
        + "\"layers.1.weight\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[12,20]},"
        + "\"layers.1.bias\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[20,24]}}";
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + json.length + 24).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(json.length).put(json);
    for (int h : new int[] {0x3c00, 0, 0x4000, 0, 0xbc00, 0x3800}) {
      b.putShort((short) h);
    }
    b.putFloat(1).putFloat(-1).putFloat(0.5f);
    return Files.write(dir.resolve("mlp.safetensors"), b.array());
  }

  @Test
  void inspectPrintsLayersDigestMappingAndConversions() throws IOException {
    CommandLineRun r = run("inspect", model().toString());
    assertEquals(0, r.status(), r.err());
    String out = r.out();
    assertTrue(out.contains("format:     safetensors"), out);
    assertTrue(out.matches("(?s).*sha256:     [0-9a-f]{64}.*"), out);
    assertTrue(out.contains("parameters: 11 (8 weights, 6 nonzero, sparsity 25.00%)"), out);
    assertTrue(out.matches("(?s).*\\n\\s+0  layers\\.0\\s+2 x 3\\s+relu\\s+8\\s+4\\s+33\\.33%.*"),
        out);
    assertTrue(
        out.matches("(?s).*\\n\\s+1  layers\\.1\\s+1 x 2\\s+identity\\s+3\\s+2\\s+0\\.00%.*"),
        out);
    assertTrue(out.contains("numeric order"), out);
    assertTrue(out.matches("(?s).*layers\\.1\\.bias\\s+\\[1\\]\\s+F32\\s+-> layer 1 bias.*"), out);
    assertTrue(out.contains("layers.0.weight: F16 converted to float32"), out);
    assertTrue(out.contains("format = pt"), out);
  }

  @Test
  void activationOptionsApply() throws IOException {
    CommandLineRun r = run("inspect", model().toString(), "--activation", "tanh",
        "--output-activation", "sigmoid");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains(" tanh "), r.out());
    assertTrue(r.out().contains(" sigmoid "), r.out());
  }

  @Test
  void badFileFailsWithOneLineMessage() throws IOException {
    Path bad = Files.write(dir.resolve("bad.safetensors"), new byte[] {1, 2, 3});
    CommandLineRun r = run("inspect", bad.toString());
    assertNotEquals(0, r.status());
    assertTrue(r.err().startsWith("sparsenn: ") && r.err().contains("bad.safetensors")
        && r.err().strip().lines().count() == 1, r.err());
  }

  @Test
  void missingFileUnknownFormatAndBadActivationFail() throws IOException {
    assertNotEquals(0, run("inspect", dir.resolve("none.npz").toString()).status());
    CommandLineRun npy = run("inspect", Files.write(dir.resolve("x.npy"), new byte[1]).toString());
    assertNotEquals(0, npy.status());
    assertTrue(npy.err().contains("savez"), npy.err());
    assertNotEquals(0, run("inspect", model().toString(), "--activation", "swish").status());
    assertNotEquals(0, run("inspect").status());
  }
}
