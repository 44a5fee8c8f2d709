package atelier.nn;

import java.util.List;

/**
 * A differentiable layer with explicit forward and backward, in the style of llm.c: forward keeps what its
 * backward needs; backward takes the gradient of the loss with respect to the last forward's output, accumulates
 * parameter gradients, returns the gradient with respect to that forward's input and drops what the forward kept
 * (at 4096 px one activation is a gigabyte), so every backward follows its own forward.
 */
public interface Layer {
    atelier.core.Tensor forward(atelier.core.Tensor x);

    atelier.core.Tensor backward(atelier.core.Tensor dy);

    /** Drops what the last forward kept, for a forward that no backward will follow (sampling). */
    default void release() {
    }

    /** Trainable parameters, in a fixed order. */
    default List<Parameter> parameters() {
        return List.of();
    }
}
