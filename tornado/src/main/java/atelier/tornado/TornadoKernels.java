package atelier.tornado;

import atelier.core.kernels.Activation;
import atelier.core.kernels.L1;
import atelier.core.kernels.PixelShuffle;
import atelier.core.kernels.Adam;
import atelier.core.kernels.Bias;
import atelier.core.kernels.ColorJitter;
import atelier.core.kernels.Conv2d;
import atelier.core.kernels.Dense;
import atelier.core.kernels.Elementwise;
import atelier.core.kernels.LaplacianPyramid;
import atelier.core.kernels.MinibatchStddev;
import atelier.core.kernels.PixelNorm;
import atelier.core.kernels.Reduce;
import atelier.core.kernels.Resample;
import atelier.core.kernels.Resize;
import atelier.core.kernels.Warp;
import uk.ac.manchester.tornado.api.KernelContext;

/**
 * The TornadoVM entry point of every kernel of {@code atelier.core.kernels}: GPU thread i runs the same static
 * kernel method over the one-item range [i, i + 1), so the kernel's own loop runs once per thread and TornadoVM
 * inlines it. {@code items} is the launch's item count; threads past it (a rounded-up grid) get an empty range.
 * Nothing here computes: the math lives once, in the kernel library, for the CPU and the GPU alike.
 */
public final class TornadoKernels {
    private TornadoKernels() {
    }

    // Activation
    public static void activationLeakyRelu(KernelContext context, int items, float[] x, float[] y, float[] signs,
                                           int elements, float slope) {
        int i = context.globalIdx;
        Activation.leakyRelu(i, Math.min(i + 1, items), x, y, signs, elements, slope);
    }

    public static void activationLeakyReluBackward(KernelContext context, int items, float[] signs, float[] dy,
                                                   float[] dx, float slope) {
        int i = context.globalIdx;
        Activation.leakyReluBackward(i, Math.min(i + 1, items), signs, dy, dx, slope);
    }

    // Adam
    public static void adamUpdate(KernelContext context, int items, float[] p, float[] g, float[] m, float[] v,
                                  float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2, float eps,
                                  float stepSize, float bias2Sqrt) {
        int i = context.globalIdx;
        Adam.update(i, Math.min(i + 1, items), p, g, m, v, beta1, oneMinusBeta1, beta2, oneMinusBeta2, eps, stepSize,
                bias2Sqrt);
    }

    // Bias
    public static void biasForward(KernelContext context, int items, float[] y, float[] b, int channels, int plane) {
        int i = context.globalIdx;
        Bias.forward(i, Math.min(i + 1, items), y, b, channels, plane);
    }

    public static void biasBackward(KernelContext context, int items, float[] dy, float[] db, int batch, int channels,
                                    int plane) {
        int i = context.globalIdx;
        Bias.backward(i, Math.min(i + 1, items), dy, db, batch, channels, plane);
    }

    // ColorJitter
    public static void colorJitterBrightness(KernelContext context, int items, float[] x, float[] factor, float[] y,
                                             int plane) {
        int i = context.globalIdx;
        ColorJitter.brightness(i, Math.min(i + 1, items), x, factor, y, plane);
    }

    public static void colorJitterGreyBlockSums(KernelContext context, int items, float[] x, float[] sums, int plane,
                                                int blockSize, int blocks) {
        int i = context.globalIdx;
        ColorJitter.greyBlockSums(i, Math.min(i + 1, items), x, sums, plane, blockSize, blocks);
    }

    public static void colorJitterContrast(KernelContext context, int items, float[] x, float[] factor,
                                           float[] meanGrey, float[] y, int plane) {
        int i = context.globalIdx;
        ColorJitter.contrast(i, Math.min(i + 1, items), x, factor, meanGrey, y, plane);
    }

    public static void colorJitterSaturation(KernelContext context, int items, float[] x, float[] factor, float[] y,
                                             int plane) {
        int i = context.globalIdx;
        ColorJitter.saturation(i, Math.min(i + 1, items), x, factor, y, plane);
    }

    public static void colorJitterHue(KernelContext context, int items, float[] x, float[] shift, float[] y,
                                      int plane) {
        int i = context.globalIdx;
        ColorJitter.hue(i, Math.min(i + 1, items), x, shift, y, plane);
    }

