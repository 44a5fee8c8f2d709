package atelier.gan.sample;

import atelier.core.Rng;
import atelier.core.Tensor;
import atelier.core.device.CpuDevice;
import atelier.gan.pgan.Generator;
import atelier.gan.pgan.PganShape;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A seed names one image: the same whatever it is drawn with and however many threads draw it. */
class LatentsTest {
    private static final PganShape SHAPE = new PganShape(16, 8, 16, 16, 3);

    @Test
    void aSeedsLatentIsItsRngsFirstNormals() {
        Tensor z = Latents.fromSeeds(new long[] {4, 9}, 16);
        assertArrayEquals(new Rng(9).gaussian(16).data(), Arrays.copyOfRange(z.data(), 16, 32));
    }

    @Test
    void imagesAreTheSameForAnyBatchAndThreadCount() {
        long[] alone = {7};
        long[] batch = {3, 5, 7, 11, 13};
        float[] expected = null;
        for (int threads = 1; threads <= 3; threads++) {
            try (CpuDevice cpu = new CpuDevice(threads)) {
                Generator g = new Generator(cpu, SHAPE, new Random(1));
                g.grow();
                g.setAlpha(0.7f);
                int size = 3 * 8 * 8;
                float[] single = g.forward(Latents.fromSeeds(alone, 16)).data().clone();
                float[] inBatch = Arrays.copyOfRange(g.forward(Latents.fromSeeds(batch, 16)).data(), 2 * size,
                        3 * size);
                assertArrayEquals(single, inBatch, "seed 7 alone and third in a batch, " + threads + " threads");
                if (expected == null) {
                    expected = single;
                } else {
                    assertArrayEquals(expected, single, threads + " threads");
                }
            }
        }
    }

    /** Mean absolute difference of two image batches. */
    static double distance(Tensor a, Tensor b) {
        double s = 0;
        for (int i = 0; i < a.numel(); i++) {
            s += Math.abs(a.data()[i] - b.data()[i]);
        }
        return s / a.numel();
    }

    @Test
    void truncationPullsTheFirstFeaturesTowardTheirMean() {
        try (CpuDevice cpu = new CpuDevice(2)) {
            Generator g = new Generator(cpu, SHAPE, new Random(1));
            g.grow();
            g.setAlpha(1f);
            Tensor z = Latents.fromSeeds(new long[] {1, 2, 3}, 16);
            Tensor plain = g.forward(z).copy();
            Tensor halfZ = z.zerosLike();
            cpu.scale(z, 0.5f, halfZ);
            assertEquals(0, distance(plain, g.forward(halfZ)), 1e-6, "why not scale z: the network undoes it");

            Tensor features = g.baseFeatures(new Rng(5).gaussian(256, 16));
            int size = features.numel() / 256;
            Tensor mean = Tensor.zeros(features.dim(1), 4, 4);
            for (int i = 0; i < features.numel(); i++) {
                mean.data()[i % size] += features.data()[i] / 256;
            }
            assertArrayEquals(plain.data(), g.sample(z, mean, 1f).data(), "psi 1: plain sampling");
            Tensor atMean = g.sample(z, mean, 0f).copy();
            int image = atMean.numel() / 3;
            for (int i = 1; i < 3; i++) {
                assertArrayEquals(Arrays.copyOfRange(atMean.data(), 0, image),
                        Arrays.copyOfRange(atMean.data(), i * image, (i + 1) * image), "psi 0: one image for all");
            }
            double previous = 0;
            for (float psi : new float[] {0.75f, 0.5f, 0.25f, 0f}) {
                double d = distance(plain, g.sample(z, mean, psi));
                assertTrue(d > previous, "psi " + psi + " moves further from plain sampling: " + d);
                previous = d;
            }
            assertThrows(IllegalStateException.class, () -> g.backward(plain));
        }
    }

    @Test
    void slerpRunsAlongTheGreatCircle() {
        float[] a = {2, 0, 0};
        float[] b = {0, 2, 0};
        float[] out = new float[3];
        Latents.slerp(a, b, 0, out);
        assertArrayEquals(a, out);
        Latents.slerp(a, b, 1, out);
        assertArrayEquals(b, out, 1e-6f);
        Latents.slerp(a, b, 0.5, out);
        assertArrayEquals(new float[] {(float) Math.sqrt(2), (float) Math.sqrt(2), 0}, out, 1e-6f);
        Latents.slerp(a, b, 1.0 / 3, out);
        assertEquals(2 * Math.cos(Math.PI / 6), out[0], 1e-6);
        assertEquals(2 * Math.sin(Math.PI / 6), out[1], 1e-6);
        Latents.slerp(a, a.clone(), 0.25, out);
        assertArrayEquals(a, out, "parallel latents: the straight line");
    }
}
