package atelier.nn.layers;

import atelier.core.Tensor;
import atelier.nn.Layer;

/** Views each sample with another shape (e.g. the generator's first dense output as [512, 4, 4]). */
public final class Reshape implements Layer {
    private final int[] sampleShape;
    private int[] inputShape;

    public Reshape(int... sampleShape) {
        this.sampleShape = sampleShape.clone();
    }

    @Override
    public Tensor forward(Tensor x) {
        inputShape = x.shape();
        int[] shape = new int[sampleShape.length + 1];
        shape[0] = x.dim(0);
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        return x.reshape(shape);
    }

    @Override
    public Tensor backward(Tensor dy) {
        return dy.reshape(ForwardCache.require(inputShape, "Reshape"));
    }
}
