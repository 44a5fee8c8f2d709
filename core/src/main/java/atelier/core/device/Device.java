package atelier.core.device;

import atelier.core.Tensor;
import atelier.core.kernels.Activation;

/**
 * Where kernels run. Every operation here launches the kernels of {@code atelier.core.kernels} with the
 * dimensions read off the tensors' shapes; layers call these and never the kernels directly, so a device
 * (the CPU's cores, or TornadoVM on a GPU) decides how a launch executes and where the data lives.
 *
 * <p>Shapes: images are [N, C, H, W]; conv weights [K, C, R, R]; dense x [N, In], weights [Out, In].
 * Input gradients are overwritten; parameter gradients ({@code dw}, {@code db}) are accumulated.
 *
 * <p>Data: a device may keep its own copy of a tensor's storage array (a GPU does) and run launches later than
 * they are called. The host marks where it touches tensor data: {@link #toHost} before it reads or writes a
 * tensor's array, {@link #fromHost} after it has written one. Devices track data by the storage array, so
 * views made by {@link Tensor#reshape} share it. On the CPU device both are no-ops.
 */
public interface Device extends AutoCloseable {

    /** A short name for logs, e.g. "cpu (2 threads)". */
    String name();

    // Convolution: stride 1, zero padding, y spatial size = in + 2*pad - R + 1.
    void conv2d(Tensor x, Tensor w, float wScale, int pad, Tensor y);

    void conv2dBackwardInput(Tensor dy, Tensor w, float wScale, int pad, Tensor dx);

    void conv2dBackwardWeight(Tensor x, Tensor dy, float wScale, int pad, Tensor dw);

    // Dense: y = wScale * x w^T.
    void dense(Tensor x, Tensor w, float wScale, Tensor y);

    void denseBackwardInput(Tensor dy, Tensor w, float wScale, Tensor dx);

    void denseBackwardWeight(Tensor x, Tensor dy, float wScale, Tensor dw);

    // Bias per channel (dimension 1) of y, in place; plane is everything after dimension 1.
    void biasAdd(Tensor y, Tensor b);

    void biasBackward(Tensor dy, Tensor db);

    // Resampling by an integer factor.
    void upsampleNearest(Tensor x, int factor, Tensor y);

    void upsampleNearestBackward(Tensor dy, int factor, Tensor dx);

    /**
     * Pixel shuffle: x [N, C*f*f, H, W] to y [N, C, H*f, W*f], each group of f*f channels an f x f block (PyTorch's
     * {@code pixel_shuffle}). See {@link atelier.core.kernels.PixelShuffle}.
     */
    void pixelShuffle(Tensor x, int factor, Tensor y);

    /** The inverse rearrangement: dx [N, C*f*f, H, W] (overwritten) from dy [N, C, H*f, W*f]. */
    void pixelShuffleBackward(Tensor dy, int factor, Tensor dx);

    /** Separable downsampling with a fixed filter; see {@link atelier.core.kernels.Resample#downsample}. */
    void downsample(Tensor x, Filter filter, Tensor y);

    void downsampleBackward(Tensor dy, Filter filter, Tensor dx);

    /**
     * Resizes [N, C, H, W] to y's [N, C, H', W'] by any factors with antialiased bicubic (PyTorch's
     * {@code interpolate(mode="bicubic", antialias=True, align_corners=False)}; see {@link ResizeAxis#bicubic}).
     */
    void resize(Tensor x, Tensor y);

    /**
     * A band of a height-only {@link #resize}, so that a resize can stream over an image's rows: y [N, C, R', W]
     * receives rows [firstOut, firstOut + R') of the resize of an image of {@code inRows} rows to {@code outRows}
     * rows, and x [N, C, R, W] holds that image's rows [firstIn, firstIn + R), which must include every row those
     * outputs read ({@link ResizeAxis#bicubic}: output j reads rows start[j] .. start[j] + taps - 1).
     */
    void resizeRows(Tensor x, int firstIn, int inRows, Tensor y, int firstOut, int outRows);

    /** The transpose of {@link #resize}: dx (overwritten) from dy, with the same weights. */
    void resizeBackward(Tensor dy, Tensor dx);

    /**
     * One Gaussian pyramid step down, [N, C, H, W] to y's [N, C, H/2, W/2]: the 5x5 binomial filter with mirror
     * padding, every second sample kept (OpenCV's pyrDown). See {@link atelier.core.kernels.LaplacianPyramid#down}.
     */
    void pyramidDown(Tensor x, Tensor y);

    /**
     * One pyramid step up, [N, C, H, W] to y's [N, C, 2H, 2W]: zeros between the samples, then 4 times the 5x5
     * binomial filter with mirror padding (OpenCV's pyrUp). See {@link atelier.core.kernels.LaplacianPyramid#up}.
     */
    void pyramidUp(Tensor x, Tensor y);

    // Activation, normalization.
    /** y = leaky ReLU of x (y may be x); signs [{@link Activation#signFloats}(x.numel())] records x > 0. */
    void leakyRelu(Tensor x, float slope, Tensor y, Tensor signs);

