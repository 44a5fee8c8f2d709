package atelier.gan.pgan;

import atelier.core.Tensor;
import atelier.core.device.Device;
import atelier.nn.Layer;
import atelier.nn.Parameter;
import atelier.nn.Sequential;
import atelier.nn.layers.Conv2d;
import atelier.nn.layers.Dense;
import atelier.nn.layers.EqualizedLr;
import atelier.nn.layers.LeakyRelu;
import atelier.nn.layers.PixelNorm;
import atelier.nn.layers.Reshape;
import atelier.nn.layers.UpsampleNearest;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The PGAN generator, grown one level at a time. Level 0 maps a pixel-normalized latent through a dense layer to
 * 4x4 features and a 3x3 conv; every later level upsamples x2 and applies two 3x3 convs; each conv is followed
 * by leaky ReLU and pixel norm. A 1x1 "toRGB" conv per level turns features into an image. While a new level
 * fades in, the image is lerp(upsample(toRGB_old(h_old)), toRGB_new(h_new), alpha), alpha going 0 -> 1.
 * All layers use the equalized learning rate with He's gain sqrt(2), as pytorch_GAN_zoo does.
 */
public final class Generator {
    private final Device device;
    private final PganShape shape;
    private final Random init;
    private final List<Sequential> blocks = new ArrayList<>();
    private final List<Conv2d> toRgb = new ArrayList<>();
    private final UpsampleNearest fadeUpsample;
    /** Normalizes the latent onto the sphere of radius sqrt(latent) before level 0 (no parameters). */
    private final PixelNorm latentNorm;
    private float alpha = 1f;
    private boolean fading;

    public Generator(Device device, PganShape shape, Random init) {
        this.device = device;
        this.shape = shape;
        this.init = init;
        this.fadeUpsample = new UpsampleNearest(device, 2);
        this.latentNorm = new PixelNorm(device, PixelNorm.PGAN_EPS);
        grow();
    }

    /** Adds the next level (fresh weights); it starts fully faded out (alpha 0). */
    public void grow() {
        int level = blocks.size();
        if (level >= shape.levels()) {
            throw new IllegalStateException("generator is already at its maximum resolution " + shape.maxResolution());
        }
        int c = shape.channels(level);
        String name = "g.level" + level;
        EqualizedLr eq = EqualizedLr.PGAN;
        List<Layer> layers = new ArrayList<>();
        if (level == 0) {
            layers.add(new Dense(device, name + ".dense", shape.latent(), c * 16, eq, init));
            layers.add(new Reshape(c, 4, 4));
            addActivation(layers);
            layers.add(new Conv2d(device, name + ".conv", c, c, 3, 1, eq, init));
        } else {
            layers.add(new UpsampleNearest(device, 2));
            layers.add(new Conv2d(device, name + ".conv0", shape.channels(level - 1), c, 3, 1, eq, init));
            addActivation(layers);
            layers.add(new Conv2d(device, name + ".conv1", c, c, 3, 1, eq, init));
        }
        addActivation(layers);
        blocks.add(new Sequential(device, layers));
        toRgb.add(new Conv2d(device, name + ".torgb", c, shape.imageChannels(), 1, 0, eq, init));
        alpha = level == 0 ? 1f : 0f;
    }

    /**
     * Leaky ReLU then pixel norm, both in place (forward and backward) on the output of the dense or conv layer
     * before them, which keeps neither its output nor the gradient it returns: one activation kept per conv
     * instead of three, and no copies made, which is what lets 4096 px train in 12 GiB.
     */
    private void addActivation(List<Layer> layers) {
        layers.add(LeakyRelu.inPlace(device, LeakyRelu.PGAN_SLOPE));
        layers.add(PixelNorm.inPlace(device, PixelNorm.PGAN_EPS));
    }

    /** The current level (0 is 4x4). */
    public int level() {
        return blocks.size() - 1;
    }

    public int resolution() {
        return PganShape.resolution(level());
    }

    public PganShape shape() {
        return shape;
    }

    /** Fade-in of the newest level, 0 (old level only) to 1 (new level only). */
    public float alpha() {
        return alpha;
    }

