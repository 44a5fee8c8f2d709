package atelier.nn;

import java.util.List;

/**
 * A differentiable layer with explicit forward and backward, in the style of llm.c: forward keeps what its
 * backward needs; backward takes the gradient of the loss with respect to the last forward's output, accumulates
 * parameter gradients and returns the gradient with respect to that forward's input.
 */
public interface Layer {
    atelier.core.Tensor forward(atelier.core.Tensor x);

    atelier.core.Tensor backward(atelier.core.Tensor dy);

    /** Trainable parameters, in a fixed order. */
    default List<Parameter> parameters() {
        return List.of();
    }
}
