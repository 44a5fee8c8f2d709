package atelier.core.kernels;

import atelier.core.Tensor;
import atelier.core.device.CpuDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.Random;

import static atelier.core.kernels.GradCheck.assertClose;
import static atelier.core.kernels.GradCheck.assertGradient;
import static atelier.core.kernels.GradCheck.assertRejected;
import static atelier.core.kernels.GradCheck.assertSplits;
import static atelier.core.kernels.GradCheck.identicalOnAnyThreadCountAll;
import static atelier.core.kernels.GradCheck.randn;
import static atelier.core.kernels.GradCheck.toFloat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class MinibatchStddevTest {
    private static final KernelTwin TWIN = KernelTwin.get();

    /** The twin's statistics of one forward: mean, std ([G, F]) and stat ([G]). */
    private record Stats(double[] mean, double[] std, double[] stat) {
    }

    /** The statistics launches on the twin (S > 1): groupStats, then blockSums of std rows scaled by 1/F. */
    private static Stats stats(double[] x, int n, int c, int plane, int s) {
        int groups = n / s, features = c * plane, cells = groups * features;
        Stats st = new Stats(new double[cells], new double[cells], new double[groups]);
        if (s > 1) {
            TWIN.call("MinibatchStddev", "groupStats", 0, cells, x, st.mean, st.std, features, s);
            TWIN.call("Reduce", "blockSums", 0, groups, st.std, cells, features, 1.0 / features, st.stat);
        }
        return st;
    }

    /** The device's forward as launches on the twin: the statistics, then forward. */
    private static double[] forward(double[] x, int n, int c, int plane, int s) {
        double[] y = new double[n * (c + 1) * plane];
        TWIN.call("MinibatchStddev", "forward", 0, y.length, x, stats(x, n, c, plane, s).stat, y, c, plane, s);
        return y;
    }

    /** The launches of the device's backward on the twin: groupStats for mean and std, statGrad (S > 1), backward. */
    private static double[] backward(double[] x, double[] dy, int n, int c, int plane, int s) {
        Stats st = stats(x, n, c, plane, s);
        double[] dStat = new double[n / s];
        if (s > 1) {
            TWIN.call("MinibatchStddev", "statGrad", 0, n / s, dy, dStat, c, plane, s);
        }
        double[] dx = new double[x.length];
        TWIN.call("MinibatchStddev", "backward", 0, dx.length, x, st.mean, st.std, dy, dStat, dx, c, plane, s);
        return dx;
    }

    /** The definition, written out directly: the mean over features of each group's unbiased std, appended. */
    private static double[] definition(double[] x, int n, int c, int plane, int s) {
        int features = c * plane;
        double[] y = new double[n * (c + 1) * plane];
        for (int g = 0; g < n / s; g++) {
            double stat = 0;   // stays 0 for S = 1
            if (s > 1) {
                for (int f = 0; f < features; f++) {
                    double mean = 0, var = 0;
                    for (int k = 0; k < s; k++) {
                        mean += x[(g * s + k) * features + f] / s;
                    }
                    for (int k = 0; k < s; k++) {
                        double d = x[(g * s + k) * features + f] - mean;
                        var += d * d / (s - 1);
                    }
                    stat += Math.sqrt(var + 1e-8) / features;
                }
            }
            for (int k = 0; k < s; k++) {
                int sample = g * s + k;
                System.arraycopy(x, sample * features, y, sample * (features + plane), features);
                Arrays.fill(y, sample * (features + plane) + features, (sample + 1) * (features + plane), stat);
            }
        }
        return y;
    }

    @ParameterizedTest(name = "N={0} S={1} C={2} {3}x{4}")
    @CsvSource({
            "8, 4, 3, 3, 5",  // two groups
            "6, 2, 2, 5, 3",  // three groups of two
            "5, 5, 3, 3, 3",  // S = N
            "3, 1, 2, 3, 5",  // S = 1: zero channel
    })
    void forwardLaunchesComputeTheDefinition(int n, int s, int c, int h, int w) {
        double[] x = randn(new Random(n + 10L * s), n * c * h * w);
        double[] y = forward(x, n, c, h * w, s);
        double[] expected = definition(x, n, c, h * w, s);
        for (int i = 0; i < y.length; i++) {
            assertEquals(expected[i], y[i], 1e-12, "element " + i);
        }
    }

    /**
     * Random samples whose every feature varies within its group by a standard deviation of at least 0.3: where
     * a group's values nearly coincide, std = sqrt(var + 1e-8) bends too sharply for finite differences.
     */
    private static double[] spreadWithinGroups(Random rng, int n, int features, int s) {
        double[] x = new double[n * features];
        double[] values = new double[s];
        for (int g = 0; g < n / s; g++) {
            for (int f = 0; f < features; f++) {
                double var;
                do {
                    double mean = 0;
                    for (int k = 0; k < s; k++) {
                        values[k] = rng.nextGaussian();
                        mean += values[k] / s;
                    }
                    var = 0;
                    for (int k = 0; k < s; k++) {
                        var += (values[k] - mean) * (values[k] - mean) / Math.max(1, s - 1);
                    }
                } while (s > 1 && var < 0.09);
                for (int k = 0; k < s; k++) {
                    x[(g * s + k) * features + f] = values[k];
                }
            }
        }
        return x;
    }

    @ParameterizedTest(name = "N={0} S={1} C={2} {3}x{4}")
    @CsvSource({"8, 4, 3, 3, 5", "6, 2, 2, 5, 3", "5, 5, 3, 3, 3", "3, 1, 2, 3, 5"})
    void backwardMatchesFiniteDifferences(int n, int s, int c, int h, int w) {
        Random rng = new Random(23L * n + s + c);
        int plane = h * w;
        double[] x = spreadWithinGroups(rng, n, c * plane, s);
        double[] cot = randn(rng, n * (c + 1) * plane);
        double[] dx = backward(x, cot, n, c, plane, s);
        assertGradient("minibatch stddev dx", x, () -> forward(x, n, c, plane, s), cot, dx);
    }

    @ParameterizedTest(name = "N=8 S={0}")
    @ValueSource(ints = {4, 2, 8, 1})
    void floatLaunchesMatchTheDoubleTwinAndAreIdenticalForAnyThreadCount(int s) {
        Random rng = new Random(11 + s);
        int n = 8, c = 4, h = 67, w = 65, plane = h * w, features = c * plane, groups = n / s;
        if (s == 4) {   // the case where every launch is split
            assertSplits("groupStats", (long) groups * features, 2L * s);
            assertSplits("blockSums", groups, features);
            assertSplits("statGrad", groups, (long) s * plane);
        }
        assertSplits("minibatch stddev forward", (long) n * (c + 1) * plane, 1);
        assertSplits("minibatch stddev backward", (long) n * features, 2);
        double[] x = randn(rng, n * features);
        double[] dy = randn(rng, n * (c + 1) * plane);
        Stats st = stats(x, n, c, plane, s);
        double[] y = forward(x, n, c, plane, s);
        double[] dx = backward(x, dy, n, c, plane, s);

        float[][] got = identicalOnAnyThreadCountAll("minibatch stddev", cpu -> {
            Tensor xf = Tensor.of(toFloat(x), n, c, h, w);
            Tensor mean = Tensor.zeros(groups, features);
            Tensor std = Tensor.zeros(groups, features);
            Tensor stat = Tensor.zeros(groups);
            Tensor yf = Tensor.zeros(n, c + 1, h, w);
            cpu.minibatchStddev(xf, s, mean, std, stat, yf);
            Tensor dxf = Tensor.zeros(n, c, h, w);
            cpu.minibatchStddevBackward(xf, mean, std, Tensor.of(toFloat(dy), n, c + 1, h, w), s, Tensor.zeros(groups),
                    dxf);
            return new float[][] {yf.data(), mean.data(), std.data(), stat.data(), dxf.data()};
        });
        assertClose("minibatch stddev", y, got[0], 1e-5);
        if (s > 1) {
            assertClose("minibatch stddev mean", st.mean, got[1], 1e-5);
            assertClose("minibatch stddev std", st.std, got[2], 1e-5);
        }
        assertClose("minibatch stddev statistic", st.stat, got[3], 1e-5);
        assertClose("minibatch stddev dx", dx, got[4], 1e-5);
    }

    @Test
    void groupSizeOneAppendsAZeroChannelThatPassesNoGradient() {
        Random rng = new Random(2);
        int n = 3, c = 2, plane = 4;
        float[] x = toFloat(randn(rng, n * c * plane));
        float[] dy = toFloat(randn(rng, n * (c + 1) * plane));
        Tensor y = Tensor.of(toFloat(randn(rng, n * (c + 1) * plane)), n, c + 1, 2, 2);   // garbage to overwrite
        Tensor dx = Tensor.zeros(n, c, 2, 2);
        try (CpuDevice cpu = new CpuDevice(1)) {
            Tensor mean = Tensor.zeros(n, c * plane), std = Tensor.zeros(n, c * plane);
            Tensor stat = Tensor.of(new float[] {5f, 5f, 5f}, n);
            cpu.minibatchStddev(Tensor.of(x, n, c, 2, 2), 1, mean, std, stat, y);
            cpu.minibatchStddevBackward(Tensor.of(x, n, c, 2, 2), mean, std, Tensor.of(dy, n, c + 1, 2, 2), 1,
                    Tensor.zeros(n), dx);
        }
        int features = c * plane;
        for (int k = 0; k < n; k++) {
            int in = k * features, out = k * (features + plane);
            float[] yk = Arrays.copyOfRange(y.data(), out, out + features + plane);
            assertArrayEquals(Arrays.copyOfRange(x, in, in + features), Arrays.copyOf(yk, features));
            assertArrayEquals(new float[plane], Arrays.copyOfRange(yk, features, features + plane));
            float[] dxk = Arrays.copyOfRange(dx.data(), in, in + features);
            assertArrayEquals(Arrays.copyOfRange(dy, out, out + features), dxk);
        }
    }

    @Test
    void wrongShapesAreRejectedNamingTheTensor() {
        Tensor x = Tensor.zeros(4, 3, 2, 2);
        Tensor mean = Tensor.zeros(2, 12), std = Tensor.zeros(2, 12), stat = Tensor.zeros(2);
        try (CpuDevice cpu = new CpuDevice(1)) {
            assertRejected("minibatch stddev output has shape",
                    () -> cpu.minibatchStddev(x, 2, mean, std, stat, Tensor.zeros(4, 3, 2, 2)));
            assertRejected("minibatch stddev group size 3 does not divide batch 4",
                    () -> cpu.minibatchStddev(x, 3, mean, std, stat, Tensor.zeros(4, 4, 2, 2)));
            assertRejected("minibatch stddev statistic has shape",
                    () -> cpu.minibatchStddev(x, 2, mean, std, Tensor.zeros(4), Tensor.zeros(4, 4, 2, 2)));
            assertRejected("minibatch stddev std has shape",
                    () -> cpu.minibatchStddev(x, 2, mean, Tensor.zeros(2, 3), stat, Tensor.zeros(4, 4, 2, 2)));
            assertRejected("minibatch stddev output gradient has shape",
                    () -> cpu.minibatchStddevBackward(x, mean, std, x, 2, stat, x.zerosLike()));
            assertRejected("minibatch stddev input gradient has shape",
                    () -> cpu.minibatchStddevBackward(x, mean, std, Tensor.zeros(4, 4, 2, 2), 2, stat,
                            Tensor.zeros(4, 3, 4)));
        }
    }
}
