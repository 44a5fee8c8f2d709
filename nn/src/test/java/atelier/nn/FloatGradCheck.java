package atelier.nn;

import atelier.core.Tensor;

import java.util.Random;
import java.util.function.Function;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Central differences of a float network, for checking that layers and models wire kernels correctly (which
 * gradient goes where, scales, fade-in weights). The kernels' own math is checked in double precision in the core
 * module; here float rounding limits the tolerance to ~2e-2 of the largest gradient, far below a wiring mistake.
 * The loss is L = sum(r * f(x)) for a fixed random cotangent r, computed in double.
 */
public final class FloatGradCheck {
    private static final float[] STEPS = {1e-3f, 3e-4f, 3e-3f};
    private static final double TOLERANCE = 2e-2;
    private static final int SAMPLES = 24;

    private FloatGradCheck() {
    }

    /**
     * Asserts that {@code analytic} is dL/d{@code wrt} where L = dot(r, forward.get()); {@code wrt} is perturbed
     * in place (a sample of at most 24 elements) and restored. An element passes when the central difference at
     * one of three step sizes agrees: a step can carry pre-activations across a leaky-ReLU kink (biases move a
     * whole channel at once), a wiring mistake disagrees at every step. An all-zero analytic gradient (a layer
     * not in use, e.g. a faded-out toRGB) must have a numeric gradient within float noise of zero.
     */
    public static void assertGradient(String what, Tensor wrt, Tensor analytic, Supplier<Tensor> forward, Tensor r,
                                      Random rng) {
        assertGradient(what, wrt, analytic, forward, r, rng, TOLERANCE);
    }

    /** As above with a tolerance relative to the largest gradient; smooth functions (no kinks) allow ~1e-3. */
    public static void assertGradient(String what, Tensor wrt, Tensor analytic, Supplier<Tensor> forward, Tensor r,
                                      Random rng, double tolerance) {
        float[] v = wrt.data();
        double scale = 0;
        for (float a : analytic.data()) {
            scale = Math.max(scale, Math.abs(a));
        }
        // Float rounding makes L uncertain by a few float epsilons of sum |r * y|; differences below that are not judged.
        double noise = 2e-7 * absDot(r, forward.get());
        for (int k = 0; k < Math.min(v.length, SAMPLES); k++) {
            int i = v.length <= SAMPLES ? k : rng.nextInt(v.length);
            float saved = v[i];
            double best = Double.POSITIVE_INFINITY;
            double bestNumeric = 0;
            for (float step : STEPS) {
                v[i] = saved + step;
                double plus = dot(r, forward.get());
                v[i] = saved - step;
                double minus = dot(r, forward.get());
                v[i] = saved;
                double numeric = (plus - minus) / (2 * step);
                double err = Math.abs(numeric - analytic.data()[i]);
                if (err < best) {
                    best = err;
                    bestNumeric = numeric;
                }
            }
            double allowed = tolerance * scale + noise / STEPS[0];
            assertTrue(best <= allowed, what + "[" + i + "]: analytic " + analytic.data()[i] + ", numeric " + bestNumeric);
        }
    }

    /**
     * Checks a whole network: runs forward and {@code backward} (which must return dL/dx or null and accumulate
     * parameter gradients), then checks the input gradient (when returned) and every parameter's gradient.
     */
    public static void assertNetworkGradients(Function<Tensor, Tensor> forward, Function<Tensor, Tensor> backward,
                                              Iterable<Parameter> parameters, Tensor x, Random rng) {
        Tensor r = randn(rng, forward.apply(x).shape());
        for (Parameter p : parameters) {
            java.util.Arrays.fill(p.grad().data(), 0f);
        }
        forward.apply(x);
        Tensor dx = backward.apply(r);
        Supplier<Tensor> rerun = () -> forward.apply(x);
        boolean anyNonZero = false;
        if (dx != null) {
            assertGradient("input", x, dx, rerun, r, rng);
            anyNonZero = isNonZero(dx);
        }
        for (Parameter p : parameters) {
            assertGradient(p.name(), p.value(), p.grad(), rerun, r, rng);
            anyNonZero |= isNonZero(p.grad());
        }
        assertTrue(anyNonZero, "every gradient is zero: the check would prove nothing");
    }

    private static boolean isNonZero(Tensor t) {
        for (float v : t.data()) {
            if (v != 0f) {
                return true;
            }
        }
        return false;
    }

    private static double absDot(Tensor a, Tensor b) {
        double s = 0;
        for (int i = 0; i < a.numel(); i++) {
            s += Math.abs((double) a.data()[i] * b.data()[i]);
        }
        return s;
    }

    public static double dot(Tensor a, Tensor b) {
        double s = 0;
        for (int i = 0; i < a.numel(); i++) {
            s += (double) a.data()[i] * b.data()[i];
        }
        return s;
    }

    public static Tensor randn(Random rng, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.numel(); i++) {
            t.data()[i] = (float) rng.nextGaussian();
        }
        return t;
    }
}
