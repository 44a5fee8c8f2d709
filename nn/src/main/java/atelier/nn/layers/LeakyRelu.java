package atelier.nn.layers;

import atelier.core.Tensor;
import atelier.core.device.Device;
import atelier.nn.TwiceDifferentiable;

/** Leaky ReLU; PGAN uses slope 0.2. */
public final class LeakyRelu implements TwiceDifferentiable {
    public static final float PGAN_SLOPE = 0.2f;

    private final Device device;
    private final float slope;
    private final boolean inPlace;
    private Tensor output;

    public LeakyRelu(Device device, float slope) {
        this(device, slope, false);
    }

    private LeakyRelu(Device device, float slope, boolean inPlace) {
        this.device = device;
        this.slope = slope;
        this.inPlace = inPlace;
    }

    /**
     * A leaky ReLU whose output overwrites its input (its backward needs only the output), and whose input gradient
     * overwrites the output gradient it is given: for a layer between others that keep neither their outputs nor
     * the input gradients they return (convolutions, resampling).
     */
    public static LeakyRelu inPlace(Device device, float slope) {
        return new LeakyRelu(device, slope, true);
    }

    @Override
    public Tensor forward(Tensor x) {
        output = inPlace ? x : x.zerosLike();
        device.leakyRelu(x, slope, output);
        return output;
    }

    @Override
    public Tensor backwardRetaining(Tensor dy) {
        Tensor y = ForwardCache.require(output, "LeakyRelu");
        Tensor dx = inPlace ? dy : dy.zerosLike();
        device.leakyReluBackward(y, dy, slope, dx);
        return dx;
    }

    /** dx = dy * slope(y), linear in dy with a piecewise-constant factor: dyBar = dxBar * slope(y), no xBar. */
    @Override
    public SecondOrder backwardOfBackward(Tensor dxBar) {
        Tensor y = ForwardCache.require(output, "LeakyRelu");
        Tensor dyBar = inPlace ? dxBar : dxBar.zerosLike();
        device.leakyReluBackward(y, dxBar, slope, dyBar);
        return new SecondOrder(dyBar, null);
    }

    @Override
    public void release() {
        output = null;
    }
}
