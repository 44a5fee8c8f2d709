package atelier.core.kernels;

/** Leaky ReLU, PGAN's only non-linearity (slope 0.2). */
public final class Activation {
    private Activation() {
    }

    /**
     * y = x > 0 ? x : slope * x   (may run in place, y == x)
     * Work item: one element.
     */
    public static void leakyRelu(int begin, int end, float[] x, float[] y, float slope) {
        for (int i = begin; i < end; i++) {
            float v = x[i];
            y[i] = v > 0f ? v : slope * v;
        }
    }

    /**
     * dx = y > 0 ? dy : slope * dy   (the sign of the output equals the sign of the input for slope > 0, so the
     * backward needs only y and the forward may overwrite x)
     * Work item: one element (dx overwritten; may be dy itself).
     */
    public static void leakyReluBackward(int begin, int end, float[] y, float[] dy, float[] dx, float slope) {
        for (int i = begin; i < end; i++) {
            dx[i] = y[i] > 0f ? dy[i] : slope * dy[i];
        }
    }
}
