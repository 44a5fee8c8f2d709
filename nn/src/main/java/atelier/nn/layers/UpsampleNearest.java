package atelier.nn.layers;

import atelier.core.Tensor;
import atelier.core.device.Device;
import atelier.nn.TwiceDifferentiable;

/** Nearest-neighbour upsampling by an integer factor (PGAN generator: 2). */
public final class UpsampleNearest implements TwiceDifferentiable {
    private final Device device;
    private final int factor;
    private int[] inputShape;

    public UpsampleNearest(Device device, int factor) {
        if (factor < 1) {
            throw new IllegalArgumentException("upsampling factor must be >= 1, got " + factor);
        }
        this.device = device;
        this.factor = factor;
    }

    @Override
    public Tensor forward(Tensor x) {
        inputShape = x.shape();
        Tensor y = Tensor.zeros(x.dim(0), x.dim(1), x.dim(2) * factor, x.dim(3) * factor);
        device.upsampleNearest(x, factor, y);
        return y;
    }

    @Override
    public Tensor backwardRetaining(Tensor dy) {
        Tensor dx = Tensor.zeros(ForwardCache.require(inputShape, "UpsampleNearest"));
        device.upsampleNearestBackward(dy, factor, dx);
        return dx;
    }

    /** The backward sums each block, so its reverse copies each pixel to its block again. */
    @Override
    public SecondOrder backwardOfBackward(Tensor dxBar) {
        Tensor dyBar = Tensor.zeros(dxBar.dim(0), dxBar.dim(1), dxBar.dim(2) * factor, dxBar.dim(3) * factor);
        device.upsampleNearest(dxBar, factor, dyBar);
        return new SecondOrder(dyBar, null);
    }
}
