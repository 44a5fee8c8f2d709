package atelier.core.device;

import atelier.core.Tensor;
import atelier.core.kernels.Activation;
import atelier.core.kernels.Adam;
import atelier.core.kernels.Bias;
import atelier.core.kernels.ColorJitter;
import atelier.core.kernels.Conv2d;
import atelier.core.kernels.Elementwise;
import atelier.core.kernels.L1;
import atelier.core.kernels.LaplacianPyramid;
import atelier.core.kernels.MinibatchStddev;
import atelier.core.kernels.PixelShuffle;
import atelier.core.kernels.Reduce;
import atelier.core.kernels.Resample;
import atelier.core.kernels.Resize;
import atelier.core.kernels.Warp;
import atelier.core.device.DeviceChecks.AdamStep;
import atelier.core.device.DeviceChecks.ConvShape;
import atelier.core.device.DeviceChecks.DenseShape;
import atelier.core.device.DeviceChecks.MbstdShape;
import atelier.core.device.DeviceChecks.ResizeBand;
import atelier.core.device.DeviceChecks.ResizePlan;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static atelier.core.device.DeviceChecks.REDUCE_BLOCK;
import static atelier.core.device.DeviceChecks.plane;
import static atelier.core.device.DeviceChecks.requireColorJitter;
import static atelier.core.device.DeviceChecks.requireDivisible;
import static atelier.core.device.DeviceChecks.requireFactor;
import static atelier.core.device.DeviceChecks.requireFlipRotate90;
import static atelier.core.device.DeviceChecks.requireLeakyRelu;
import static atelier.core.device.DeviceChecks.requireLeakyReluBackward;
import static atelier.core.device.DeviceChecks.requirePixelNorm;
import static atelier.core.device.DeviceChecks.requirePixelNormBackward;
import static atelier.core.device.DeviceChecks.requirePyramidDown;
import static atelier.core.device.DeviceChecks.requirePyramidUp;
import static atelier.core.device.DeviceChecks.requireSameShape;
import static atelier.core.device.DeviceChecks.rotationCosSin;
import static atelier.core.device.DeviceChecks.shuffledChannels;

/**
 * The CPU device: each launch splits the kernel's work-item range into one contiguous chunk per thread and runs
 * the same static kernel method on every chunk. Kernels compute each work item independently and in a fixed
 * order, so results are bit-identical for any thread count. 3x3 convolutions with padding 1 on many channels run on
 * {@link WinogradConv} (Winograd's F(2x2, 3x3) over a Vector API GEMM); other convolutions with 0 <= pad <= R-1 and
 * dense layers (1x1 convolutions of 1x1 images) run on {@link FastConv}, a Vector API implicit GEMM. Both have the
 * same math as the {@link Conv2d} and {@link atelier.core.kernels.Dense} kernels and the same determinism; other
 * convolutions run the plain {@link Conv2d} kernels. Pixel norm, leaky ReLU and 2x2 average pooling run on
 * {@link FastElementwise}, bit-identical to their plain kernels.
 */
public final class CpuDevice implements Device {
    /** Launches with less work than this (items x work per item) run on the calling thread alone. */
    private static final long MIN_PARALLEL_WORK = 1L << 15;

    /** A kernel launch over a slice [begin, end) of its work items. */
    @FunctionalInterface
    public interface RangeKernel {
        void run(int begin, int end);
    }

