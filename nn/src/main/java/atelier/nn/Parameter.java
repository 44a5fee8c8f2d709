package atelier.nn;

import atelier.core.Tensor;

/** A trainable tensor, its gradient (accumulated by backward passes) and its checkpoint name. */
public final class Parameter {
    private final String name;
    private final Tensor value;
    private final Tensor grad;

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

    @Override
    public String toString() {
        return name + value;
    }
}
