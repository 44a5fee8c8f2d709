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

    @Override
    public Tensor backward(Tensor dy) {
        for (int i = layers.size() - 1; i >= 0; i--) {
            dy = layers.get(i).backward(dy);
        }
        return dy;
    }

    /**
     * Reverses the backward layer by layer (first to last), then carries each layer's input cotangent xBar back
     * through the layers below it with ordinary backward calls, so that parameters feeding a layer whose backward
     * depends on its input (minibatch stddev) get their share.
     */
    @Override
    public SecondOrder backwardOfBackward(Tensor dxBar) {
        Tensor[] xBars = new Tensor[layers.size()];
        Tensor cotangent = dxBar;
        for (int i = 0; i < layers.size(); i++) {
            if (!(layers.get(i) instanceof TwiceDifferentiable layer)) {
                throw new IllegalStateException(layers.get(i).getClass().getSimpleName()
                        + " does not support second-order gradients (needed by the gradient penalty)");
            }
            SecondOrder reversed = layer.backwardOfBackward(cotangent);
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

    @Override
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>();
        for (Layer layer : layers) {
            all.addAll(layer.parameters());
        }
        return all;
    }
}
