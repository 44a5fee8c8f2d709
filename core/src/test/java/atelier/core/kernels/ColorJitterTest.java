package atelier.core.kernels;

import atelier.core.Tensor;
import atelier.core.device.CpuDevice;
import atelier.core.device.Device;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static atelier.core.kernels.GradCheck.assertClose;
import static atelier.core.kernels.GradCheck.assertRejected;
import static atelier.core.kernels.GradCheck.assertSplits;
import static atelier.core.kernels.GradCheck.identicalOnAnyThreadCount;
import static atelier.core.kernels.GradCheck.toDouble;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Colour jitter properties, float vs the double twin, thread-count invariance (torchvision values: tests module). */
class ColorJitterTest {
    private static final KernelTwin TWIN = KernelTwin.get();

    /** Uniform values in [-1, 1], the GAN's image range. */
    static float[] images(Random rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = rng.nextFloat() * 2f - 1f;
        }
        return x;
    }

    static Tensor params(float... values) {
        return Tensor.of(values, values.length);
    }

    static Tensor filled(int n, float value) {
        float[] v = new float[n];
        Arrays.fill(v, value);
        return params(v);
    }

    private static float[] jitter(Device cpu, float[] x, int h, int w, Tensor b, Tensor c, Tensor s, Tensor hue) {
        Tensor y = Tensor.zeros(b.dim(0), 3, h, w);
        cpu.colorJitter(Tensor.of(x.clone(), b.dim(0), 3, h, w), b, c, s, hue, y);
        return y.data();
    }

    private static float[] sample(float[] x, int n, int size) {
        return Arrays.copyOfRange(x, n * size, (n + 1) * size);
    }

    @Test
    void identityParametersLeaveTheirSampleBitIdenticalBesideJitteredSamples() {
        int h = 9, w = 11, size = 3 * h * w;
        float[] x = images(new Random(1), 3 * size);
        try (CpuDevice cpu = new CpuDevice(2)) {
            float[] y = jitter(cpu, x, h, w, params(1.3f, 1f, 0.7f), params(0.6f, 1f, 1.4f), params(1.5f, 1f, 0f),
                    params(0.2f, 0f, -0.4f));
            assertArrayEquals(sample(x, 1, size), sample(y, 1, size));
            assertTrue(!Arrays.equals(sample(x, 0, size), sample(y, 0, size)));
            assertTrue(!Arrays.equals(sample(x, 2, size), sample(y, 2, size)));
        }
    }

    @Test
    void saturationZeroGivesTorchvisionGreyInEveryChannel() {
        int h = 5, w = 6, plane = h * w;
        float[] x = images(new Random(2), 3 * plane);
        try (CpuDevice cpu = new CpuDevice(1)) {
            float[] y = jitter(cpu, x, h, w, params(1f), params(1f), params(0f), params(0f));
            for (int p = 0; p < plane; p++) {
                // grey of u = (v + 1) / 2 with torchvision's weights, back to [-1, 1]
                double u = 0.2989 * (x[p] + 1) / 2 + 0.587 * (x[plane + p] + 1) / 2
                        + 0.114 * (x[2 * plane + p] + 1) / 2;
                for (int c = 0; c < 3; c++) {
                    assertEquals(2 * u - 1, y[c * plane + p], 1e-6, "channel " + c + " pixel " + p);
                }
            }
        }
    }

    @Test
    void brightnessZeroIsBlackAndContrastZeroIsTheImagesMeanGrey() {
        int h = 7, w = 5, plane = h * w;
        float[] x = images(new Random(3), 2 * 3 * plane);
        try (CpuDevice cpu = new CpuDevice(1)) {
            float[] black = jitter(cpu, x, h, w, params(0f, 0f), filled(2, 1f), filled(2, 1f), filled(2, 0f));
            for (float v : black) {
                assertEquals(-1f, v);
            }
            float[] flat = jitter(cpu, x, h, w, filled(2, 1f), params(0f, 0f), filled(2, 1f), filled(2, 0f));
            for (int n = 0; n < 2; n++) {
                double sum = 0;
                for (int p = 0; p < plane; p++) {
                    int r = n * 3 * plane + p;
                    sum += 0.2989 * x[r] + 0.587 * x[r + plane] + 0.114 * x[r + 2 * plane] - 0.0001;
                }
                for (int i = 0; i < 3 * plane; i++) {
                    assertEquals(sum / plane, flat[n * 3 * plane + i], 1e-6, "sample " + n + " element " + i);
                }
            }
        }
    }

    @Test
    void strongFactorsClampToTheImageRange() {
        int h = 6, w = 6;
        float[] x = images(new Random(4), 3 * h * w);
        try (CpuDevice cpu = new CpuDevice(1)) {
            float[] y = jitter(cpu, x, h, w, params(3f), params(4f), params(5f), params(0.3f));
            int atBounds = 0;
            for (float v : y) {
                assertTrue(v >= -1f && v <= 1f, "value " + v + " outside [-1, 1]");
                atBounds += v == 1f || v == -1f ? 1 : 0;
            }
            assertTrue(atBounds > y.length / 4, "only " + atBounds + " values clamped; factors this strong saturate");
        }
    }

    @Test
    void hueShiftOfAFullTurnIsTheIdentityAndShiftsAdd() {
        int h = 8, w = 7;
        float[] x = images(new Random(5), 2 * 3 * h * w);
        try (CpuDevice cpu = new CpuDevice(1)) {
            Tensor one = filled(2, 1f);
            assertClose("full turn", toDouble(x), jitter(cpu, x, h, w, one, one, one, params(1f, -1f)), 1e-6);
            float[] twice = jitter(cpu, jitter(cpu, x, h, w, one, one, one, params(0.15f, -0.3f)), h, w, one, one, one,
                    params(0.2f, 0.45f));
            assertClose("0.15 + 0.2, -0.3 + 0.45", toDouble(twice),
                    jitter(cpu, x, h, w, one, one, one, params(0.35f, 0.15f)), 1e-5);
        }
    }

    @Test
    void hueThirdTurnsCycleTheRgbPrimariesAndKeepGrey() {
        // pixels: red, green, blue, a grey; a third of a turn takes red to green to blue to red.
        float[] x = {1f, -1f, -1f, 0.2f, /* g */ -1f, 1f, -1f, 0.2f, /* b */ -1f, -1f, 1f, 0.2f};
        try (CpuDevice cpu = new CpuDevice(1)) {
            Tensor y = Tensor.zeros(1, 3, 2, 2);
            cpu.colorJitter(Tensor.of(x, 1, 3, 2, 2), params(1f), params(1f), params(1f), params(1f / 3), y);
            double[] expected = {-1, -1, 1, 0.2, /* g */ 1, -1, -1, 0.2, /* b */ -1, 1, -1, 0.2};
            assertClose("hue + 1/3", expected, y.data(), 1e-6);
        }
    }

    @Test
    void floatKernelsMatchTheDoubleTwinAndAreIdenticalForAnyThreadCount() {
        // 100 x 100 pixels: three grey-sum blocks of 4096 per sample, the last one partial.
        int n = 3, h = 100, w = 100, plane = h * w;
        assertSplits("colour jitter", (long) n * plane, 3);
        assertSplits("grey block sums", n * 3L, 4 * 4096);
        float[] x = images(new Random(6), n * 3 * plane);
        float[] b = {0.8f, 1.2f, 1f};
        float[] c = {1.3f, 0.6f, 1f};
        float[] s = {0.5f, 1.4f, 0f};
        float[] hue = {0.1f, -0.45f, 0.3f};

        double[] y = toDouble(x);
        double[] sums = new double[n];
        double[] means = new double[n];
        TWIN.call("ColorJitter", "brightness", 0, n * plane, y, toDouble(b), y, plane);
        TWIN.call("ColorJitter", "greyBlockSums", 0, n, y, sums, plane, plane, 1);
        TWIN.call("Reduce", "blockSums", 0, n, sums, n, 1, 1.0 / plane, means);
        TWIN.call("ColorJitter", "contrast", 0, n * plane, y, toDouble(c), means, y, plane);
        TWIN.call("ColorJitter", "saturation", 0, n * plane, y, toDouble(s), y, plane);
        TWIN.call("ColorJitter", "hue", 0, n * plane, y, toDouble(hue), y, plane);

        assertClose("colour jitter", y, identicalOnAnyThreadCount("colour jitter",
                cpu -> jitter(cpu, x, h, w, params(b), params(c), params(s), params(hue))), 1e-5);
    }

    @Test
    void badShapesAndFactorsAreRejectedNamingThem() {
        Tensor x = Tensor.zeros(2, 3, 4, 4);
        Tensor one = filled(2, 1f);
        Tensor zero = filled(2, 0f);
        try (CpuDevice cpu = new CpuDevice(1)) {
            assertRejected("colour jitter needs RGB images",
                    () -> cpu.colorJitter(Tensor.zeros(2, 4, 4, 4), one, one, one, zero, Tensor.zeros(2, 4, 4, 4)));
            assertRejected("colour jitter output has shape",
                    () -> cpu.colorJitter(x, one, one, one, zero, Tensor.zeros(2, 3, 4, 5)));
            assertRejected("contrast factors has shape",
                    () -> cpu.colorJitter(x, one, filled(3, 1f), one, zero, x.zerosLike()));
            assertRejected("hue shifts has shape", () -> cpu.colorJitter(x, one, one, one, filled(1, 0f), x));
            assertRejected("saturation factor of sample 1 must be >= 0, got -0.5",
                    () -> cpu.colorJitter(x, one, one, params(1f, -0.5f), zero, x));
        }
    }
}
