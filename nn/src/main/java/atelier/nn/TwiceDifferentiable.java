package atelier.nn;

import atelier.core.Tensor;

/**
 * A layer whose backward can itself be differentiated, as gradient penalties (WGAN-GP) need: the penalty depends
 * on the input gradient dx = backward(dy), so its parameter gradient runs the backward in reverse.
 */
public interface TwiceDifferentiable extends Layer {

    /**
     * The reverse of the last {@link #backward}: given dxBar, the cotangent of the dx it returned, accumulates
     * parameter gradients through the parameters' role in backward (e.g. dx = W^T dy) and returns dyBar, the
     * cotangent of the dy it was given, and xBar, the cotangent of the forward input when the backward depends on
     * it (null when it does not: linear layers, and leaky ReLU whose slope is piecewise constant). The caller must
     * carry xBar back through the forward with an ordinary backward.
     */
    SecondOrder backwardOfBackward(Tensor dxBar);

    /** Cotangents of a backward's inputs: dy always, the forward input x only where it matters. */
    record SecondOrder(Tensor dyBar, Tensor xBar) {
    }
}
