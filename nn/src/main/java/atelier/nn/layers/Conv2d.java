package atelier.nn.layers;

import atelier.core.Tensor;
import atelier.core.device.Device;
import atelier.nn.Parameter;
import atelier.nn.TwiceDifferentiable;

import java.util.List;
import java.util.Random;

/** Convolution with bias, stride 1, zero padding; weights [out, in, k, k]. */
public final class Conv2d implements TwiceDifferentiable {
    private final Device device;
    private final int pad;
    private final float wScale;
    private final Parameter weight;
    private final Parameter bias;
    private Tensor input;
    private Tensor outputGrad;

    public Conv2d(Device device, String name, int inChannels, int outChannels, int kernel, int pad, EqualizedLr init,
                  Random rng) {
        this.device = device;
        this.pad = pad;
        int fanIn = inChannels * kernel * kernel;
        this.wScale = init.runtimeScale(fanIn);
        this.weight = new Parameter(name + ".weight", init.initWeights(rng, fanIn, outChannels, inChannels, kernel, kernel));
        this.bias = new Parameter(name + ".bias", Tensor.zeros(outChannels));
    }

    @Override
    public Tensor forward(Tensor x) {
        input = x;
        Tensor w = weight.value();
        int k = w.dim(2);
        Tensor y = Tensor.zeros(x.dim(0), w.dim(0), x.dim(2) + 2 * pad - k + 1, x.dim(3) + 2 * pad - k + 1);
        device.conv2d(x, w, wScale, pad, y);
        device.biasAdd(y, bias.value());
        return y;
    }

    @Override
    public Tensor backwardRetaining(Tensor dy) {
        Tensor x = ForwardCache.require(input, "Conv2d");
        outputGrad = dy;
        if (bias.requiresGrad()) {
            device.biasBackward(dy, bias.grad());
        }
        if (weight.requiresGrad()) {
            device.conv2dBackwardWeight(x, dy, wScale, pad, weight.grad());
        }
        Tensor dx = x.zerosLike();
        device.conv2dBackwardInput(dy, weight.value(), wScale, pad, dx);
        return dx;
    }

    /** dx = s conv^T(dy, W): dyBar = s conv(dxBar, W), and W gets s * correlation(dxBar, dy); bias plays no part. */
    @Override
    public SecondOrder backwardOfBackward(Tensor dxBar) {
        Tensor dy = ForwardCache.require(outputGrad, "Conv2d");
        outputGrad = null;   // the reverse runs once: free it as soon as possible
        if (weight.requiresGrad()) {
            device.conv2dBackwardWeight(dxBar, dy, wScale, pad, weight.grad());
        }
        Tensor dyBar = dy.zerosLike();
        device.conv2d(dxBar, weight.value(), wScale, pad, dyBar);
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

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    /** The run-time weight scale (He's constant when equalized, else 1). */
    public float weightScale() {
        return wScale;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(weight, bias);
    }
}
