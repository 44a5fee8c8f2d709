package atelier.gan.upscale;

import atelier.core.Tensor;
import atelier.core.device.Device;
import atelier.core.device.Filter;
import atelier.nn.Layer;
import atelier.nn.Parameter;
import atelier.nn.Sequential;
import atelier.nn.layers.Conv2d;
import atelier.nn.layers.Dense;
import atelier.nn.layers.Downsample;
import atelier.nn.layers.EqualizedLr;
import atelier.nn.layers.LeakyRelu;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The upscaler's own discriminator: one logit per crop [N, 3, S, S] telling real crops from upscaled ones. A 3x3
 * convolution from RGB with leaky ReLU, then per halving 2x2 average pooling and a 3x3 convolution with leaky ReLU
 * down to 4x4, and a dense layer to the score. Channels double per halving from {@code channels}, up to 4x that.
 * Only the first convolution runs at full resolution, which keeps it cheaper than the upscaler it judges.
 * Parameters are named "d.*".
 */
public final class CropDiscriminator implements Layer {
    private final int crop;
    private final Sequential net;

    public CropDiscriminator(Device device, int crop, int channels, Random init) {
        if (crop < 8 || Integer.bitCount(crop) != 1) {
            throw new IllegalArgumentException("discriminator crop must be a power of two >= 8, got " + crop);
        }
        this.crop = crop;
        EqualizedLr he = new EqualizedLr(false, (float) Math.sqrt(2));
        List<Layer> layers = new ArrayList<>();
        layers.add(new Conv2d(device, "d.rgb", 3, channels, 3, 1, he, init));
        layers.add(new LeakyRelu(device, LeakyRelu.PGAN_SLOPE));
        int in = channels;
        int stage = 0;
        for (int r = crop; r > 4; r /= 2, stage++) {
            int out = Math.min(4 * channels, in * 2);
            layers.add(new Downsample(device, Filter.area(2)));
            layers.add(new Conv2d(device, "d.conv" + stage, in, out, 3, 1, he, init));
            layers.add(new LeakyRelu(device, LeakyRelu.PGAN_SLOPE));
            in = out;
        }
        layers.add(new Dense(device, "d.score", in * 16, 1, new EqualizedLr(false, 1f), init));
        this.net = new Sequential(device, layers);
    }

    public int crop() {
        return crop;
    }

    /** Crops [N, 3, S, S] to scores [N, 1]. */
    @Override
    public Tensor forward(Tensor crops) {
        crops.requireShape("discriminator input", crops.dim(0), 3, crop, crop);
        return net.forward(crops);
    }

    @Override
    public Tensor backward(Tensor dScores) {
        return net.backward(dScores);
    }

    @Override
    public List<Parameter> parameters() {
        return net.parameters();
    }
}
