package atelier.nn.layers;

import atelier.core.Tensor;

import java.util.Random;

/**
 * Weight initialization and run-time scaling. With the equalized learning rate (Karras et al. 2017) weights are
 * stored ~N(0, 1) and multiplied by He's constant gain / sqrt(fan_in) at every use, so Adam's per-parameter
 * step sizes see every layer at the same scale. Without it, the constant is folded into the initial weights.
 */
public record EqualizedLr(boolean equalized, float gain) {
    /** PGAN's setting: equalized, gain sqrt(2) for layers followed by leaky ReLU. */
    public static final EqualizedLr PGAN = new EqualizedLr(true, (float) Math.sqrt(2));

    /** He's constant for a layer with this fan-in. */
    public float heConstant(int fanIn) {
        return (float) (gain / Math.sqrt(fanIn));
    }

    /** The scale applied to the stored weights at run time. */
    public float runtimeScale(int fanIn) {
        return equalized ? heConstant(fanIn) : 1f;
    }

    /** Fresh weights of the given shape. */
    public Tensor initWeights(Random rng, int fanIn, int... shape) {
        Tensor w = Tensor.zeros(shape);
        float std = equalized ? 1f : heConstant(fanIn);
        float[] d = w.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (rng.nextGaussian() * std);
        }
        return w;
    }
}
