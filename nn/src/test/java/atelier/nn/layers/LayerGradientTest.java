package atelier.nn.layers;

import atelier.core.Tensor;
import atelier.core.device.CpuDevice;
import atelier.core.device.Filter;
import atelier.nn.Layer;
import atelier.nn.Sequential;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static atelier.nn.FloatGradCheck.assertNetworkGradients;
import static atelier.nn.FloatGradCheck.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checks that layers wire the kernels correctly (which gradient goes where, run-time weight scales, flattening):
 * a small PGAN-like discriminator and generator, backward against central differences of the float forward.
 */
class LayerGradientTest {
    private static final CpuDevice CPU = new CpuDevice(2);

    @AfterAll
    static void close() {
        CPU.close();
    }

    private static Sequential discriminator(Random rng) {
        EqualizedLr eq = EqualizedLr.PGAN;
        return new Sequential(
                new Conv2d(CPU, "d.rgb", 3, 4, 1, 0, eq, rng),
                new LeakyRelu(CPU, LeakyRelu.PGAN_SLOPE),
                new Conv2d(CPU, "d.conv", 4, 5, 3, 1, eq, rng),
                new LeakyRelu(CPU, LeakyRelu.PGAN_SLOPE),
                new Downsample(CPU, Filter.area(2)),
                new MinibatchStddev(CPU, MinibatchStddev.PGAN_GROUP_SIZE),
                new Conv2d(CPU, "d.last", 6, 3, 4, 0, eq, rng),
                new LeakyRelu(CPU, LeakyRelu.PGAN_SLOPE),
                new Dense(CPU, "d.out", 3, 1, new EqualizedLr(true, 1f), rng));
    }

    private static Sequential generator(Random rng) {
        EqualizedLr eq = EqualizedLr.PGAN;
        return new Sequential(
                new PixelNorm(CPU, PixelNorm.PGAN_EPS),
                new Dense(CPU, "g.dense", 6, 4 * 2 * 2, new EqualizedLr(true, (float) Math.sqrt(2) / 4), rng),
                new Reshape(4, 2, 2),
                new LeakyRelu(CPU, LeakyRelu.PGAN_SLOPE),
                new PixelNorm(CPU, PixelNorm.PGAN_EPS),
                new UpsampleNearest(CPU, 2),
                new Conv2d(CPU, "g.conv", 4, 3, 3, 1, eq, rng),
                new LeakyRelu(CPU, LeakyRelu.PGAN_SLOPE),
                new Conv2d(CPU, "g.rgb", 3, 3, 1, 0, new EqualizedLr(true, 1f), rng));
    }

    @Test
    void discriminatorGradients() {
        Random rng = new Random(1);
        Sequential d = discriminator(rng);
        assertNetworkGradients(d::forward, d::backward, d.parameters(), randn(rng, 8, 3, 8, 8), rng);
    }

    @Test
    void generatorGradients() {
        Random rng = new Random(2);
        Sequential g = generator(rng);
        assertNetworkGradients(g::forward, g::backward, g.parameters(), randn(rng, 3, 6), rng);
    }

    @Test
    void backwardBeforeForwardIsAClearError() {
        Layer conv = new Conv2d(CPU, "c", 1, 1, 3, 1, EqualizedLr.PGAN, new Random(0));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> conv.backward(Tensor.zeros(1, 1, 3, 3)));
        assertTrue(e.getMessage().contains("before forward"), e.getMessage());
    }

    @Test
    void equalizedLayersStoreUnitWeightsAndScaleByHeConstant() {
        Conv2d conv = new Conv2d(CPU, "c", 16, 8, 3, 1, EqualizedLr.PGAN, new Random(3));
        assertEquals(Math.sqrt(2) / Math.sqrt(16 * 9), conv.weightScale(), 1e-7);
        float[] w = conv.weight().value().data();
        double sumSq = 0;
        for (float v : w) {
            sumSq += v * v;
        }
        assertEquals(1.0, sumSq / w.length, 0.15, "stored weights ~N(0,1)");
        Conv2d plain = new Conv2d(CPU, "p", 16, 8, 3, 1, new EqualizedLr(false, (float) Math.sqrt(2)), new Random(3));
        assertEquals(1f, plain.weightScale());
        assertEquals(w[0] * Math.sqrt(2) / Math.sqrt(16 * 9), plain.weight().value().data()[0], 1e-6);
    }
}
