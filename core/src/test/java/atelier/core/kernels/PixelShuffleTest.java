package atelier.core.kernels;

import atelier.core.Tensor;
import atelier.core.device.CpuDevice;
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
import static atelier.core.kernels.GradCheck.toFloat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class PixelShuffleTest {
    private static final KernelTwin TWIN = KernelTwin.get();

    @ParameterizedTest(name = "factor {0}: N={1} C={2} {3}x{4}")
    @CsvSource({"2, 2, 3, 3, 5", "3, 2, 1, 2, 3", "4, 3, 2, 3, 2"})
    void backwardMatchesFiniteDifferences(int f, int n, int c, int h, int w) {
        Random rng = new Random(11L * f + 3L * h + w);
        double[] x = randn(rng, n * c * f * f * h * w);
        double[] cot = randn(rng, x.length);
        Supplier<double[]> forward = () -> {
            double[] y = new double[cot.length];
            TWIN.call("PixelShuffle", "forward", 0, y.length, x, y, c, h, w, f);
            return y;
        };
        double[] dx = new double[x.length];
        TWIN.call("PixelShuffle", "backward", 0, dx.length, cot, dx, c, h, w, f);
        assertGradient("pixel shuffle dx", x, forward, cot, dx);
    }

    @ParameterizedTest(name = "factor {0}")
    @ValueSource(ints = {2, 3, 4, 8})
    void floatKernelsMatchTheDoubleTwinAndAreIdenticalForAnyThreadCount(int f) {
        int n = 2, c = 4, h = 37, w = 29;
        int numel = n * c * f * f * h * w;
        assertSplits("pixel shuffle", numel, 1);
        Random rng = new Random(f);
        double[] x = randn(rng, numel);
        double[] dy = randn(rng, numel);
        double[] y = new double[numel];
        TWIN.call("PixelShuffle", "forward", 0, numel, x, y, c, h, w, f);
        double[] dx = new double[numel];
        TWIN.call("PixelShuffle", "backward", 0, numel, dy, dx, c, h, w, f);

        assertClose("pixel shuffle", y, identicalOnAnyThreadCount("pixel shuffle", cpu -> {
            Tensor yf = Tensor.zeros(n, c, h * f, w * f);
            cpu.pixelShuffle(Tensor.of(toFloat(x), n, c * f * f, h, w), f, yf);
            return yf.data();
        }), 1e-7);
        assertClose("pixel shuffle dx", dx, identicalOnAnyThreadCount("pixel shuffle dx", cpu -> {
            Tensor dxf = Tensor.zeros(n, c * f * f, h, w);
            cpu.pixelShuffleBackward(Tensor.of(toFloat(dy), n, c, h * f, w * f), f, dxf);
            return dxf.data();
        }), 1e-7);
    }

    @Test
    void fourChannelsBecomeOneTwoByTwoBlockAndBackwardUndoesIt() {
        // Channel k of a pixel lands at (k / 2, k % 2) of its block.
        Tensor y = Tensor.zeros(1, 1, 2, 4);
        try (CpuDevice cpu = new CpuDevice(1)) {
            Tensor in = Tensor.of(new float[] {1, 10, 2, 20, 3, 30, 4, 40}, 1, 4, 1, 2);
            cpu.pixelShuffle(in, 2, y);
            assertArrayEquals(new float[] {1, 2, 10, 20, 3, 4, 30, 40}, y.data());
            Tensor back = in.zerosLike();
            cpu.pixelShuffleBackward(y, 2, back);
            assertArrayEquals(in.data(), back.data());
        }
    }

    @Test
    void rejectsChannelsThatAreNotAMultipleOfTheFactorSquared() {
        try (CpuDevice cpu = new CpuDevice(1)) {
            assertRejected("pixel shuffle input Tensor[1, 6, 2, 2] has 6 channels, not a multiple of factor^2 = 4",
                    () -> cpu.pixelShuffle(Tensor.zeros(1, 6, 2, 2), 2, Tensor.zeros(1, 1, 4, 4)));
            assertRejected("pixel shuffle output has shape [1, 2, 4, 4], expected [1, 1, 4, 4]",
                    () -> cpu.pixelShuffle(Tensor.zeros(1, 4, 2, 2), 2, Tensor.zeros(1, 2, 4, 4)));
            assertRejected("pixel shuffle output gradient has shape",
                    () -> cpu.pixelShuffleBackward(Tensor.zeros(1, 1, 4, 2), 2, Tensor.zeros(1, 4, 2, 2)));
        }
    }
}
