package atelier.core.kernels;

import atelier.core.Tensor;
import atelier.core.device.CpuDevice;
import atelier.core.device.ResizeAxis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;
import java.util.function.Supplier;

import static atelier.core.kernels.GradCheck.assertClose;
import static atelier.core.kernels.GradCheck.assertGradient;
import static atelier.core.kernels.GradCheck.assertRejected;
import static atelier.core.kernels.GradCheck.assertSplits;
import static atelier.core.kernels.GradCheck.dot;
import static atelier.core.kernels.GradCheck.identicalOnAnyThreadCount;
import static atelier.core.kernels.GradCheck.randn;
import static atelier.core.kernels.GradCheck.toDouble;
import static atelier.core.kernels.GradCheck.toFloat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResizeTest {
    private static final KernelTwin TWIN = KernelTwin.get();

    /** The double twin's 2-D resize: width pass, then height pass, as CpuDevice does. */
    private static double[] twinResize(double[] x, int planes, int h, int w, int outH, int outW) {
        ResizeAxis across = ResizeAxis.bicubic(w, outW);
        ResizeAxis down = ResizeAxis.bicubic(h, outH);
        double[] wide = new double[planes * h * outW];
        TWIN.call("Resize", "axis", 0, wide.length, x, wide, w, outW, 1, across.start(), toDouble(across.weights()),
                across.taps());
        double[] y = new double[planes * outH * outW];
        TWIN.call("Resize", "axis", 0, y.length, wide, y, h, outH, outW, down.start(), toDouble(down.weights()),
                down.taps());
        return y;
    }

    @ParameterizedTest(name = "{0} -> {1}, inner {2}")
    @CsvSource({"7, 3, 1", "12, 5, 2", "5, 11, 3", "9, 9, 1", "3, 1, 2", "1, 4, 1", "16, 2, 1"})
    void axisBackwardMatchesFiniteDifferences(int in, int out, int inner) {
        ResizeAxis a = ResizeAxis.bicubic(in, out);
        double[] weights = toDouble(a.weights());
        int outer = 2;
        Random rng = new Random(31L * in + out + inner);
        double[] x = randn(rng, outer * in * inner);
        double[] cot = randn(rng, outer * out * inner);
        Supplier<double[]> forward = () -> {
            double[] y = new double[cot.length];
            TWIN.call("Resize", "axis", 0, y.length, x, y, in, out, inner, a.start(), weights, a.taps());
            return y;
        };
        double[] dx = new double[x.length];
        TWIN.call("Resize", "axisBackward", 0, dx.length, cot, dx, in, out, inner, a.start(), weights, a.taps(),
                a.firstReader(), a.readers());
        assertGradient("resize axis " + in + " -> " + out + " dx", x, forward, cot, dx);
    }

    @ParameterizedTest(name = "{0}x{1} -> {2}x{3}")
    @CsvSource({"96, 80, 40, 36", "26, 34, 80, 66", "64, 48, 64, 12"})
    void floatResizeMatchesTheDoubleTwinAndIsIdenticalForAnyThreadCount(int h, int w, int outH, int outW) {
        int n = 4, c = 3;
        assertSplits("resize", (long) n * c * outH * outW, ResizeAxis.bicubic(h, outH).taps());
        Random rng = new Random(h * 7L + outW);
        double[] x = randn(rng, n * c * h * w);
        double[] expected = twinResize(x, n * c, h, w, outH, outW);
        assertClose("resize", expected, identicalOnAnyThreadCount("resize", cpu -> {
            Tensor y = Tensor.zeros(n, c, outH, outW);
            cpu.resize(Tensor.of(toFloat(x), n, c, h, w), y);
            return y.data();
        }), 1e-5);
        identicalOnAnyThreadCount("resize backward", cpu -> {
            Tensor dx = Tensor.zeros(n, c, h, w);
            cpu.resizeBackward(Tensor.of(toFloat(randn(new Random(5), n * c * outH * outW)), n, c, outH, outW), dx);
            return dx.data();
        });
    }

    @ParameterizedTest(name = "{0}x{1} -> {2}x{3}")
    @CsvSource({"20, 12, 7, 5", "6, 9, 14, 10"})
    void deviceBackwardIsTheTransposeOfTheForward(int h, int w, int outH, int outW) {
        // <resize(x), dy> = <x, resizeBackward(dy)> checks that the device chains the two axes' transposes right.
        Random rng = new Random(h + 3L * outW);
        Tensor x = Tensor.of(toFloat(randn(rng, 2 * 2 * h * w)), 2, 2, h, w);
        Tensor dy = Tensor.of(toFloat(randn(rng, 2 * 2 * outH * outW)), 2, 2, outH, outW);
        Tensor y = dy.zerosLike();
        Tensor dx = x.zerosLike();
        try (CpuDevice cpu = new CpuDevice(2)) {
            cpu.resize(x, y);
            cpu.resizeBackward(dy, dx);
        }
        double left = dot(toDouble(y.data()), toDouble(dy.data()));
        double right = dot(toDouble(x.data()), toDouble(dx.data()));
        assertEquals(left, right, 1e-4 * (1 + Math.abs(left)));
    }

    @Test
    void sameSizeIsTheIdentity() {
        // At scale 1 the cubic is 1 at distance 0 and 0 at every other integer distance.
        float[] x = toFloat(randn(new Random(3), 2 * 9 * 11));
        Tensor y = Tensor.zeros(1, 2, 9, 11);
        try (CpuDevice cpu = new CpuDevice(1)) {
            cpu.resize(Tensor.of(x, 1, 2, 9, 11), y);
        }
        assertArrayEquals(x, y.data(), 1e-6f);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"100, 7", "7, 100", "13, 13", "1024, 4", "3, 2"})
    void weightsOfEveryOutputSumToOneAndStayInside(int in, int out) {
        ResizeAxis a = ResizeAxis.bicubic(in, out);
        for (int j = 0; j < out; j++) {
            double sum = 0;
            for (int t = 0; t < a.taps(); t++) {
                sum += a.weights()[j * a.taps() + t];
            }
            assertEquals(1.0, sum, 1e-6, "output " + j);
            assertTrue(a.start()[j] >= 0 && a.start()[j] + a.taps() <= in, "output " + j + " reads outside");
        }
    }

    @Test
    void halvingUsesTheCubicStretchedOverFourInputsEachSide() {
        // s = 2: output 0 is centred at 1.0; input k weighs cubic((k + 0.5 - 1) / 2) for k in [0, 5): at distances
        // 0.25, 0.25, 0.75, 1.25 (halved) and 1.75, normalized.
        ResizeAxis a = ResizeAxis.bicubic(16, 8);
        double[] raw = {cubic(0.25), cubic(0.25), cubic(0.75), cubic(1.25), cubic(1.75)};
        double total = 0;
        for (double r : raw) {
            total += r;
        }
        assertEquals(0, a.start()[0]);
        for (int t = 0; t < raw.length; t++) {
            assertEquals(raw[t] / total, a.weights()[t], 1e-7, "tap " + t);
        }
    }

    /** Keys' cubic, a = -0.5, written out independently of ResizeAxis. */
    private static double cubic(double x) {
        double d = Math.abs(x);
        return d < 1 ? 1.5 * d * d * d - 2.5 * d * d + 1 : d < 2 ? -0.5 * d * d * d + 2.5 * d * d - 4 * d + 2 : 0;
    }

    @Test
    void wrongShapesAreRejectedNamingTheTensor() {
        try (CpuDevice cpu = new CpuDevice(1)) {
            assertRejected("resize output", () -> cpu.resize(Tensor.zeros(2, 3, 8, 8), Tensor.zeros(2, 1, 4, 4)));
            assertRejected("resize output has shape", () -> cpu.resize(Tensor.zeros(2, 3, 8, 8), Tensor.zeros(6, 4, 4)));
            assertRejected("resize output gradient",
                    () -> cpu.resizeBackward(Tensor.zeros(1, 3, 4, 4), Tensor.zeros(2, 3, 8, 8)));
        }
    }

    /** Streaming a height resize band by band (each band given just the rows it reads) equals the whole resize. */
    @ParameterizedTest(name = "{0} -> {1} rows in bands of {2}")
    @CsvSource({"40, 37, 5", "37, 40, 7", "64, 16, 3", "12, 48, 48", "30, 30, 4"})
    void heightBandsEqualTheWholeResize(int in, int out, int band) {
        int n = 1, c = 3, w = 6;
        float[] x = toFloat(randn(new Random(in * 100L + out), n * c * in * w));
        try (CpuDevice cpu = new CpuDevice(2)) {
            Tensor whole = Tensor.zeros(n, c, out, w);
            cpu.resize(Tensor.of(x, n, c, in, w), whole);
            ResizeAxis plan = ResizeAxis.bicubic(in, out);
            for (int first = 0; first < out; first += band) {
                int count = Math.min(band, out - first);
                int lo = plan.start()[first];
                int hi = plan.start()[first + count - 1] + plan.taps();
                Tensor rows = Tensor.zeros(n, c, hi - lo, w);
                for (int p = 0; p < n * c; p++) {
                    System.arraycopy(x, (p * in + lo) * w, rows.data(), p * (hi - lo) * w, (hi - lo) * w);
                }
                Tensor y = Tensor.zeros(n, c, count, w);
                cpu.resizeRows(rows, lo, in, y, first, out);
                for (int p = 0; p < n * c; p++) {
                    for (int j = 0; j < count; j++) {
                        for (int i = 0; i < w; i++) {
                            assertEquals(whole.data()[(p * out + first + j) * w + i], y.data()[(p * count + j) * w + i],
                                    "plane " + p + " row " + (first + j) + " column " + i);
                        }
                    }
                }
            }
            assertRejected("resize band input holds rows [1, 3) of 40",
                    () -> cpu.resizeRows(Tensor.zeros(1, 1, 2, 2), 1, 40, Tensor.zeros(1, 1, 2, 2), 0, 37));
        }
    }
}
