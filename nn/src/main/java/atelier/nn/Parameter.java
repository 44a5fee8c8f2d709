package atelier.nn;

import atelier.core.Tensor;

/**
 * A trainable tensor, its gradient (accumulated by backward passes) and its checkpoint name. While gradients are
 * off, backward passes leave the gradient alone and skip computing it (PyTorch's requires_grad): a GAN's
 * generator step needs the discriminator's input gradient, not its weight gradients.
 */
public final class Parameter {
    private final String name;
    private final Tensor value;
    private final Tensor grad;
    private boolean requiresGrad = true;

    public Parameter(String name, Tensor value) {
        this.name = name;
        this.value = value;
        this.grad = value.zerosLike();
    }

    public String name() {
        return name;
    }

    public Tensor value() {
        return value;
    }

    public Tensor grad() {
        return grad;
    }

    /** Whether backward passes accumulate into {@link #grad} (on unless turned off). */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    public void setRequiresGrad(boolean requiresGrad) {
        this.requiresGrad = requiresGrad;
    }

    @Override
    public String toString() {
        return name + value;
    }
}
