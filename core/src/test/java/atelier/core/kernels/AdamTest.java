package atelier.core.kernels;

import atelier.core.Tensor;
import atelier.core.device.CpuDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static atelier.core.kernels.GradCheck.assertRejected;
import static atelier.core.kernels.GradCheck.assertSplits;
import static atelier.core.kernels.GradCheck.identicalOnAnyThreadCountAll;
import static atelier.core.kernels.GradCheck.randn;
import static atelier.core.kernels.GradCheck.toFloat;
import static org.junit.jupiter.api.Assertions.assertEquals;

class AdamTest {
    private static final int N = 5003;
    private static final int STEPS = 3;

    /**
     * torch.optim.Adam's single-tensor step (no weight decay, no amsgrad), in double. Also accumulates the
     * magnitudes that rounding errors scale with: {@code mAbs} is m computed from |g|, {@code travel} the sum of
     * |update| (m and the distance p moved may be small differences of larger terms).
     */
    private static void torchAdamStep(double[] p, double[] g, double[] m, double[] v, double[] mAbs, double[] travel,
                                      double lr, double beta1, double beta2, double eps, int step) {
        double biasCorrection1 = 1 - Math.pow(beta1, step);
        double biasCorrection2 = 1 - Math.pow(beta2, step);
        double stepSize = lr / biasCorrection1;
        double biasCorrection2Sqrt = Math.sqrt(biasCorrection2);
        for (int i = 0; i < p.length; i++) {
            m[i] += (g[i] - m[i]) * (1 - beta1);                  // exp_avg.lerp_(grad, 1 - beta1)
            v[i] = v[i] * beta2 + (1 - beta2) * g[i] * g[i];      // exp_avg_sq.mul_(beta2).addcmul_(grad, grad, ...)
            double denom = Math.sqrt(v[i]) / biasCorrection2Sqrt + eps;
            p[i] -= stepSize * m[i] / denom;                      // param.addcdiv_(exp_avg, denom, value=-step_size)
            mAbs[i] += (Math.abs(g[i]) - mAbs[i]) * (1 - beta1);
            travel[i] += Math.abs(stepSize * m[i] / denom);
        }
    }

    @ParameterizedTest(name = "lr={0} beta1={1} beta2={2} eps={3}")
    @CsvSource({
            "1e-3, 0.0, 0.99, 1e-8",   // PGAN: beta1 = 0
            "1e-3, 0.9, 0.999, 1e-8",  // torch defaults
            "0.05, 0.5, 0.9, 0.1",     // an eps large enough that where it is added shows
    })
    void threeStepsMatchTorchAdamAndAreIdenticalForAnyThreadCount(float lr, float beta1, float beta2, float eps) {
        assertSplits("adam", N, 8);
        Random rng = new Random(7);
        double[] p0 = randn(rng, N);
        for (int i = 0; i < N; i++) {
            p0[i] = (float) (0.01 * p0[i]);   // small weights, so that float resolves each update finely
        }
        double[][] grads = new double[STEPS][];
        for (int t = 0; t < STEPS; t++) {
            grads[t] = roundedToFloat(randn(rng, N));
        }
        double[] p = p0.clone(), m = new double[N], v = new double[N], mAbs = new double[N], travel = new double[N];
        for (int t = 0; t < STEPS; t++) {
            torchAdamStep(p, grads[t], m, v, mAbs, travel, lr, beta1, beta2, eps, t + 1);
        }

        float[][] got = identicalOnAnyThreadCountAll("adam", cpu -> {
            Tensor pf = Tensor.of(toFloat(p0), N), mf = Tensor.zeros(N), vf = Tensor.zeros(N);
            for (int t = 0; t < STEPS; t++) {
                cpu.adam(pf, Tensor.of(toFloat(grads[t]), N), mf, vf, lr, beta1, beta2, eps, t + 1);
            }
            return new float[][] {pf.data(), mf.data(), vf.data()};
        });
        for (int i = 0; i < N; i++) {
            // The displacement, not the position, so that the test sees errors in the steps themselves.
            assertEquals(p[i] - p0[i], got[0][i] - p0[i], 1e-5 * travel[i] + 1e-9, "p at " + i);
            assertEquals(m[i], got[1][i], 1e-5 * mAbs[i], "m at " + i);
            assertEquals(v[i], got[2][i], 1e-5 * v[i], "v at " + i);
        }
    }

    private static double[] roundedToFloat(double[] x) {
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) x[i];
        }
        return x;
    }

    @Test
    void wrongShapesAndStepsAreRejected() {
        Tensor p = Tensor.zeros(2, 3);
        Tensor other = Tensor.zeros(6);
        try (CpuDevice cpu = new CpuDevice(1)) {
            assertRejected("adam gradient has shape", () -> cpu.adam(p, other, p.zerosLike(), p.zerosLike(),
                    1e-3f, 0f, 0.99f, 1e-8f, 1));
            assertRejected("adam first moment has shape", () -> cpu.adam(p, p.zerosLike(), other, p.zerosLike(),
                    1e-3f, 0f, 0.99f, 1e-8f, 1));
            assertRejected("adam second moment has shape", () -> cpu.adam(p, p.zerosLike(), p.zerosLike(), other,
                    1e-3f, 0f, 0.99f, 1e-8f, 1));
            assertRejected("adam step counts from 1", () -> cpu.adam(p, p.zerosLike(), p.zerosLike(), p.zerosLike(),
                    1e-3f, 0f, 0.99f, 1e-8f, 0));
        }
    }
}
