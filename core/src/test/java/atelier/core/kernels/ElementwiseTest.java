package atelier.core.kernels;

import atelier.core.Tensor;
import atelier.core.device.CpuDevice;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static atelier.core.kernels.GradCheck.assertClose;
import static atelier.core.kernels.GradCheck.assertRejected;
import static atelier.core.kernels.GradCheck.assertSplits;
import static atelier.core.kernels.GradCheck.identicalOnAnyThreadCount;
import static atelier.core.kernels.GradCheck.randn;
import static atelier.core.kernels.GradCheck.toFloat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Each operation through CpuDevice against the same arithmetic in double, on arrays big enough to be split. */
class ElementwiseTest {
    private static final int N = 40_009;
    private static final Random RNG = new Random(3);
    private static final float[] A = toFloat(randn(RNG, N));
    private static final float[] B = toFloat(randn(RNG, N));
    private static final float[] C = toFloat(randn(RNG, N));

    static {
        assertSplits("element-wise", N, 1);
    }

    private static Tensor t(float[] data) {
        return Tensor.of(data.clone(), N);
    }

    private static double[] expect(java.util.function.IntToDoubleFunction element) {
        double[] e = new double[N];
        for (int i = 0; i < N; i++) {
            e[i] = element.applyAsDouble(i);
        }
        return e;
    }

    @Test
    void addSums() {
        assertClose("add", expect(i -> (double) A[i] + B[i]), identicalOnAnyThreadCount("add", cpu -> {
            Tensor out = Tensor.zeros(N);
            cpu.add(t(A), t(B), out);
            return out.data();
        }), 1e-7);
    }

    @Test
    void mulMultiplies() {
        assertClose("mul", expect(i -> (double) A[i] * B[i]), identicalOnAnyThreadCount("mul", cpu -> {
            Tensor out = Tensor.zeros(N);
            cpu.mul(t(A), t(B), out);
            return out.data();
        }), 1e-7);
    }

    @Test
    void scaleMultipliesByAlpha() {
        assertClose("scale", expect(i -> -0.375 * A[i]), identicalOnAnyThreadCount("scale", cpu -> {
            Tensor out = Tensor.zeros(N);
            cpu.scale(t(A), -0.375f, out);
            return out.data();
        }), 1e-7);
    }

    @Test
    void axpyAddsAlphaTimesXToY() {
        assertClose("axpy", expect(i -> C[i] + 1.5 * A[i]), identicalOnAnyThreadCount("axpy", cpu -> {
            Tensor y = t(C);
            cpu.axpy(1.5f, t(A), y);
            return y.data();
        }), 1e-6);
    }

    @Test
    void lerpBlendsFromAToB() {
        assertClose("lerp", expect(i -> A[i] + 0.25 * (B[i] - A[i])), identicalOnAnyThreadCount("lerp", cpu -> {
            Tensor out = Tensor.zeros(N);
            cpu.lerp(t(A), t(B), 0.25f, out);
            return out.data();
        }), 1e-6);
    }

    @Test
    void fillAndCopyOverwriteEveryElement() {
        assertClose("fill", expect(i -> 0.75), identicalOnAnyThreadCount("fill", cpu -> {
            Tensor x = t(A);
            cpu.fill(x, 0.75f);
            return x.data();
        }), 0);
        assertClose("copy", expect(i -> A[i]), identicalOnAnyThreadCount("copy", cpu -> {
            Tensor dst = t(B);
            cpu.copy(t(A), dst);
            return dst.data();
        }), 0);
    }

    @Test
    void toPixelLevelsRoundsToTheEightBitGridAndClamps() {
        // A is standard normal: about a third of it lies outside [-1, 1] and tests the clamp.
        assertClose("pixel levels", expect(i -> Math.max(0, Math.min(255, Math.floor((A[i] + 1.0) * 127.5 + 0.5)))),
                identicalOnAnyThreadCount("pixel levels", cpu -> {
                    Tensor out = Tensor.zeros(N);
                    cpu.toPixelLevels(t(A), out);
                    return out.data();
                }), 0);
        try (CpuDevice cpu = new CpuDevice(1)) {
            Tensor out = Tensor.zeros(6);
            cpu.toPixelLevels(Tensor.of(new float[] {-1f, 1f, 0f, -7f, 3f, 0x99 / 127.5f - 1f}, 6), out);
            assertArrayEquals(new float[] {0f, 255f, 128f, 0f, 255f, 0x99}, out.data());
        }
    }

    @Test
    void outputsMayAliasInputs() {
        try (CpuDevice cpu = new CpuDevice(3)) {
            Tensor sum = Tensor.zeros(N);
            cpu.add(t(A), t(B), sum);
            Tensor a = t(A);
            cpu.add(a, t(B), a);
            assertArrayEquals(sum.data(), a.data());

            Tensor ema = Tensor.zeros(N);   // the weight EMA: ema = lerp(param, ema, beta), in place
            cpu.lerp(t(A), t(B), 0.999f, ema);
            Tensor b = t(B);
            cpu.lerp(t(A), b, 0.999f, b);
            assertArrayEquals(ema.data(), b.data());
        }
    }

    @Test
    void wrongShapesAreRejectedNamingTheTensor() {
        Tensor x = Tensor.zeros(2, 3);
        Tensor other = Tensor.zeros(3, 2);
        try (CpuDevice cpu = new CpuDevice(1)) {
            assertRejected("add operand has shape", () -> cpu.add(x, other, x));
            assertRejected("add output has shape", () -> cpu.add(x, x, other));
            assertRejected("mul operand has shape", () -> cpu.mul(x, other, x));
            assertRejected("mul output has shape", () -> cpu.mul(x, x, other));
            assertRejected("scale output has shape", () -> cpu.scale(x, 2f, other));
            assertRejected("axpy output has shape", () -> cpu.axpy(2f, x, other));
            assertRejected("lerp operand has shape", () -> cpu.lerp(x, other, 0.5f, x));
            assertRejected("lerp output has shape", () -> cpu.lerp(x, x, 0.5f, other));
            assertRejected("copy destination has shape", () -> cpu.copy(x, other));
            assertRejected("pixel levels output has shape", () -> cpu.toPixelLevels(x, other));
        }
    }
}
