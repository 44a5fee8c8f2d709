package atelier.core.device;

import atelier.core.Tensor;
import atelier.core.kernels.Conv2d;

import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Convolution checks shared by the fast paths' tests: random problems, and the comparison with the plain reference
 * kernels of {@link Conv2d}, equal within float rounding relative to the magnitude of each sum (the same
 * convolution of |x| and |w|); the input gradient must overwrite and the weight gradient add.
 */
final class ConvCheck {
    static final float TOLERANCE = 1e-5f;
    static final float SCALE = 0.7f;

    private ConvCheck() {
    }

    /** A convolution problem with random data: x [N, C, H, W], w [K, C, R, R], dy [N, K, outH, outW]. */
    record Problem(int n, int c, int h, int w, int k, int r, int pad, float[] x, float[] wt, float[] dy) {
        static Problem random(long seed, int n, int c, int h, int w, int k, int r, int pad) {
            Random rng = new Random(seed);
            int outH = h + 2 * pad - r + 1;
            int outW = w + 2 * pad - r + 1;
            return new Problem(n, c, h, w, k, r, pad, randn(rng, n * c * h * w), randn(rng, k * c * r * r),
                    randn(rng, n * k * outH * outW));
        }

        int outSize() {
            return dy.length;
        }
    }

    /** The three convolution operations under test, writing y, dx (overwritten) and dw (accumulated). */
    @FunctionalInterface
    interface Convolution {
        void run(Problem p, float[] y, float[] dx, float[] dw);

        static Convolution of(FastConv fast) {
            return (p, y, dx, dw) -> {
                fast.forward(p.x(), p.wt(), SCALE, y, p.n, p.c, p.h, p.w, p.k, p.r, p.pad);
                fast.backwardInput(p.dy(), p.wt(), SCALE, dx, p.n, p.c, p.h, p.w, p.k, p.r, p.pad);
                fast.backwardWeight(p.x(), p.dy(), SCALE, dw, p.n, p.c, p.h, p.w, p.k, p.r, p.pad);
            };
        }

        static Convolution of(WinogradConv winograd) {
            return (p, y, dx, dw) -> {
                if (p.r != 3 || p.pad != 1) {
                    throw new IllegalArgumentException("Winograd's F(2x2, 3x3) is for 3x3 with padding 1");
                }
                winograd.forward(p.x(), p.wt(), SCALE, y, p.n, p.c, p.h, p.w, p.k);
                winograd.backwardInput(p.dy(), p.wt(), SCALE, dx, p.n, p.c, p.h, p.w, p.k);
                winograd.backwardWeight(p.x(), p.dy(), SCALE, dw, p.n, p.c, p.h, p.w, p.k);
            };
        }

        static Convolution of(CpuDevice cpu) {
            return (p, y, dx, dw) -> {
                Tensor x = Tensor.of(p.x(), p.n, p.c, p.h, p.w);
                Tensor w = Tensor.of(p.wt(), p.k, p.c, p.r, p.r);
                Tensor dy = Tensor.of(p.dy(), p.n, p.k, p.h + 2 * p.pad - p.r + 1, p.w + 2 * p.pad - p.r + 1);
                cpu.conv2d(x, w, SCALE, p.pad, Tensor.of(y, dy.shape()));
                cpu.conv2dBackwardInput(dy, w, SCALE, p.pad, Tensor.of(dx, x.shape()));
                cpu.conv2dBackwardWeight(x, dy, SCALE, p.pad, Tensor.of(dw, w.shape()));
            };
        }
    }

    static void assertMatchesPlain(Problem p, Convolution convolution) {
        int outSize = p.outSize();
        float[] y = new float[outSize];
        Arrays.fill(y, Float.NaN);    // overwritten
        float[] dx = new float[p.x().length];
        Arrays.fill(dx, Float.NaN);   // overwritten
        float[] dwStart = randn(new Random(1), p.wt().length);
        float[] dw = dwStart.clone();
        convolution.run(p, y, dx, dw);

        float[] yRef = new float[outSize];
        float[] yMag = new float[outSize];
        Conv2d.forward(0, outSize, p.x(), p.wt(), SCALE, yRef, p.n, p.c, p.h, p.w, p.k, p.r, p.pad);
        Conv2d.forward(0, outSize, abs(p.x()), abs(p.wt()), SCALE, yMag, p.n, p.c, p.h, p.w, p.k, p.r, p.pad);
        assertClose("forward", yRef, yMag, y);
        float[] dxRef = new float[p.x().length];
        float[] dxMag = new float[p.x().length];
        Conv2d.backwardInput(0, dxRef.length, p.dy(), p.wt(), SCALE, dxRef, p.n, p.c, p.h, p.w, p.k, p.r, p.pad);
        Conv2d.backwardInput(0, dxRef.length, abs(p.dy()), abs(p.wt()), SCALE, dxMag, p.n, p.c, p.h, p.w, p.k, p.r,
                p.pad);
        assertClose("input gradient", dxRef, dxMag, dx);
        float[] dwRef = dwStart.clone();
        float[] dwMag = abs(dwStart);
        Conv2d.backwardWeight(0, dw.length, p.x(), p.dy(), SCALE, dwRef, p.n, p.c, p.h, p.w, p.k, p.r, p.pad);
        Conv2d.backwardWeight(0, dw.length, abs(p.x()), abs(p.dy()), SCALE, dwMag, p.n, p.c, p.h, p.w, p.k, p.r,
                p.pad);
        assertClose("weight gradient (added to a random start)", dwRef, dwMag, dw);
    }

    /** The convolution made on CPU devices of 1, 2 and 3 threads gives bit-identical results. */
    static void assertIdenticalForAnyThreadCount(Problem p, Function<CpuDevice, Convolution> convolutionOn) {
        float[][] results = new float[3][];
        for (int threads = 1; threads <= 3; threads++) {
            try (CpuDevice cpu = new CpuDevice(threads)) {
                float[] y = new float[p.outSize()];
                float[] dx = new float[p.x().length];
                float[] dw = new float[p.wt().length];
                convolutionOn.apply(cpu).run(p, y, dx, dw);
                results[threads - 1] = concat(y, dx, dw);
            }
        }
        assertArrayEquals(results[0], results[1]);
        assertArrayEquals(results[0], results[2]);
    }

    static void assertClose(String what, float[] expected, float[] magnitude, float[] actual) {
        for (int i = 0; i < expected.length; i++) {
            float tolerance = TOLERANCE * magnitude[i] + Float.MIN_NORMAL;
            if (!(Math.abs(expected[i] - actual[i]) <= tolerance)) {
                throw new AssertionError(what + " differs at " + i + ": expected " + expected[i] + ", got "
                        + actual[i] + " (tolerance " + tolerance + ")");
            }
        }
    }

    static float[] randn(Random rng, int size) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) {
            a[i] = (float) rng.nextGaussian();
        }
        return a;
    }

    static float[] abs(float[] a) {
        float[] b = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = Math.abs(a[i]);
        }
        return b;
    }

    private static float[] concat(float[]... parts) {
        int length = 0;
        for (float[] part : parts) {
            length += part.length;
        }
        float[] all = new float[length];
        int at = 0;
        for (float[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }
}