    public void setAlpha(float alpha) {
        if (!(alpha >= 0f && alpha <= 1f)) {
            throw new IllegalArgumentException("alpha must be in [0, 1], got " + alpha);
        }
        this.alpha = alpha;
    }

    /** Images [N, imageChannels, R, R] from latents [N, latent], keeping what {@link #backward} needs. */
    public Tensor forward(Tensor z) {
        return forward(z, null, 1f);
    }

    /** Images that no backward follows (fakes for the critic, samples): nothing is kept. */
    public Tensor sample(Tensor z) {
        return sample(z, null, 1f);
    }

    /**
     * Images with the truncation trick, for sampling: the level-0 block's output is pulled toward
     * {@code meanFeatures} [C, 4, 4], the mean of that output over random latents, as h' = mean + psi (h - mean).
     * This is where truncation acts in PGAN: scaling z (toward its mean 0) changes nothing, as pixel norms and the
     * positively homogeneous leaky ReLU undo it up to the biases. psi 1 is plain sampling.
     */
    public Tensor sample(Tensor z, Tensor meanFeatures, float truncation) {
        Tensor image = forward(z, meanFeatures, truncation);
        release();
        return image;
    }

    private Tensor forward(Tensor z, Tensor meanFeatures, float truncation) {
        int top = level();
        Tensor h = baseFeatures(z);
        if (truncation != 1f) {
            meanFeatures.requireShape("mean features", h.dim(1), h.dim(2), h.dim(3));
            Tensor pulled = h.zerosLike();
            int size = meanFeatures.numel();
            for (int n = 0; n < h.dim(0); n++) {
                System.arraycopy(meanFeatures.data(), 0, pulled.data(), n * size, size);
            }
            device.lerp(pulled, h, truncation, pulled);
            h = pulled;
        }
        Tensor previous = h;
        for (int l = 1; l <= top; l++) {
            previous = h;
            h = blocks.get(l).forward(h);
        }
        Tensor image = toRgb.get(top).forward(h);
        fading = top > 0 && alpha < 1f;
        if (fading) {
            Tensor old = fadeUpsample.forward(toRgb.get(top - 1).forward(previous));
            device.lerp(old, image, alpha, image);
        }
        return image;
    }

    /**
     * The level-0 block's output [N, C, 4, 4] (after leaky ReLU and pixel norm) for latents [N, latent]: the first
     * features every image is drawn from, where the style knobs' PCA looks (GANSpace takes an early layer).
     */
    public Tensor baseFeatures(Tensor z) {
        return blocks.get(0).forward(normalizedLatent(z));
    }

    private Tensor normalizedLatent(Tensor z) {
        z.requireShape("latent", z.dim(0), shape.latent());
        return latentNorm.forward(z);
    }

    /** Accumulates parameter gradients from the gradient of the loss with respect to the last images. */
    public void backward(Tensor dImage) {
        int top = level();
        Tensor dNew = dImage;
        Tensor dPrevious = null;
        if (fading) {
            dNew = dImage.zerosLike();
            device.scale(dImage, alpha, dNew);
            Tensor dOld = dImage.zerosLike();
            device.scale(dImage, 1f - alpha, dOld);
            dPrevious = toRgb.get(top - 1).backward(fadeUpsample.backward(dOld));
        }
        Tensor dh = blocks.get(top).backward(toRgb.get(top).backward(dNew));
        if (dPrevious != null) {
            device.add(dh, dPrevious, dh);
        }
        for (int l = top - 1; l >= 0; l--) {
            dh = blocks.get(l).backward(dh);
        }
    }

    /** Drops every layer's cache, as after a backward. */
    public void release() {
        latentNorm.release();
        for (int l = 0; l < blocks.size(); l++) {
            blocks.get(l).release();
            toRgb.get(l).release();
        }
        fadeUpsample.release();
    }

    /** Number of parameters that {@code level} adds (its block and its toRGB). */
    public int levelParameterCount(int level) {
        return blocks.get(level).parameters().size() + toRgb.get(level).parameters().size();
    }

    /** Parameters of every level grown so far, in a fixed order (checkpoints, Adam, EMA). */
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>();
        for (int l = 0; l < blocks.size(); l++) {
            all.addAll(blocks.get(l).parameters());
            all.addAll(toRgb.get(l).parameters());
        }
        return all;
    }
}
