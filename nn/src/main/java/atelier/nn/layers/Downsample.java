package atelier.nn.layers;

import atelier.core.Tensor;
import atelier.core.device.Device;
import atelier.core.device.Filter;
import atelier.nn.TwiceDifferentiable;

/**
 * Downsampling by an integer factor with a fixed filter: {@code Filter.area(2)} is PGAN's 2x2 average pooling;
 * {@code Filter.bilinear(f)} is the antialiased filter of the upscaler's consistency loss.
 */
public final class Downsample implements TwiceDifferentiable {
    private final Device device;
    private final Filter filter;
    private int[] inputShape;

    public Downsample(Device device, Filter filter) {
        this.device = device;
        this.filter = filter;
    }

    @Override
    public Tensor forward(Tensor x) {
        inputShape = x.shape();
        int f = filter.factor();
        Tensor y = Tensor.zeros(x.dim(0), x.dim(1), x.dim(2) / f, x.dim(3) / f);
        device.downsample(x, filter, y);
        return y;
    }

    @Override
    public Tensor backwardRetaining(Tensor dy) {
        Tensor dx = Tensor.zeros(ForwardCache.require(inputShape, "Downsample"));
        device.downsampleBackward(dy, filter, dx);
        return dx;
    }

    /** The backward is the filter's transpose, so its reverse is the filter again. */
    @Override
    public SecondOrder backwardOfBackward(Tensor dxBar) {
        int f = filter.factor();
        Tensor dyBar = Tensor.zeros(dxBar.dim(0), dxBar.dim(1), dxBar.dim(2) / f, dxBar.dim(3) / f);
        device.downsample(dxBar, filter, dyBar);
        return new SecondOrder(dyBar, null);
    }
}
