package atelier.core.kernels;

/**
 * Per-channel bias of a [N, C, plane] tensor (plane = H*W for images, 1 for dense outputs).
 */
public final class Bias {
    private Bias() {
    }

    /**
     * y[n,c,p] += b[c]   (in place)
     * Work item: one element of y. A range runs plane by plane, so a CPU thread finds the channel once per plane
     * and its inner loop vectorizes; a GPU work item runs the outer loop once.
     */
    public static void forward(int begin, int end, float[] y, float[] b, int channels, int plane) {
        for (int i = begin; i < end; ) {
            int row = i / plane;
            float bias = b[row % channels];
            int stop = Math.min(end, (row + 1) * plane);
            for (; i < stop; i++) {
                y[i] += bias;
            }
        }
    }

    /**
     * db[c] += sum_{n,p} dy[n,c,p]
     * Work item: one channel (accumulated).
     */
    public static void backward(int begin, int end, float[] dy, float[] db, int batch, int channels, int plane) {
        for (int c = begin; c < end; c++) {
            float acc = 0f;
            for (int n = 0; n < batch; n++) {
                int base = (n * channels + c) * plane;
                for (int p = 0; p < plane; p++) {
                    acc += dy[base + p];
                }
            }
            db[c] += acc;
        }
    }
}
