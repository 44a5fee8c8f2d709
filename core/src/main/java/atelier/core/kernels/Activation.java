package atelier.core.kernels;

/**
 * Leaky ReLU, PGAN's only non-linearity (slope 0.2). The forward records which inputs were positive, 16 to a
 * float of the sign mask (as the exact integer sum of 2^b over positive lanes b), so that the backward needs
 * neither the input nor the output: at 4096 px that is 64 MB kept instead of a 1 GB activation.
 */
public final class Activation {
    /** Elements per float of the sign mask: 16 bits stay exact in a float's 24-bit significand. */
    public static final int SIGNS_PER_FLOAT = 16;

    private Activation() {
    }

    /** Floats of the sign mask of {@code elements} activations. */
    public static int signFloats(int elements) {
        return (elements + SIGNS_PER_FLOAT - 1) / SIGNS_PER_FLOAT;
    }

    /**
     * y = x > 0 ? x : slope * x,   signs[w] = sum over lanes b with x[16w + b] > 0 of 2^b
     * Work item: one float of the mask, its 16 elements (may run in place, y == x).
     */
    public static void leakyRelu(int begin, int end, float[] x, float[] y, float[] signs, int elements, float slope) {
        for (int w = begin; w < end; w++) {
            int bits = 0;
            int last = Math.min(elements, (w + 1) * SIGNS_PER_FLOAT);
            for (int i = w * SIGNS_PER_FLOAT; i < last; i++) {
                float v = x[i];
                if (v > 0f) {
                    bits |= 1 << (i - w * SIGNS_PER_FLOAT);
                    y[i] = v;
                } else {
                    y[i] = slope * v;
                }
            }
            signs[w] = bits;
        }
    }

    /**
     * dx = (x > 0) ? dy : slope * dy, the sign read from the forward's mask
     * Work item: one element (dx overwritten; may be dy itself).
     */
    public static void leakyReluBackward(int begin, int end, float[] signs, float[] dy, float[] dx, float slope) {
        for (int i = begin; i < end; i++) {
            int bits = (int) signs[i / SIGNS_PER_FLOAT];
            dx[i] = ((bits >> (i % SIGNS_PER_FLOAT)) & 1) != 0 ? dy[i] : slope * dy[i];
        }
    }
}
