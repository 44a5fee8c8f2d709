package atelier.nn.layers;

import atelier.core.Tensor;
import atelier.core.device.Device;
import atelier.core.kernels.Activation;
import atelier.nn.TwiceDifferentiable;

/** Leaky ReLU; PGAN uses slope 0.2. */
public final class LeakyRelu implements TwiceDifferentiable {
    public static final float PGAN_SLOPE = 0.2f;

    private final Device device;
    private final float slope;
    private final boolean inPlace;
    /** The forward's sign mask: all its backward needs. */
    private Tensor signs;

    public LeakyRelu(Device device, float slope) {
        this(device, slope, false);
    }

    private LeakyRelu(Device device, float slope, boolean inPlace) {
        this.device = device;
        this.slope = slope;
        this.inPlace = inPlace;
    }

    /**
     * A leaky ReLU whose output overwrites its input, and whose input gradient overwrites the output gradient it is
     * given: for a layer between others that keep neither their outputs nor the input gradients they return
     * (convolutions, resampling).
     */
    public static LeakyRelu inPlace(Device device, float slope) {
        return new LeakyRelu(device, slope, true);
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor y = inPlace ? x : x.zerosLike();
        signs = Tensor.zeros(Activation.signFloats(x.numel()));
        device.leakyRelu(x, slope, y, signs);
        return y;
    }

    @Override
    public Tensor backwardRetaining(Tensor dy) {
        Tensor mask = ForwardCache.require(signs, "LeakyRelu");
        Tensor dx = inPlace ? dy : dy.zerosLike();
        device.leakyReluBackward(mask, dy, slope, dx);
        return dx;
    }

    /** dx = dy * slope(x), linear in dy with a piecewise-constant factor: dyBar = dxBar * slope(x), no xBar. */
    @Override
    public SecondOrder backwardOfBackward(Tensor dxBar) {
        Tensor mask = ForwardCache.require(signs, "LeakyRelu");
        Tensor dyBar = inPlace ? dxBar : dxBar.zerosLike();
        device.leakyReluBackward(mask, dxBar, slope, dyBar);
        return new SecondOrder(dyBar, null);
    }

    @Override
    public void release() {
        signs = null;
    }
}
