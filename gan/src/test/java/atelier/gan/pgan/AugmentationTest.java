package atelier.gan.pgan;

import atelier.core.Rng;
import atelier.core.Tensor;
import atelier.core.device.CpuDevice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AugmentationTest {
    private static final CpuDevice CPU = new CpuDevice(2);
    private static final int C = 3;
    private static final int S = 6;
    private static final int SIZE = C * S * S;

    @AfterAll
    static void close() {
        CPU.close();
    }

    /** A batch of random images in [-1, 1] with no symmetry, so every flip and turn changes them. */
    private static Tensor batch(int n, long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[n * SIZE];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (2 * rng.nextDouble() - 1);
        }
        return Tensor.of(x, n, C, S, S);
    }

    private static Augmentation only(double hflip, double vflip, double rot90) {
        return new Augmentation(hflip, vflip, rot90, 0, 0, 0, 0, 0, 0, 0);
    }

    private static float[] sample(Tensor t, int n) {
        return Arrays.copyOfRange(t.data(), n * SIZE, (n + 1) * SIZE);
    }

    /** Sample n of x mirrored left-right, written out index by index. */
    private static float[] mirrored(Tensor x, int n) {
        float[] out = new float[SIZE];
        for (int c = 0; c < C; c++) {
            for (int row = 0; row < S; row++) {
                for (int col = 0; col < S; col++) {
                    out[(c * S + row) * S + col] = x.data()[n * SIZE + (c * S + row) * S + (S - 1 - col)];
                }
            }
        }
        return out;
    }

    /** Sample n of x turned counter-clockwise by k quarters: pixel (r, c) moves to (S-1-c, r) each time. */
    private static float[] turned(Tensor x, int n, int k) {
        float[] out = sample(x, n);
        for (int t = 0; t < k; t++) {
            float[] next = new float[SIZE];
            for (int ch = 0; ch < C; ch++) {
                for (int r = 0; r < S; r++) {
                    for (int c = 0; c < S; c++) {
                        next[(ch * S + (S - 1 - c)) * S + r] = out[(ch * S + r) * S + c];
                    }
                }
            }
            out = next;
        }
        return out;
    }

    /** The documented draws of sample n, replayed from the Rng state apply started with. */
    private static double[][] draws(long state, int n) {
        Rng rng = new Rng(state);
        double[][] u = new double[n][Augmentation.DRAWS_PER_SAMPLE];
        for (double[] row : u) {
            for (int d = 0; d < row.length; d++) {
                row[d] = rng.nextDouble();
            }
        }
        return u;
    }

    @Test
    void theSameRngStateGivesTheSameBatchOnAnyThreadCountAndDifferentSeedsDiffer() {
        Tensor x = batch(8, 1);
        float[] first = Augmentation.defaults().apply(CPU, x, new Rng(42)).data();
        for (int threads = 1; threads <= 3; threads++) {
            try (CpuDevice cpu = new CpuDevice(threads)) {
                assertArrayEquals(first, Augmentation.defaults().apply(cpu, x, new Rng(42)).data(), threads + " threads");
            }
        }
        assertFalse(Arrays.equals(first, Augmentation.defaults().apply(CPU, x, new Rng(43)).data()));
        assertArrayEquals(batch(8, 1).data(), x.data(), "the input batch is left unchanged");
    }

    @Test
    void applyDrawsAFixedCountPerSampleSoAResumedRngContinuesTheSameSequence() {
        Rng rng = new Rng(7);
        Augmentation.defaults().apply(CPU, batch(5, 2), rng);
        Rng expected = new Rng(7);
        for (int i = 0; i < 5 * Augmentation.DRAWS_PER_SAMPLE; i++) {
            expected.nextDouble();
        }
        assertEquals(expected.state(), rng.state());
        // Two batches in a row equal a fresh Rng restored from the state after the first.
        Tensor second = Augmentation.defaults().apply(CPU, batch(5, 3), rng);
        Rng resumed = new Rng(expected.state());
        assertArrayEquals(second.data(), Augmentation.defaults().apply(CPU, batch(5, 3), resumed).data());
    }

    @Test
    void noneAndZeroProbabilitiesLeaveEveryImageBitIdentical() {
        Tensor x = batch(16, 4);
        Rng rng = new Rng(5);
        for (int round = 0; round < 20; round++) {
            assertArrayEquals(x.data(), Augmentation.none().apply(CPU, x, rng).data());
        }
        // Strengths without probabilities do nothing either.
        Augmentation strengthsOnly = new Augmentation(0, 0, 0, 0, 30, 0, 0.5, 0.5, 0.5, 0.3);
        assertArrayEquals(x.data(), strengthsOnly.apply(CPU, x, rng).data());
    }

    @Test
    void flipsAndTurnsFollowTheDocumentedDraws() {
        int n = 64;
        Tensor x = batch(n, 6);
        Rng rng = new Rng(8);
        double[][] u = draws(rng.state(), n);
        Tensor y = only(0.5, 0, 0.5).apply(CPU, x, rng);
        int[] turnCounts = new int[4];
        for (int i = 0; i < n; i++) {
            boolean flip = u[i][0] < 0.5;
            int k = u[i][2] < 0.5 ? 1 + (int) (3 * u[i][3]) : 0;
            turnCounts[k]++;
            Tensor flipped = flip ? Tensor.of(mirrored(x, i), 1, C, S, S) : Tensor.of(sample(x, i), 1, C, S, S);
            assertArrayEquals(turned(flipped, 0, k), sample(y, i), "sample " + i + " flip " + flip + " turns " + k);
        }
        for (int k = 0; k < 4; k++) {
            assertTrue(turnCounts[k] > 0, "no sample with " + k + " quarter turns in " + n);
        }
    }

    @Test
    void probabilityOneAlwaysAppliesAndProbabilitiesAreHonouredStatistically() {
        int n = 400;
        Tensor x = batch(n, 9);
        Tensor always = only(1, 0, 0).apply(CPU, x, new Rng(10));
        for (int i = 0; i < n; i++) {
            assertArrayEquals(mirrored(x, i), sample(always, i), "sample " + i);
        }
        // p = 0.3 over 2000 samples: 600 expected, standard deviation sqrt(2000 * 0.3 * 0.7) = 20.5.
        int flipped = 0;
        Rng rng = new Rng(11);
        for (int round = 0; round < 5; round++) {
            Tensor y = new Augmentation(0.3, 0, 0, 0, 0, 0, 0, 0, 0, 0).apply(CPU, x, rng);
            for (int i = 0; i < n; i++) {
                if (Arrays.equals(mirrored(x, i), sample(y, i))) {
                    flipped++;
                } else {
                    assertArrayEquals(sample(x, i), sample(y, i), "an unflipped sample is unchanged");
                }
            }
        }
        assertEquals(600, flipped, 4 * 20.5, "flipped samples out of 2000 at p = 0.3");
    }

    @Test
    void rotationAndJitterStayWithinTheirRangesAndLeaveUnchosenSamplesAlone() {
        int n = 40;
        Tensor x = batch(n, 12);
        Rng rng = new Rng(13);
        double[][] u = draws(rng.state(), n);
        // Brightness alone: y + 1 = f (x + 1) with f in [0.8, 1.2] (values stay inside [-1, 1] for f <= 1).
        Augmentation brightness = new Augmentation(0, 0, 0, 0, 0, 0.5, 0.2, 0, 0, 0);
        Tensor y = brightness.apply(CPU, x, rng);
        for (int i = 0; i < n; i++) {
            float[] xs = sample(x, i);
            float[] ys = sample(y, i);
            if (u[i][6] >= 0.5) {
                assertArrayEquals(xs, ys, "sample " + i + " not jittered");
                continue;
            }
            double f = 1 + (2 * u[i][7] - 1) * 0.2;
            for (int j = 0; j < SIZE; j++) {
                assertEquals(Math.max(-1, Math.min(1, f * (xs[j] + 1) - 1)), ys[j], 1e-6, "sample " + i);
            }
        }
        // Rotation of a constant image with reflection fill stays constant; of a random one, changes it.
        Augmentation rotateAll = new Augmentation(0, 0, 0, 1, 15, 0, 0, 0, 0, 0);
        Tensor r = rotateAll.apply(CPU, x, new Rng(14));
        for (int i = 0; i < n; i++) {
            assertFalse(Arrays.equals(sample(x, i), sample(r, i)), "sample " + i + " not rotated");
        }
        Tensor flat = x.zerosLike();
        CPU.fill(flat, 0.25f);
        for (float v : rotateAll.apply(CPU, flat, new Rng(15)).data()) {
            assertEquals(0.25f, v, 1e-6f);
        }
    }

    @Test
    void invalidConfigurationsAreRejectedNamingTheField() {
        assertRejected("augmentation hflip must be in [0, 1], got 1.5",
                () -> new Augmentation(1.5, 0, 0, 0, 0, 0, 0, 0, 0, 0));
        assertRejected("augmentation vflip must be in [0, 1], got -0.1",
                () -> new Augmentation(0, -0.1, 0, 0, 0, 0, 0, 0, 0, 0));
        assertRejected("augmentation rot90 must be in [0, 1], got NaN",
                () -> new Augmentation(0, 0, Double.NaN, 0, 0, 0, 0, 0, 0, 0));
        assertRejected("augmentation maxDegrees must be in [0, 180], got 200.0",
                () -> new Augmentation(0, 0, 0, 0.5, 200, 0, 0, 0, 0, 0));
        assertRejected("augmentation brightness must be in [0, 1], got 1.5",
                () -> new Augmentation(0, 0, 0, 0, 0, 0.5, 1.5, 0, 0, 0));
        assertRejected("augmentation hue must be in [0, 0.5], got 0.6",
                () -> new Augmentation(0, 0, 0, 0, 0, 0.5, 0, 0, 0, 0.6));
        assertRejected("augmentation rot90 needs square images",
                () -> only(0, 0, 0.5).apply(CPU, Tensor.zeros(2, 3, 4, 6), new Rng(1)));
        assertRejected("augmentation jitter needs RGB images",
                () -> new Augmentation(0, 0, 0, 0, 0, 0.5, 0.1, 0, 0, 0).apply(CPU, Tensor.zeros(2, 1, 4, 4), new Rng(1)));
        assertRejected("augmentation batch has shape", () -> Augmentation.none().apply(CPU, Tensor.zeros(2, 48), new Rng(1)));
    }

    private static void assertRejected(String prefix, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(prefix), "expected '" + prefix + "...', got: " + e.getMessage());
    }
}
