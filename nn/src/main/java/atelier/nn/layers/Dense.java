package atelier.nn.layers;

import atelier.core.Tensor;
import atelier.core.device.Device;
import atelier.nn.Parameter;
import atelier.nn.TwiceDifferentiable;

import java.util.List;
import java.util.Random;

/** Fully connected layer with bias. Inputs of rank > 2 are flattened after the batch dimension. */
public final class Dense implements TwiceDifferentiable {
    private final Device device;
    private final float wScale;
    private final Parameter weight;
    private final Parameter bias;
    private Tensor input;
    private Tensor outputGrad;

    public Dense(Device device, String name, int in, int out, EqualizedLr init, Random rng) {
        this.device = device;
        this.wScale = init.runtimeScale(in);
        this.weight = new Parameter(name + ".weight", init.initWeights(rng, in, out, in));
        this.bias = new Parameter(name + ".bias", Tensor.zeros(out));
    }

    @Override
    public Tensor forward(Tensor x) {
        input = x;
        Tensor y = Tensor.zeros(x.dim(0), weight.value().dim(0));
        device.dense(flat(x), weight.value(), wScale, y);
        device.biasAdd(y, bias.value());
        return y;
    }

    @Override
    public Tensor backwardRetaining(Tensor dy) {
        Tensor x = ForwardCache.require(input, "Dense");
        outputGrad = dy;
        if (bias.requiresGrad()) {
            device.biasBackward(dy, bias.grad());
        }
        if (weight.requiresGrad()) {
            device.denseBackwardWeight(flat(x), dy, wScale, weight.grad());
        }
        Tensor dx = x.zerosLike();
        device.denseBackwardInput(dy, weight.value(), wScale, flat(dx));
        return dx;
    }

    /** dx = s dy W: dyBar = s dxBar W^T, and W gets s * dy^T dxBar. */
    @Override
    public SecondOrder backwardOfBackward(Tensor dxBar) {
        Tensor dy = ForwardCache.require(outputGrad, "Dense");
        outputGrad = null;   // the reverse runs once: free it as soon as possible
        if (weight.requiresGrad()) {
            device.denseBackwardWeight(flat(dxBar), dy, wScale, weight.grad());
        }
        Tensor dyBar = dy.zerosLike();
        device.dense(flat(dxBar), weight.value(), wScale, dyBar);
        return new SecondOrder(dyBar, null);
    }

    /** The input serves only the weight gradient of an ordinary backward; the reverse needs only dy. */
    @Override
    public void releaseInputs() {
        input = null;
    }

    @Override
    public void release() {
        input = null;
        outputGrad = null;
    }

    private static Tensor flat(Tensor x) {
        return x.reshape(x.dim(0), x.numel() / x.dim(0));
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(weight, bias);
    }
}
