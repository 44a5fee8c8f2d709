package atelier.core.device;

import atelier.core.Tensor;
import atelier.core.kernels.Activation;

import java.util.Arrays;

/**
 * What every device does on the host before a launch: checks the tensors' shapes against each other (one-line
 * errors naming the tensor) and derives the launch dimensions and the small per-launch scalars. Shared by the CPU
 * device and the TornadoVM device, so both accept and refuse exactly the same calls.
 */
public final class DeviceChecks {
    /** Block size of the first pass of a reduction; fixed, so sums do not depend on how a launch is split. */
    public static final int REDUCE_BLOCK = 4096;

    private DeviceChecks() {
    }

    /** Dimensions of a convolution, checked against each other. */
    public static final class ConvShape {
        public final int batch, inC, inH, inW, outC, ksize, outH, outW;

        private ConvShape(int batch, int inC, int inH, int inW, int outC, int ksize, int outH, int outW) {
            this.batch = batch;
            this.inC = inC;
            this.inH = inH;
            this.inW = inW;
            this.outC = outC;
            this.ksize = ksize;
            this.outH = outH;
            this.outW = outW;
        }

        public static ConvShape of(Tensor x, Tensor w, int pad) {
            x.requireRank("conv2d input", 4);
            w.requireRank("conv2d weight", 4);
            int ksize = w.dim(2);
            if (w.dim(3) != ksize || w.dim(1) != x.dim(1)) {
                throw new IllegalArgumentException(
                        "conv2d weight " + w + " does not fit input " + x + " (expected [K, " + x.dim(1) + ", R, R])");
            }
            int outH = x.dim(2) + 2 * pad - ksize + 1;
            int outW = x.dim(3) + 2 * pad - ksize + 1;
            if (pad < 0 || outH < 1 || outW < 1) {
                throw new IllegalArgumentException("conv2d of " + x + " with " + w + " and pad " + pad + " is empty");
            }
            return new ConvShape(x.dim(0), x.dim(1), x.dim(2), x.dim(3), w.dim(0), ksize, outH, outW);
        }
    }

    /** Dimensions of a dense launch: x or dx [batch, in], a weight or its gradient [out, in], y or dy [batch, out]. */
    public static final class DenseShape {
        public final int batch, in, out;

        private DenseShape(int batch, int in, int out) {
            this.batch = batch;
            this.in = in;
            this.out = out;
        }

        public static DenseShape of(Tensor x, String xName, Tensor w, String wName, Tensor y, String yName) {
            int batch = x.requireRank(xName, 2).dim(0);
            int in = x.dim(1);
            int out = w.requireShape(wName, w.dim(0), in).dim(0);
            y.requireShape(yName, batch, out);
            return new DenseShape(batch, in, out);
        }
    }

    /** Elements per channel of a [N, C, ...] tensor, checking it has a batch and a channel dimension. */
    public static int plane(String what, Tensor t) {
        if (t.rank() < 2 || t.dim(0) == 0 || t.dim(1) == 0) {
            throw new IllegalArgumentException(what + " " + t + " needs a non-empty batch and channel dimension");
        }
        return t.numel() / (t.dim(0) * t.dim(1));
    }

    /** Leaky ReLU of x into y (same shape) with its sign mask; returns the mask's length. */
    public static int requireLeakyRelu(Tensor x, Tensor y, Tensor signs) {
        requireSameShape("leaky relu output", y, x);
        int floats = Activation.signFloats(x.numel());
        signs.requireShape("leaky relu sign mask", floats);
        return floats;
    }

    /** Leaky ReLU's backward from the sign mask. */
    public static void requireLeakyReluBackward(Tensor signs, Tensor dy, Tensor dx) {
        signs.requireShape("leaky relu sign mask", Activation.signFloats(dy.numel()));
        requireSameShape("leaky relu input gradient", dx, dy);
    }

    /** Pixel norm of x into y (same shape) with its per-pixel scale [N, plane]; returns the plane. */
    public static int requirePixelNorm(Tensor x, Tensor y, Tensor scale) {
        requireSameShape("pixel norm output", y, x);
        int plane = plane("pixel norm input", x);
        scale.requireShape("pixel norm scale", x.dim(0), plane);
        return plane;
    }

    /** Pixel norm's backward from its output y and scale; returns the plane. */
    public static int requirePixelNormBackward(Tensor y, Tensor scale, Tensor dy, Tensor dx) {
        int plane = plane("pixel norm output", y);
        scale.requireShape("pixel norm scale", y.dim(0), plane);
        requireSameShape("pixel norm gradient", dy, y);
        requireSameShape("pixel norm input gradient", dx, y);
        return plane;
    }