    // Conv2d
    public static void conv2dForward(KernelContext context, int items, float[] x, float[] w, float wScale, float[] y,
                                     int batch, int inC, int inH, int inW, int outC, int ksize, int pad) {
        int i = context.globalIdx;
        Conv2d.forward(i, Math.min(i + 1, items), x, w, wScale, y, batch, inC, inH, inW, outC, ksize, pad);
    }

    public static void conv2dBackwardInput(KernelContext context, int items, float[] dy, float[] w, float wScale,
                                           float[] dx, int batch, int inC, int inH, int inW, int outC, int ksize,
                                           int pad) {
        int i = context.globalIdx;
        Conv2d.backwardInput(i, Math.min(i + 1, items), dy, w, wScale, dx, batch, inC, inH, inW, outC, ksize, pad);
    }

    public static void conv2dBackwardWeight(KernelContext context, int items, float[] x, float[] dy, float wScale,
                                            float[] dw, int batch, int inC, int inH, int inW, int outC, int ksize,
                                            int pad) {
        int i = context.globalIdx;
        Conv2d.backwardWeight(i, Math.min(i + 1, items), x, dy, wScale, dw, batch, inC, inH, inW, outC, ksize, pad);
    }

    // Dense
    public static void denseForward(KernelContext context, int items, float[] x, float[] w, float wScale, float[] y,
                                    int batch, int in, int out) {
        int i = context.globalIdx;
        Dense.forward(i, Math.min(i + 1, items), x, w, wScale, y, batch, in, out);
    }

    public static void denseBackwardInput(KernelContext context, int items, float[] dy, float[] w, float wScale,
                                          float[] dx, int batch, int in, int out) {
        int i = context.globalIdx;
        Dense.backwardInput(i, Math.min(i + 1, items), dy, w, wScale, dx, batch, in, out);
    }

    public static void denseBackwardWeight(KernelContext context, int items, float[] x, float[] dy, float wScale,
                                           float[] dw, int batch, int in, int out) {
        int i = context.globalIdx;
        Dense.backwardWeight(i, Math.min(i + 1, items), x, dy, wScale, dw, batch, in, out);
    }

    // Elementwise
    public static void elementwiseAdd(KernelContext context, int items, float[] a, float[] b, float[] out) {
        int i = context.globalIdx;
        Elementwise.add(i, Math.min(i + 1, items), a, b, out);
    }

    public static void elementwiseMul(KernelContext context, int items, float[] a, float[] b, float[] out) {
        int i = context.globalIdx;
        Elementwise.mul(i, Math.min(i + 1, items), a, b, out);
    }

    public static void elementwiseScale(KernelContext context, int items, float[] x, float alpha, float[] out) {
        int i = context.globalIdx;
        Elementwise.scale(i, Math.min(i + 1, items), x, alpha, out);
    }

    public static void elementwiseScaleRows(KernelContext context, int items, float[] x, float[] rowScale, int rowSize,
                                            float[] out) {
        int i = context.globalIdx;
        Elementwise.scaleRows(i, Math.min(i + 1, items), x, rowScale, rowSize, out);
    }

    public static void elementwiseAxpy(KernelContext context, int items, float alpha, float[] x, float[] y) {
        int i = context.globalIdx;
        Elementwise.axpy(i, Math.min(i + 1, items), alpha, x, y);
    }

    public static void elementwiseLerp(KernelContext context, int items, float[] a, float[] b, float t, float[] out) {
        int i = context.globalIdx;
        Elementwise.lerp(i, Math.min(i + 1, items), a, b, t, out);
    }

    public static void elementwiseFill(KernelContext context, int items, float[] x, float value) {
        int i = context.globalIdx;
        Elementwise.fill(i, Math.min(i + 1, items), x, value);
    }

    public static void elementwiseCopy(KernelContext context, int items, float[] src, float[] dst) {
        int i = context.globalIdx;
        Elementwise.copy(i, Math.min(i + 1, items), src, dst);
    }

    public static void elementwiseToPixelLevels(KernelContext context, int items, float[] x, float[] out) {
        int i = context.globalIdx;
        Elementwise.toPixelLevels(i, Math.min(i + 1, items), x, out);
    }

