package atelier.tornado;

import atelier.core.Tensor;
import atelier.core.device.Device;
import atelier.core.device.DeviceChecks.AdamStep;
import atelier.core.device.DeviceChecks.ConvShape;
import atelier.core.device.DeviceChecks.DenseShape;
import atelier.core.device.DeviceChecks.MbstdShape;
import atelier.core.device.DeviceChecks.ResizeBand;
import atelier.core.device.DeviceChecks.ResizePlan;
import atelier.core.device.Filter;
import atelier.core.device.ResizeAxis;
import atelier.core.kernels.Reduce;

import java.util.Arrays;

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
 * A GPU (any OpenCL device, or NVIDIA through CUDA) driven by TornadoVM, running the same kernel methods as the CPU
 * device through {@link TornadoKernels}. Each operation checks its tensors on the host exactly as the CPU device
 * does ({@code DeviceChecks}) and records its launches in {@link TaskGraphs}; data stays on the GPU until the host
 * asks for it with {@link #toHost} or a reduction returns a value.
 */
public final class TornadoVmDevice implements Device {
    private final String description;
    private final TaskGraphs graphs;

    TornadoVmDevice(uk.ac.manchester.tornado.api.common.TornadoDevice target, String description) {
        this.description = description;
        this.graphs = new TaskGraphs(target);
    }

    @Override
    public String name() {
        return "tornado (" + description + ")";
    }

    private static Object[] in(Object... arrays) {
        return arrays;
    }

    private static float[][] out(float[]... arrays) {
        return arrays;
    }

    @Override
    public void conv2d(Tensor x, Tensor w, float wScale, int pad, Tensor y) {
        ConvShape s = ConvShape.of(x, w, pad);
        y.requireShape("conv2d output", s.batch, s.outC, s.outH, s.outW);
        int n = y.numel();
        graphs.launch(n, in(x.data(), w.data()), out(y.data()), (g, id, c) -> g.task(id,
                TornadoKernels::conv2dForward, c, n, x.data(), w.data(), wScale, y.data(), s.batch, s.inC, s.inH,
                s.inW, s.outC, s.ksize, pad));
    }

    @Override
    public void conv2dBackwardInput(Tensor dy, Tensor w, float wScale, int pad, Tensor dx) {
        ConvShape s = ConvShape.of(dx, w, pad);
        dy.requireShape("conv2d output gradient", s.batch, s.outC, s.outH, s.outW);
        int n = dx.numel();
        graphs.launch(n, in(dy.data(), w.data()), out(dx.data()), (g, id, c) -> g.task(id,
                TornadoKernels::conv2dBackwardInput, c, n, dy.data(), w.data(), wScale, dx.data(), s.batch, s.inC,
                s.inH, s.inW, s.outC, s.ksize, pad));
    }

    @Override
    public void conv2dBackwardWeight(Tensor x, Tensor dy, float wScale, int pad, Tensor dw) {
        ConvShape s = ConvShape.of(x, dw, pad);
        dy.requireShape("conv2d output gradient", s.batch, s.outC, s.outH, s.outW);
        int n = dw.numel();
        graphs.launch(n, in(x.data(), dy.data(), dw.data()), out(dw.data()), (g, id, c) -> g.task(id,
                TornadoKernels::conv2dBackwardWeight, c, n, x.data(), dy.data(), wScale, dw.data(), s.batch, s.inC,
                s.inH, s.inW, s.outC, s.ksize, pad));
    }

    @Override
    public void dense(Tensor x, Tensor w, float wScale, Tensor y) {
        DenseShape s = DenseShape.of(x, "dense input", w, "dense weight", y, "dense output");
        int n = y.numel();
        graphs.launch(n, in(x.data(), w.data()), out(y.data()), (g, id, c) -> g.task(id,
                TornadoKernels::denseForward, c, n, x.data(), w.data(), wScale, y.data(), s.batch, s.in, s.out));
    }

    @Override
    public void denseBackwardInput(Tensor dy, Tensor w, float wScale, Tensor dx) {
        DenseShape s = DenseShape.of(dx, "dense input gradient", w, "dense weight", dy, "dense output gradient");
        int n = dx.numel();
        graphs.launch(n, in(dy.data(), w.data()), out(dx.data()), (g, id, c) -> g.task(id,
                TornadoKernels::denseBackwardInput, c, n, dy.data(), w.data(), wScale, dx.data(), s.batch, s.in,
                s.out));
    }

    @Override
    public void denseBackwardWeight(Tensor x, Tensor dy, float wScale, Tensor dw) {
        DenseShape s = DenseShape.of(x, "dense input", dw, "dense weight gradient", dy, "dense output gradient");
        int n = dw.numel();
        graphs.launch(n, in(x.data(), dy.data(), dw.data()), out(dw.data()), (g, id, c) -> g.task(id,
                TornadoKernels::denseBackwardWeight, c, n, x.data(), dy.data(), wScale, dw.data(), s.batch, s.in,
                s.out));
    }

    @Override
    public void biasAdd(Tensor y, Tensor b) {
        int plane = plane("bias input", y);
        int channels = y.dim(1);
        b.requireShape("bias", channels);
        int n = y.numel();
        graphs.launch(n, in(y.data(), b.data()), out(y.data()), (g, id, c) -> g.task(id,
                TornadoKernels::biasForward, c, n, y.data(), b.data(), channels, plane));
    }

    @Override
    public void biasBackward(Tensor dy, Tensor db) {
        int plane = plane("bias output gradient", dy);
        int batch = dy.dim(0);
        int channels = dy.dim(1);
        db.requireShape("bias gradient", channels);
        graphs.launch(channels, in(dy.data(), db.data()), out(db.data()), (g, id, c) -> g.task(id,
                TornadoKernels::biasBackward, c, channels, dy.data(), db.data(), batch, channels, plane));
    }

    @Override
    public void upsampleNearest(Tensor x, int factor, Tensor y) {
        requireFactor(factor);
        x.requireRank("upsample input", 4);
        y.requireShape("upsample output", x.dim(0), x.dim(1), x.dim(2) * factor, x.dim(3) * factor);
        int n = y.numel();
        graphs.launch(n, in(x.data()), out(y.data()), (g, id, c) -> g.task(id,
                TornadoKernels::resampleUpsampleNearest, c, n, x.data(), y.data(), x.dim(2), x.dim(3), factor));
    }

    @Override
    public void upsampleNearestBackward(Tensor dy, int factor, Tensor dx) {
        requireFactor(factor);
        dx.requireRank("upsample input gradient", 4);
        dy.requireShape("upsample output gradient", dx.dim(0), dx.dim(1), dx.dim(2) * factor, dx.dim(3) * factor);
        int n = dx.numel();
        graphs.launch(n, in(dy.data()), out(dx.data()), (g, id, c) -> g.task(id,
                TornadoKernels::resampleUpsampleNearestBackward, c, n, dy.data(), dx.data(), dx.dim(2), dx.dim(3),
                factor));
    }

    @Override
    public void downsample(Tensor x, Filter filter, Tensor y) {
        int f = filter.factor();
        requireDivisible(x, f);
        y.requireShape("downsample output", x.dim(0), x.dim(1), x.dim(2) / f, x.dim(3) / f);
        float[] taps = filter.taps();
        int n = y.numel();
        graphs.launch(n, in(x.data(), taps), out(y.data()), (g, id, c) -> g.task(id,
                TornadoKernels::resampleDownsample, c, n, x.data(), y.data(), x.dim(2), x.dim(3), f, taps,
                taps.length, filter.tapOffset()));
    }

    @Override
    public void downsampleBackward(Tensor dy, Filter filter, Tensor dx) {
        int f = filter.factor();
        requireDivisible(dx, f);
        dy.requireShape("downsample output gradient", dx.dim(0), dx.dim(1), dx.dim(2) / f, dx.dim(3) / f);
        float[] taps = filter.taps();
        int n = dx.numel();
        graphs.launch(n, in(dy.data(), taps), out(dx.data()), (g, id, c) -> g.task(id,
                TornadoKernels::resampleDownsampleBackward, c, n, dy.data(), dx.data(), dx.dim(2), dx.dim(3), f,
                taps, taps.length, filter.tapOffset()));
    }

    @Override
    public void resize(Tensor x, Tensor y) {
        ResizePlan plan = ResizePlan.of(x, y, "resize input", "resize output");
        // Width first, then height, as on the CPU.
        resizeAxis(x, plan.wide, 1, plan.across);
        resizeAxis(plan.wide, y, y.dim(3), plan.down);
    }

    private void resizeAxis(Tensor x, Tensor y, int inner, ResizeAxis a) {
        int n = y.numel();
        graphs.launch(n, in(x.data(), a.start(), a.weights()), out(y.data()), (g, id, c) -> g.task(id,
                TornadoKernels::resizeAxis, c, n, x.data(), y.data(), a.in(), a.out(), inner, a.start(),
                a.weights(), a.taps()));
    }

    @Override
    public void resizeBackward(Tensor dy, Tensor dx) {
        ResizePlan plan = ResizePlan.of(dx, dy, "resize input gradient", "resize output gradient");
        resizeAxisBackward(dy, plan.wide, dy.dim(3), plan.down);
        resizeAxisBackward(plan.wide, dx, 1, plan.across);
    }

    private void resizeAxisBackward(Tensor dy, Tensor dx, int inner, ResizeAxis a) {
        int n = dx.numel();
        graphs.launch(n, in(dy.data(), a.start(), a.weights(), a.firstReader()), out(dx.data()), (g, id, c) ->
                g.task(id, TornadoKernels::resizeAxisBackward, c, n, dy.data(), dx.data(), a.in(), a.out(), inner,
                        a.start(), a.weights(), a.taps(), a.firstReader(), a.readers()));
    }

    @Override
    public void resizeRows(Tensor x, int firstIn, int inRows, Tensor y, int firstOut, int outRows) {
        ResizeBand band = ResizeBand.of(x, firstIn, inRows, y, firstOut, outRows);
        int n = y.numel();
        graphs.launch(n, in(x.data(), band.start, band.weights), out(y.data()), (g, id, c) -> g.task(id,
                TornadoKernels::resizeAxis, c, n, x.data(), y.data(), x.dim(2), band.count, x.dim(3), band.start,
                band.weights, band.taps));
    }

    @Override
    public void pixelShuffle(Tensor x, int factor, Tensor y) {
        int channels = shuffledChannels("pixel shuffle input", x, factor);
        y.requireShape("pixel shuffle output", x.dim(0), channels, x.dim(2) * factor, x.dim(3) * factor);
        int n = y.numel();
        graphs.launch(n, in(x.data()), out(y.data()), (g, id, c) -> g.task(id, TornadoKernels::pixelShuffleForward,
                c, n, x.data(), y.data(), channels, x.dim(2), x.dim(3), factor));
    }

    @Override
    public void pixelShuffleBackward(Tensor dy, int factor, Tensor dx) {
        int channels = shuffledChannels("pixel shuffle input gradient", dx, factor);
        dy.requireShape("pixel shuffle output gradient", dx.dim(0), channels, dx.dim(2) * factor, dx.dim(3) * factor);
        int n = dx.numel();
        graphs.launch(n, in(dy.data()), out(dx.data()), (g, id, c) -> g.task(id,
                TornadoKernels::pixelShuffleBackward, c, n, dy.data(), dx.data(), channels, dx.dim(2), dx.dim(3),
                factor));
    }

    @Override
    public float l1Distance(Tensor a, Tensor b) {
        requireSameShape("l1 operand", b, a);
        int n = a.numel();
        return reduce(n, in(a.data(), b.data()), (blocks, partial) -> (g, id, c) -> g.task(id,
                TornadoKernels::l1BlockSums, c, blocks, a.data(), b.data(), n, REDUCE_BLOCK, partial));
    }

    @Override
    public void l1DistanceBackward(Tensor a, Tensor b, float scale, Tensor grad) {
        requireSameShape("l1 operand", b, a);
        requireSameShape("l1 gradient", grad, a);
        int n = a.numel();
        graphs.launch(n, in(a.data(), b.data()), out(grad.data()), (g, id, c) -> g.task(id, TornadoKernels::l1Backward,
                c, n, a.data(), b.data(), scale, grad.data()));
    }

    @Override
    public void pyramidDown(Tensor x, Tensor y) {
        requirePyramidDown(x, y);
        int n = y.numel();
        graphs.launch(n, in(x.data()), out(y.data()), (g, id, c) -> g.task(id,
                TornadoKernels::laplacianPyramidDown, c, n, x.data(), y.data(), x.dim(2), x.dim(3)));
    }

    @Override
    public void pyramidUp(Tensor x, Tensor y) {
        requirePyramidUp(x, y);
        int n = y.numel();
        graphs.launch(n, in(x.data()), out(y.data()), (g, id, c) -> g.task(id,
                TornadoKernels::laplacianPyramidUp, c, n, x.data(), y.data(), x.dim(2), x.dim(3)));
    }

    @Override
    public void leakyRelu(Tensor x, float slope, Tensor y, Tensor signs) {
        int floats = requireLeakyRelu(x, y, signs);
        int n = x.numel();
        graphs.launch(floats, in(x.data()), out(y.data(), signs.data()), (g, id, c) -> g.task(id,
                TornadoKernels::activationLeakyRelu, c, floats, x.data(), y.data(), signs.data(), n, slope));
    }

    @Override
    public void leakyReluBackward(Tensor signs, Tensor dy, float slope, Tensor dx) {
        requireLeakyReluBackward(signs, dy, dx);
        int n = dy.numel();
        graphs.launch(n, in(signs.data(), dy.data()), out(dx.data()), (g, id, c) -> g.task(id,
                TornadoKernels::activationLeakyReluBackward, c, n, signs.data(), dy.data(), dx.data(), slope));
    }

    @Override
    public void pixelNorm(Tensor x, float eps, Tensor y, Tensor scale) {
        int plane = requirePixelNorm(x, y, scale);
        int channels = x.dim(1);
        int n = x.dim(0) * plane;
        graphs.launch(n, in(x.data()), out(y.data(), scale.data()), (g, id, c) -> g.task(id,
                TornadoKernels::pixelNormForward, c, n, x.data(), y.data(), scale.data(), channels, plane, eps));
    }

    @Override
    public void pixelNormBackward(Tensor y, Tensor scale, Tensor dy, Tensor dx) {
        int plane = requirePixelNormBackward(y, scale, dy, dx);
        int channels = y.dim(1);
        int n = y.dim(0) * plane;
        graphs.launch(n, in(y.data(), scale.data(), dy.data()), out(dx.data()), (g, id, c) -> g.task(id,
                TornadoKernels::pixelNormBackward, c, n, y.data(), scale.data(), dy.data(), dx.data(), channels,
                plane));
    }

    @Override
    public void minibatchStddev(Tensor x, int groupSize, Tensor mean, Tensor std, Tensor stat, Tensor y) {
        MbstdShape s = MbstdShape.ofForward(x, groupSize, mean, std, stat, y);
        if (groupSize > 1) {
            int cells = s.groups * s.features;
            graphs.launch(cells, in(x.data()), out(mean.data(), std.data()), (g, id, c) -> g.task(id,
                    TornadoKernels::minibatchStddevGroupStats, c, cells, x.data(), mean.data(), std.data(),
                    s.features, groupSize));
            graphs.launch(s.groups, in(std.data()), out(stat.data()), (g, id, c) -> g.task(id,
                    TornadoKernels::reduceBlockSums, c, s.groups, std.data(), cells, s.features, 1f / s.features,
                    stat.data()));
        } else {
            fill(stat, 0f);
        }
        int n = y.numel();
        graphs.launch(n, in(x.data(), stat.data()), out(y.data()), (g, id, c) -> g.task(id,
                TornadoKernels::minibatchStddevForward, c, n, x.data(), stat.data(), y.data(), s.channels, s.plane,
                groupSize));
    }

    @Override
    public void minibatchStddevBackward(Tensor x, Tensor mean, Tensor std, Tensor dy, int groupSize, Tensor dStat,
                                        Tensor dx) {
        MbstdShape s = MbstdShape.ofBackward(x, groupSize, mean, std, dStat, dy, dx);
        if (groupSize > 1) {
            graphs.launch(s.groups, in(dy.data()), out(dStat.data()), (g, id, c) -> g.task(id,
                    TornadoKernels::minibatchStddevStatGrad, c, s.groups, dy.data(), dStat.data(), s.channels,
                    s.plane, groupSize));
        }
        int n = x.numel();
        graphs.launch(n, in(x.data(), mean.data(), std.data(), dy.data(), dStat.data()), out(dx.data()),
                (g, id, c) -> g.task(id, TornadoKernels::minibatchStddevBackward, c, n, x.data(), mean.data(),
                        std.data(), dy.data(), dStat.data(), dx.data(), s.channels, s.plane, groupSize));
    }

    @Override
    public void minibatchStddevSecondOrder(Tensor x, Tensor mean, Tensor std, Tensor dStat, Tensor dxBar,
                                           int groupSize, Tensor dot, Tensor bMean, Tensor u, Tensor dyBar,
                                           Tensor xBar) {
        MbstdShape s = MbstdShape.ofSecondOrder(x, groupSize, mean, std, dStat, dxBar, dyBar, xBar);
        int outputs = dyBar.numel();
        if (groupSize == 1) {
            // dx = dy[:C] exactly: dyBar is dxBar with a zero stat channel, which is what forward writes.
            float[] zeroStat = new float[x.dim(0)];
            graphs.launch(outputs, in(dxBar.data(), zeroStat), out(dyBar.data()), (g, id, c) -> g.task(id,
                    TornadoKernels::minibatchStddevForward, c, outputs, dxBar.data(), zeroStat, dyBar.data(),
                    s.channels, s.plane, 1));
            return;
        }
        MbstdShape.of(x, groupSize, dot, bMean, u, "minibatch stddev statistic cotangent");
        int cells = s.groups * s.features;
        graphs.launch(cells, in(x.data(), mean.data(), dxBar.data()), out(dot.data(), bMean.data()),
                (g, id, c) -> g.task(id, TornadoKernels::minibatchStddevSecondOrderStats, c, cells, x.data(),
                        mean.data(), dxBar.data(), dot.data(), bMean.data(), s.features, groupSize));
        graphs.launch(s.groups, in(dot.data(), std.data()), out(u.data()), (g, id, c) -> g.task(id,
                TornadoKernels::minibatchStddevSecondOrderStatCotangent, c, s.groups, dot.data(), std.data(),
                u.data(), s.features, groupSize));
        graphs.launch(outputs, in(dxBar.data(), u.data()), out(dyBar.data()), (g, id, c) -> g.task(id,
                TornadoKernels::minibatchStddevSecondOrderOutput, c, outputs, dxBar.data(), u.data(), dyBar.data(),
                s.channels, s.plane, groupSize));
        int n = x.numel();
        graphs.launch(n, in(x.data(), mean.data(), std.data(), dxBar.data(), dot.data(), bMean.data(), dStat.data(),
                xBar.data()), out(xBar.data()), (g, id, c) -> g.task(id,
                TornadoKernels::minibatchStddevSecondOrderInput, c, n, x.data(), mean.data(), std.data(),
                dxBar.data(), dot.data(), bMean.data(), dStat.data(), xBar.data(), s.channels, s.plane, groupSize));
    }

    @Override
    public void add(Tensor a, Tensor b, Tensor out) {
        requireSameShape("add operand", b, a);
        requireSameShape("add output", out, a);
        int n = a.numel();
        graphs.launch(n, in(a.data(), b.data()), out(out.data()), (g, id, c) -> g.task(id,
                TornadoKernels::elementwiseAdd, c, n, a.data(), b.data(), out.data()));
    }

    @Override
    public void mul(Tensor a, Tensor b, Tensor out) {
        requireSameShape("mul operand", b, a);
        requireSameShape("mul output", out, a);
        int n = a.numel();
        graphs.launch(n, in(a.data(), b.data()), out(out.data()), (g, id, c) -> g.task(id,
                TornadoKernels::elementwiseMul, c, n, a.data(), b.data(), out.data()));
    }

    @Override
    public void scale(Tensor x, float alpha, Tensor out) {
        requireSameShape("scale output", out, x);
        int n = x.numel();
        graphs.launch(n, in(x.data()), out(out.data()), (g, id, c) -> g.task(id,
                TornadoKernels::elementwiseScale, c, n, x.data(), alpha, out.data()));
    }

    @Override
    public void scaleRows(Tensor x, Tensor rowScale, Tensor out) {
        requireSameShape("scaleRows output", out, x);
        rowScale.requireShape("row scales", x.dim(0));
        int rowSize = x.numel() / x.dim(0);
        int n = x.numel();
        graphs.launch(n, in(x.data(), rowScale.data()), out(out.data()), (g, id, c) -> g.task(id,
                TornadoKernels::elementwiseScaleRows, c, n, x.data(), rowScale.data(), rowSize, out.data()));
    }

    @Override
    public void axpy(float alpha, Tensor x, Tensor y) {
        requireSameShape("axpy output", y, x);
        int n = x.numel();
        graphs.launch(n, in(x.data(), y.data()), out(y.data()), (g, id, c) -> g.task(id,
                TornadoKernels::elementwiseAxpy, c, n, alpha, x.data(), y.data()));
    }

    @Override
    public void lerp(Tensor a, Tensor b, float t, Tensor out) {
        requireSameShape("lerp operand", b, a);
        requireSameShape("lerp output", out, a);
        int n = a.numel();
        graphs.launch(n, in(a.data(), b.data()), out(out.data()), (g, id, c) -> g.task(id,
                TornadoKernels::elementwiseLerp, c, n, a.data(), b.data(), t, out.data()));
    }

    @Override
    public void fill(Tensor x, float value) {
        int n = x.numel();
        graphs.launch(n, in(), out(x.data()), (g, id, c) -> g.task(id,
                TornadoKernels::elementwiseFill, c, n, x.data(), value));
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        requireSameShape("copy destination", dst, src);
        int n = src.numel();
        graphs.launch(n, in(src.data()), out(dst.data()), (g, id, c) -> g.task(id,
                TornadoKernels::elementwiseCopy, c, n, src.data(), dst.data()));
    }

    @Override
    public void toPixelLevels(Tensor x, Tensor out) {
        requireSameShape("pixel levels output", out, x);
        int n = x.numel();
        graphs.launch(n, in(x.data()), out(out.data()), (g, id, c) -> g.task(id,
                TornadoKernels::elementwiseToPixelLevels, c, n, x.data(), out.data()));
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
        int rows = x.dim(0);
        int rowSize = x.numel() / rows;
        graphs.launch(rows, in(x.data()), out(out.data()), (g, id, c) -> g.task(id,
                TornadoKernels::reduceBlockSumsOfSquares, c, rows, x.data(), x.numel(), rowSize, 1f, out.data()));
    }

    /** The task of a reduction's first pass, filling {@code partial} with the sums of {@code blocks} blocks. */
    @FunctionalInterface
    private interface FirstPass {
        TaskGraphs.TaskAdder blockSums(int blocks, float[] partial);
    }

    private float reduce(Tensor x, boolean squares) {
        int n = x.numel();
        return reduce(n, in(x.data()), (blocks, partial) -> squares
                ? (g, id, c) -> g.task(id, TornadoKernels::reduceBlockSumsOfSquares, c, blocks, x.data(), n,
                        REDUCE_BLOCK, 1f, partial)
                : (g, id, c) -> g.task(id, TornadoKernels::reduceBlockSums, c, blocks, x.data(), n, REDUCE_BLOCK, 1f,
                        partial));
    }

    /**
     * Block sums of {@code n} elements on the GPU, then the host adds the block sums in order: the same result as
     * the CPU device.
     */
    private float reduce(int n, Object[] reads, FirstPass firstPass) {
        if (n == 0) {
            return 0f;
        }
        int blocks = (n + REDUCE_BLOCK - 1) / REDUCE_BLOCK;
        float[] partial = new float[blocks];
        graphs.launch(blocks, reads, out(partial), firstPass.blockSums(blocks, partial));
        graphs.toHost(partial);
        float[] total = new float[1];
        Reduce.blockSums(0, 1, partial, blocks, blocks, 1f, total);
        return total[0];
    }

    @Override
    public void adam(Tensor p, Tensor g, Tensor m, Tensor v, double lr, double beta1, double beta2, double eps,
                     long step) {
        AdamStep a = AdamStep.of(p, g, m, v, lr, beta1, beta2, eps, step);
        int n = p.numel();
        graphs.launch(n, in(p.data(), g.data(), m.data(), v.data()), out(p.data(), m.data(), v.data()),
                (graph, id, c) -> graph.task(id, TornadoKernels::adamUpdate, c, n, p.data(), g.data(), m.data(),
                        v.data(), a.beta1, a.oneMinusBeta1, a.beta2, a.oneMinusBeta2, a.eps, a.stepSize,
                        a.bias2Sqrt));
    }

    @Override
    public void flipRotate90(Tensor x, Tensor quarterTurns, Tensor hflip, Tensor vflip, Tensor y) {
        toHost(quarterTurns, hflip, vflip);   // the checks read the per-sample parameters
        requireFlipRotate90(x, quarterTurns, hflip, vflip, y);
        int n = y.numel();
        graphs.launch(n, in(x.data(), quarterTurns.data(), hflip.data(), vflip.data()), out(y.data()),
                (g, id, c) -> g.task(id, TornadoKernels::warpFlipRotate90, c, n, x.data(), quarterTurns.data(),
                        hflip.data(), vflip.data(), y.data(), x.dim(1), x.dim(2), x.dim(3)));
    }

    @Override
    public void rotate(Tensor x, Tensor angle, Tensor y) {
        toHost(angle);
        float[][] cosSin = rotationCosSin(x, angle, y);
        float[] cos = cosSin[0];
        float[] sin = cosSin[1];
        int n = y.numel();
        graphs.launch(n, in(x.data(), cos, sin), out(y.data()), (g, id, c) -> g.task(id,
                TornadoKernels::warpRotate, c, n, x.data(), cos, sin, y.data(), x.dim(1), x.dim(2), x.dim(3)));
    }

    @Override
    public void colorJitter(Tensor x, Tensor brightness, Tensor contrast, Tensor saturation, Tensor hue, Tensor y) {
        toHost(brightness, contrast, saturation);
        requireColorJitter(x, brightness, contrast, saturation, hue, y);
        int batch = x.dim(0);
        int plane = x.dim(2) * x.dim(3);
        int pixels = batch * plane;
        graphs.launch(pixels, in(x.data(), brightness.data()), out(y.data()), (g, id, c) -> g.task(id,
                TornadoKernels::colorJitterBrightness, c, pixels, x.data(), brightness.data(), y.data(), plane));
        // Contrast blends with each image's mean grey after brightness: block sums, then a sum per sample.
        int blocks = Math.max(1, (plane + REDUCE_BLOCK - 1) / REDUCE_BLOCK);
        float[] greySums = new float[batch * blocks];
        float[] meanGrey = new float[batch];
        int cells = batch * blocks;
        graphs.launch(cells, in(y.data()), out(greySums), (g, id, c) -> g.task(id,
                TornadoKernels::colorJitterGreyBlockSums, c, cells, y.data(), greySums, plane, REDUCE_BLOCK, blocks));
        graphs.launch(batch, in(greySums), out(meanGrey), (g, id, c) -> g.task(id,
                TornadoKernels::reduceBlockSums, c, batch, greySums, greySums.length, blocks, 1f / plane, meanGrey));
        graphs.launch(pixels, in(y.data(), contrast.data(), meanGrey), out(y.data()), (g, id, c) -> g.task(id,
                TornadoKernels::colorJitterContrast, c, pixels, y.data(), contrast.data(), meanGrey, y.data(), plane));
        graphs.launch(pixels, in(y.data(), saturation.data()), out(y.data()), (g, id, c) -> g.task(id,
                TornadoKernels::colorJitterSaturation, c, pixels, y.data(), saturation.data(), y.data(), plane));
        graphs.launch(pixels, in(y.data(), hue.data()), out(y.data()), (g, id, c) -> g.task(id,
                TornadoKernels::colorJitterHue, c, pixels, y.data(), hue.data(), y.data(), plane));
    }

    @Override
    public void toHost(Tensor... tensors) {
        graphs.toHost(Arrays.stream(tensors).map(Tensor::data).toArray(float[][]::new));
    }

    @Override
    public void fromHost(Tensor... tensors) {
        graphs.fromHost(Arrays.stream(tensors).map(Tensor::data).toArray(float[][]::new));
    }

    /** Runs what is pending and brings every result the GPU still holds back to the host. */
    @Override
    public void close() {
        graphs.close();
    }
}
