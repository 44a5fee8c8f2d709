package atelier.core.kernels;

import atelier.core.Tensor;
import atelier.core.device.CpuDevice;
import atelier.core.device.Device;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.Random;

import static atelier.core.kernels.ColorJitterTest.filled;
import static atelier.core.kernels.ColorJitterTest.images;
import static atelier.core.kernels.ColorJitterTest.params;
import static atelier.core.kernels.GradCheck.assertClose;
import static atelier.core.kernels.GradCheck.assertRejected;
import static atelier.core.kernels.GradCheck.assertSplits;
import static atelier.core.kernels.GradCheck.identicalOnAnyThreadCount;
import static atelier.core.kernels.GradCheck.toDouble;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Flip, quarter-turn and rotation properties, references, thread-count invariance (torch values: tests module). */
class WarpTest {
    private static final KernelTwin TWIN = KernelTwin.get();

    private static Tensor flipRotate90(Device cpu, Tensor x, Tensor k, Tensor h, Tensor v) {
        Tensor y = x.zerosLike();
        cpu.flipRotate90(x, k, h, v, y);
        return y;
    }

    private static Tensor rotate(Device cpu, Tensor x, Tensor angle) {
        Tensor y = x.zerosLike();
        cpu.rotate(x, angle, y);
        return y;
    }

    @Test
    void flippingTwiceAndFourQuarterTurnsAreTheIdentity() {
        int n = 3;
        Tensor x = Tensor.of(images(new Random(1), n * 2 * 5 * 5), n, 2, 5, 5);
        Tensor zero = filled(n, 0f);
        Tensor one = filled(n, 1f);
        try (CpuDevice cpu = new CpuDevice(1)) {
            assertArrayEquals(x.data(), flipRotate90(cpu, x, zero, zero, zero).data(), "no transform");
            Tensor hflipped = flipRotate90(cpu, x, zero, one, zero);
            assertArrayEquals(x.data(), flipRotate90(cpu, hflipped, zero, one, zero).data(), "horizontal flip twice");
            Tensor vflipped = flipRotate90(cpu, x, zero, zero, one);
            assertArrayEquals(x.data(), flipRotate90(cpu, vflipped, zero, zero, one).data(), "vertical flip twice");
            Tensor turned = x;
            for (int i = 0; i < 4; i++) {
                turned = flipRotate90(cpu, turned, one, zero, zero);
            }
            assertArrayEquals(x.data(), turned.data(), "four quarter turns");
            Tensor mixed = flipRotate90(cpu, x, params(1f, 2f, 3f), params(0f, 1f, 1f), params(1f, 0f, 1f));
            assertTrue(!Arrays.equals(x.data(), mixed.data()));
            assertArrayEquals(flipRotate90(cpu, x, filled(n, 2f), zero, zero).data(),
                    flipRotate90(cpu, x, zero, one, one).data(), "both flips are a half turn");
        }
    }

    /** Scatter reference: a counter-clockwise quarter turn moves source pixel (sy, sx) to (S-1-sx, sy). */
    @Test
    void aQuarterTurnIsCounterClockwiseAfterTheFlips() {
        int s = 4;
        float[] x = images(new Random(2), s * s);
        float[] flipped = new float[s * s];
        float[] expected = new float[s * s];
        for (int sy = 0; sy < s; sy++) {
            for (int sx = 0; sx < s; sx++) {
                flipped[sy * s + sx] = x[sy * s + (s - 1 - sx)];     // horizontal flip first
            }
        }
        for (int sy = 0; sy < s; sy++) {
            for (int sx = 0; sx < s; sx++) {
                expected[(s - 1 - sx) * s + sy] = flipped[sy * s + sx];
            }
        }
        try (CpuDevice cpu = new CpuDevice(1)) {
            Tensor y = flipRotate90(cpu, Tensor.of(x, 1, 1, s, s), params(1f), params(1f), params(0f));
            assertArrayEquals(expected, y.data());
        }
    }

    @Test
    void rotationByZeroIsExactlyTheIdentityBesideRotatedSamples() {
        int size = 3 * 7 * 10;
        Tensor x = Tensor.of(images(new Random(3), 3 * size), 3, 3, 7, 10);
        try (CpuDevice cpu = new CpuDevice(2)) {
            float[] y = rotate(cpu, x, params(0.4f, 0f, -0.2f)).data();
            assertArrayEquals(Arrays.copyOfRange(x.data(), size, 2 * size),
                    Arrays.copyOfRange(y, size, 2 * size));
            assertTrue(!Arrays.equals(x.data(), y));
        }
    }

    @ParameterizedTest(name = "{0} quarter turns on {1}x{2}")
    @CsvSource({"1, 6, 6", "2, 6, 6", "3, 6, 6", "1, 7, 7", "3, 7, 7", "2, 5, 8"})
    void rotationByQuarterTurnsMatchesTheExactKernel(int k, int h, int w) {
        Tensor x = Tensor.of(images(new Random(k + h), 2 * 3 * h * w), 2, 3, h, w);
        float angle = (float) (k * Math.PI / 2);
        try (CpuDevice cpu = new CpuDevice(1)) {
            Tensor exact = flipRotate90(cpu, x, filled(2, k), filled(2, 0f), filled(2, 0f));
            assertClose("rotate by " + k + " x 90 degrees", toDouble(exact.data()),
                    rotate(cpu, x, filled(2, angle)).data(), 1e-5);
        }
    }

