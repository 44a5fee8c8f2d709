package atelier.core.kernels;

import atelier.core.Tensor;
import atelier.core.device.CpuDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;
import java.util.function.Supplier;

import static atelier.core.kernels.GradCheck.assertGradient;
import static atelier.core.kernels.GradCheck.assertRejected;
import static atelier.core.kernels.GradCheck.assertSplits;
import static atelier.core.kernels.GradCheck.identicalOnAnyThreadCountAll;
import static atelier.core.kernels.GradCheck.randn;
import static atelier.core.kernels.GradCheck.randnAwayFromZero;
import static atelier.core.kernels.GradCheck.toFloat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class L1Test {
    private static final KernelTwin TWIN = KernelTwin.get();

    @Test
    void backwardMatchesFiniteDifferences() {
        Random rng = new Random(3);
        int n = 37;
        double[] b = randn(rng, n);
        double[] gap = randnAwayFromZero(rng, n, 0.1); // a - b stays off the kink at 0
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = b[i] + gap[i];
        }
        double scale = 0.7;
        Supplier<double[]> forward = () -> {
            double[] sum = new double[1];
            TWIN.call("L1", "blockSums", 0, 1, a, b, n, n, sum);
            return new double[] {scale * sum[0]};
        };
        double[] g = new double[n];
        TWIN.call("L1", "backward", 0, n, a, b, scale, g);
        assertGradient("l1 da", a, forward, new double[] {1}, g);
    }

    /** Sizes around the 4096-element blocks; the sum is checked against a double sum, the gradient exactly. */
    @ParameterizedTest(name = "{0} elements")
    @ValueSource(ints = {1, 4097, 100_003})
    void floatKernelsAreIdenticalForAnyThreadCountAndMatchDoubleSums(int n) {
        if (n > 100_000) {
            assertSplits("l1", (n + 4095) / 4096, 4096);
        }
        Random rng = new Random(n);
        float[] a = toFloat(randn(rng, n));
        float[] b = toFloat(randn(rng, n));
        b[0] = a[0];
        float[][] got = identicalOnAnyThreadCountAll("l1", cpu -> {
            Tensor g = Tensor.zeros(n);
            float sum = cpu.l1Distance(Tensor.of(a, n), Tensor.of(b, n));
            cpu.l1DistanceBackward(Tensor.of(a, n), Tensor.of(b, n), 0.5f, g);
            return new float[][] {{sum}, g.data()};
        });
        double sum = 0;
        float[] sign = new float[n];
        for (int i = 0; i < n; i++) {
            sum += Math.abs((double) a[i] - b[i]);
            sign[i] = 0.5f * Math.signum(a[i] - b[i]);
        }
        assertEquals(sum, got[0][0], 1e-6 * (1 + sum));
        assertEquals(0f, got[1][0], "no gradient where a == b");
        assertArrayEquals(sign, got[1]);
    }

    @Test
    void rejectsOperandsOfDifferentShapes() {
        try (CpuDevice cpu = new CpuDevice(1)) {
            assertRejected("l1 operand has shape [3], expected [2]", () -> cpu.l1Distance(Tensor.zeros(2), Tensor.zeros(3)));
            assertRejected("l1 gradient has shape [3], expected [2]",
                    () -> cpu.l1DistanceBackward(Tensor.zeros(2), Tensor.zeros(2), 1f, Tensor.zeros(3)));
        }
    }
}
