package atelier.core.device;

import atelier.core.Tensor;
import atelier.core.kernels.Activation;
import atelier.core.kernels.Adam;
import atelier.core.kernels.Bias;
import atelier.core.kernels.Conv2d;
import atelier.core.kernels.Elementwise;
import atelier.core.kernels.MinibatchStddev;
import atelier.core.kernels.PixelNorm;
import atelier.core.kernels.Reduce;
import atelier.core.kernels.Resample;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The CPU device: each launch splits the kernel's work-item range into one contiguous chunk per thread and runs
 * the same static kernel method on every chunk. Kernels compute each work item independently and in a fixed
 * order, so results are bit-identical for any thread count. Convolutions with 0 <= pad <= R-1 (all of PGAN's) and
 * dense layers (1x1 convolutions of 1x1 images) run on {@link FastConv}, a Vector API implicit GEMM with the same
 * math as the {@link Conv2d} and {@link atelier.core.kernels.Dense} kernels and the same determinism; other
 * convolutions run the plain {@link Conv2d} kernels.
 */
public final class CpuDevice implements Device {
    /** Launches with less work than this (items x work per item) run on the calling thread alone. */
    private static final long MIN_PARALLEL_WORK = 1L << 15;
    /** Block size of the first pass of a reduction; fixed, so sums do not depend on the thread count. */
    private static final int REDUCE_BLOCK = 4096;

    /** A kernel launch over a slice [begin, end) of its work items. */
    @FunctionalInterface
    public interface RangeKernel {
        void run(int begin, int end);
    }

    private final int threads;
    private final ExecutorService workers;
    private final FastConv fastConv = new FastConv(this);

    /** A device using every core the JVM sees. */
    public CpuDevice() {
        this(Runtime.getRuntime().availableProcessors());
    }

    public CpuDevice(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("thread count must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.workers = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, runnable -> {
            Thread t = new Thread(runnable, "atelier-cpu");
            t.setDaemon(true);
            return t;
        });
    }

    public int threads() {
        return threads;
    }

    @Override
    public String name() {
        return "cpu (" + threads + (threads == 1 ? " thread)" : " threads)");
    }

    /**
     * Runs {@code kernel} over work items [0, items): one chunk on the calling thread, the others on the workers.
     * {@code workPerItem} (roughly multiply-adds per item) decides whether splitting is worth it.
     */
    public void parallelFor(int items, long workPerItem, RangeKernel kernel) {
        int chunks = (int) Math.min(threads, items);
        if (chunks <= 1 || (long) items * workPerItem < MIN_PARALLEL_WORK) {
            kernel.run(0, items);
            return;
        }
        List<Future<?>> pending = new ArrayList<>(chunks - 1);
        for (int c = 1; c < chunks; c++) {
            int begin = chunkStart(items, chunks, c);
            int end = chunkStart(items, chunks, c + 1);
            pending.add(workers.submit(() -> kernel.run(begin, end)));
        }
        kernel.run(0, chunkStart(items, chunks, 1));
        for (Future<?> f : pending) {
            try {
                f.get();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException re) {
                    throw re;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(cause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a kernel", e);
            }
        }
    }

    private static int chunkStart(int items, int chunks, int c) {
        return (int) ((long) items * c / chunks);
    }

    @Override
    public void conv2d(Tensor x, Tensor w, float wScale, int pad, Tensor y) {
        ConvShape s = ConvShape.of(x, w, pad);
        y.requireShape("conv2d output", s.batch, s.outC, s.outH, s.outW);
        if (FastConv.supports(s.ksize, pad)) {
            fastConv.forward(x.data(), w.data(), wScale, y.data(), s.batch, s.inC, s.inH, s.inW, s.outC, s.ksize,
                    pad);
            return;
        }
        parallelFor(y.numel(), (long) s.inC * s.ksize * s.ksize, (b, e) -> Conv2d.forward(b, e,
                x.data(), w.data(), wScale, y.data(), s.batch, s.inC, s.inH, s.inW, s.outC, s.ksize, pad));
    }

    @Override
    public void conv2dBackwardInput(Tensor dy, Tensor w, float wScale, int pad, Tensor dx) {
        ConvShape s = ConvShape.of(dx, w, pad);
        dy.requireShape("conv2d output gradient", s.batch, s.outC, s.outH, s.outW);
        if (FastConv.supports(s.ksize, pad)) {
            fastConv.backwardInput(dy.data(), w.data(), wScale, dx.data(), s.batch, s.inC, s.inH, s.inW, s.outC,
                    s.ksize, pad);
            return;
        }
        parallelFor(dx.numel(), (long) s.outC * s.ksize * s.ksize, (b, e) -> Conv2d.backwardInput(b, e,
                dy.data(), w.data(), wScale, dx.data(), s.batch, s.inC, s.inH, s.inW, s.outC, s.ksize, pad));
    }

    @Override
    public void conv2dBackwardWeight(Tensor x, Tensor dy, float wScale, int pad, Tensor dw) {
        ConvShape s = ConvShape.of(x, dw, pad);
        dy.requireShape("conv2d output gradient", s.batch, s.outC, s.outH, s.outW);
        if (FastConv.supports(s.ksize, pad)) {
            fastConv.backwardWeight(x.data(), dy.data(), wScale, dw.data(), s.batch, s.inC, s.inH, s.inW, s.outC,
                    s.ksize, pad);
            return;
        }
        parallelFor(dw.numel(), (long) s.batch * s.outH * s.outW, (b, e) -> Conv2d.backwardWeight(b, e,
                x.data(), dy.data(), wScale, dw.data(), s.batch, s.inC, s.inH, s.inW, s.outC, s.ksize, pad));
    }

    /** Dimensions of a convolution, checked against each other. */
    private record ConvShape(int batch, int inC, int inH, int inW, int outC, int ksize, int outH, int outW) {
        static ConvShape of(Tensor x, Tensor w, int pad) {
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

    @Override
    public void dense(Tensor x, Tensor w, float wScale, Tensor y) {
        int batch = x.requireRank("dense input", 2).dim(0);
        int in = x.dim(1);
        int out = w.requireShape("dense weight", w.dim(0), in).dim(0);
        y.requireShape("dense output", batch, out);
        // A dense layer is a 1x1 convolution of 1x1 images: [N, In] is [N, In, 1, 1] in NCHW.
        fastConv.forward(x.data(), w.data(), wScale, y.data(), batch, in, 1, 1, out, 1, 0);
    }

    @Override
    public void denseBackwardInput(Tensor dy, Tensor w, float wScale, Tensor dx) {
        int batch = dx.requireRank("dense input gradient", 2).dim(0);
        int in = dx.dim(1);
        int out = w.requireShape("dense weight", w.dim(0), in).dim(0);
        dy.requireShape("dense output gradient", batch, out);
        fastConv.backwardInput(dy.data(), w.data(), wScale, dx.data(), batch, in, 1, 1, out, 1, 0);
    }

    @Override
    public void denseBackwardWeight(Tensor x, Tensor dy, float wScale, Tensor dw) {
        int batch = x.requireRank("dense input", 2).dim(0);
        int in = x.dim(1);
        int out = dw.requireShape("dense weight gradient", dw.dim(0), in).dim(0);
        dy.requireShape("dense output gradient", batch, out);
        fastConv.backwardWeight(x.data(), dy.data(), wScale, dw.data(), batch, in, 1, 1, out, 1, 0);
    }

    /** Elements per channel of a [N, C, ...] tensor, checking it has a batch and a channel dimension. */
    private static int plane(String what, Tensor t) {
        if (t.rank() < 2 || t.dim(0) == 0 || t.dim(1) == 0) {
            throw new IllegalArgumentException(what + " " + t + " needs a non-empty batch and channel dimension");
        }
        return t.numel() / (t.dim(0) * t.dim(1));
    }

    @Override
    public void biasAdd(Tensor y, Tensor b) {
        int plane = plane("bias input", y);
        int channels = y.dim(1);
        b.requireShape("bias", channels);
        parallelFor(y.numel(), 1, (s, e) -> Bias.forward(s, e, y.data(), b.data(), channels, plane));
    }

    @Override
    public void biasBackward(Tensor dy, Tensor db) {
        int plane = plane("bias output gradient", dy);
        int batch = dy.dim(0);
        int channels = dy.dim(1);
        db.requireShape("bias gradient", channels);
        parallelFor(channels, (long) batch * plane,
                (s, e) -> Bias.backward(s, e, dy.data(), db.data(), batch, channels, plane));
    }

    @Override
    public void upsampleNearest(Tensor x, int factor, Tensor y) {
        requireFactor(factor);
        x.requireRank("upsample input", 4);
        y.requireShape("upsample output", x.dim(0), x.dim(1), x.dim(2) * factor, x.dim(3) * factor);
        parallelFor(y.numel(), 1,
                (b, e) -> Resample.upsampleNearest(b, e, x.data(), y.data(), x.dim(2), x.dim(3), factor));
    }

    @Override
    public void upsampleNearestBackward(Tensor dy, int factor, Tensor dx) {
        requireFactor(factor);
        dx.requireRank("upsample input gradient", 4);
        dy.requireShape("upsample output gradient", dx.dim(0), dx.dim(1), dx.dim(2) * factor, dx.dim(3) * factor);
        parallelFor(dx.numel(), (long) factor * factor, (b, e) -> Resample.upsampleNearestBackward(b, e,
                dy.data(), dx.data(), dx.dim(2), dx.dim(3), factor));
    }

    @Override
    public void downsample(Tensor x, Filter filter, Tensor y) {
        int f = filter.factor();
        requireDivisible(x, f);
        y.requireShape("downsample output", x.dim(0), x.dim(1), x.dim(2) / f, x.dim(3) / f);
        float[] taps = filter.taps();
        parallelFor(y.numel(), (long) taps.length * taps.length, (b, e) -> Resample.downsample(b, e,
                x.data(), y.data(), x.dim(2), x.dim(3), f, taps, taps.length, filter.tapOffset()));
    }

    @Override
    public void downsampleBackward(Tensor dy, Filter filter, Tensor dx) {
        int f = filter.factor();
        requireDivisible(dx, f);
        dy.requireShape("downsample output gradient", dx.dim(0), dx.dim(1), dx.dim(2) / f, dx.dim(3) / f);
        float[] taps = filter.taps();
        parallelFor(dx.numel(), (long) taps.length * taps.length, (b, e) -> Resample.downsampleBackward(b, e,
                dy.data(), dx.data(), dx.dim(2), dx.dim(3), f, taps, taps.length, filter.tapOffset()));
    }

    private static void requireFactor(int factor) {
        if (factor < 1) {
            throw new IllegalArgumentException("upsampling factor must be >= 1, got " + factor);
        }
    }

    private static void requireDivisible(Tensor x, int factor) {
        x.requireRank("downsample input", 4);
        if (x.dim(2) % factor != 0 || x.dim(3) % factor != 0) {
            throw new IllegalArgumentException("downsample input " + x + " is not divisible by factor " + factor);
        }
    }

    @Override
    public void leakyRelu(Tensor x, float slope, Tensor y) {
        requireSameShape("leaky relu output", y, x);
        parallelFor(x.numel(), 1, (b, e) -> Activation.leakyRelu(b, e, x.data(), y.data(), slope));
    }

    @Override
    public void leakyReluBackward(Tensor y, Tensor dy, float slope, Tensor dx) {
        requireSameShape("leaky relu gradient", dy, y);
        requireSameShape("leaky relu input gradient", dx, y);
        parallelFor(y.numel(), 1,
                (b, e) -> Activation.leakyReluBackward(b, e, y.data(), dy.data(), dx.data(), slope));
    }

    @Override
    public void pixelNorm(Tensor x, float eps, Tensor y) {
        requireSameShape("pixel norm output", y, x);
        int plane = plane("pixel norm input", x);
        int channels = x.dim(1);
        parallelFor(x.dim(0) * plane, 2L * channels,
                (b, e) -> PixelNorm.forward(b, e, x.data(), y.data(), channels, plane, eps));
    }

    @Override
    public void pixelNormBackward(Tensor x, Tensor dy, float eps, Tensor dx) {
        requireSameShape("pixel norm gradient", dy, x);
        requireSameShape("pixel norm input gradient", dx, x);
        int plane = plane("pixel norm input", x);
        int channels = x.dim(1);
        parallelFor(x.dim(0) * plane, 3L * channels,
                (b, e) -> PixelNorm.backward(b, e, x.data(), dy.data(), dx.data(), channels, plane, eps));
    }

    @Override
    public void minibatchStddev(Tensor x, int groupSize, Tensor mean, Tensor std, Tensor stat, Tensor y) {
        MbstdShape s = MbstdShape.of(x, groupSize, mean, std, stat, "minibatch stddev statistic");
        y.requireShape("minibatch stddev output", x.dim(0), s.channels + 1, x.dim(2), x.dim(3));
        if (groupSize > 1) {
            int cells = s.groups * s.features;
            parallelFor(cells, 2L * groupSize, (b, e) -> MinibatchStddev.groupStats(b, e,
                    x.data(), mean.data(), std.data(), s.features, groupSize));
            parallelFor(s.groups, s.features, (b, e) -> Reduce.blockSums(b, e,
                    std.data(), cells, s.features, 1f / s.features, stat.data()));
        } else {
            fill(stat, 0f);
        }
        parallelFor(y.numel(), 1, (b, e) -> MinibatchStddev.forward(b, e,
                x.data(), stat.data(), y.data(), s.channels, s.plane, groupSize));
    }

    @Override
    public void minibatchStddevBackward(Tensor x, Tensor mean, Tensor std, Tensor dy, int groupSize, Tensor dStat,
                                        Tensor dx) {
        MbstdShape s = MbstdShape.of(x, groupSize, mean, std, dStat, "minibatch stddev statistic gradient");
        dy.requireShape("minibatch stddev output gradient", x.dim(0), s.channels + 1, x.dim(2), x.dim(3));
        requireSameShape("minibatch stddev input gradient", dx, x);
        if (groupSize > 1) {
            parallelFor(s.groups, (long) groupSize * s.plane, (b, e) -> MinibatchStddev.statGrad(b, e,
                    dy.data(), dStat.data(), s.channels, s.plane, groupSize));
        }
        parallelFor(x.numel(), 2, (b, e) -> MinibatchStddev.backward(b, e, x.data(), mean.data(), std.data(),
                dy.data(), dStat.data(), dx.data(), s.channels, s.plane, groupSize));
    }

    @Override
    public void minibatchStddevSecondOrder(Tensor x, Tensor mean, Tensor std, Tensor dStat, Tensor dxBar,
                                           int groupSize, Tensor dot, Tensor bMean, Tensor u, Tensor dyBar,
                                           Tensor xBar) {
        MbstdShape s = MbstdShape.of(x, groupSize, mean, std, dStat, "minibatch stddev statistic gradient");
        requireSameShape("minibatch stddev dx cotangent", dxBar, x);
        requireSameShape("minibatch stddev x cotangent", xBar, x);
        dyBar.requireShape("minibatch stddev dy cotangent", x.dim(0), s.channels + 1, x.dim(2), x.dim(3));
        if (groupSize == 1) {
            // dx = dy[:C] exactly: dyBar is dxBar with a zero stat channel, which is what forward writes.
            float[] zeroStat = new float[x.dim(0)];
            parallelFor(dyBar.numel(), 1, (b, e) -> MinibatchStddev.forward(b, e,
                    dxBar.data(), zeroStat, dyBar.data(), s.channels, s.plane, 1));
            return;
        }
        MbstdShape.of(x, groupSize, dot, bMean, u, "minibatch stddev statistic cotangent");
        int cells = s.groups * s.features;
        parallelFor(cells, 2L * groupSize, (b, e) -> MinibatchStddev.secondOrderStats(b, e,
                x.data(), mean.data(), dxBar.data(), dot.data(), bMean.data(), s.features, groupSize));
        parallelFor(s.groups, s.features, (b, e) -> MinibatchStddev.secondOrderStatCotangent(b, e,
                dot.data(), std.data(), u.data(), s.features, groupSize));
        parallelFor(dyBar.numel(), 1, (b, e) -> MinibatchStddev.secondOrderOutput(b, e,
                dxBar.data(), u.data(), dyBar.data(), s.channels, s.plane, groupSize));
        parallelFor(x.numel(), 8, (b, e) -> MinibatchStddev.secondOrderInput(b, e, x.data(), mean.data(),
                std.data(), dxBar.data(), dot.data(), bMean.data(), dStat.data(), xBar.data(), s.channels, s.plane,
                groupSize));
    }

    /** Dimensions of a minibatch-stddev launch, checked against its statistics buffers. */
    private record MbstdShape(int groups, int channels, int plane, int features) {
        static MbstdShape of(Tensor x, int groupSize, Tensor mean, Tensor std, Tensor stat, String statName) {
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
    }

    @Override
    public void add(Tensor a, Tensor b, Tensor out) {
        requireSameShape("add operand", b, a);
        requireSameShape("add output", out, a);
        parallelFor(a.numel(), 1, (s, e) -> Elementwise.add(s, e, a.data(), b.data(), out.data()));
    }

    @Override
    public void mul(Tensor a, Tensor b, Tensor out) {
        requireSameShape("mul operand", b, a);
        requireSameShape("mul output", out, a);
        parallelFor(a.numel(), 1, (s, e) -> Elementwise.mul(s, e, a.data(), b.data(), out.data()));
    }

    @Override
    public void scale(Tensor x, float alpha, Tensor out) {
        requireSameShape("scale output", out, x);
        parallelFor(x.numel(), 1, (s, e) -> Elementwise.scale(s, e, x.data(), alpha, out.data()));
    }

    @Override
    public void scaleRows(Tensor x, Tensor rowScale, Tensor out) {
        requireSameShape("scaleRows output", out, x);
        rowScale.requireShape("row scales", x.dim(0));
        int rowSize = x.numel() / x.dim(0);
        parallelFor(x.numel(), 1, (s, e) -> Elementwise.scaleRows(s, e, x.data(), rowScale.data(), rowSize, out.data()));
    }

    @Override
    public void axpy(float alpha, Tensor x, Tensor y) {
        requireSameShape("axpy output", y, x);
        parallelFor(x.numel(), 1, (s, e) -> Elementwise.axpy(s, e, alpha, x.data(), y.data()));
    }

    @Override
    public void lerp(Tensor a, Tensor b, float t, Tensor out) {
        requireSameShape("lerp operand", b, a);
        requireSameShape("lerp output", out, a);
        parallelFor(a.numel(), 1, (s, e) -> Elementwise.lerp(s, e, a.data(), b.data(), t, out.data()));
    }

    @Override
    public void fill(Tensor x, float value) {
        parallelFor(x.numel(), 1, (s, e) -> Elementwise.fill(s, e, x.data(), value));
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        requireSameShape("copy destination", dst, src);
        parallelFor(src.numel(), 1, (s, e) -> Elementwise.copy(s, e, src.data(), dst.data()));
    }

    @Override
    public float sum(Tensor x) {
        return reduce(x, false);
    }

    @Override
    public float sumOfSquares(Tensor x) {
        return reduce(x, true);
    }

    @Override
    public void rowSumsOfSquares(Tensor x, Tensor out) {
        out.requireShape("row sums", x.dim(0));
        int rowSize = x.numel() / x.dim(0);
        parallelFor(x.dim(0), rowSize, (b, e) -> Reduce.blockSumsOfSquares(b, e, x.data(), x.numel(), rowSize, 1f,
                out.data()));
    }

    private float reduce(Tensor x, boolean squares) {
        int n = x.numel();
        if (n == 0) {
            return 0f;
        }
        int blocks = (n + REDUCE_BLOCK - 1) / REDUCE_BLOCK;
        float[] partial = new float[blocks];
        parallelFor(blocks, REDUCE_BLOCK, (b, e) -> {
            if (squares) {
                Reduce.blockSumsOfSquares(b, e, x.data(), n, REDUCE_BLOCK, 1f, partial);
            } else {
                Reduce.blockSums(b, e, x.data(), n, REDUCE_BLOCK, 1f, partial);
            }
        });
        float[] total = new float[1];
        Reduce.blockSums(0, 1, partial, blocks, blocks, 1f, total);
        return total[0];
    }

    @Override
    public void adam(Tensor p, Tensor g, Tensor m, Tensor v, double lr, double beta1, double beta2, double eps,
                     long step) {
        requireSameShape("adam gradient", g, p);
        requireSameShape("adam first moment", m, p);
        requireSameShape("adam second moment", v, p);
        if (step < 1) {
            throw new IllegalArgumentException("adam step counts from 1, got " + step);
        }
        float stepSize = (float) (lr / (1 - Math.pow(beta1, step)));
        float bias2Sqrt = (float) Math.sqrt(1 - Math.pow(beta2, step));
        parallelFor(p.numel(), 8, (s, e) -> Adam.update(s, e, p.data(), g.data(), m.data(), v.data(),
                (float) beta1, (float) (1 - beta1), (float) beta2, (float) (1 - beta2), (float) eps, stepSize,
                bias2Sqrt));
    }

    private static void requireSameShape(String what, Tensor t, Tensor like) {
        t.requireShape(what, like.shape());
    }

    @Override
    public void close() {
        if (workers != null) {
            workers.shutdownNow();
        }
    }
}
