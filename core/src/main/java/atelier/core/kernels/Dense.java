package atelier.core.kernels;

/**
 * Fully connected layer (matrix multiply): x is [N, In], w is [Out, In], y is [N, Out].
 * {@code wScale} is the run-time weight scale of the equalized learning rate (1 for a plain layer).
 * Bias is a separate kernel ({@link Bias}, with plane size 1).
 */
public final class Dense {
    private Dense() {
    }

    /**
     * y[n,o] = wScale * sum_i x[n,i] * w[o,i]
     * Work item: one element of y.
     */
    public static void forward(int begin, int end, float[] x, float[] w, float wScale, float[] y,
                               int batch, int in, int out) {
        for (int idx = begin; idx < end; idx++) {
            int o = idx % out;
            int n = idx / out;
            float acc = 0f;
            for (int i = 0; i < in; i++) {
                acc += x[n * in + i] * w[o * in + i];
            }
            y[idx] = wScale * acc;
        }
    }

    /**
     * dx[n,i] = wScale * sum_o dy[n,o] * w[o,i]
     * Work item: one element of dx (overwritten).
     */
    public static void backwardInput(int begin, int end, float[] dy, float[] w, float wScale, float[] dx,
                                     int batch, int in, int out) {
        for (int idx = begin; idx < end; idx++) {
            int i = idx % in;
            int n = idx / in;
            float acc = 0f;
            for (int o = 0; o < out; o++) {
                acc += dy[n * out + o] * w[o * in + i];
            }
            dx[idx] = wScale * acc;
        }
    }

    /**
     * dw[o,i] += wScale * sum_n dy[n,o] * x[n,i]
     * Work item: one element of dw (accumulated).
     */
    public static void backwardWeight(int begin, int end, float[] x, float[] dy, float wScale, float[] dw,
                                      int batch, int in, int out) {
        for (int idx = begin; idx < end; idx++) {
            int i = idx % in;
            int o = idx / in;
            float acc = 0f;
            for (int n = 0; n < batch; n++) {
                acc += dy[n * out + o] * x[n * in + i];
            }
            dw[idx] += wScale * acc;
        }
    }
}
