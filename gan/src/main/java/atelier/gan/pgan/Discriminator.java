package atelier.gan.pgan;

import atelier.core.Tensor;
import atelier.core.device.Device;
import atelier.core.device.Filter;
import atelier.nn.Layer;
import atelier.nn.Parameter;
import atelier.nn.Sequential;
import atelier.nn.TwiceDifferentiable;
import atelier.nn.TwiceDifferentiable.SecondOrder;
import atelier.nn.layers.Conv2d;
import atelier.nn.layers.Dense;
import atelier.nn.layers.Downsample;
import atelier.nn.layers.EqualizedLr;
import atelier.nn.layers.LeakyRelu;
import atelier.nn.layers.MinibatchStddev;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The PGAN discriminator, the generator's mirror. A 1x1 "fromRGB" conv per level turns an image into features;
 * every level above 0 applies two 3x3 convs and 2x2 average pooling; level 0 appends the minibatch stddev channel
 * and applies a 3x3 conv, a 4x4 valid conv and a dense layer to one score per image. While a new level fades in,
 * its input to the level below is lerp(fromRGB_old(avgpool(image)), block_new(fromRGB_new(image)), alpha).
 */
public final class Discriminator {
    private final Device device;
    private final PganShape shape;
    private final Random init;
    private final List<Sequential> blocks = new ArrayList<>();
    private final List<Sequential> fromRgb = new ArrayList<>();
    private final Downsample fadeDownsample;
    /** Level 0's minibatch stddev, the one part whose backward depends on its input (for groups above one). */
    private MinibatchStddev stddev;
    private int batch;
    private float alpha = 1f;
    private boolean fading;

    public Discriminator(Device device, PganShape shape, Random init) {
        this.device = device;
        this.shape = shape;
        this.init = init;
        this.fadeDownsample = new Downsample(device, Filter.area(2));
        grow();
    }

    /** Adds the next level (fresh weights); it starts fully faded out (alpha 0). */
    public void grow() {
        int level = blocks.size();
        if (level >= shape.levels()) {
            throw new IllegalStateException("discriminator is already at its maximum resolution " + shape.maxResolution());
        }
        int c = shape.channels(level);
        String name = "d.level" + level;
        EqualizedLr eq = EqualizedLr.PGAN;
        List<Layer> layers = new ArrayList<>();
        if (level == 0) {
            stddev = new MinibatchStddev(device, MinibatchStddev.PGAN_GROUP_SIZE);
            layers.add(stddev);
            layers.add(new Conv2d(device, name + ".conv", c + 1, c, 3, 1, eq, init));
            layers.add(lrelu());
            layers.add(new Conv2d(device, name + ".conv4x4", c, c, 4, 0, eq, init));
            layers.add(lrelu());
            layers.add(new Dense(device, name + ".score", c, 1, eq, init));
        } else {
            layers.add(new Conv2d(device, name + ".conv0", c, c, 3, 1, eq, init));
            layers.add(lrelu());
            layers.add(new Conv2d(device, name + ".conv1", c, shape.channels(level - 1), 3, 1, eq, init));
            layers.add(lrelu());
            layers.add(new Downsample(device, Filter.area(2)));
        }
        blocks.add(new Sequential(device, layers));
        fromRgb.add(new Sequential(device, new Conv2d(device, name + ".fromrgb", shape.imageChannels(), c, 1, 0, eq, init), lrelu()));
        alpha = level == 0 ? 1f : 0f;
    }

    /** In place (forward and backward) between convs and pooling, which keep neither outputs nor input gradients. */
    private Layer lrelu() {
        return LeakyRelu.inPlace(device, LeakyRelu.PGAN_SLOPE);
    }

    public int level() {
        return blocks.size() - 1;
    }

    public int resolution() {
        return PganShape.resolution(level());
    }

    public float alpha() {
        return alpha;
    }

    public void setAlpha(float alpha) {
        if (!(alpha >= 0f && alpha <= 1f)) {
            throw new IllegalArgumentException("alpha must be in [0, 1], got " + alpha);
        }
        this.alpha = alpha;
    }

    /** Scores [N, 1] for images [N, imageChannels, R, R] at the current resolution. */
    public Tensor forward(Tensor images) {
        int r = resolution();
        images.requireShape("discriminator input", images.dim(0), shape.imageChannels(), r, r);
        batch = images.dim(0);
        int top = level();
        Tensor h = blocks.get(top).forward(fromRgb.get(top).forward(images));
        fading = top > 0 && alpha < 1f;
        if (fading) {
            Tensor old = fromRgb.get(top - 1).forward(fadeDownsample.forward(images));
            device.lerp(old, h, alpha, h);
        }
        for (int l = top - 1; l >= 0; l--) {
            h = blocks.get(l).forward(h);
        }
        return h;
    }

