package atelier.core.kernels;

import atelier.core.Tensor;
import atelier.core.device.CpuDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;
import java.util.function.Supplier;

import static atelier.core.kernels.GradCheck.assertClose;
import static atelier.core.kernels.GradCheck.assertGradient;
import static atelier.core.kernels.GradCheck.assertRejected;
import static atelier.core.kernels.GradCheck.assertSplits;
import static atelier.core.kernels.GradCheck.identicalOnAnyThreadCount;
import static atelier.core.kernels.GradCheck.randn;
import static atelier.core.kernels.GradCheck.toFloat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class BiasTest {
    private static final KernelTwin TWIN = KernelTwin.get();

    @ParameterizedTest(name = "N={0} C={1} plane={2}")
    @CsvSource({
            "3, 4, 15",  // image, 5x3
            "5, 7, 1",   // dense output [N, C]
    })
    void backwardMatchesFiniteDifferences(int n, int c, int plane) {
        Random rng = new Random(13L * n + c + plane);
        double[] input = randn(rng, n * c * plane);
        double[] b = randn(rng, c);
        double[] cot = randn(rng, input.length);
        Supplier<double[]> forward = () -> {
            double[] y = input.clone();
            TWIN.call("Bias", "forward", 0, y.length, y, b, c, plane);
            return y;
        };
        double[] db = new double[c];
        TWIN.call("Bias", "backward", 0, c, cot, db, n, c, plane);
        assertGradient("bias db", b, forward, cot, db);
        // The in-place add passes the gradient of y straight through (layers need no kernel for it).
        assertGradient("bias input", input, forward, cot, cot.clone());
    }

    @Test
    void gradientAccumulates() {
        Tensor dy = Tensor.of(toFloat(randn(new Random(5), 3 * 4 * 6)), 3, 4, 2, 3);
        try (CpuDevice cpu = new CpuDevice(2)) {
            Tensor once = Tensor.zeros(4);
            cpu.biasBackward(dy, once);
            Tensor twice = once.copy();
            cpu.biasBackward(dy, twice);
            float[] doubled = once.data().clone();
            for (int i = 0; i < doubled.length; i++) {
                doubled[i] *= 2;
            }
            assertArrayEquals(doubled, twice.data());
        }
    }

    @Test
    void floatKernelsMatchTheDoubleTwinAndAreIdenticalForAnyThreadCount() {
        Random rng = new Random(11);
        int n = 3, c = 64, h = 13, w = 15, plane = h * w;
        assertSplits("bias", (long) n * c * plane, 1);
        assertSplits("bias db", c, (long) n * plane);
        double[] y0 = randn(rng, n * c * plane);
        double[] b = randn(rng, c);
        double[] dbStart = randn(rng, c);
        double[] y = y0.clone();
        TWIN.call("Bias", "forward", 0, y.length, y, b, c, plane);
        double[] db = dbStart.clone();
        TWIN.call("Bias", "backward", 0, c, y0, db, n, c, plane);

        assertClose("bias", y, identicalOnAnyThreadCount("bias", cpu -> {
            Tensor yf = Tensor.of(toFloat(y0), n, c, h, w);
            cpu.biasAdd(yf, Tensor.of(toFloat(b), c));
            return yf.data();
        }), 1e-5);
        assertClose("bias db", db, identicalOnAnyThreadCount("bias db", cpu -> {
            Tensor dbf = Tensor.of(toFloat(dbStart), c);
            cpu.biasBackward(Tensor.of(toFloat(y0), n, c, h, w), dbf);
            return dbf.data();
        }), 1e-5);
    }

    @Test
    void wrongShapesAreRejectedNamingTheTensor() {
        Tensor y = Tensor.zeros(2, 3, 4, 4);
        try (CpuDevice cpu = new CpuDevice(1)) {
            assertRejected("bias has shape", () -> cpu.biasAdd(y, Tensor.zeros(4)));
            assertRejected("bias gradient has shape", () -> cpu.biasBackward(y, Tensor.zeros(2)));
        }
    }
}
