package atelier.nn.layers;

import atelier.core.Tensor;
import atelier.core.device.Device;
import atelier.core.device.DeviceChecks;
import atelier.nn.Layer;

/**
 * Pixel-wise feature normalization of the PGAN generator (eps 1e-8). Keeps its output and per-pixel scale for
 * the backward, so an in-place one keeps no copy of its input at all.
 */
public final class PixelNorm implements Layer {
    public static final float PGAN_EPS = 1e-8f;

    private final Device device;
    private final float eps;
    private final boolean inPlace;
    private Tensor output;
    private Tensor scale;

    public PixelNorm(Device device, float eps) {
        this(device, eps, false);
    }

    private PixelNorm(Device device, float eps, boolean inPlace) {
        this.device = device;
        this.eps = eps;
        this.inPlace = inPlace;
    }

    /**
     * A pixel norm whose output overwrites its input and whose input gradient overwrites the output gradient: for
     * inputs that no one needs unchanged afterwards (a leaky ReLU's output; its backward keeps only a sign mask) and
     * output gradients no one keeps (a conv's).
     */
    public static PixelNorm inPlace(Device device, float eps) {
        return new PixelNorm(device, eps, true);
    }

    @Override
    public Tensor forward(Tensor x) {
        output = inPlace ? x : x.zerosLike();
        scale = Tensor.zeros(x.dim(0), DeviceChecks.plane("pixel norm input", x));
        device.pixelNorm(x, eps, output, scale);
        return output;
    }

    @Override
    public Tensor backward(Tensor dy) {
        Tensor y = ForwardCache.require(output, "PixelNorm");
        Tensor dx = inPlace ? dy : y.zerosLike();
        device.pixelNormBackward(y, scale, dy, dx);
        release();
        return dx;
    }

    @Override
    public void release() {
        output = null;
        scale = null;
    }
}
