package atelier.core.kernels;

import atelier.core.Tensor;
import atelier.core.device.CpuDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;
import java.util.function.Supplier;

import static atelier.core.kernels.GradCheck.assertClose;
import static atelier.core.kernels.GradCheck.assertGradient;
import static atelier.core.kernels.GradCheck.assertRejected;
import static atelier.core.kernels.GradCheck.assertSplits;
import static atelier.core.kernels.GradCheck.identicalOnAnyThreadCount;
import static atelier.core.kernels.GradCheck.randn;
import static atelier.core.kernels.GradCheck.randnAwayFromZero;
import static atelier.core.kernels.GradCheck.toFloat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ActivationTest {
    private static final KernelTwin TWIN = KernelTwin.get();
    private static final double SLOPE = 0.2;

    /** The twin's forward: y and the sign mask of x. */
    private static double[] forward(double[] x, double[] y) {
        double[] signs = new double[Activation.signFloats(x.length)];
        TWIN.call("Activation", "leakyRelu", 0, signs.length, x, y, signs, x.length, SLOPE);
        return signs;
    }

    @ParameterizedTest(name = "{0} elements")
    @ValueSource(ints = {3 * 4 * 5 * 7, 2 * 9})
    void leakyReluBackwardMatchesFiniteDifferences(int size) {
        Random rng = new Random(size);
        double[] x = randnAwayFromZero(rng, size, 1e-3);   // off the kink at 0
        double[] cot = randn(rng, size);
        Supplier<double[]> output = () -> {
            double[] y = new double[size];
            forward(x, y);
            return y;
        };
        double[] dx = new double[size];
        TWIN.call("Activation", "leakyReluBackward", 0, size, forward(x, new double[size]), cot, dx, SLOPE);
        assertGradient("leaky relu dx", x, output, cot, dx);
    }

    @Test
    void leakyReluScalesOnlyNegativeInputsBySlopeAndRecordsTheirSigns() {
        Tensor y = Tensor.zeros(18);
        Tensor signs = Tensor.zeros(2);
        float[] x = new float[18];
        for (int i = 0; i < 18; i++) {
            x[i] = i % 3 == 0 ? 0f : (i % 3 == 1 ? -2f : 0.5f);   // 0, -2, 0.5, 0, -2, 0.5, ...
        }
        try (CpuDevice cpu = new CpuDevice(1)) {
            cpu.leakyRelu(Tensor.of(x, 18), 0.2f, y, signs);
        }
        for (int i = 0; i < 18; i++) {
            assertEquals(x[i] > 0 ? x[i] : 0.2f * x[i], y.data()[i], 0f, "y[" + i + "]");
        }
        // Positive lanes 2, 5, 8, 11, 14 of the first float, 17 - 16 = 1 of the second.
        assertEquals((1 << 2) + (1 << 5) + (1 << 8) + (1 << 11) + (1 << 14), signs.data()[0], 0f);
        assertEquals(1 << 1, signs.data()[1], 0f);
    }

    @Test
    void floatKernelsMatchTheDoubleTwinAndAreIdenticalForAnyThreadCount() {
        Random rng = new Random(11);
        int n = 2, c = 5, h = 61, w = 59, size = n * c * h * w;
        assertSplits("leaky relu", Activation.signFloats(size), Activation.SIGNS_PER_FLOAT);
        assertSplits("leaky relu dx", size, 1);
        double[] x = randn(rng, size);
        double[] dy = randn(rng, size);
        double[] y = new double[size];
        double[] signs = forward(x, y);
        double[] dx = new double[size];
        TWIN.call("Activation", "leakyReluBackward", 0, size, signs, dy, dx, SLOPE);

        assertClose("leaky relu", y, identicalOnAnyThreadCount("leaky relu", cpu -> {
            Tensor yf = Tensor.zeros(n, c, h, w);
            cpu.leakyRelu(Tensor.of(toFloat(x), n, c, h, w), 0.2f, yf, Tensor.zeros(signs.length));
            return yf.data();
        }), 1e-5);
        assertClose("leaky relu signs", signs, identicalOnAnyThreadCount("leaky relu signs", cpu -> {
            Tensor signsf = Tensor.zeros(signs.length);
            cpu.leakyRelu(Tensor.of(toFloat(x), n, c, h, w), 0.2f, Tensor.zeros(n, c, h, w), signsf);
            return signsf.data();
        }), 0);
        assertClose("leaky relu dx", dx, identicalOnAnyThreadCount("leaky relu dx", cpu -> {
            Tensor dxf = Tensor.zeros(n, c, h, w);
            cpu.leakyReluBackward(Tensor.of(toFloat(signs), signs.length), Tensor.of(toFloat(dy), n, c, h, w), 0.2f,
                    dxf);
            return dxf.data();
        }), 1e-5);
    }

    @Test
    void inPlaceGivesTheSameResultsAsOutOfPlace() {
        Random rng = new Random(3);
        Tensor x = Tensor.of(toFloat(randn(rng, 2 * 3 * 4)), 2, 3, 4);
        Tensor dy = Tensor.of(toFloat(randn(rng, 2 * 3 * 4)), 2, 3, 4);
        Tensor signs = Tensor.zeros(Activation.signFloats(24));
        try (CpuDevice cpu = new CpuDevice(1)) {
            Tensor y = x.zerosLike();
            cpu.leakyRelu(x, 0.2f, y, signs);
            Tensor dx = x.zerosLike();
            cpu.leakyReluBackward(signs, dy, 0.2f, dx);
            cpu.leakyRelu(x, 0.2f, x, signs);
            cpu.leakyReluBackward(signs, dy, 0.2f, dy);
            assertArrayEquals(y.data(), x.data());
            assertArrayEquals(dx.data(), dy.data());
        }
    }

    @Test
    void wrongShapesAreRejectedNamingTheTensor() {
        Tensor x = Tensor.zeros(2, 3);
        Tensor signs = Tensor.zeros(1);
        try (CpuDevice cpu = new CpuDevice(1)) {
            assertRejected("leaky relu output has shape", () -> cpu.leakyRelu(x, 0.2f, Tensor.zeros(3, 2), signs));
            assertRejected("leaky relu sign mask has shape", () -> cpu.leakyRelu(x, 0.2f, x, Tensor.zeros(2)));
            assertRejected("leaky relu sign mask has shape",
                    () -> cpu.leakyReluBackward(Tensor.zeros(2), x, 0.2f, x.zerosLike()));
            assertRejected("leaky relu input gradient has shape",
                    () -> cpu.leakyReluBackward(signs, x, 0.2f, Tensor.zeros(2, 4)));
        }
    }
}
