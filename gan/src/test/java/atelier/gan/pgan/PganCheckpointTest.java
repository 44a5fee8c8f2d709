package atelier.gan.pgan;

import atelier.core.Rng;
import atelier.core.Tensor;
import atelier.core.device.CpuDevice;
import atelier.core.device.Filter;
import atelier.nn.io.Checkpoint;
import atelier.nn.io.CheckpointException;
import atelier.nn.optim.Adam;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Saving and restoring a whole training state: a split run equals an unbroken one, bit for bit. */
class PganCheckpointTest {
    private static final CpuDevice CPU = new CpuDevice(2);

    @AfterAll
    static void close() {
        CPU.close();
    }

    /** Random images at 16 px and their 2x2-average pyramid, drawn by index with the trainer's RNG. */
    record NoiseImages(Map<Integer, Tensor> pyramid) implements RealImages {
        static NoiseImages make(int count, long seed) {
            Random r = new Random(seed);
            Map<Integer, Tensor> levels = new HashMap<>();
            Tensor top = Tensor.zeros(count, 3, 16, 16);
            for (int i = 0; i < top.numel(); i++) {
                top.data()[i] = (float) Math.tanh(r.nextGaussian());
            }
            levels.put(16, top);
            for (int res = 8; res >= 4; res /= 2) {
                Tensor below = Tensor.zeros(count, 3, res, res);
                CPU.downsample(levels.get(res * 2), Filter.area(2), below);
                levels.put(res, below);
            }
            return new NoiseImages(levels);
        }

        @Override
        public Tensor batch(int resolution, int n, Rng rng) {
            Tensor source = pyramid.get(resolution);
            int size = 3 * resolution * resolution;
            Tensor out = Tensor.zeros(n, 3, resolution, resolution);
            for (int i = 0; i < n; i++) {
                System.arraycopy(source.data(), rng.nextInt(source.dim(0)) * size, out.data(), i * size, size);
            }
            return out;
        }

        @Override
        public int resolution() {
            return 16;
        }
    }

    private static ProgressiveTrainer.Config config(int maxResolution) {
        return new ProgressiveTrainer.Config(new PganShape(8, maxResolution, 8, 4, 3), new Schedule(24, new int[] {4}),
                Adam.Config.PGAN, WganGp.Config.PGAN, 0.9f, 7, Augmentation.defaults());
    }

    private static Map<String, Tensor> state(ProgressiveTrainer t, Path dir, String name) throws IOException {
        Path file = dir.resolve(name);
        PganCheckpoint.save(t, file);
        return Checkpoint.load(file).tensors();
    }

    @Test
    void splitRunEqualsUnbrokenRunBitForBit(@TempDir Path dir) throws IOException {
        NoiseImages data = NoiseImages.make(10, 1);
        // 14 steps of 4 images: level 0 (24 images), the 8 px fade-in (24) and part of its stabilization.
        ProgressiveTrainer unbroken = new ProgressiveTrainer(CPU, config(16), data);
        for (int i = 0; i < 14; i++) {
            unbroken.step();
        }
        // The split: stop after 8 steps, in the middle of the fade-in, and continue from the file.
        ProgressiveTrainer first = new ProgressiveTrainer(CPU, config(16), data);
        for (int i = 0; i < 8; i++) {
            first.step();
        }
        assertEquals(1, first.generator().level());
        assertTrue(first.generator().alpha() > 0 && first.generator().alpha() < 1, "stopped mid fade-in");
        Path file = dir.resolve("half.safetensors");
        PganCheckpoint.save(first, file);
        ProgressiveTrainer second = PganCheckpoint.resume(CPU, PganCheckpoint.load(file), data);
        assertEquals(first.imagesShown(), second.imagesShown());
        assertEquals(first.averageGenerator().alpha(), second.averageGenerator().alpha(), "fade-in restored");
        for (int i = 0; i < 6; i++) {
            second.step();
        }

        Map<String, Tensor> expected = state(unbroken, dir, "unbroken.safetensors");
        Map<String, Tensor> actual = state(second, dir, "resumed.safetensors");
        assertEquals(expected.keySet(), actual.keySet());
        assertTrue(expected.keySet().stream().anyMatch(k -> k.startsWith("ema.")), "EMA saved");
        assertTrue(expected.keySet().stream().anyMatch(k -> k.endsWith(".adam_v")), "Adam saved");
        for (String name : expected.keySet()) {
            assertArrayEquals(expected.get(name).data(), actual.get(name).data(), name);
        }
        assertEquals(unbroken.imagesShown(), second.imagesShown());
        // A different step count would differ: the comparison can fail.
        second.step();
        Map<String, Tensor> further = state(second, dir, "further.safetensors");
        assertTrue(expected.keySet().stream().anyMatch(n -> !java.util.Arrays.equals(
                expected.get(n).data(), further.get(n).data())));
    }

