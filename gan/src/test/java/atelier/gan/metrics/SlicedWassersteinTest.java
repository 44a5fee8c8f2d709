package atelier.gan.metrics;

import atelier.core.Rng;
import atelier.core.Tensor;
import atelier.core.device.CpuDevice;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Properties of the metric (numpy reference and sanity ordering on real images: tests module). */
class SlicedWassersteinTest {

    /** Images [n, 3, 32, 32] in [-1, 1]: uniform noise. */
    private static Tensor noise(int n, long seed) {
        Tensor t = new Rng(seed).uniform(n, 3, 32, 32);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = 2 * d[i] - 1;
        }
        return t;
    }

    private static SlicedWasserstein.Result measure(CpuDevice cpu, Tensor a, Tensor b, long seed) {
        SlicedWasserstein swd = new SlicedWasserstein(cpu, 32);
        SlicedWasserstein.Descriptors da = swd.descriptors(a.dim(0));
        SlicedWasserstein.Descriptors db = swd.descriptors(b.dim(0));
        da.add(a, new Rng(seed));
        db.add(b, new Rng(seed));   // the same neighbourhoods in both sets
        return swd.compare(da, db, new Rng(seed + 1));
    }

    @Test
    void levelsRunFromFullResolutionDownTo16() {
        assertArrayEquals(new int[] {256, 128, 64, 32, 16}, SlicedWasserstein.levelResolutions(256));
        assertArrayEquals(new int[] {16}, SlicedWasserstein.levelResolutions(16));
        assertEquals(2L * 10 * 128 * 147 * 4, SlicedWasserstein.descriptorBytes(32, 10));
        for (int bad : new int[] {8, 48, 0}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SlicedWasserstein.levelResolutions(bad));
            assertEquals("the sliced Wasserstein distance needs a power-of-two resolution of at least 16 px, got "
                    + bad, e.getMessage());
        }
    }

    @Test
    void aSetIsAtDistanceZeroFromItselfAndTheResultIsTheSameOnAnyThreadCount() {
        Tensor a = noise(3, 1);
        Tensor b = noise(3, 2);
        SlicedWasserstein.Result first = null;
        for (int threads = 1; threads <= 3; threads++) {
            try (CpuDevice cpu = new CpuDevice(threads)) {
                SlicedWasserstein swd = new SlicedWasserstein(cpu, 32);
                SlicedWasserstein.Descriptors da = swd.descriptors(3);
                SlicedWasserstein.Descriptors same = swd.descriptors(3);
                da.add(a, new Rng(7));
                same.add(a, new Rng(7));
                SlicedWasserstein.Result zero = swd.compare(da, same, new Rng(8));
                assertArrayEquals(new double[] {0, 0}, zero.levels());
                SlicedWasserstein.Result r = measure(cpu, a, b, 9);
                assertTrue(r.levels()[0] > 0 && r.levels()[1] > 0, "noise against other noise: " + r);
                assertEquals((r.levels()[0] + r.levels()[1]) / 2, r.average(), 1e-12);
                if (first == null) {
                    first = r;
                } else {
                    assertArrayEquals(first.levels(), r.levels(), "with " + threads + " threads");
                }
            }
        }
    }

    @Test
    void imagesAreTakenAsEightBitLevels() {
        // Values that round to the same 0..255 level give the same descriptors, hence distance 0.
        Tensor a = noise(2, 3);
        Tensor nudged = a.copy();
        for (int i = 0; i < nudged.numel(); i++) {
            float level = Math.round((a.data()[i] + 1f) * 127.5f);
            nudged.data()[i] = (level + 0.3f) / 127.5f - 1f;
        }
        try (CpuDevice cpu = new CpuDevice(2)) {
            assertArrayEquals(new double[] {0, 0}, measure(cpu, a, nudged, 4).levels());
        }
    }

    @Test
    void misuseIsRejectedWithAMessage() {
        try (CpuDevice cpu = new CpuDevice(1)) {
            SlicedWasserstein swd = new SlicedWasserstein(cpu, 32);
            SlicedWasserstein.Descriptors one = swd.descriptors(1);
            SlicedWasserstein.Descriptors two = swd.descriptors(2);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> one.add(noise(1, 1).reshape(1, 3, 16, 64), new Rng(1)));
            assertEquals("images has shape [1, 3, 16, 64], expected [1, 3, 32, 32]", e.getMessage());
            one.add(noise(1, 1), new Rng(1));
            e = assertThrows(IllegalArgumentException.class, () -> one.add(noise(1, 2), new Rng(1)));
            assertEquals("adding 1 images to a descriptor set holding 1 of 1", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> swd.compare(one, two, new Rng(1)));
            assertTrue(e.getMessage().startsWith("comparing needs two full sets of as many images"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> two.add(noise(1, 1),
                    new int[][] {new int[128], new int[128]}, new int[][] {new int[128], new int[128]}));
            assertEquals("neighbourhood centre (0, 0) at 32 px is closer than 3 pixels to an edge", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> swd.descriptors(1 << 20));
            assertTrue(e.getMessage().contains("more descriptor values per level than a Java array holds"),
                    e.getMessage());
        }
    }
}
