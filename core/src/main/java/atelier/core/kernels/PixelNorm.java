package atelier.core.kernels;

/**
 * Pixel-wise feature normalization (PGAN generator): each pixel's feature vector over C channels is scaled to
 * unit root-mean-square. x, y are [N, C, plane].
 */
public final class PixelNorm {
    private PixelNorm() {
    }

    /**
     * y[n,c,p] = x[n,c,p] * r,   r = 1 / sqrt(mean_c x[n,c,p]^2 + eps)
     * Work item: one pixel (n, p), all its channels.
     */
    public static void forward(int begin, int end, float[] x, float[] y, int channels, int plane, float eps) {
        for (int q = begin; q < end; q++) {
            int base = (q / plane) * channels * plane + q % plane;
            float sumSq = 0f;
            for (int c = 0; c < channels; c++) {
                float v = x[base + c * plane];
                sumSq += v * v;
            }
            float r = 1f / (float) Math.sqrt(sumSq / channels + eps);
            for (int c = 0; c < channels; c++) {
                y[base + c * plane] = x[base + c * plane] * r;
            }
        }
    }

    /**
     * dx[j] = r * dy[j] - r^3 * x[j] / C * sum_c dy[c] x[c]   (per pixel; from dr/dx[j] = -r^3 x[j] / C)
     * Work item: one pixel (n, p), all its channels (dx overwritten).
     */
    public static void backward(int begin, int end, float[] x, float[] dy, float[] dx, int channels, int plane,
                                float eps) {
        for (int q = begin; q < end; q++) {
            int base = (q / plane) * channels * plane + q % plane;
            float sumSq = 0f;
            float dot = 0f;
            for (int c = 0; c < channels; c++) {
                float v = x[base + c * plane];
                sumSq += v * v;
                dot += v * dy[base + c * plane];
            }
            float r = 1f / (float) Math.sqrt(sumSq / channels + eps);
            float coupling = r * r * r * dot / channels;
            for (int c = 0; c < channels; c++) {
                int at = base + c * plane;
                dx[at] = r * dy[at] - coupling * x[at];
            }
        }
    }
}
