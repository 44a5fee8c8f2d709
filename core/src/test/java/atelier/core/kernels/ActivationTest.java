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

class ActivationTest {
    private static final KernelTwin TWIN = KernelTwin.get();
    private static final double SLOPE = 0.2;

    @ParameterizedTest(name = "{0} elements")
    @ValueSource(ints = {3 * 4 * 5 * 7, 2 * 9})
    void leakyReluBackwardMatchesFiniteDifferences(int size) {
        Random rng = new Random(size);
        double[] x = randnAwayFromZero(rng, size, 1e-3);   // off the kink at 0
        double[] cot = randn(rng, size);
        Supplier<double[]> forward = () -> {
            double[] y = new double[size];
            TWIN.call("Activation", "leakyRelu", 0, size, x, y, SLOPE);
            return y;
        };
        double[] dx = new double[size];
        TWIN.call("Activation", "leakyReluBackward", 0, size, forward.get(), cot, dx, SLOPE);
        assertGradient("leaky relu dx", x, forward, cot, dx);
    }

    @Test
    void leakyReluScalesOnlyNegativeInputsBySlope() {
        Tensor y = Tensor.zeros(5);
        try (CpuDevice cpu = new CpuDevice(1)) {
            cpu.leakyRelu(Tensor.of(new float[] {-2f, -0.5f, 0f, 0.25f, 3f}, 5), 0.2f, y);
        }
        assertArrayEquals(new float[] {-0.4f, -0.1f, 0f, 0.25f, 3f}, y.data());
    }

    @Test
    void floatKernelsMatchTheDoubleTwinAndAreIdenticalForAnyThreadCount() {
        Random rng = new Random(11);
        int n = 2, c = 5, h = 61, w = 59, size = n * c * h * w;
        assertSplits("leaky relu", size, 1);
        double[] x = randn(rng, size);
        double[] dy = randn(rng, size);
        double[] y = new double[size];
        TWIN.call("Activation", "leakyRelu", 0, size, x, y, SLOPE);
        double[] dx = new double[size];
        TWIN.call("Activation", "leakyReluBackward", 0, size, y, dy, dx, SLOPE);

        assertClose("leaky relu", y, identicalOnAnyThreadCount("leaky relu", cpu -> {
            Tensor yf = Tensor.zeros(n, c, h, w);
            cpu.leakyRelu(Tensor.of(toFloat(x), n, c, h, w), 0.2f, yf);
            return yf.data();
        }), 1e-5);
        assertClose("leaky relu dx", dx, identicalOnAnyThreadCount("leaky relu dx", cpu -> {
            Tensor dxf = Tensor.zeros(n, c, h, w);
            cpu.leakyReluBackward(Tensor.of(toFloat(y), n, c, h, w), Tensor.of(toFloat(dy), n, c, h, w), 0.2f, dxf);
            return dxf.data();
        }), 1e-5);
    }

    @Test
    void inPlaceGivesTheSameResultsAsOutOfPlace() {
        Random rng = new Random(3);
        Tensor x = Tensor.of(toFloat(randn(rng, 2 * 3 * 4)), 2, 3, 4);
        Tensor dy = Tensor.of(toFloat(randn(rng, 2 * 3 * 4)), 2, 3, 4);
        try (CpuDevice cpu = new CpuDevice(1)) {
            Tensor y = x.zerosLike();
            cpu.leakyRelu(x, 0.2f, y);
            Tensor dx = x.zerosLike();
            cpu.leakyReluBackward(y, dy, 0.2f, dx);
            cpu.leakyRelu(x, 0.2f, x);
            cpu.leakyReluBackward(y, dy, 0.2f, dy);
            assertArrayEquals(y.data(), x.data());
            assertArrayEquals(dx.data(), dy.data());
        }
    }

    @Test
    void wrongShapesAreRejectedNamingTheTensor() {
        Tensor x = Tensor.zeros(2, 3);
        try (CpuDevice cpu = new CpuDevice(1)) {
            assertRejected("leaky relu output has shape", () -> cpu.leakyRelu(x, 0.2f, Tensor.zeros(3, 2)));
            assertRejected("leaky relu gradient has shape",
                    () -> cpu.leakyReluBackward(x, Tensor.zeros(6), 0.2f, Tensor.zeros(2, 3)));
            assertRejected("leaky relu input gradient has shape",
                    () -> cpu.leakyReluBackward(x, Tensor.zeros(2, 3), 0.2f, Tensor.zeros(2, 4)));
        }
    }
}