    /** A resize of x [N, C, H, W] to y [N, C, H', W']: its two axes and the [N, C, H, W'] intermediate. */
    public static final class ResizePlan {
        public final ResizeAxis across, down;
        public final Tensor wide;

        private ResizePlan(ResizeAxis across, ResizeAxis down, Tensor wide) {
            this.across = across;
            this.down = down;
            this.wide = wide;
        }

        public static ResizePlan of(Tensor x, Tensor y, String xName, String yName) {
            x.requireRank(xName, 4);
            y.requireRank(yName, 4);
            if (x.dim(0) != y.dim(0) || x.dim(1) != y.dim(1) || x.numel() == 0 || y.numel() == 0) {
                throw new IllegalArgumentException(yName + " " + y + " does not fit " + xName + " " + x
                        + " (expected the same non-empty batch and channels)");
            }
            return new ResizePlan(ResizeAxis.bicubic(x.dim(3), y.dim(3)), ResizeAxis.bicubic(x.dim(2), y.dim(2)),
                    Tensor.zeros(x.dim(0), x.dim(1), x.dim(2), y.dim(3)));
        }
    }

    /** The output channels of a pixel shuffle of x [N, C*f*f, H, W]: C, after checking x's shape and f. */
    public static int shuffledChannels(String what, Tensor x, int factor) {
        requireFactor(factor);
        x.requireRank(what, 4);
        if (x.dim(1) % (factor * factor) != 0) {
            throw new IllegalArgumentException(what + " " + x + " has " + x.dim(1)
                    + " channels, not a multiple of factor^2 = " + factor * factor);
        }
        return x.dim(1) / (factor * factor);
    }

    /** One band of rows of a height resize: output rows [firstOut, firstOut + count) read from the input band. */
    public static final class ResizeBand {
        public final int count;
        public final int[] start;
        public final float[] weights;
        public final int taps;

        private ResizeBand(int count, int[] start, float[] weights, int taps) {
            this.count = count;
            this.start = start;
            this.weights = weights;
            this.taps = taps;
        }

        /**
         * Checks that x [N, C, h, W] holds input rows [firstIn, firstIn + h) of inRows, enough for output rows
         * [firstOut, firstOut + y.dim(2)) of outRows, and returns their taps relative to the band.
         */
        public static ResizeBand of(Tensor x, int firstIn, int inRows, Tensor y, int firstOut, int outRows) {
            x.requireRank("resize band input", 4);
            y.requireShape("resize band output", x.dim(0), x.dim(1), y.dim(2), x.dim(3));
            ResizeAxis a = ResizeAxis.bicubic(inRows, outRows);
            int count = y.dim(2);
            if (firstOut < 0 || firstOut + count > outRows || count == 0) {
                throw new IllegalArgumentException("resize band output rows [" + firstOut + ", " + (firstOut + count)
                        + ") are not inside the " + outRows + " output rows");
            }
            int needFirst = a.start()[firstOut];
            int needEnd = a.start()[firstOut + count - 1] + a.taps();
            if (firstIn < 0 || needFirst < firstIn || needEnd > firstIn + x.dim(2) || firstIn + x.dim(2) > inRows) {
                throw new IllegalArgumentException("resize band input holds rows [" + firstIn + ", "
                        + (firstIn + x.dim(2)) + ") of " + inRows + ", output rows [" + firstOut + ", "
                        + (firstOut + count) + ") read rows [" + needFirst + ", " + needEnd + ")");
            }
            int[] start = new int[count];
            for (int j = 0; j < count; j++) {
                start[j] = a.start()[firstOut + j] - firstIn;
            }
            return new ResizeBand(count, start,
                    Arrays.copyOfRange(a.weights(), firstOut * a.taps(), (firstOut + count) * a.taps()), a.taps());
        }
    }

    public static void requireFactor(int factor) {
        if (factor < 1) {
            throw new IllegalArgumentException("upsampling factor must be >= 1, got " + factor);
        }
    }

    public static void requireDivisible(Tensor x, int factor) {
        x.requireRank("downsample input", 4);
        if (x.dim(2) % factor != 0 || x.dim(3) % factor != 0) {
            throw new IllegalArgumentException("downsample input " + x + " is not divisible by factor " + factor);
        }
    }

