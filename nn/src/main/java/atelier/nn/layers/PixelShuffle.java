package atelier.nn.layers;

import atelier.core.Tensor;
import atelier.core.device.Device;
import atelier.nn.Layer;

/** Pixel shuffle by an integer factor f: [N, C*f*f, H, W] to [N, C, H*f, W*f] (the upscaler's last step). */
public final class PixelShuffle implements Layer {
    private final Device device;
    private final int factor;
    private int[] inputShape;

    public PixelShuffle(Device device, int factor) {
        if (factor < 1) {
            throw new IllegalArgumentException("pixel shuffle factor must be >= 1, got " + factor);
        }
        this.device = device;
        this.factor = factor;
    }

    @Override
    public Tensor forward(Tensor x) {
        inputShape = x.shape();
        Tensor y = Tensor.zeros(x.dim(0), x.dim(1) / (factor * factor), x.dim(2) * factor, x.dim(3) * factor);
        device.pixelShuffle(x, factor, y);
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        Tensor dx = Tensor.zeros(ForwardCache.require(inputShape, "PixelShuffle"));
        device.pixelShuffleBackward(dy, factor, dx);
        return dx;
    }
}
