package atelier.gan.upscale;

import atelier.core.Tensor;
import atelier.core.device.Device;
import atelier.nn.Layer;
import atelier.nn.Parameter;
import atelier.nn.Sequential;
import atelier.nn.layers.Conv2d;
import atelier.nn.layers.EqualizedLr;
import atelier.nn.layers.LeakyRelu;
import atelier.nn.layers.PixelShuffle;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The upscaler, a light SRVGG-compact-like network (Real-ESRGAN's compact model): a stack of 3x3 convolutions with
 * leaky ReLU at the input's resolution, a last convolution to 3 * f^2 channels, one pixel shuffle by f, and the
 * result added to the bicubic upscale of the input, so the network learns only the detail bicubic misses. Fully
 * convolutional: any input size, each output pixel depends on input pixels within {@link UpscalerShape#reach()}.
 * The last convolution starts at zero, so a fresh upscaler is exactly bicubic. Parameters are named "g.convK".
 */
public final class Upscaler implements Layer {
    private final Device device;
    private final UpscalerShape shape;
    private final Sequential detail;

    public Upscaler(Device device, UpscalerShape shape, Random init) {
        this.device = device;
        this.shape = shape;
        // He's initialization folded into the weights (no equalized learning rate: a plain, shallow network).
        EqualizedLr he = new EqualizedLr(false, (float) Math.sqrt(2));
        List<Layer> layers = new ArrayList<>();
        int in = 3;
        for (int k = 0; k < shape.convs() - 1; k++) {
            layers.add(new Conv2d(device, "g.conv" + k, in, shape.channels(), 3, 1, he, init));
            layers.add(new LeakyRelu(device, LeakyRelu.PGAN_SLOPE));
            in = shape.channels();
        }
        int f = shape.factor();
        Conv2d last = new Conv2d(device, "g.conv" + (shape.convs() - 1), in, 3 * f * f, 3, 1, he, init);
        device.fill(last.weight().value(), 0f);
        layers.add(last);
        layers.add(new PixelShuffle(device, f));
        this.detail = new Sequential(device, layers);
    }

    public UpscalerShape shape() {
        return shape;
    }

    /** [N, 3, H, W] to [N, 3, H*f, W*f]. */
    @Override
    public Tensor forward(Tensor x) {
        x.requireRank("upscaler input", 4);
        if (x.dim(1) != 3) {
            throw new IllegalArgumentException("upscaler input must be RGB [N, 3, H, W], got " + x);
        }
        Tensor y = detail.forward(x);
        Tensor base = y.zerosLike();
        bicubic(x, base);
        device.add(y, base, y);
        return y;
    }

    /** The base the network adds its detail to: the bicubic upscale of x into y [N, 3, H*f, W*f]. */
    public void bicubic(Tensor x, Tensor y) {
        device.resize(x, y);
    }

    @Override
    public Tensor backward(Tensor dy) {
        Tensor dx = detail.backward(dy);
        Tensor dBase = dx.zerosLike();
        device.resizeBackward(dy, dBase);
        device.add(dx, dBase, dx);
        return dx;
    }

    @Override
    public List<Parameter> parameters() {
        return detail.parameters();
    }
}