    @Test
    void reflectionFillLeavesNoEmptyCorners() {
        // A constant picture stays constant under any rotation: corners are filled from the picture, not zeros.
        Tensor x = Tensor.zeros(2, 3, 9, 9);
        try (CpuDevice cpu = new CpuDevice(1)) {
            cpu.fill(x, 0.7f);
            for (float v : rotate(cpu, x, params(0.5f, -2.3f)).data()) {
                assertEquals(0.7f, v, 1e-6f);
            }
            // A picture in [0.5, 1] keeps every value in [0.5, 1]: bilinear weights are a convex combination.
            float[] bright = images(new Random(4), 3 * 8 * 8);
            for (int i = 0; i < bright.length; i++) {
                bright[i] = 0.75f + 0.25f * bright[i];
            }
            for (float v : rotate(cpu, Tensor.of(bright, 1, 3, 8, 8), params(0.7f)).data()) {
                assertTrue(v >= 0.5f - 1e-6f && v <= 1f + 1e-6f, "value " + v);
            }
        }
    }

    /** Independent reference: mirror at the nearer edge (-0.5 or size - 0.5) until inside, then clamp. */
    @Test
    void reflectMirrorsAtThePixelEdgesAsOftenAsNeeded() {
        for (int size : new int[] {1, 2, 5}) {
            for (double c = -13.05; c <= 13.05; c += 0.1) {
                double r = c;
                while (r < -0.5 || r > size - 0.5) {
                    r = r < -0.5 ? -1 - r : 2 * size - 1 - r;
                }
                double expected = Math.max(0, Math.min(size - 1, r));
                assertEquals(expected, Warp.reflect((float) c, size), 1e-5, "reflect(" + c + ", " + size + ")");
            }
        }
    }

    @Test
    void floatKernelsMatchTheDoubleTwinAndAreIdenticalForAnyThreadCount() {
        int n = 4, c = 3, h = 61, w = 61;
        assertSplits("flipRotate90", (long) n * c * h * w, 1);
        float[] x = images(new Random(5), n * c * h * w);
        float[] k = {0f, 1f, 2f, 3f};
        float[] hf = {1f, 0f, 1f, 0f};
        float[] vf = {0f, 1f, 1f, 0f};
        float[] angle = {0.1f, -0.6f, 2f, 0f};
        double[] flipped = new double[x.length];
        TWIN.call("Warp", "flipRotate90", 0, x.length, toDouble(x), toDouble(k), toDouble(hf), toDouble(vf), flipped,
                c, h, w);
        double[] cos = new double[n];
        double[] sin = new double[n];
        for (int i = 0; i < n; i++) {
            cos[i] = Math.cos(angle[i]);
            sin[i] = Math.sin(angle[i]);
        }
        double[] rotated = new double[x.length];
        TWIN.call("Warp", "rotate", 0, x.length, toDouble(x), cos, sin, rotated, c, h, w);

        assertClose("flipRotate90", flipped, identicalOnAnyThreadCount("flipRotate90",
                cpu -> flipRotate90(cpu, Tensor.of(x, n, c, h, w), params(k), params(hf), params(vf)).data()), 0);
        assertClose("rotate", rotated, identicalOnAnyThreadCount("rotate",
                cpu -> rotate(cpu, Tensor.of(x, n, c, h, w), params(angle)).data()), 1e-5);
    }

    @Test
    void badShapesAndParametersAreRejectedNamingThem() {
        Tensor square = Tensor.zeros(2, 3, 4, 4);
        Tensor wide = Tensor.zeros(2, 3, 4, 5);
        Tensor zero = filled(2, 0f);
        try (CpuDevice cpu = new CpuDevice(1)) {
            assertRejected("an odd number of quarter turns needs square images",
                    () -> cpu.flipRotate90(wide, params(0f, 3f), zero, zero, wide.zerosLike()));
            assertRejected("quarter turns of sample 0 must be 0, 1, 2 or 3, got 4.0",
                    () -> cpu.flipRotate90(square, params(4f, 0f), zero, zero, square.zerosLike()));
            assertRejected("vertical flip flag of sample 1 must be 0 or 1, got 0.5",
                    () -> cpu.flipRotate90(square, zero, zero, params(0f, 0.5f), square.zerosLike()));
            assertRejected("horizontal flip flags has shape",
                    () -> cpu.flipRotate90(square, zero, filled(3, 0f), zero, square.zerosLike()));
            assertRejected("flipRotate90 output must not share storage",
                    () -> cpu.flipRotate90(square, zero, zero, zero, square));
            assertRejected("rotate output has shape", () -> cpu.rotate(square, zero, wide));
            assertRejected("rotation angles has shape", () -> cpu.rotate(square, filled(1, 0f), square.zerosLike()));
            assertRejected("rotate input has shape", () -> cpu.rotate(Tensor.zeros(2, 16), zero, Tensor.zeros(2, 16)));
        }
    }
}
