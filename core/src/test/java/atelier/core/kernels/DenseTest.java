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

class DenseTest {
    private static final KernelTwin TWIN = KernelTwin.get();

    @ParameterizedTest(name = "N={0} In={1} Out={2}")
    @CsvSource({"3, 5, 4", "2, 1, 7", "5, 9, 1"})
    void backwardMatchesFiniteDifferences(int n, int in, int out) {
        Random rng = new Random(17L * n + 5L * in + out);
        double[] x = randn(rng, n * in);
        double[] w = randn(rng, out * in);
        double[] cot = randn(rng, n * out);
        double scale = 0.7;
        Supplier<double[]> forward = () -> {
            double[] y = new double[n * out];
            TWIN.call("Dense", "forward", 0, y.length, x, w, scale, y, n, in, out);
            return y;
        };
        double[] dx = new double[x.length];
        TWIN.call("Dense", "backwardInput", 0, dx.length, cot, w, scale, dx, n, in, out);
        assertGradient("dense dx", x, forward, cot, dx);

        double[] dw = new double[w.length];
        TWIN.call("Dense", "backwardWeight", 0, dw.length, x, cot, scale, dw, n, in, out);
        assertGradient("dense dw", w, forward, cot, dw);
    }

    @Test
    void weightGradientAccumulates() {
        Random rng = new Random(5);
        Tensor x = Tensor.of(toFloat(randn(rng, 3 * 6)), 3, 6);
        Tensor dy = Tensor.of(toFloat(randn(rng, 3 * 4)), 3, 4);
        try (CpuDevice cpu = new CpuDevice(2)) {
            Tensor once = Tensor.zeros(4, 6);
            cpu.denseBackwardWeight(x, dy, 0.5f, once);
            Tensor twice = once.copy();
            cpu.denseBackwardWeight(x, dy, 0.5f, twice);
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
        int n = 5, in = 67, out = 129;
        assertSplits("dense", (long) n * out, in);
        assertSplits("dense dx", (long) n * in, out);
        assertSplits("dense dw", (long) out * in, n);
        double[] x = randn(rng, n * in);
        double[] w = randn(rng, out * in);
        double[] dy = randn(rng, n * out);
        double[] dwStart = randn(rng, out * in);
        double[] y = new double[n * out];
        TWIN.call("Dense", "forward", 0, y.length, x, w, 0.5, y, n, in, out);
        double[] dx = new double[x.length];
        TWIN.call("Dense", "backwardInput", 0, dx.length, dy, w, 0.5, dx, n, in, out);
        double[] dw = dwStart.clone();
        TWIN.call("Dense", "backwardWeight", 0, dw.length, x, dy, 0.5, dw, n, in, out);

        assertClose("dense", y, identicalOnAnyThreadCount("dense", cpu -> {
            Tensor yf = Tensor.zeros(n, out);
            cpu.dense(Tensor.of(toFloat(x), n, in), Tensor.of(toFloat(w), out, in), 0.5f, yf);
            return yf.data();
        }), 1e-5);
        assertClose("dense dx", dx, identicalOnAnyThreadCount("dense dx", cpu -> {
            Tensor dxf = Tensor.zeros(n, in);
            cpu.denseBackwardInput(Tensor.of(toFloat(dy), n, out), Tensor.of(toFloat(w), out, in), 0.5f, dxf);
            return dxf.data();
        }), 1e-5);
        assertClose("dense dw", dw, identicalOnAnyThreadCount("dense dw", cpu -> {
            Tensor dwf = Tensor.of(toFloat(dwStart), out, in);
            cpu.denseBackwardWeight(Tensor.of(toFloat(x), n, in), Tensor.of(toFloat(dy), n, out), 0.5f, dwf);
            return dwf.data();
        }), 1e-5);
    }

    @Test
    void wrongShapesAreRejectedNamingTheTensor() {
        Tensor x = Tensor.zeros(2, 3);
        Tensor w = Tensor.zeros(4, 3);
        try (CpuDevice cpu = new CpuDevice(1)) {
            assertRejected("dense output has shape", () -> cpu.dense(x, w, 1f, Tensor.zeros(2, 5)));
            assertRejected("dense weight has shape", () -> cpu.dense(x, Tensor.zeros(4, 2), 1f, Tensor.zeros(2, 4)));
            assertRejected("dense input has shape", () -> cpu.dense(Tensor.zeros(6), w, 1f, Tensor.zeros(2, 4)));
            assertRejected("dense output gradient has shape",
                    () -> cpu.denseBackwardInput(Tensor.zeros(3, 4), w, 1f, Tensor.zeros(2, 3)));
            assertRejected("dense weight gradient has shape",
                    () -> cpu.denseBackwardWeight(x, Tensor.zeros(2, 4), 1f, Tensor.zeros(4, 2)));
        }
    }
}
