package atelier.nn;

import atelier.core.Tensor;

import java.util.List;
import java.util.function.Supplier;

/**
 * A trainable tensor, its gradient (accumulated by backward passes) and its checkpoint name. While gradients are
 * off, backward passes leave the gradient alone and skip computing it (PyTorch's requires_grad): a GAN's
 * generator step needs the discriminator's input gradient, not its weight gradients. The gradient's storage is
 * allocated on first use: a generator's moving average, for one, never runs a backward pass.
 */
public final class Parameter {
    private final String name;
    private final Tensor value;
    private Tensor grad;
    private boolean requiresGrad = true;

    public Parameter(String name, Tensor value) {
        this.name = name;
        this.value = value;
    }

    public String name() {
        return name;
    }

    public Tensor value() {
        return value;
    }

    public Tensor grad() {
        if (grad == null) {
            grad = value.zerosLike();
        }
        return grad;
    }

    /** Whether backward passes accumulate into {@link #grad} (on unless turned off). */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    public void setRequiresGrad(boolean requiresGrad) {
        this.requiresGrad = requiresGrad;
    }

    /**
     * Runs {@code pass} (a backward pass wanted for its input gradient) with the parameters' gradients off, and
     * turns them back on after it.
     */
    public static <T> T withoutGradients(List<Parameter> parameters, Supplier<T> pass) {
        parameters.forEach(p -> p.setRequiresGrad(false));
        try {
            return pass.get();
        } finally {
            parameters.forEach(p -> p.setRequiresGrad(true));
        }
    }

    @Override
    public String toString() {
        return name + value;
    }
}
