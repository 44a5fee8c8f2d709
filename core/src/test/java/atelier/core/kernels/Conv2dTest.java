package atelier.core.kernels;

import atelier.core.Tensor;
import atelier.core.device.CpuDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static atelier.core.kernels.GradCheck.assertGradient;
import static atelier.core.kernels.GradCheck.randn;
import static atelier.core.kernels.GradCheck.toFloat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class Conv2dTest {
    private static final KernelTwin TWIN = KernelTwin.get();

    @ParameterizedTest(name = "N={0} C={1} {2}x{3} K={4} R={5} pad={6}")
    @CsvSource({
            "2, 3, 7, 5, 4, 3, 1",   // 3x3 same, odd sizes
            "3, 2, 5, 6, 3, 1, 0",   // 1x1
            "2, 3, 4, 4, 2, 4, 0",   // 4x4 valid -> 1x1
            "2, 2, 6, 5, 3, 3, 0",   // 3x3 valid
            "1, 2, 3, 4, 2, 3, 2",   // pad wider than needed
    })
    void backwardMatchesFiniteDifferences(int n, int c, int h, int w, int k, int r, int pad) {
        Random rng = new Random(31L * n + 7L * c + h + 13L * r + pad);
        int outH = h + 2 * pad - r + 1;
        int outW = w + 2 * pad - r + 1;
        double[] x = randn(rng, n * c * h * w);
        double[] wt = randn(rng, k * c * r * r);
        double scale = 0.7;
        double[] cot = randn(rng, n * k * outH * outW);
        int outSize = cot.length;
        java.util.function.Supplier<double[]> forward = () -> {
            double[] y = new double[outSize];
            TWIN.call("Conv2d", "forward", 0, outSize, x, wt, scale, y, n, c, h, w, k, r, pad);
            return y;
        };
        double[] dx = new double[x.length];
        TWIN.call("Conv2d", "backwardInput", 0, x.length, cot, wt, scale, dx, n, c, h, w, k, r, pad);
        assertGradient("conv2d dx", x, forward, cot, dx);

        double[] dw = new double[wt.length];
        TWIN.call("Conv2d", "backwardWeight", 0, wt.length, x, cot, scale, dw, n, c, h, w, k, r, pad);
        assertGradient("conv2d dw", wt, forward, cot, dw);
    }

    @Test
    void weightGradientAccumulates() {
        Random rng = new Random(5);
        Tensor x = Tensor.of(toFloat(randn(rng, 2 * 3 * 5 * 5)), 2, 3, 5, 5);
        Tensor dy = Tensor.of(toFloat(randn(rng, 2 * 4 * 5 * 5)), 2, 4, 5, 5);
        try (CpuDevice cpu = new CpuDevice(2)) {
            Tensor once = Tensor.zeros(4, 3, 3, 3);
            cpu.conv2dBackwardWeight(x, dy, 1f, 1, once);
            Tensor twice = once.copy();
            cpu.conv2dBackwardWeight(x, dy, 1f, 1, twice);
            for (int i = 0; i < once.numel(); i++) {
                assertEquals(2 * once.data()[i], twice.data()[i], 1e-5f * Math.abs(once.data()[i]) + 1e-6f);
            }
        }
    }

    @Test
    void floatKernelsMatchTheDoubleTwinAndAreIdenticalForAnyThreadCount() {
        Random rng = new Random(11);
        int n = 3, c = 5, h = 9, w = 7, k = 6, r = 3, pad = 1;
        double[] x = randn(rng, n * c * h * w);
        double[] wt = randn(rng, k * c * r * r);
        double[] dy = randn(rng, n * k * h * w);
        double[] yRef = new double[dy.length];
        TWIN.call("Conv2d", "forward", 0, yRef.length, x, wt, 0.5, yRef, n, c, h, w, k, r, pad);

        float[][] results = new float[3][];
        for (int threads = 1; threads <= 3; threads++) {
            try (CpuDevice cpu = new CpuDevice(threads)) {
                Tensor y = Tensor.zeros(n, k, h, w);
                cpu.conv2d(Tensor.of(toFloat(x), n, c, h, w), Tensor.of(toFloat(wt), k, c, r, r), 0.5f, pad, y);
                results[threads - 1] = y.data();
            }
        }
        assertArrayEquals(results[0], results[1]);
        assertArrayEquals(results[0], results[2]);
        for (int i = 0; i < yRef.length; i++) {
            assertEquals(yRef[i], results[0][i], 1e-5 * (1 + Math.abs(yRef[i])));
        }
    }
}
