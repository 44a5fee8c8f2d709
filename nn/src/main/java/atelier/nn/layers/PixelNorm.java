package atelier.nn.layers;

import atelier.core.Tensor;
import atelier.core.device.Device;
import atelier.nn.Layer;

/** Pixel-wise feature normalization of the PGAN generator (eps 1e-8). */
public final class PixelNorm implements Layer {
    public static final float PGAN_EPS = 1e-8f;

    private final Device device;
    private final float eps;
    private Tensor input;

    public PixelNorm(Device device, float eps) {
        this.device = device;
        this.eps = eps;
    }

    @Override
    public Tensor forward(Tensor x) {
        input = x;
        Tensor y = x.zerosLike();
        device.pixelNorm(x, eps, y);
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        Tensor x = ForwardCache.require(input, "PixelNorm");
        Tensor dx = x.zerosLike();
        device.pixelNormBackward(x, dy, eps, dx);
        input = null;
        return dx;
    }

    @Override
    public void release() {
        input = null;
    }
}
