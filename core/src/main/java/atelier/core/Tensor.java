package atelier.core;

import java.util.Arrays;

/**
 * A dense float tensor: a shape and a flat row-major storage array. Images and activations are NCHW
 * (batch, channels, height, width); convolution weights are [outChannels, inChannels, k, k]; dense weights
 * are [out, in].
 *
 * <p>The storage is a plain {@code float[]} so that kernels (static methods in {@code atelier.core.kernels})
 * take it directly. A tensor never copies its storage behind the caller's back: {@link #reshape} shares it.
 */
public final class Tensor {
    private final int[] shape;
    private final float[] data;

    private Tensor(int[] shape, float[] data) {
        this.shape = shape;
        this.data = data;
    }

    /** A tensor of zeros with the given shape. */
    public static Tensor zeros(int... shape) {
        int[] s = shape.clone();
        return new Tensor(s, new float[checkedNumel(s)]);
    }

    /** Wraps existing storage; its length must equal the product of the shape. */
    public static Tensor of(float[] data, int... shape) {
        int[] s = shape.clone();
        long n = checkedNumel(s);
        if (n != data.length) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(s) + " needs " + n + " elements, storage has " + data.length);
        }
        return new Tensor(s, data);
    }

    /** A zero tensor with the same shape as this one. */
    public Tensor zerosLike() {
        return zeros(shape);
    }

    /** A tensor with a copy of this one's storage. */
    public Tensor copy() {
        return new Tensor(shape.clone(), data.clone());
    }

    /** A view with another shape of the same element count, sharing storage. */
    public Tensor reshape(int... newShape) {
        return of(data, newShape);
    }

    public float[] data() {
        return data;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** Size of dimension {@code i}; negative indices count from the end. */
    public int dim(int i) {
        return shape[i < 0 ? shape.length + i : i];
    }

    public int numel() {
        return data.length;
    }

    public boolean sameShape(Tensor other) {
        return Arrays.equals(shape, other.shape);
    }

    /** Throws unless this tensor has exactly the given shape; {@code what} names it in the message. */
    public Tensor requireShape(String what, int... expected) {
        if (!Arrays.equals(shape, expected)) {
            throw new IllegalArgumentException(
                    what + " has shape " + Arrays.toString(shape) + ", expected " + Arrays.toString(expected));
        }
        return this;
    }

    /** Throws unless this tensor has the given rank; {@code what} names it in the message. */
    public Tensor requireRank(String what, int rank) {
        if (shape.length != rank) {
            throw new IllegalArgumentException(
                    what + " has shape " + Arrays.toString(shape) + ", expected rank " + rank);
        }
        return this;
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape);
    }

    private static int checkedNumel(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
            if (n > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(
                        "shape " + Arrays.toString(shape) + " exceeds the 2^31 elements a Java array holds");
            }
        }
        return (int) n;
    }
}
