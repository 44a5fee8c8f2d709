package atelier.core.kernels;

import java.util.Random;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Central finite differences in double precision. For a forward y = f(x) and a random cotangent r, the loss
 * L = sum(r * y) has dL/dx = backward(r); the check compares each element of the analytic gradient with
 * (L(x + h e_i) - L(x - h e_i)) / 2h.
 */
public final class GradCheck {
    private static final double STEP = 1e-5;
    private static final double TOLERANCE = 1e-7;

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

    public static float[] toFloat(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            f[i] = (float) x[i];
        }
        return f;
    }
}