    /** Checks a pyramid step down: x [N, C, H, W] with H, W even and >= 4, y [N, C, H/2, W/2]. */
    public static void requirePyramidDown(Tensor x, Tensor y) {
        x.requireRank("pyramid down input", 4);
        int h = x.dim(2);
        int w = x.dim(3);
        if (h < 4 || w < 4 || h % 2 != 0 || w % 2 != 0) {
            throw new IllegalArgumentException("pyramid down input " + x + " needs an even height and width >= 4");
        }
        y.requireShape("pyramid down output", x.dim(0), x.dim(1), h / 2, w / 2);
    }

    /** Checks a pyramid step up: x [N, C, H, W] with H, W >= 2, y [N, C, 2H, 2W]. */
    public static void requirePyramidUp(Tensor x, Tensor y) {
        x.requireRank("pyramid up input", 4);
        int h = x.dim(2);
        int w = x.dim(3);
        if (h < 2 || w < 2) {
            throw new IllegalArgumentException("pyramid up input " + x + " needs a height and width >= 2");
        }
        y.requireShape("pyramid up output", x.dim(0), x.dim(1), 2 * h, 2 * w);
    }

    /** Dimensions of a minibatch-stddev launch, checked against its statistics buffers. */
    public static final class MbstdShape {
        public final int groups, channels, plane, features;

        private MbstdShape(int groups, int channels, int plane, int features) {
            this.groups = groups;
            this.channels = channels;
            this.plane = plane;
            this.features = features;
        }

        public static MbstdShape of(Tensor x, int groupSize, Tensor mean, Tensor std, Tensor stat, String statName) {
            x.requireRank("minibatch stddev input", 4);
            if (groupSize < 1 || x.dim(0) % groupSize != 0) {
                throw new IllegalArgumentException(
                        "minibatch stddev group size " + groupSize + " does not divide batch " + x.dim(0));
            }
            int groups = x.dim(0) / groupSize;
            int plane = x.dim(2) * x.dim(3);
            int features = x.dim(1) * plane;
            mean.requireShape("minibatch stddev mean", groups, features);
            std.requireShape("minibatch stddev std", groups, features);
            stat.requireShape(statName, groups);
            return new MbstdShape(groups, x.dim(1), plane, features);
        }

        /** The forward's dimensions, also checking y: x with one more channel. */
        public static MbstdShape ofForward(Tensor x, int groupSize, Tensor mean, Tensor std, Tensor stat, Tensor y) {
            MbstdShape s = of(x, groupSize, mean, std, stat, "minibatch stddev statistic");
            y.requireShape("minibatch stddev output", x.dim(0), s.channels + 1, x.dim(2), x.dim(3));
            return s;
        }

        /** The backward's dimensions, also checking dy (like y) and dx (like x). */
        public static MbstdShape ofBackward(Tensor x, int groupSize, Tensor mean, Tensor std, Tensor dStat, Tensor dy,
                                            Tensor dx) {
            MbstdShape s = of(x, groupSize, mean, std, dStat, "minibatch stddev statistic gradient");
            dy.requireShape("minibatch stddev output gradient", x.dim(0), s.channels + 1, x.dim(2), x.dim(3));
            requireSameShape("minibatch stddev input gradient", dx, x);
            return s;
        }

        /** The second-order pass's dimensions, also checking the cotangents dxBar, xBar (like x), dyBar (like y). */
        public static MbstdShape ofSecondOrder(Tensor x, int groupSize, Tensor mean, Tensor std, Tensor dStat,
                                               Tensor dxBar, Tensor dyBar, Tensor xBar) {
            MbstdShape s = of(x, groupSize, mean, std, dStat, "minibatch stddev statistic gradient");
            requireSameShape("minibatch stddev dx cotangent", dxBar, x);
            requireSameShape("minibatch stddev x cotangent", xBar, x);
            dyBar.requireShape("minibatch stddev dy cotangent", x.dim(0), s.channels + 1, x.dim(2), x.dim(3));
            return s;
        }
    }

    public static void requireSameShape(String what, Tensor t, Tensor like) {
        t.requireShape(what, like.shape());
    }

    /**
     * The scalars of one Adam step, computed on the host in double as PyTorch does (see
     * {@link atelier.core.kernels.Adam}), after checking the moment and gradient shapes against p.
     */
    public static final class AdamStep {
        public final float beta1, oneMinusBeta1, beta2, oneMinusBeta2, eps, stepSize, bias2Sqrt;

