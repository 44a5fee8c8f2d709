package atelier.nn;

import atelier.core.Tensor;
import atelier.core.device.Device;

import java.util.ArrayList;
import java.util.List;

/**
 * Layers applied one after another; backward runs them in reverse. It is twice differentiable when all its
 * layers are.
 */
public final class Sequential implements TwiceDifferentiable {
    private final Device device;
    private final List<Layer> layers;

    public Sequential(Device device, List<? extends Layer> layers) {
        this.device = device;
        this.layers = List.copyOf(layers);
    }

    public Sequential(Device device, Layer... layers) {
        this(device, List.of(layers));
    }

    public List<Layer> layers() {
        return layers;
    }

    @Override
    public Tensor forward(Tensor x) {
        for (Layer layer : layers) {
            x = layer.forward(x);
        }
        return x;
    }

    /** Each layer drops its cache as soon as its own backward is done, not when the whole chain is. */
    @Override
    public Tensor backward(Tensor dy) {
        for (int i = layers.size() - 1; i >= 0; i--) {
            dy = layers.get(i).backward(dy);
        }
        return dy;
    }

    @Override
    public Tensor backwardRetaining(Tensor dy) {
        for (int i = layers.size() - 1; i >= 0; i--) {
            dy = twiceDifferentiable(layers.get(i)).backwardRetaining(dy);
        }
        return dy;
    }

    @Override
    public void releaseInputs() {
        for (Layer layer : layers) {
            twiceDifferentiable(layer).releaseInputs();
        }
    }

    @Override
    public void release() {
        for (Layer layer : layers) {
            layer.release();
        }
    }

    /**
     * Reverses the retaining backward layer by layer (first to last), then carries each layer's input cotangent
     * xBar back through the layers below it with ordinary backward calls, so that parameters feeding a layer whose
     * backward depends on its input (minibatch stddev) get their share.
     */
    @Override
    public SecondOrder backwardOfBackward(Tensor dxBar) {
        Tensor[] xBars = new Tensor[layers.size()];
        Tensor cotangent = dxBar;
        for (int i = 0; i < layers.size(); i++) {
            SecondOrder reversed = twiceDifferentiable(layers.get(i)).backwardOfBackward(cotangent);
            cotangent = reversed.dyBar();
            xBars[i] = reversed.xBar();
        }
        Tensor carried = null;
        for (int i = layers.size() - 1; i >= 0; i--) {
            if (carried != null) {
                carried = layers.get(i).backward(carried);
            }
            if (xBars[i] != null) {
                if (carried == null) {
                    carried = xBars[i];
                } else {
                    device.add(carried, xBars[i], carried);
                }
            }
        }
        return new SecondOrder(cotangent, carried);
    }

    private static TwiceDifferentiable twiceDifferentiable(Layer layer) {
        if (!(layer instanceof TwiceDifferentiable twice)) {
            throw new IllegalStateException(layer.getClass().getSimpleName()
                    + " does not support second-order gradients (needed by the gradient penalty)");
        }
        return twice;
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>();
        for (Layer layer : layers) {
            all.addAll(layer.parameters());
        }
        return all;
    }
}