    /**
     * Accumulates parameter gradients from the gradient of the loss with respect to the last scores, and returns
     * the gradient with respect to the input images. Each layer drops its forward cache once past it.
     */
    public Tensor backward(Tensor dScores) {
        return backward(dScores, false);
    }

    /**
     * {@link #backward} keeping what {@link #backwardOfBackward} needs (the gradient penalty's first pass). Without a
     * minibatch-stddev group above one (batch 1, as at 4096 px) the reverse carries nothing back through the
     * forward, so the convolutions' inputs are dropped now: a third of what the pass would keep.
     */
    public Tensor backwardRetaining(Tensor dScores) {
        Tensor dImages = backward(dScores, true);
        if (stddev.groupFor(batch) == 1) {
            for (int l = 0; l < blocks.size(); l++) {
                blocks.get(l).releaseInputs();
                fromRgb.get(l).releaseInputs();
            }
        }
        return dImages;
    }

    private Tensor backward(Tensor dScores, boolean retain) {
        Tensor dh = dScores;
        for (int l = 0; l < level(); l++) {
            dh = backward(blocks.get(l), dh, retain);
        }
        return backwardTop(dh, retain);
    }

    private static Tensor backward(TwiceDifferentiable part, Tensor dy, boolean retain) {
        return retain ? part.backwardRetaining(dy) : part.backward(dy);
    }

    /** Backward through the newest level (and the faded-out path): from the features it feeds below to images. */
    private Tensor backwardTop(Tensor dh, boolean retain) {
        int top = level();
        Tensor dNew = dh;
        Tensor dImagesOld = null;
        if (fading) {
            dNew = dh.zerosLike();
            device.scale(dh, alpha, dNew);
            Tensor dOld = dh.zerosLike();
            device.scale(dh, 1f - alpha, dOld);
            dImagesOld = backward(fadeDownsample, backward(fromRgb.get(top - 1), dOld, retain), retain);
        }
        Tensor dImages = backward(fromRgb.get(top), backward(blocks.get(top), dNew, retain), retain);
        if (dImagesOld != null) {
            device.add(dImages, dImagesOld, dImages);
        }
        return dImages;
    }

    /**
     * The reverse of the last {@link #backwardRetaining} (gradient penalties): given the cotangent of the image
     * gradient it returned, accumulates into the parameter gradients the derivative of sum(dImagesBar * dImages).
     * Runs each part's reverse from the images up to the scores, then carries the input cotangents of parts whose
     * backward depends on their input (minibatch stddev in level 0) back down through the forward. The images
     * themselves are constants here, so their own cotangent is dropped. Ends the pass: every cache is released.
     */
    public void backwardOfBackward(Tensor dImagesBar) {
        int top = level();
        SecondOrder newRgb = fromRgb.get(top).backwardOfBackward(dImagesBar);
        SecondOrder newBlock = blocks.get(top).backwardOfBackward(newRgb.dyBar());
        Tensor dhBar = newBlock.dyBar();
        if (fading) {
            device.scale(dhBar, alpha, dhBar);
            SecondOrder oldPool = fadeDownsample.backwardOfBackward(dImagesBar);
            Tensor oldBar = fromRgb.get(top - 1).backwardOfBackward(oldPool.dyBar()).dyBar();
            device.axpy(1f - alpha, oldBar, dhBar);
        }
        Tensor[] inputBars = new Tensor[top];
        for (int l = top - 1; l >= 0; l--) {
            SecondOrder reversed = blocks.get(l).backwardOfBackward(dhBar);
            dhBar = reversed.dyBar();
            inputBars[l] = reversed.xBar();
        }
        // Carry the input cotangents down through the forward, as backward does with a score gradient.
        Tensor carried = null;
        for (int l = 0; l < top; l++) {
            if (carried != null) {
                carried = blocks.get(l).backward(carried);
            }
            if (inputBars[l] != null) {
                if (carried == null) {
                    carried = inputBars[l];
                } else {
                    device.add(carried, inputBars[l], carried);
                }
            }
        }
        if (carried != null) {
            backwardTop(carried, false);
        }
        if (newBlock.xBar() != null) {
            fromRgb.get(top).backward(newBlock.xBar());
        }
        release();
    }

    /** Drops every layer's cache (after a pass, or after a forward that no backward follows). */
    public void release() {
        for (int l = 0; l < blocks.size(); l++) {
            blocks.get(l).release();
            fromRgb.get(l).release();
        }
        fadeDownsample.release();
    }

    /** Parameters of every level grown so far, in a fixed order. */
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>();
        for (int l = 0; l < blocks.size(); l++) {
            all.addAll(blocks.get(l).parameters());
            all.addAll(fromRgb.get(l).parameters());
        }
        return all;
    }
}