    /**
     * With a tiny activation budget the generator step recomputes G's forward after the critic's backward (as at
     * 4096 px): the whole training state, through growth and fade-in, is bit-identical to keeping the activations.
     */
    @Test
    void recomputingTheGeneratorForwardChangesNothing(@TempDir Path dir) throws IOException {
        NoiseImages data = NoiseImages.make(6, 3);
        ProgressiveTrainer keeping = new ProgressiveTrainer(CPU, config(16), data);
        ProgressiveTrainer recomputing = new ProgressiveTrainer(CPU, config(16), data);
        recomputing.activationBudget = 0;
        for (int i = 0; i < 20; i++) {
            keeping.step();
            recomputing.step();
        }
        assertEquals(2, recomputing.generator().level(), "grew to 16 px");
        Map<String, Tensor> expected = state(keeping, dir, "keeping.ckpt");
        Map<String, Tensor> actual = state(recomputing, dir, "recomputing.ckpt");
        assertEquals(expected.keySet(), actual.keySet());
        for (String name : expected.keySet()) {
            assertArrayEquals(expected.get(name).data(), actual.get(name).data(), name);
        }
    }

    @Test
    void growingAFinishedModelContinuesIntoTheNewLevel(@TempDir Path dir) throws IOException {
        NoiseImages data = NoiseImages.make(10, 2);
        ProgressiveTrainer small = new ProgressiveTrainer(CPU, config(8), data);
        while (!small.finished()) {
            small.step();
        }
        Path file = dir.resolve("8px.safetensors");
        PganCheckpoint.save(small, file);
        ProgressiveTrainer grown = PganCheckpoint.restore(CPU, PganCheckpoint.load(file), data, config(16));
        assertEquals(small.imagesShown(), grown.imagesShown());
        // The 8 px weights came along unchanged.
        Map<String, Tensor> before = Checkpoint.load(file).tensors();
        for (var p : grown.generator().parameters()) {
            assertArrayEquals(before.get(p.name()).data(), p.value().data(), p.name());
        }
        ProgressiveTrainer.Step s = grown.step();
        assertEquals(2, s.level());
        assertTrue(s.alpha() < 0.2f, "the new level fades in from 0, got alpha " + s.alpha());
        assertEquals(16, grown.generator().resolution());
    }

    @Test
    void samplingGeneratorComesBackAtTheSavedLevel(@TempDir Path dir) throws IOException {
        NoiseImages data = NoiseImages.make(6, 3);
        ProgressiveTrainer t = new ProgressiveTrainer(CPU, config(16), data);
        for (int i = 0; i < 9; i++) {
            t.step();
        }
        Path file = dir.resolve("c.safetensors");
        PganCheckpoint.save(t, file);
        Generator g = PganCheckpoint.averageGenerator(CPU, PganCheckpoint.load(file));
        Tensor z = new Rng(5).gaussian(3, 8);
        assertEquals(t.averageGenerator().alpha(), g.alpha());
        assertArrayEquals(t.averageGenerator().forward(z).data(), g.forward(z).data());
    }

    @Test
    void wrongKindAndWrongShapeAreClearErrors(@TempDir Path dir) throws IOException {
        Path other = dir.resolve("other.safetensors");
        JsonObject info = new JsonObject();
        info.addProperty("kind", "upscaler");
        Checkpoint.save(other, Map.of("w", Tensor.zeros(2)), info);
        CheckpointException kind = assertThrows(CheckpointException.class, () -> PganCheckpoint.load(other));
        assertTrue(kind.getMessage().contains(other.toString()) && kind.getMessage().contains("not a PGAN checkpoint"),
                kind.getMessage());

        NoiseImages data = NoiseImages.make(4, 4);
        ProgressiveTrainer t = new ProgressiveTrainer(CPU, config(16), data);
        t.step();
        Path file = dir.resolve("t.safetensors");
        PganCheckpoint.save(t, file);
        ProgressiveTrainer.Config wider = new ProgressiveTrainer.Config(new PganShape(8, 16, 16, 4, 3),
                config(16).schedule(), Adam.Config.PGAN, WganGp.Config.PGAN, 0.9f, 7, Augmentation.none());
        CheckpointException shape = assertThrows(CheckpointException.class,
                () -> PganCheckpoint.restore(CPU, PganCheckpoint.load(file), data, wider));
        assertTrue(shape.getMessage().contains("another shape"), shape.getMessage());
    }
}
