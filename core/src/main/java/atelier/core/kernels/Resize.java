package atelier.core.kernels;

/**
 * Resizing by any scale factor, one axis at a time (a 2-D resize is a pass over the width, then one over the
 * height). A tensor is viewed as [outer, n, inner] with the resized axis in the middle: the width of an NCHW
 * image is [N*C*H, W, 1], its height [N*C, H, W]. Output index j reads the {@code taps} input indices starting at
 * {@code start[j]} with the normalized weights {@code weights[j*taps ..]}; the host computes both (see
 * {@code atelier.core.device.ResizeAxis}, antialiased bicubic as PyTorch and PIL), so the kernels only gather.
 */
public final class Resize {
    private Resize() {
    }

    /**
     * y[o, j, i] = sum_t weights[j*T + t] * x[o, start[j] + t, i]   with x [outer, inN, inner], y [outer, outN, inner]
     * Work item: one element of y.
     */
    public static void axis(int begin, int end, float[] x, float[] y, int inN, int outN, int inner, int[] start,
                            float[] weights, int taps) {
        for (int e = begin; e < end; e++) {
            int i = e % inner;
            int j = (e / inner) % outN;
            int o = e / (inner * outN);
            int base = (o * inN + start[j]) * inner + i;
            float acc = 0f;
            for (int t = 0; t < taps; t++) {
                acc += weights[j * taps + t] * x[base + t * inner];
            }
            y[e] = acc;
        }
    }

    /**
     * dx[o, k, i] = sum over outputs j that read k of weights[j*T + k - start[j]] * dy[o, j, i]   (the transpose)
     * The outputs reading k are j = firstReader[k] .. firstReader[k] + readers - 1 (as far as they do).
     * Work item: one element of dx (overwritten).
     */
    public static void axisBackward(int begin, int end, float[] dy, float[] dx, int inN, int outN, int inner,
                                    int[] start, float[] weights, int taps, int[] firstReader, int readers) {
        for (int e = begin; e < end; e++) {
            int i = e % inner;
            int k = (e / inner) % inN;
            int o = e / (inner * inN);
            float acc = 0f;
            int last = Math.min(outN, firstReader[k] + readers);
            for (int j = firstReader[k]; j < last; j++) {
                int t = k - start[j];
                if (t >= 0 && t < taps) {
                    acc += weights[j * taps + t] * dy[(o * outN + j) * inner + i];
                }
            }
            dx[e] = acc;
        }
    }
}
