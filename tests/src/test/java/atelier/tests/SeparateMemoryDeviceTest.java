package atelier.tests;

import atelier.core.Rng;
import atelier.core.Tensor;
import atelier.core.device.CpuDevice;
import atelier.core.device.Device;
import atelier.core.device.SeparateMemoryDevice;
import atelier.gan.metrics.SlicedWasserstein;
import atelier.gan.pgan.Augmentation;
import atelier.gan.pgan.PganCheckpoint;
import atelier.gan.pgan.PganShape;
import atelier.gan.pgan.ProgressiveTrainer;
import atelier.gan.pgan.Schedule;
import atelier.gan.pgan.WganGp;
import atelier.nn.optim.Adam;
import atelier.tools.data.SyntheticArt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On a device with its own memory (as a GPU has) training and the sliced Wasserstein distance give the same
 * results, bit for bit, as on the CPU: every place the host reads or writes tensor data (gradient penalty norms, real
 * batches, checkpoints, the SWD's pyramids and projections) goes through Device.toHost / fromHost, or the separate
 * device would have computed on stale data.
 */
class SeparateMemoryDeviceTest {

    @Test
    void aRunThroughAGrowthEqualsTheCpuRunBitForBit(@TempDir Path dir) throws IOException {
        List<String> cpuLosses = train(() -> new CpuDevice(2), dir.resolve("cpu.safetensors"));
        List<String> separateLosses = train(() -> new SeparateMemoryDevice(2), dir.resolve("separate.safetensors"));
        assertEquals(cpuLosses, separateLosses);
        assertArrayEquals(Files.readAllBytes(dir.resolve("cpu.safetensors")),
                Files.readAllBytes(dir.resolve("separate.safetensors")), "checkpoints differ");
    }

    @Test
    void theSlicedWassersteinDistanceEqualsTheCpuOne() {
        Tensor a = new Rng(1).uniform(3, 3, 32, 32);
        Tensor b = new Rng(2).uniform(3, 3, 32, 32);
        assertArrayEquals(slicedWasserstein(() -> new CpuDevice(2), a, b),
                slicedWasserstein(() -> new SeparateMemoryDevice(2), a, b));
    }

    private static double[] slicedWasserstein(Supplier<Device> open, Tensor a, Tensor b) {
        try (Device device = open.get()) {
            SlicedWasserstein swd = new SlicedWasserstein(device, 32);
            SlicedWasserstein.Descriptors da = swd.descriptors(a.dim(0));
            SlicedWasserstein.Descriptors db = swd.descriptors(b.dim(0));
            da.add(a, new Rng(5));
            db.add(b, new Rng(5));
            double[] levels = swd.compare(da, db, new Rng(6)).levels();
            assertTrue(levels[0] > 0, "different images are at a distance");
            return levels;
        }
    }

    /** 4 px, then the fade-in and part of the stabilization of 8 px; returns each step's losses. */
    private static List<String> train(Supplier<Device> open, Path checkpoint) throws IOException {
        ProgressiveTrainer.Config config = new ProgressiveTrainer.Config(new PganShape(8, 8, 8, 4, 3),
                new Schedule(64, new int[] {8}), Adam.Config.PGAN, WganGp.Config.PGAN, 0.9f, 7,
                Augmentation.defaults());
        List<String> losses = new ArrayList<>();
        try (Device device = open.get()) {
            ProgressiveTrainer trainer = new ProgressiveTrainer(device, config, new SyntheticArt(device, 32, 8, 7));
            for (int i = 0; i < 24; i++) {
                losses.add(trainer.step().toString());
            }
            assertEquals(8, trainer.generator().resolution(), "the run reached 8 px");
            PganCheckpoint.save(trainer, checkpoint);
        }
        return losses;
    }
}