    // LaplacianPyramid
    public static void laplacianPyramidDown(KernelContext context, int items, float[] x, float[] y, int inH, int inW) {
        int i = context.globalIdx;
        LaplacianPyramid.down(i, Math.min(i + 1, items), x, y, inH, inW);
    }

    public static void laplacianPyramidUp(KernelContext context, int items, float[] x, float[] y, int inH, int inW) {
        int i = context.globalIdx;
        LaplacianPyramid.up(i, Math.min(i + 1, items), x, y, inH, inW);
    }

    // MinibatchStddev
    public static void minibatchStddevGroupStats(KernelContext context, int items, float[] x, float[] mean, float[] std,
                                                 int features, int groupSize) {
        int i = context.globalIdx;
        MinibatchStddev.groupStats(i, Math.min(i + 1, items), x, mean, std, features, groupSize);
    }

    public static void minibatchStddevForward(KernelContext context, int items, float[] x, float[] stat, float[] y,
                                              int channels, int plane, int groupSize) {
        int i = context.globalIdx;
        MinibatchStddev.forward(i, Math.min(i + 1, items), x, stat, y, channels, plane, groupSize);
    }

    public static void minibatchStddevStatGrad(KernelContext context, int items, float[] dy, float[] dStat,
                                               int channels, int plane, int groupSize) {
        int i = context.globalIdx;
        MinibatchStddev.statGrad(i, Math.min(i + 1, items), dy, dStat, channels, plane, groupSize);
    }

    public static void minibatchStddevBackward(KernelContext context, int items, float[] x, float[] mean, float[] std,
                                               float[] dy, float[] dStat, float[] dx, int channels, int plane,
                                               int groupSize) {
        int i = context.globalIdx;
        MinibatchStddev.backward(i, Math.min(i + 1, items), x, mean, std, dy, dStat, dx, channels, plane, groupSize);
    }

    public static void minibatchStddevSecondOrderStats(KernelContext context, int items, float[] x, float[] mean,
                                                       float[] dxBar, float[] dot, float[] bMean, int features,
                                                       int groupSize) {
        int i = context.globalIdx;
        MinibatchStddev.secondOrderStats(i, Math.min(i + 1, items), x, mean, dxBar, dot, bMean, features, groupSize);
    }

    public static void minibatchStddevSecondOrderStatCotangent(KernelContext context, int items, float[] dot,
                                                               float[] std, float[] u, int features, int groupSize) {
        int i = context.globalIdx;
        MinibatchStddev.secondOrderStatCotangent(i, Math.min(i + 1, items), dot, std, u, features, groupSize);
    }

    public static void minibatchStddevSecondOrderOutput(KernelContext context, int items, float[] dxBar, float[] u,
                                                        float[] dyBar, int channels, int plane, int groupSize) {
        int i = context.globalIdx;
        MinibatchStddev.secondOrderOutput(i, Math.min(i + 1, items), dxBar, u, dyBar, channels, plane, groupSize);
    }

    public static void minibatchStddevSecondOrderInput(KernelContext context, int items, float[] x, float[] mean,
                                                       float[] std, float[] dxBar, float[] dot, float[] bMean,
                                                       float[] dStat, float[] xBar, int channels, int plane,
                                                       int groupSize) {
        int i = context.globalIdx;
        MinibatchStddev.secondOrderInput(i, Math.min(i + 1, items), x, mean, std, dxBar, dot, bMean, dStat, xBar,
                channels, plane, groupSize);
    }

    // PixelNorm
    public static void pixelNormForward(KernelContext context, int items, float[] x, float[] y, float[] scale,
                                        int channels, int plane, float eps) {
        int i = context.globalIdx;
        PixelNorm.forward(i, Math.min(i + 1, items), x, y, scale, channels, plane, eps);
    }

    public static void pixelNormBackward(KernelContext context, int items, float[] y, float[] scale, float[] dy,
                                         float[] dx, int channels, int plane) {
        int i = context.globalIdx;
        PixelNorm.backward(i, Math.min(i + 1, items), y, scale, dy, dx, channels, plane);
    }

    // Reduce
    public static void reduceBlockSums(KernelContext context, int items, float[] x, int n, int blockSize, float scale,
                                       float[] out) {
        int i = context.globalIdx;
        Reduce.blockSums(i, Math.min(i + 1, items), x, n, blockSize, scale, out);
    }