        private AdamStep(double lr, double beta1, double beta2, double eps, long step) {
            this.beta1 = (float) beta1;
            this.oneMinusBeta1 = (float) (1 - beta1);
            this.beta2 = (float) beta2;
            this.oneMinusBeta2 = (float) (1 - beta2);
            this.eps = (float) eps;
            this.stepSize = (float) (lr / (1 - Math.pow(beta1, step)));
            this.bias2Sqrt = (float) Math.sqrt(1 - Math.pow(beta2, step));
        }

        public static AdamStep of(Tensor p, Tensor g, Tensor m, Tensor v, double lr, double beta1, double beta2,
                                  double eps, long step) {
            requireSameShape("adam gradient", g, p);
            requireSameShape("adam first moment", m, p);
            requireSameShape("adam second moment", v, p);
            if (step < 1) {
                throw new IllegalArgumentException("adam step counts from 1, got " + step);
            }
            return new AdamStep(lr, beta1, beta2, eps, step);
        }
    }

    /** Checks a flip/rotate-by-quarter-turns launch: shapes, turns in {0..3} (odd only on squares), 0/1 flags. */
    public static void requireFlipRotate90(Tensor x, Tensor quarterTurns, Tensor hflip, Tensor vflip, Tensor y) {
        int batch = requireWarp("flipRotate90", x, y);
        float[] turns = quarterTurns.requireShape("quarter turns", batch).data();
        for (int n = 0; n < batch; n++) {
            float k = turns[n];
            if (k != 0f && k != 1f && k != 2f && k != 3f) {
                throw new IllegalArgumentException("quarter turns of sample " + n + " must be 0, 1, 2 or 3, got " + k);
            }
            if ((k == 1f || k == 3f) && x.dim(2) != x.dim(3)) {
                throw new IllegalArgumentException(
                        "an odd number of quarter turns needs square images, got " + x + " (sample " + n + ")");
            }
        }
        requireFlags("horizontal flip", hflip.requireShape("horizontal flip flags", batch));
        requireFlags("vertical flip", vflip.requireShape("vertical flip flags", batch));
    }

    /** Checks a rotation launch and returns the cosines and sines of the per-sample angles: {cos, sin}. */
    public static float[][] rotationCosSin(Tensor x, Tensor angle, Tensor y) {
        int batch = requireWarp("rotate", x, y);
        float[] angles = angle.requireShape("rotation angles", batch).data();
        float[] cos = new float[batch];
        float[] sin = new float[batch];
        for (int n = 0; n < batch; n++) {
            cos[n] = (float) Math.cos(angles[n]);
            sin[n] = (float) Math.sin(angles[n]);
        }
        return new float[][] {cos, sin};
    }

    /** Checks a warp's input and output: same [N, C, H, W] shape, separate storage. Returns N. */
    private static int requireWarp(String what, Tensor x, Tensor y) {
        x.requireRank(what + " input", 4);
        requireSameShape(what + " output", y, x);
        if (x.data() == y.data() && x.numel() > 0) {
            throw new IllegalArgumentException(what + " output must not share storage with its input");
        }
        return x.dim(0);
    }

    private static void requireFlags(String what, Tensor flags) {
        float[] f = flags.data();
        for (int n = 0; n < f.length; n++) {
            if (f[n] != 0f && f[n] != 1f) {
                throw new IllegalArgumentException(what + " flag of sample " + n + " must be 0 or 1, got " + f[n]);
            }
        }
    }

    /** Checks a colour-jitter launch: RGB [N, 3, H, W] images, y like x, [N] factors >= 0 and [N] hue shifts. */
    public static void requireColorJitter(Tensor x, Tensor brightness, Tensor contrast, Tensor saturation, Tensor hue,
                                          Tensor y) {
        x.requireRank("colour jitter input", 4);
        if (x.dim(1) != 3) {
            throw new IllegalArgumentException("colour jitter needs RGB images [N, 3, H, W], got " + x);
        }
        requireSameShape("colour jitter output", y, x);
        int batch = x.dim(0);
        requireNonNegative("brightness", brightness.requireShape("brightness factors", batch));
        requireNonNegative("contrast", contrast.requireShape("contrast factors", batch));
        requireNonNegative("saturation", saturation.requireShape("saturation factors", batch));
        hue.requireShape("hue shifts", batch);
    }

    private static void requireNonNegative(String what, Tensor factors) {
        float[] f = factors.data();
        for (int n = 0; n < f.length; n++) {
            if (!(f[n] >= 0f)) {
                throw new IllegalArgumentException(what + " factor of sample " + n + " must be >= 0, got " + f[n]);
            }
        }
    }
}
