package atelier.nn.layers;

import atelier.core.Tensor;
import atelier.core.device.CpuDevice;
import atelier.core.device.Filter;
import atelier.nn.Layer;
import atelier.nn.Parameter;
import atelier.nn.TwiceDifferentiable;
import atelier.nn.Sequential;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

import static atelier.nn.FloatGradCheck.assertGradient;
import static atelier.nn.FloatGradCheck.assertNetworkGradients;
import static atelier.nn.FloatGradCheck.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checks that layers wire the kernels correctly (which gradient goes where, run-time weight scales, flattening):
 * a small PGAN-like discriminator and generator, backward against central differences of the float forward.
 */
class LayerGradientTest {
    private static final CpuDevice CPU = new CpuDevice(2);
    /** Without leaky-ReLU kinks, float central differences agree to ~1e-5 of the largest gradient. */
    private static final double SMOOTH_TOLERANCE = 2e-3;

    @AfterAll
    static void close() {
        CPU.close();
    }

    private static Sequential discriminator(Random rng) {
        return discriminator(rng, LeakyRelu.PGAN_SLOPE);
    }

    private static Sequential discriminator(Random rng, float slope) {
        EqualizedLr eq = EqualizedLr.PGAN;
        return new Sequential(CPU,
                new Conv2d(CPU, "d.rgb", 3, 4, 1, 0, eq, rng),
                new LeakyRelu(CPU, slope),
                new Conv2d(CPU, "d.conv", 4, 5, 3, 1, eq, rng),
                new LeakyRelu(CPU, slope),
                new Downsample(CPU, Filter.area(2)),
                new MinibatchStddev(CPU, MinibatchStddev.PGAN_GROUP_SIZE),
                new Conv2d(CPU, "d.last", 6, 3, 4, 0, eq, rng),
                new LeakyRelu(CPU, slope),
                new Dense(CPU, "d.out", 3, 1, new EqualizedLr(true, 1f), rng));
    }

    private static Sequential generator(Random rng) {
        EqualizedLr eq = EqualizedLr.PGAN;
        return new Sequential(CPU,
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

    /**
     * Second order, as the gradient penalty uses it: phi = sum(dxBar * dx) with dx = backward(dy) at a fixed input
     * and dy. backwardOfBackward must accumulate dphi/dtheta into the parameter gradients and return dphi/dx.
     * With slope 0.2, phi jumps wherever a perturbation flips a leaky-ReLU mask, which finite differences cannot
     * follow; slope 1 keeps phi smooth while every layer's reverse pass still runs (the masked reverse of leaky
     * ReLU is checked on its own below). Minibatch stddev comes early and on few features, so that the part of
     * phi that flows through its input (carried back through the trunk) is far above float noise.
     */
    @Test
    void discriminatorSecondOrderGradients() {
        Random rng = new Random(4);
        EqualizedLr eq = EqualizedLr.PGAN;
        Sequential d = new Sequential(CPU,
                new Conv2d(CPU, "d.rgb", 3, 3, 1, 0, eq, rng),
                new LeakyRelu(CPU, 1f),
                new Downsample(CPU, Filter.area(2)),
                new MinibatchStddev(CPU, MinibatchStddev.PGAN_GROUP_SIZE),
                new Conv2d(CPU, "d.conv", 4, 2, 3, 1, eq, rng),
                new LeakyRelu(CPU, 1f),
                new Dense(CPU, "d.out", 8, 1, eq, rng));
        Tensor x = randn(rng, 4, 3, 4, 4);
        Tensor dy = randn(rng, d.forward(x).shape());
        Tensor dxBar = randn(rng, x.shape());
        Supplier<Tensor> inputGradient = () -> {
            d.forward(x);
            return d.backwardRetaining(dy);
        };
        inputGradient.get();
        for (Parameter p : d.parameters()) {
            CPU.fill(p.grad(), 0f);
        }
        TwiceDifferentiable.SecondOrder reversed = d.backwardOfBackward(dxBar);
        assertArrayEquals(dy.shape(), reversed.dyBar().shape());
        assertNotNull(reversed.xBar(), "minibatch stddev makes the input gradient depend on the input");
        assertArrayEquals(x.shape(), reversed.xBar().shape());
        Map<Parameter, Tensor> analytic = new LinkedHashMap<>();
        for (Parameter p : d.parameters()) {
            analytic.put(p, p.grad().copy());
        }
        assertGradient("input", x, reversed.xBar(), inputGradient, dxBar, rng, SMOOTH_TOLERANCE);
        for (Map.Entry<Parameter, Tensor> e : analytic.entrySet()) {
            assertGradient(e.getKey().name(), e.getKey().value(), e.getValue(), inputGradient, dxBar, rng,
                    SMOOTH_TOLERANCE);
        }
    }

    @Test
    void leakyReluSecondOrderIsTheMaskedCotangent() {
        LeakyRelu relu = new LeakyRelu(CPU, 0.2f);
        Tensor x = Tensor.of(new float[] {-2f, 3f, -0.5f, 1f}, 1, 4);
        relu.forward(x);
        relu.backwardRetaining(Tensor.of(new float[] {1f, 1f, 1f, 1f}, 1, 4));
        TwiceDifferentiable.SecondOrder reversed = relu.backwardOfBackward(Tensor.of(new float[] {5f, 6f, 7f, 8f}, 1, 4));
        assertArrayEquals(new float[] {1f, 6f, 1.4f, 8f}, reversed.dyBar().data(), 1e-6f);
        assertNull(reversed.xBar());
    }

    /** An ordinary backward drops the forward's cache (memory at high resolution); the retaining one keeps it. */
    @Test
    void backwardReleasesWhatTheForwardKept() {
        Random rng = new Random(5);
        Conv2d conv = new Conv2d(CPU, "c", 2, 2, 3, 1, EqualizedLr.PGAN, rng);
        Tensor dy = randn(rng, 1, 2, 3, 3);
        conv.forward(randn(rng, 1, 2, 3, 3));
        conv.backward(dy);
        assertThrows(IllegalStateException.class, () -> conv.backward(dy));
        assertThrows(IllegalStateException.class, () -> conv.backwardOfBackward(dy));

        conv.forward(randn(rng, 1, 2, 3, 3));
        Tensor dx = conv.backwardRetaining(dy);
        assertArrayEquals(dx.shape(), conv.backwardOfBackward(dx).dyBar().shape());
        conv.release();
        assertThrows(IllegalStateException.class, () -> conv.backwardOfBackward(dx));
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
