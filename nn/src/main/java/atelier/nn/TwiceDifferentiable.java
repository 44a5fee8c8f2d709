package atelier.nn;

import atelier.core.Tensor;

/**
 * A layer whose backward can itself be differentiated, as gradient penalties (WGAN-GP) need: the penalty depends
 * on the input gradient dx = backward(dy), so its parameter gradient runs the backward in reverse. Such a pass is
 * forward, {@link #backwardRetaining}, {@link #backwardOfBackward}, then {@link #release}.
 */
public interface TwiceDifferentiable extends Layer {

    /**
     * A backward that keeps what {@link #backwardOfBackward} needs (the forward's cache, and the dy given where the
     * backward uses parameters) until {@link #release}.
     */
    Tensor backwardRetaining(Tensor dy);

    /** The ordinary backward: a retaining one whose caches are dropped at once. */
    @Override
    default Tensor backward(Tensor dy) {
        Tensor dx = backwardRetaining(dy);
        release();
        return dx;
    }

    /**
     * The reverse of the last {@link #backwardRetaining}: given dxBar, the cotangent of the dx it returned,
     * accumulates parameter gradients through the parameters' role in backward (e.g. dx = W^T dy) and returns
     * dyBar, the cotangent of the dy it was given, and xBar, the cotangent of the forward input when the backward
     * depends on it (null when it does not: linear layers, and leaky ReLU whose slope is piecewise constant). The
     * caller must carry xBar back through the forward with an ordinary backward.
     */
    SecondOrder backwardOfBackward(Tensor dxBar);

    /**
     * Between {@link #backwardRetaining} and {@link #backwardOfBackward}: drops what only a further ordinary backward
     * through the forward would need, for passes that carry no input cotangent back (see SecondOrder.xBar).
     */
    default void releaseInputs() {
    }

    /** Cotangents of a backward's inputs: dy always, the forward input x only where it matters. */
    record SecondOrder(Tensor dyBar, Tensor xBar) {
    }
}