    /** dx from the forward's sign mask (dx may be dy). */
    void leakyReluBackward(Tensor signs, Tensor dy, float slope, Tensor dx);

    /** y = x * scale per pixel (y may be x); writes the per-pixel scale [N, H*W] its backward needs. */
    void pixelNorm(Tensor x, float eps, Tensor y, Tensor scale);

    /** dx from the forward's output y and scale (dx may be dy). */
    void pixelNormBackward(Tensor y, Tensor scale, Tensor dy, Tensor dx);

    /**
     * Minibatch stddev: y is x with one extra channel. {@code mean} and {@code std} ([N/S, C*H*W]) and
     * {@code stat} ([N/S]) receive the statistics the backward needs. {@code groupSize} S must divide N.
     */
    void minibatchStddev(Tensor x, int groupSize, Tensor mean, Tensor std, Tensor stat, Tensor y);

    /** {@code dStat} ([N/S]) is scratch space for the gradient of each group's statistic. */
    void minibatchStddevBackward(Tensor x, Tensor mean, Tensor std, Tensor dy, int groupSize, Tensor dStat,
                                 Tensor dx);

    /**
     * The reverse of {@link #minibatchStddevBackward}, for gradient penalties: given dxBar, the cotangent of the
     * backward's dx, writes dyBar (cotangent of its dy, overwritten) and adds the cotangent of x to xBar.
     * {@code dStat} is the statistic gradient that backward computed; {@code dot}, {@code bMean} ([N/S, C*H*W])
     * and {@code u} ([N/S]) are scratch.
     */
    void minibatchStddevSecondOrder(Tensor x, Tensor mean, Tensor std, Tensor dStat, Tensor dxBar, int groupSize,
                                    Tensor dot, Tensor bMean, Tensor u, Tensor dyBar, Tensor xBar);

    // Element-wise; outputs may alias inputs.
    void add(Tensor a, Tensor b, Tensor out);

    void mul(Tensor a, Tensor b, Tensor out);

    void scale(Tensor x, float alpha, Tensor out);

    /** out[n, ...] = rowScale[n] * x[n, ...]: one scale per sample (dimension 0). */
    void scaleRows(Tensor x, Tensor rowScale, Tensor out);

    /** y += alpha * x */
    void axpy(float alpha, Tensor x, Tensor y);

    /** out = a + t (b - a) */
    void lerp(Tensor a, Tensor b, float t, Tensor out);

    /** out = the 0..255 levels of x in [-1, 1] as an 8-bit image file holds them (rounded, clamped). */
    void toPixelLevels(Tensor x, Tensor out);

    void fill(Tensor x, float value);

    void copy(Tensor src, Tensor dst);

    // Reductions, returned to the host.
    float sum(Tensor x);

    float sumOfSquares(Tensor x);

    /** sum |a - b| over all elements (an L1 loss before its mean). */
    float l1Distance(Tensor a, Tensor b);

    /** grad = d(scale * l1Distance(a, b))/da = scale * sign(a - b), overwritten. */
    void l1DistanceBackward(Tensor a, Tensor b, float scale, Tensor grad);

    /** out[n] = sum of squares of sample n (dimension 0) of x; stays on the device. */
    void rowSumsOfSquares(Tensor x, Tensor out);

    /** One Adam step on parameter p with gradient g and moments m, v; {@code step} counts from 1. */
    void adam(Tensor p, Tensor g, Tensor m, Tensor v, double lr, double beta1, double beta2, double eps, long step);

    // Augmentation of real images (no backward). Per-sample parameters are [N] tensors, so one call transforms a
    // whole batch with different parameters per image; identity parameters copy a sample bit for bit.

    /**
     * y = rot90^k(vflip^v(hflip^h(x))) per sample: k = quarterTurns[n] in {0, 1, 2, 3} counter-clockwise,
     * h = hflip[n] and v = vflip[n] in {0, 1}; odd k needs square images. y must not share storage with x.
     * See {@link atelier.core.kernels.Warp#flipRotate90}.
     */
    void flipRotate90(Tensor x, Tensor quarterTurns, Tensor hflip, Tensor vflip, Tensor y);

    /**
     * Rotation of each sample by angle[n] radians counter-clockwise about its centre, bilinear, with reflection
     * fill. y must not share storage with x. See {@link atelier.core.kernels.Warp#rotate}.
     */
    void rotate(Tensor x, Tensor angle, Tensor y);

    /**
     * Colour jitter of RGB images [N, 3, H, W] in [-1, 1], torchvision's definitions, in this order: brightness,
     * contrast, saturation (factors >= 0, 1 leaves the image unchanged), then hue (a shift in turns, 0 leaves it
     * unchanged). y may be x. See {@link atelier.core.kernels.ColorJitter}.
     */
    void colorJitter(Tensor x, Tensor brightness, Tensor contrast, Tensor saturation, Tensor hue, Tensor y);

    /**
     * The host is about to read or write these tensors' arrays: finishes every pending launch and makes the host
     * copy current.
     */
    default void toHost(Tensor... tensors) {
    }

    /** The host has written these tensors' arrays: any copy the device holds is stale. */
    default void fromHost(Tensor... tensors) {
    }

    @Override
    void close();
}
