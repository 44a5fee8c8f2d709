package atelier.core.kernels;

import atelier.core.device.CpuDevice;
import atelier.core.device.Device;
import atelier.core.device.TestDevices;
import org.junit.jupiter.api.function.Executable;

import java.util.Random;
import java.util.function.Function;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Central finite differences in double precision. For a forward y = f(x) and a random cotangent r, the loss
 * L = sum(r * y) has dL/dx = backward(r); the check compares each element of the analytic gradient with
 * (L(x + h e_i) - L(x - h e_i)) / 2h. Also the helpers the kernel tests share: random inputs, float-vs-double
 * comparison, thread-count invariance on the CPU device, shape-error assertions.
 */
public final class GradCheck {
    private static final double STEP = 1e-5;
    private static final double TOLERANCE = 1e-7;
    /** Below this much work (items x work per item) CpuDevice runs a launch on one thread (MIN_PARALLEL_WORK). */
    private static final long PARALLEL_WORK = 1L << 15;
    /** Another device may round differently (fused multiply-add, its own sqrt); relative to 1 + |value|. */
    private static final double DEVICE_TOLERANCE = 1e-5;

    private GradCheck() {
    }

    /**
     * Asserts that {@code analytic} is dL/d{@code input} where L = sum(cotangent * forward.get()); the supplier
     * recomputes the forward from the current contents of {@code input} (which is perturbed in place and restored).
     */
    public static void assertGradient(String what, double[] input, Supplier<double[]> forward, double[] cotangent,
                                      double[] analytic) {
        double scale = 1e-3;
        for (double a : analytic) {
            scale = Math.max(scale, Math.abs(a));
        }
        double worst = 0;
        int worstAt = -1;
        double worstNumeric = 0;
        for (int i = 0; i < input.length; i++) {
            double saved = input[i];
            input[i] = saved + STEP;
            double plus = dot(cotangent, forward.get());
            input[i] = saved - STEP;
            double minus = dot(cotangent, forward.get());
            input[i] = saved;
            double numeric = (plus - minus) / (2 * STEP);
            double err = Math.abs(numeric - analytic[i]) / scale;
            if (err > worst) {
                worst = err;
                worstAt = i;
                worstNumeric = numeric;
            }
        }
        String detail = worstAt < 0 ? "" : " at element " + worstAt + ": analytic " + analytic[worstAt]
                + ", numeric " + worstNumeric;
        assertTrue(worst <= TOLERANCE, what + ": relative error " + worst + detail);
        assertTrue(scale > 1e-3, what + ": gradient is identically ~0, the check would prove nothing");
    }

    public static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    public static double[] randn(Random rng, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = rng.nextGaussian();
        }
        return x;
    }

    /** Standard normal samples, none closer to 0 than {@code margin} (keeps finite differences off a kink). */
    public static double[] randnAwayFromZero(Random rng, int n, double margin) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            do {
                x[i] = rng.nextGaussian();
            } while (Math.abs(x[i]) < margin);
        }
        return x;
    }

    public static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }

    /** Asserts |expected - actual| <= tolerance * (1 + |expected|) for every element. */
    public static void assertClose(String what, double[] expected, float[] actual, double tolerance) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            assertEquals(e, actual[i], tolerance * (1 + Math.abs(e)), what + " at element " + i);
        }
    }

    /** Asserts that a launch of this size is split over the threads of a CpuDevice with 2 or 3 threads. */
    public static void assertSplits(String what, long items, long workPerItem) {
        assertTrue(items >= 2 && items * workPerItem >= PARALLEL_WORK,
                what + ": " + items + " items x " + workPerItem + " is too small for CpuDevice to split");
    }

    /**
     * Runs {@code launch} (which must build fresh tensors and return their storage arrays) on a CpuDevice with 1, 2
     * and 3 threads, asserts that every returned array is bit-identical across the three and returns the
     * single-thread arrays. Where {@code atelier.test.device} names another device ({@link TestDevices}), also runs
     * it there and asserts that it agrees with the CPU to float rounding.
     */
    public static float[][] identicalOnAnyThreadCountAll(String what, Function<Device, float[][]> launch) {
        float[][] first = null;
        for (int threads = 1; threads <= 3; threads++) {
            try (CpuDevice cpu = new CpuDevice(threads)) {
                float[][] got = launch.apply(cpu);
                if (first == null) {
                    first = got;
                } else {
                    for (int k = 0; k < first.length; k++) {
                        assertArrayEquals(first[k], got[k], what + " (result " + k + ") with " + threads + " threads");
                    }
                }
            }
        }
        if (!TestDevices.isCpu()) {
            try (Device device = TestDevices.open()) {
                float[][] got = launch.apply(device);
                for (int k = 0; k < first.length; k++) {
                    float[] onDevice = TestDevices.read(device, got[k]);
                    for (int i = 0; i < onDevice.length; i++) {
                        assertEquals(first[k][i], onDevice[i], DEVICE_TOLERANCE * (1 + Math.abs(first[k][i])),
                                what + " (result " + k + ") on " + device.name() + " at element " + i);
                    }
                }
            }
        }
        return first;
    }

    /** {@link #identicalOnAnyThreadCountAll} for a launch with one result. */
    public static float[] identicalOnAnyThreadCount(String what, Function<Device, float[]> launch) {
        return identicalOnAnyThreadCountAll(what, cpu -> new float[][] {launch.apply(cpu)})[0];
    }

    /** Asserts that {@code call} throws IllegalArgumentException with a message starting with {@code prefix}. */
    public static void assertRejected(String prefix, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(prefix), "expected a message starting with '" + prefix + "', got: "
                + e.getMessage());
    }

    public static float[] toFloat(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            f[i] = (float) x[i];
        }
        return f;
    }
}
