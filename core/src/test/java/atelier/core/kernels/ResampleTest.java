package atelier.core.kernels;

import atelier.core.Tensor;
import atelier.core.device.CpuDevice;
import atelier.core.device.Filter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;
import java.util.function.Supplier;

import static atelier.core.kernels.GradCheck.assertClose;
import static atelier.core.kernels.GradCheck.assertGradient;
import static atelier.core.kernels.GradCheck.assertRejected;
import static atelier.core.kernels.GradCheck.assertSplits;
import static atelier.core.kernels.GradCheck.identicalOnAnyThreadCount;
import static atelier.core.kernels.GradCheck.randn;
import static atelier.core.kernels.GradCheck.toDouble;
import static atelier.core.kernels.GradCheck.toFloat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ResampleTest {
    private static final KernelTwin TWIN = KernelTwin.get();

    @ParameterizedTest(name = "factor {0}: N={1} C={2} {3}x{4}")
    @CsvSource({"2, 2, 3, 3, 5", "3, 2, 1, 1, 3", "4, 3, 2, 3, 2"})
    void upsampleBackwardMatchesFiniteDifferences(int f, int n, int c, int h, int w) {
        Random rng = new Random(7L * f + 3L * h + w);
        double[] x = randn(rng, n * c * h * w);
        double[] cot = randn(rng, x.length * f * f);
        Supplier<double[]> forward = () -> {
            double[] y = new double[cot.length];
            TWIN.call("Resample", "upsampleNearest", 0, y.length, x, y, h, w, f);
            return y;
        };
        double[] dx = new double[x.length];
        TWIN.call("Resample", "upsampleNearestBackward", 0, dx.length, cot, dx, h, w, f);
        assertGradient("upsample dx", x, forward, cot, dx);
    }

    @ParameterizedTest(name = "{0}({1}) to {2}x{3}")
    @CsvSource({
            "area, 2, 3, 5", "area, 3, 3, 5", "area, 4, 5, 3",
            "bilinear, 2, 3, 5", "bilinear, 3, 5, 3", "bilinear, 4, 3, 5",
            "bilinear, 2, 1, 2", "bilinear, 3, 1, 1", "bilinear, 4, 2, 1",  // windows cut on both sides
    })
    void downsampleBackwardMatchesFiniteDifferences(String name, int f, int outH, int outW) {
        Filter filter = Filter.named(name, f);
        double[] taps = toDouble(filter.taps());
        int n = 2, c = 2, h = outH * f, w = outW * f;
        Random rng = new Random(31L * f + 5L * outH + outW + name.length());
        double[] x = randn(rng, n * c * h * w);
        double[] cot = randn(rng, n * c * outH * outW);
        Supplier<double[]> forward = () -> {
            double[] y = new double[cot.length];
            TWIN.call("Resample", "downsample", 0, y.length, x, y, h, w, f, taps, taps.length, filter.tapOffset());
            return y;
        };
        double[] dx = new double[x.length];
        TWIN.call("Resample", "downsampleBackward", 0, dx.length, cot, dx, h, w, f, taps, taps.length,
                filter.tapOffset());
        assertGradient(name + " downsample dx", x, forward, cot, dx);
    }

    @ParameterizedTest(name = "factor {0}")
    @ValueSource(ints = {2, 3, 4})
    void upsampleFloatKernelsMatchTheDoubleTwinAndAreIdenticalForAnyThreadCount(int f) {
        int n = 2, c = 7, h = 29, w = 23;
        assertSplits("upsample", (long) n * c * h * w * f * f, 1);
        assertSplits("upsample dx", (long) n * c * h * w, (long) f * f);
        Random rng = new Random(f);
        double[] x = randn(rng, n * c * h * w);
        double[] dy = randn(rng, x.length * f * f);
        double[] y = new double[dy.length];
        TWIN.call("Resample", "upsampleNearest", 0, y.length, x, y, h, w, f);
        double[] dx = new double[x.length];
        TWIN.call("Resample", "upsampleNearestBackward", 0, dx.length, dy, dx, h, w, f);

        assertClose("upsample", y, identicalOnAnyThreadCount("upsample", cpu -> {
            Tensor yf = Tensor.zeros(n, c, h * f, w * f);
            cpu.upsampleNearest(Tensor.of(toFloat(x), n, c, h, w), f, yf);
            return yf.data();
        }), 1e-5);
        assertClose("upsample dx", dx, identicalOnAnyThreadCount("upsample dx", cpu -> {
            Tensor dxf = Tensor.zeros(n, c, h, w);
            cpu.upsampleNearestBackward(Tensor.of(toFloat(dy), n, c, h * f, w * f), f, dxf);
            return dxf.data();
        }), 1e-5);
    }

    @ParameterizedTest(name = "{0}({1})")
    @CsvSource({"area, 2", "area, 3", "area, 4", "bilinear, 2", "bilinear, 3", "bilinear, 4"})
    void downsampleFloatKernelsMatchTheDoubleTwinAndAreIdenticalForAnyThreadCount(String name, int f) {
        Filter filter = Filter.named(name, f);
        double[] taps = toDouble(filter.taps());
        int n = 2, c = 7, outH = 29, outW = 23, h = outH * f, w = outW * f;
        assertSplits("downsample", (long) n * c * outH * outW, (long) taps.length * taps.length);
        Random rng = new Random(f + name.length());
        double[] x = randn(rng, n * c * h * w);
        double[] dy = randn(rng, n * c * outH * outW);
        double[] y = new double[dy.length];
        TWIN.call("Resample", "downsample", 0, y.length, x, y, h, w, f, taps, taps.length, filter.tapOffset());
        double[] dx = new double[x.length];
        TWIN.call("Resample", "downsampleBackward", 0, dx.length, dy, dx, h, w, f, taps, taps.length,
                filter.tapOffset());

        assertClose(name + " downsample", y, identicalOnAnyThreadCount(name + " downsample", cpu -> {
            Tensor yf = Tensor.zeros(n, c, outH, outW);
            cpu.downsample(Tensor.of(toFloat(x), n, c, h, w), filter, yf);
            return yf.data();
        }), 1e-5);
        assertClose(name + " downsample dx", dx, identicalOnAnyThreadCount(name + " downsample dx", cpu -> {
            Tensor dxf = Tensor.zeros(n, c, h, w);
            cpu.downsampleBackward(Tensor.of(toFloat(dy), n, c, outH, outW), filter, dxf);
            return dxf.data();
        }), 1e-5);
    }

    @Test
    void areaOfFactor2AveragesEach2x2Block() {
        float[] x = new float[16];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;   // rows 0 1 2 3 / 4 5 6 7 / 8 9 10 11 / 12 13 14 15
        }
        Tensor y = Tensor.zeros(1, 1, 2, 2);
        try (CpuDevice cpu = new CpuDevice(1)) {
            cpu.downsample(Tensor.of(x, 1, 1, 4, 4), Filter.area(2), y);
        }
        assertArrayEquals(new float[] {2.5f, 4.5f, 10.5f, 12.5f}, y.data());
    }

    @Test
    void bilinearTapsAreTheTriangleCentredOnEachOutputPixel() {
        assertArrayEquals(new float[] {0.25f, 0.75f, 0.75f, 0.25f}, Resample.triangleTaps(2));
        assertEquals(-1, Resample.triangleTapOffset(2));
        assertArrayEquals(new float[] {1f / 3, 2f / 3, 1f, 2f / 3, 1f / 3}, Resample.triangleTaps(3), 1e-7f);
        assertEquals(-1, Resample.triangleTapOffset(3));
        assertArrayEquals(new float[] {0.125f, 0.375f, 0.625f, 0.875f, 0.875f, 0.625f, 0.375f, 0.125f},
                Resample.triangleTaps(4));
        assertEquals(-2, Resample.triangleTapOffset(4));
        assertArrayEquals(new float[] {1f, 1f, 1f}, Resample.boxTaps(3));
    }

    @ParameterizedTest(name = "bilinear({0})")
    @ValueSource(ints = {2, 3, 4})
    void bilinearKeepsAConstantImageConstantUpToTheBorders(int f) {
        // Border windows lose taps; renormalizing by the taps kept must still give the constant back.
        float value = 2.5f;
        int h = 4 * f, w = 3 * f;
        Tensor x = Tensor.zeros(2, 1, h, w);
        Tensor y = Tensor.zeros(2, 1, 4, 3);
        try (CpuDevice cpu = new CpuDevice(1)) {
            cpu.fill(x, value);
            cpu.downsample(x, Filter.bilinear(f), y);
        }
        for (float v : y.data()) {
            assertEquals(value, v, 1e-6f);
        }
    }

    @Test
    void wrongShapesAreRejectedNamingTheTensor() {
        Tensor x = Tensor.zeros(2, 3, 6, 4);
        try (CpuDevice cpu = new CpuDevice(1)) {
            assertRejected("upsample output has shape", () -> cpu.upsampleNearest(x, 2, Tensor.zeros(2, 3, 12, 4)));
            assertRejected("upsample output gradient has shape",
                    () -> cpu.upsampleNearestBackward(Tensor.zeros(2, 3, 6, 4), 2, x));
            assertRejected("downsample output has shape",
                    () -> cpu.downsample(x, Filter.area(2), Tensor.zeros(2, 3, 3, 3)));
            assertRejected("downsample output gradient has shape",
                    () -> cpu.downsampleBackward(Tensor.zeros(2, 3, 2, 2), Filter.bilinear(2), x));
            assertRejected("downsample input", () -> cpu.downsample(x, Filter.area(3), Tensor.zeros(2, 3, 2, 1)));
        }
    }
}