    private final int threads;
    private final ExecutorService workers;
    private final FastConv fastConv = new FastConv(this);
    private final WinogradConv winograd = new WinogradConv(this);

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
        if (WinogradConv.handles(s.batch, s.inC, s.outC, s.inH, s.inW, s.ksize, pad)) {
            winograd.forward(x.data(), w.data(), wScale, y.data(), s.batch, s.inC, s.inH, s.inW, s.outC);
            return;
        }
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
        if (WinogradConv.handles(s.batch, s.inC, s.outC, s.inH, s.inW, s.ksize, pad)) {
            winograd.backwardInput(dy.data(), w.data(), wScale, dx.data(), s.batch, s.inC, s.inH, s.inW, s.outC);
            return;
        }
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
        if (WinogradConv.handles(s.batch, s.inC, s.outC, s.inH, s.inW, s.ksize, pad)) {
            winograd.backwardWeight(x.data(), dy.data(), wScale, dw.data(), s.batch, s.inC, s.inH, s.inW, s.outC);
            return;
        }
        if (FastConv.supports(s.ksize, pad)) {
            fastConv.backwardWeight(x.data(), dy.data(), wScale, dw.data(), s.batch, s.inC, s.inH, s.inW, s.outC,
                    s.ksize, pad);
            return;
        }
        parallelFor(dw.numel(), (long) s.batch * s.outH * s.outW, (b, e) -> Conv2d.backwardWeight(b, e,
                x.data(), dy.data(), wScale, dw.data(), s.batch, s.inC, s.inH, s.inW, s.outC, s.ksize, pad));
    }

    @Override
    public void dense(Tensor x, Tensor w, float wScale, Tensor y) {
        DenseShape s = DenseShape.of(x, "dense input", w, "dense weight", y, "dense output");
        // A dense layer is a 1x1 convolution of 1x1 images: [N, In] is [N, In, 1, 1] in NCHW.
        fastConv.forward(x.data(), w.data(), wScale, y.data(), s.batch, s.in, 1, 1, s.out, 1, 0);
    }

    @Override
    public void denseBackwardInput(Tensor dy, Tensor w, float wScale, Tensor dx) {
        DenseShape s = DenseShape.of(dx, "dense input gradient", w, "dense weight", dy, "dense output gradient");
        fastConv.backwardInput(dy.data(), w.data(), wScale, dx.data(), s.batch, s.in, 1, 1, s.out, 1, 0);
    }

    @Override
    public void denseBackwardWeight(Tensor x, Tensor dy, float wScale, Tensor dw) {
        DenseShape s = DenseShape.of(x, "dense input", dw, "dense weight gradient", dy, "dense output gradient");
        fastConv.backwardWeight(x.data(), dy.data(), wScale, dw.data(), s.batch, s.in, 1, 1, s.out, 1, 0);
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
    public void pixelShuffle(Tensor x, int factor, Tensor y) {
        int channels = shuffledChannels("pixel shuffle input", x, factor);
        y.requireShape("pixel shuffle output", x.dim(0), channels, x.dim(2) * factor, x.dim(3) * factor);
        parallelFor(y.numel(), 1, (b, e) -> PixelShuffle.forward(b, e, x.data(), y.data(), channels, x.dim(2),
                x.dim(3), factor));
    }

    @Override
    public void pixelShuffleBackward(Tensor dy, int factor, Tensor dx) {
        int channels = shuffledChannels("pixel shuffle input gradient", dx, factor);
        dy.requireShape("pixel shuffle output gradient", dx.dim(0), channels, dx.dim(2) * factor, dx.dim(3) * factor);
        parallelFor(dx.numel(), 1, (b, e) -> PixelShuffle.backward(b, e, dy.data(), dx.data(), channels, dx.dim(2),
                dx.dim(3), factor));
    }


    @Override
    public void downsample(Tensor x, Filter filter, Tensor y) {
        int f = filter.factor();
        requireDivisible(x, f);
        y.requireShape("downsample output", x.dim(0), x.dim(1), x.dim(2) / f, x.dim(3) / f);
        if (FastElementwise.isAveragePool2(filter)) {
            parallelFor(y.dim(0) * y.dim(1) * y.dim(2), 4L * y.dim(3),
                    (b, e) -> FastElementwise.averagePool2(b, e, x.data(), y.data(), x.dim(3)));
            return;
        }
        float[] taps = filter.taps();
        parallelFor(y.numel(), (long) taps.length * taps.length, (b, e) -> Resample.downsample(b, e,
                x.data(), y.data(), x.dim(2), x.dim(3), f, taps, taps.length, filter.tapOffset()));
    }

    @Override
    public void downsampleBackward(Tensor dy, Filter filter, Tensor dx) {
        int f = filter.factor();
        requireDivisible(dx, f);
        dy.requireShape("downsample output gradient", dx.dim(0), dx.dim(1), dx.dim(2) / f, dx.dim(3) / f);
        if (FastElementwise.isAveragePool2(filter)) {
            parallelFor(dx.dim(0) * dx.dim(1) * dx.dim(2), dx.dim(3),
                    (b, e) -> FastElementwise.averagePool2Backward(b, e, dy.data(), dx.data(), dx.dim(3)));
            return;
        }
        float[] taps = filter.taps();
        parallelFor(dx.numel(), (long) taps.length * taps.length, (b, e) -> Resample.downsampleBackward(b, e,
                dy.data(), dx.data(), dx.dim(2), dx.dim(3), f, taps, taps.length, filter.tapOffset()));
    }

    @Override
    public void resize(Tensor x, Tensor y) {
        ResizePlan plan = ResizePlan.of(x, y, "resize input", "resize output");
        // Width first, then height.
        resizeAxis(x, plan.wide, 1, plan.across);
        resizeAxis(plan.wide, y, y.dim(3), plan.down);
    }

    private void resizeAxis(Tensor x, Tensor y, int inner, ResizeAxis a) {
        parallelFor(y.numel(), a.taps(), (b, e) -> Resize.axis(b, e, x.data(), y.data(), a.in(), a.out(), inner,
                a.start(), a.weights(), a.taps()));
    }

    @Override
    public void resizeBackward(Tensor dy, Tensor dx) {
        ResizePlan plan = ResizePlan.of(dx, dy, "resize input gradient", "resize output gradient");
        resizeAxisBackward(dy, plan.wide, dy.dim(3), plan.down);
        resizeAxisBackward(plan.wide, dx, 1, plan.across);
    }

    private void resizeAxisBackward(Tensor dy, Tensor dx, int inner, ResizeAxis a) {
        parallelFor(dx.numel(), a.readers(), (b, e) -> Resize.axisBackward(b, e, dy.data(), dx.data(), a.in(),
                a.out(), inner, a.start(), a.weights(), a.taps(), a.firstReader(), a.readers()));
    }

    @Override
    public void resizeRows(Tensor x, int firstIn, int inRows, Tensor y, int firstOut, int outRows) {
        ResizeBand band = ResizeBand.of(x, firstIn, inRows, y, firstOut, outRows);
        parallelFor(y.numel(), band.taps, (b, e) -> Resize.axis(b, e, x.data(), y.data(), x.dim(2), band.count,
                x.dim(3), band.start, band.weights, band.taps));
    }

    @Override
    public void pyramidDown(Tensor x, Tensor y) {
        requirePyramidDown(x, y);
        int h = x.dim(2);
        int w = x.dim(3);
        parallelFor(y.numel(), 30, (b, e) -> LaplacianPyramid.down(b, e, x.data(), y.data(), h, w));
    }

    @Override
    public void pyramidUp(Tensor x, Tensor y) {
        requirePyramidUp(x, y);
        int h = x.dim(2);
        int w = x.dim(3);
        parallelFor(y.numel(), 12, (b, e) -> LaplacianPyramid.up(b, e, x.data(), y.data(), h, w));
    }

    @Override
    public void leakyRelu(Tensor x, float slope, Tensor y, Tensor signs) {
        int floats = requireLeakyRelu(x, y, signs);
        int n = x.numel();
        parallelFor(floats, Activation.SIGNS_PER_FLOAT,
                (b, e) -> FastElementwise.leakyRelu(b, e, x.data(), y.data(), signs.data(), n, slope));
    }

    @Override
    public void leakyReluBackward(Tensor signs, Tensor dy, float slope, Tensor dx) {
        requireLeakyReluBackward(signs, dy, dx);
        int n = dy.numel();
        parallelFor(Activation.signFloats(n), Activation.SIGNS_PER_FLOAT,
                (b, e) -> FastElementwise.leakyReluBackward(b, e, signs.data(), dy.data(), dx.data(), n, slope));
    }

    @Override
    public void pixelNorm(Tensor x, float eps, Tensor y, Tensor scale) {
        int plane = requirePixelNorm(x, y, scale);
        int channels = x.dim(1);
        parallelFor(x.dim(0) * plane, 2L * channels,
                (b, e) -> FastElementwise.pixelNorm(b, e, x.data(), y.data(), scale.data(), channels, plane, eps));
    }

    @Override
    public void pixelNormBackward(Tensor y, Tensor scale, Tensor dy, Tensor dx) {
        int plane = requirePixelNormBackward(y, scale, dy, dx);
        int channels = y.dim(1);
        parallelFor(y.dim(0) * plane, 3L * channels,
                (b, e) -> FastElementwise.pixelNormBackward(b, e, y.data(), scale.data(), dy.data(), dx.data(), channels,
                        plane));
    }

    @Override
    public void minibatchStddev(Tensor x, int groupSize, Tensor mean, Tensor std, Tensor stat, Tensor y) {
        MbstdShape s = MbstdShape.ofForward(x, groupSize, mean, std, stat, y);
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
        MbstdShape s = MbstdShape.ofBackward(x, groupSize, mean, std, dStat, dy, dx);
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
        MbstdShape s = MbstdShape.ofSecondOrder(x, groupSize, mean, std, dStat, dxBar, dyBar, xBar);
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
    public void toPixelLevels(Tensor x, Tensor out) {
        requireSameShape("pixel levels output", out, x);
        parallelFor(x.numel(), 1, (s, e) -> Elementwise.toPixelLevels(s, e, x.data(), out.data()));
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

    @Override
    public float l1Distance(Tensor a, Tensor b) {
        requireSameShape("l1 operand", b, a);
        return reduce(a.numel(), (begin, end, partial) -> L1.blockSums(begin, end, a.data(), b.data(), a.numel(),
                REDUCE_BLOCK, partial));
    }

    @Override
    public void l1DistanceBackward(Tensor a, Tensor b, float scale, Tensor grad) {
        requireSameShape("l1 operand", b, a);
        requireSameShape("l1 gradient", grad, a);
        parallelFor(a.numel(), 1, (s, e) -> L1.backward(s, e, a.data(), b.data(), scale, grad.data()));
    }

    /** The first pass of a reduction: block sums of blocks [begin, end) of REDUCE_BLOCK elements into partial. */
    @FunctionalInterface
    private interface BlockSums {
        void run(int begin, int end, float[] partial);
    }

    private float reduce(Tensor x, boolean squares) {
        return reduce(x.numel(), (b, e, partial) -> {
            if (squares) {
                Reduce.blockSumsOfSquares(b, e, x.data(), x.numel(), REDUCE_BLOCK, 1f, partial);
            } else {
                Reduce.blockSums(b, e, x.data(), x.numel(), REDUCE_BLOCK, 1f, partial);
            }
        });
    }

    /** Sums n elements deterministically: fixed blocks by {@code firstPass}, then one in-order sum of the blocks. */
    private float reduce(int n, BlockSums firstPass) {
        if (n == 0) {
            return 0f;
        }
        int blocks = (n + REDUCE_BLOCK - 1) / REDUCE_BLOCK;
        float[] partial = new float[blocks];
        parallelFor(blocks, REDUCE_BLOCK, (b, e) -> firstPass.run(b, e, partial));
        float[] total = new float[1];
        Reduce.blockSums(0, 1, partial, blocks, blocks, 1f, total);
        return total[0];
    }

    @Override
    public void adam(Tensor p, Tensor g, Tensor m, Tensor v, double lr, double beta1, double beta2, double eps,
                     long step) {
        AdamStep a = AdamStep.of(p, g, m, v, lr, beta1, beta2, eps, step);
        parallelFor(p.numel(), 8, (s, e) -> Adam.update(s, e, p.data(), g.data(), m.data(), v.data(),
                a.beta1, a.oneMinusBeta1, a.beta2, a.oneMinusBeta2, a.eps, a.stepSize, a.bias2Sqrt));
    }

    @Override
    public void flipRotate90(Tensor x, Tensor quarterTurns, Tensor hflip, Tensor vflip, Tensor y) {
        requireFlipRotate90(x, quarterTurns, hflip, vflip, y);
        parallelFor(y.numel(), 1, (b, e) -> Warp.flipRotate90(b, e, x.data(), quarterTurns.data(), hflip.data(),
                vflip.data(), y.data(), x.dim(1), x.dim(2), x.dim(3)));
    }

    @Override
    public void rotate(Tensor x, Tensor angle, Tensor y) {
        float[][] cosSin = rotationCosSin(x, angle, y);
        float[] cos = cosSin[0];
        float[] sin = cosSin[1];
        parallelFor(y.numel(), 16, (b, e) -> Warp.rotate(b, e, x.data(), cos, sin, y.data(), x.dim(1), x.dim(2),
                x.dim(3)));
    }

    @Override
    public void colorJitter(Tensor x, Tensor brightness, Tensor contrast, Tensor saturation, Tensor hue, Tensor y) {
        requireColorJitter(x, brightness, contrast, saturation, hue, y);
        int batch = x.dim(0);
        int plane = x.dim(2) * x.dim(3);
        int pixels = batch * plane;
        parallelFor(pixels, 3, (b, e) -> ColorJitter.brightness(b, e, x.data(), brightness.data(), y.data(), plane));
        // Contrast blends with each image's mean grey after brightness: block sums, then a sum per sample.
        int blocks = Math.max(1, (plane + REDUCE_BLOCK - 1) / REDUCE_BLOCK);
        float[] greySums = new float[batch * blocks];
        float[] meanGrey = new float[batch];
        parallelFor(batch * blocks, 4L * REDUCE_BLOCK, (b, e) -> ColorJitter.greyBlockSums(b, e, y.data(), greySums,
                plane, REDUCE_BLOCK, blocks));
        parallelFor(batch, blocks, (b, e) -> Reduce.blockSums(b, e, greySums, greySums.length, blocks, 1f / plane,
                meanGrey));
        parallelFor(pixels, 3, (b, e) -> ColorJitter.contrast(b, e, y.data(), contrast.data(), meanGrey, y.data(),
                plane));
        parallelFor(pixels, 6, (b, e) -> ColorJitter.saturation(b, e, y.data(), saturation.data(), y.data(),
                plane));
        parallelFor(pixels, 16, (b, e) -> ColorJitter.hue(b, e, y.data(), hue.data(), y.data(), plane));
    }

    @Override
    public void close() {
        if (workers != null) {
            workers.shutdownNow();
        }
    }
}
