package atelier.gan.sample;

import atelier.core.Tensor;
import atelier.core.device.CpuDevice;
import atelier.core.device.Device;
import atelier.gan.pgan.Generator;
import atelier.gan.pgan.PganShape;
import atelier.nn.Parameter;
import atelier.nn.io.Checkpoint;
import atelier.nn.io.CheckpointException;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Style knobs of a small generator at 8 px: deterministic, stored beside their checkpoint, and they steer. */
class StyleKnobsTest {
    private static final PganShape SHAPE = new PganShape(16, 8, 16, 16, 3);

    @TempDir
    Path dir;

    private static Generator generator(Device device) {
        Generator g = new Generator(device, SHAPE, new Random(3));
        g.grow();
        g.setAlpha(1f);
        return g;
    }

    /** A checkpoint file holding the generator's parameters: what the knobs name. */
    private Checkpoint checkpoint(Generator g, String name, long salt) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Parameter p : g.parameters()) {
            tensors.put(p.name(), p.value());
        }
        tensors.put("salt", Tensor.of(new float[] {salt}, 1));
        Path file = dir.resolve(name);
        Checkpoint.save(file, tensors, new JsonObject());
        return Checkpoint.load(file);
    }

    private static final StyleKnobs.Listener QUIET = (stage, done, total) -> { };

    @Test
    void knobsAreUnitDirectionsOrderedByExplainedVariance() throws IOException {
        try (CpuDevice cpu = new CpuDevice(2)) {
            Generator g = generator(cpu);
            StyleKnobs knobs = StyleKnobs.compute(cpu, g, checkpoint(g, "images-000000000001.safetensors", 0), 6, 512,
                    QUIET);
            assertEquals(6, knobs.count());
            double sum = 0;
            for (int k = 0; k < 6; k++) {
                Tensor u = knobs.offset(Map.of(k, 1f / knobs.sigma(k)));
                double norm = 0;
                for (float v : u.data()) {
                    norm += v * v;
                }
                assertEquals(1, Math.sqrt(norm), 1e-5, "unit direction " + k);
                assertTrue(knobs.sigma(k) > 0.8 && knobs.sigma(k) < 1.2, "z ~ N(0, I) spreads ~1 along any unit "
                        + "direction, knob " + k + ": " + knobs.sigma(k));
                assertTrue(knobs.explainedVariance(k) > 0, "explained " + k);
                if (k > 0) {
                    assertTrue(knobs.explainedVariance(k) <= knobs.explainedVariance(k - 1), "ordered at " + k);
                }
                sum += knobs.explainedVariance(k);
            }
            assertTrue(sum < 1, "six of many components explain part of the variance: " + sum);
        }
    }

    @Test
    void sameKnobsOnOneTwoAndThreeThreads() throws IOException {
        float[] expected = null;
        for (int threads = 1; threads <= 3; threads++) {
            try (CpuDevice cpu = new CpuDevice(threads)) {
                Generator g = generator(cpu);
                StyleKnobs knobs = StyleKnobs.compute(cpu, g, checkpoint(g, "c.safetensors", 0), 4, 300, QUIET);
                float[] offset = knobs.offset(Map.of(0, 1f, 1, -2f, 2, 0.5f, 3, 3f)).data();
                if (expected == null) {
                    expected = offset;
                } else {
                    assertArrayEquals(expected, offset, threads + " threads");
                }
            }
        }
    }

    @Test
    void turningAKnobFurtherMovesTheImagesFurther() throws IOException {
        try (CpuDevice cpu = new CpuDevice(2)) {
            Generator g = generator(cpu);
            StyleKnobs knobs = StyleKnobs.compute(cpu, g, checkpoint(g, "c.safetensors", 0), 3, 512, QUIET);
            long[] seeds = {1, 2, 3, 4, 5, 6, 7, 8};
            Tensor plain = g.forward(Latents.fromSeeds(seeds, SHAPE.latent())).copy();
            for (int k = 0; k < 3; k++) {
                for (float sign : new float[] {1f, -1f}) {
                    double previous = 0;
                    for (float strength : new float[] {0.5f, 1f, 2f, 3f}) {
                        Tensor z = Latents.fromSeeds(seeds, SHAPE.latent());
                        LatentEdit edit = LatentEdit.knobs(knobs, Map.of(k, sign * strength));
                        double d = LatentsTest.distance(plain, edit.render(cpu, g, z));
                        assertTrue(d > previous, "knob " + k + " at " + sign * strength + ": distance " + d
                                + " not above " + previous);
                        previous = d;
                    }
                    assertTrue(previous > 0.01, "knob " + k + " at strength 3 changes the images visibly: "
                            + previous);
                }
            }
        }
    }

    @Test
    void storedBesideTheCheckpointAndRecomputedForAnother() throws IOException {
        try (CpuDevice cpu = new CpuDevice(2)) {
            Generator g = generator(cpu);
            Checkpoint first = checkpoint(g, "images-000000000016.safetensors", 1);
            Path file = StyleKnobs.fileFor(first.file());
            assertEquals(dir.resolve("images-000000000016.knobs.safetensors"), file);
            List<String> log = new ArrayList<>();
            StyleKnobs computed = StyleKnobs.obtain(cpu, g, first, 3, 200, QUIET, log::add);
            assertTrue(Files.exists(file));
            assertTrue(log.getFirst().startsWith("computing 3 knobs from 200 samples"), log.toString());

            log.clear();
            StyleKnobs loaded = StyleKnobs.obtain(cpu, g, first, 2, 200, QUIET, log::add);
            assertEquals(List.of("knobs: " + file), log, "fewer knobs than stored: loaded");
            assertEquals(3, loaded.count());
            Map<Integer, Float> turn = Map.of(0, 1.5f, 2, -1f);
            assertArrayEquals(computed.offset(turn).data(), loaded.offset(turn).data());

            // The same file name now holding other weights: the stored knobs are not applied to it.
            Checkpoint overwritten = checkpoint(g, "images-000000000016.safetensors", 2);
            assertNotEquals(first.checksum(), overwritten.checksum());
            log.clear();
            StyleKnobs.obtain(cpu, g, overwritten, 3, 200, QUIET, log::add);
            assertTrue(log.getFirst().startsWith("computing"), log.toString());

            Files.write(file, new byte[] {1, 2, 3});
            log.clear();
            StyleKnobs.obtain(cpu, g, overwritten, 3, 200, QUIET, log::add);
            assertTrue(log.getFirst().startsWith("recomputing unusable knobs: "), log.toString());

            assertThrows(CheckpointException.class, () -> StyleKnobs.load(first.file()), "a checkpoint is no knobs");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> loaded.offset(Map.of(3, 1f)));
            assertEquals("knob 3 does not exist: there are 3 (0..2)", e.getMessage());
        }
    }
}
