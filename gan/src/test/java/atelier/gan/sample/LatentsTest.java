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
