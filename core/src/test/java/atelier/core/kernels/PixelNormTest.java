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
import static org.junit.jupiter.api.Assertions.assertEquals;

class PixelNormTest {
    private static final KernelTwin TWIN = KernelTwin.get();
    private static final double EPS = 1e-8;

    @ParameterizedTest(name = "N={0} C={1} plane={2}")
    @CsvSource({
            "3, 5, 21",  // 3x7 images
            "2, 8, 1",   // latent vectors [N, C]
            "4, 3, 25",
    })
    void backwardMatchesFiniteDifferences(int n, int c, int plane) {
        Random rng = new Random(19L * n + 3L * c + plane);
        double[] x = randn(rng, n * c * plane);
        double[] cot = randn(rng, x.length);
        double[] scale = new double[n * plane];
        Supplier<double[]> forward = () -> {
            double[] y = new double[x.length];
            TWIN.call("PixelNorm", "forward", 0, n * plane, x, y, scale, c, plane, EPS);
            return y;
        };
        double[] y = forward.get();
        double[] dx = new double[x.length];
        TWIN.call("PixelNorm", "backward", 0, n * plane, y, scale, cot, dx, c, plane);
        assertGradient("pixel norm dx", x, forward, cot, dx);
    }

    @Test
    void everyPixelComesOutWithUnitRootMeanSquare() {
        int n = 2, c = 6, plane = 10;
        double[] x = randn(new Random(4), n * c * plane);
        double[] y = new double[x.length];
        TWIN.call("PixelNorm", "forward", 0, n * plane, x, y, new double[n * plane], c, plane, EPS);
        for (int s = 0; s < n; s++) {
            for (int p = 0; p < plane; p++) {
                double meanSquare = 0;
                for (int ch = 0; ch < c; ch++) {
                    double v = y[(s * c + ch) * plane + p];
                    meanSquare += v * v / c;
                }
                assertEquals(1, meanSquare, 1e-6, "sample " + s + " pixel " + p);
            }
        }
    }

    @Test
    void floatKernelsMatchTheDoubleTwinAndAreIdenticalForAnyThreadCount() {
        Random rng = new Random(11);
        int n = 3, c = 16, h = 19, w = 19, plane = h * w;
        assertSplits("pixel norm", (long) n * plane, 2L * c);
        double[] x = randn(rng, n * c * plane);
        double[] dy = randn(rng, x.length);
        double[] y = new double[x.length];
        double[] scale = new double[n * plane];
        TWIN.call("PixelNorm", "forward", 0, n * plane, x, y, scale, c, plane, EPS);
        double[] dx = new double[x.length];
        TWIN.call("PixelNorm", "backward", 0, n * plane, y, scale, dy, dx, c, plane);

        assertClose("pixel norm", y, identicalOnAnyThreadCount("pixel norm", cpu -> {
            Tensor yf = Tensor.zeros(n, c, h, w);
            cpu.pixelNorm(Tensor.of(toFloat(x), n, c, h, w), 1e-8f, yf, Tensor.zeros(n, plane));
            return yf.data();
        }), 1e-5);
        assertClose("pixel norm scale", scale, identicalOnAnyThreadCount("pixel norm scale", cpu -> {
            Tensor sf = Tensor.zeros(n, plane);
            cpu.pixelNorm(Tensor.of(toFloat(x), n, c, h, w), 1e-8f, Tensor.zeros(n, c, h, w), sf);
            return sf.data();
        }), 1e-5);
        assertClose("pixel norm dx", dx, identicalOnAnyThreadCount("pixel norm dx", cpu -> {
            Tensor dxf = Tensor.zeros(n, c, h, w);
            cpu.pixelNormBackward(Tensor.of(toFloat(y), n, c, h, w), Tensor.of(toFloat(scale), n, plane),
                    Tensor.of(toFloat(dy), n, c, h, w), dxf);
            return dxf.data();
        }), 1e-5);
    }

    /** In place, as the generator runs it: the output overwrites the input, the input gradient the output's. */
    @Test
    void runsInPlace() {
        Random rng = new Random(12);
        int n = 2, c = 5, h = 3, w = 4, plane = h * w;
        Tensor x = Tensor.of(toFloat(randn(rng, n * c * plane)), n, c, h, w);
        Tensor dy = Tensor.of(toFloat(randn(rng, n * c * plane)), n, c, h, w);
        try (CpuDevice cpu = new CpuDevice(2)) {
            Tensor y = x.zerosLike();
            Tensor scale = Tensor.zeros(n, plane);
            cpu.pixelNorm(x, 1e-8f, y, scale);
            Tensor dx = x.zerosLike();
            cpu.pixelNormBackward(y, scale, dy, dx);

            cpu.pixelNorm(x, 1e-8f, x, scale);
            assertArrayEquals(y.data(), x.data());
            cpu.pixelNormBackward(x, scale, dy, dy);
            assertArrayEquals(dx.data(), dy.data());
        }
    }

    @Test
    void wrongShapesAreRejectedNamingTheTensor() {
        Tensor x = Tensor.zeros(2, 3, 4, 4);
        try (CpuDevice cpu = new CpuDevice(1)) {
            Tensor scale = Tensor.zeros(2, 16);
            assertRejected("pixel norm output has shape",
                    () -> cpu.pixelNorm(x, 1e-8f, Tensor.zeros(2, 4, 4, 4), scale));
            assertRejected("pixel norm scale has shape", () -> cpu.pixelNorm(x, 1e-8f, x.zerosLike(), Tensor.zeros(2, 4)));
            assertRejected("pixel norm gradient has shape",
                    () -> cpu.pixelNormBackward(x, scale, Tensor.zeros(2, 3, 4), x.zerosLike()));
            assertRejected("pixel norm input gradient has shape",
                    () -> cpu.pixelNormBackward(x, scale, x.zerosLike(), Tensor.zeros(1, 3, 4, 4)));
        }
    }
}
