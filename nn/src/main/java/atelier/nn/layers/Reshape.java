package atelier.nn.layers;

import atelier.core.Tensor;
import atelier.nn.TwiceDifferentiable;

/** Views each sample with another shape (e.g. the generator's first dense output as [512, 4, 4]). */
public final class Reshape implements TwiceDifferentiable {
    private final int[] sampleShape;
    private int[] inputShape;

    public Reshape(int... sampleShape) {
        this.sampleShape = sampleShape.clone();
    }

    @Override
    public Tensor forward(Tensor x) {
        inputShape = x.shape();
        return reshaped(x);
    }

    private Tensor reshaped(Tensor x) {
        int[] shape = new int[sampleShape.length + 1];
        shape[0] = x.dim(0);
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        return x.reshape(shape);
    }

    @Override
    public SecondOrder backwardOfBackward(Tensor dxBar) {
        return new SecondOrder(reshaped(dxBar), null);
    }

    @Override
    public Tensor backwardRetaining(Tensor dy) {
        return dy.reshape(ForwardCache.require(inputShape, "Reshape"));
    }
}
