package atelier.tests;

import atelier.core.Tensor;
import atelier.nn.io.Checkpoint;
import atelier.nn.io.SafeTensors;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** atelier's safetensors files and Python's: read each other's, and byte-identical for the same content. */
class SafeTensorsInteropTest {
    @TempDir
    Path dir;

    @Test
    void readsTheFileWrittenByPython() throws IOException {
        SafeTensors.Contents c = SafeTensors.read(Fixtures.path("interop.safetensors"));
        assertEquals(List.of("alpha", "beta", "gamma.weight"), List.copyOf(c.tensors().keySet()));
        assertArrayEquals(new float[] {-1f, -0.5f, 0f, 0.5f, 1f, 1.5f}, c.tensors().get("alpha").data());
        assertArrayEquals(new int[] {2, 3}, c.tensors().get("alpha").shape());
        assertArrayEquals(new float[] {1e-8f, -3.25f, 65504f, 1f / 3f}, c.tensors().get("beta").data());
        Tensor gamma = c.tensors().get("gamma.weight");
        assertArrayEquals(new int[] {2, 3, 2, 2}, gamma.shape());
        assertEquals(-1f, gamma.data()[0]);
        assertEquals(1f, gamma.data()[23]);
        assertEquals(Map.of("format", "atelier-interop", "note", "written by tests/python/make_fixtures.py \u2713"),
                c.metadata());
    }

    @Test
    void writesTheSameBytesAsPythonForTheSameContent() throws IOException {
        Path python = Fixtures.path("interop.safetensors");
        SafeTensors.Contents c = SafeTensors.read(python);
        Path mine = dir.resolve("mine.safetensors");
        SafeTensors.write(mine, c.tensors(), c.metadata());
        assertArrayEquals(Files.readAllBytes(python), Files.readAllBytes(mine));
    }

    /** Runs the Python script's strict reader on a checkpoint atelier wrote (where python3-torch is installed). */
    @Test
    void pythonReadsACheckpointWrittenByAtelier() throws Exception {
        String python = "/usr/bin/python3";
        assumeTrue(Files.isExecutable(Path.of(python)) && run(List.of(python, "-c", "import torch")).exitCode == 0,
                "python3-torch not installed: apt-get install python3-torch");
        Path file = dir.resolve("ck.safetensors");
        JsonObject info = new JsonObject();
        info.addProperty("level", 3);
        Checkpoint.save(file, Map.of("w", Tensor.of(new float[] {1.5f, -2f, 3f}, 3), "b", Tensor.zeros(2, 2)), info);
        Path script = Path.of("../tests/python/make_fixtures.py").toAbsolutePath().normalize();
        Result r = run(List.of(python, script.toString(), "--verify", file.toString()));
        assertEquals(0, r.exitCode, r.output);
        JsonObject summary = JsonParser.parseString(r.output.strip()).getAsJsonObject();
        JsonObject w = summary.getAsJsonObject("tensors").getAsJsonObject("w");
        assertEquals(2.5, w.get("sum").getAsDouble(), 1e-9);
        assertEquals("[3]", w.get("shape").toString());
        assertEquals("{\"level\":3}", summary.getAsJsonObject("metadata").get("atelier").getAsString());
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, "timed out");
        }
        return new Result(p.exitValue(), out);
    }
}