    public static void reduceBlockSumsOfSquares(KernelContext context, int items, float[] x, int n, int blockSize,
                                                float scale, float[] out) {
        int i = context.globalIdx;
        Reduce.blockSumsOfSquares(i, Math.min(i + 1, items), x, n, blockSize, scale, out);
    }

    // Resample
    public static void resampleUpsampleNearest(KernelContext context, int items, float[] x, float[] y, int inH, int inW,
                                               int factor) {
        int i = context.globalIdx;
        Resample.upsampleNearest(i, Math.min(i + 1, items), x, y, inH, inW, factor);
    }

    public static void resampleUpsampleNearestBackward(KernelContext context, int items, float[] dy, float[] dx,
                                                       int inH, int inW, int factor) {
        int i = context.globalIdx;
        Resample.upsampleNearestBackward(i, Math.min(i + 1, items), dy, dx, inH, inW, factor);
    }

    public static void resampleDownsample(KernelContext context, int items, float[] x, float[] y, int inH, int inW,
                                          int factor, float[] taps, int tapCount, int tapOffset) {
        int i = context.globalIdx;
        Resample.downsample(i, Math.min(i + 1, items), x, y, inH, inW, factor, taps, tapCount, tapOffset);
    }

    public static void resampleDownsampleBackward(KernelContext context, int items, float[] dy, float[] dx, int inH,
                                                  int inW, int factor, float[] taps, int tapCount, int tapOffset) {
        int i = context.globalIdx;
        Resample.downsampleBackward(i, Math.min(i + 1, items), dy, dx, inH, inW, factor, taps, tapCount, tapOffset);
    }

    // PixelShuffle
    public static void pixelShuffleForward(KernelContext context, int items, float[] x, float[] y, int channels,
                                           int inH, int inW, int factor) {
        int i = context.globalIdx;
        PixelShuffle.forward(i, Math.min(i + 1, items), x, y, channels, inH, inW, factor);
    }

    public static void pixelShuffleBackward(KernelContext context, int items, float[] dy, float[] dx, int channels,
                                            int inH, int inW, int factor) {
        int i = context.globalIdx;
        PixelShuffle.backward(i, Math.min(i + 1, items), dy, dx, channels, inH, inW, factor);
    }

    // L1
    public static void l1BlockSums(KernelContext context, int items, float[] a, float[] b, int n, int blockSize,
                                   float[] out) {
        int i = context.globalIdx;
        L1.blockSums(i, Math.min(i + 1, items), a, b, n, blockSize, out);
    }

    public static void l1Backward(KernelContext context, int items, float[] a, float[] b, float scale, float[] g) {
        int i = context.globalIdx;
        L1.backward(i, Math.min(i + 1, items), a, b, scale, g);
    }

    // Resize
    public static void resizeAxis(KernelContext context, int items, float[] x, float[] y, int inN, int outN, int inner,
                                  int[] start, float[] weights, int taps) {
        int i = context.globalIdx;
        Resize.axis(i, Math.min(i + 1, items), x, y, inN, outN, inner, start, weights, taps);
    }

    public static void resizeAxisBackward(KernelContext context, int items, float[] dy, float[] dx, int inN, int outN,
                                          int inner, int[] start, float[] weights, int taps, int[] firstReader,
                                          int readers) {
        int i = context.globalIdx;
        Resize.axisBackward(i, Math.min(i + 1, items), dy, dx, inN, outN, inner, start, weights, taps, firstReader,
                readers);
    }

    // Warp
    public static void warpFlipRotate90(KernelContext context, int items, float[] x, float[] quarterTurns,
                                        float[] hflip, float[] vflip, float[] y, int channels, int height, int width) {
        int i = context.globalIdx;
        Warp.flipRotate90(i, Math.min(i + 1, items), x, quarterTurns, hflip, vflip, y, channels, height, width);
    }

    public static void warpRotate(KernelContext context, int items, float[] x, float[] cos, float[] sin, float[] y,
                                  int channels, int height, int width) {
        int i = context.globalIdx;
        Warp.rotate(i, Math.min(i + 1, items), x, cos, sin, y, channels, height, width);
    }
}
