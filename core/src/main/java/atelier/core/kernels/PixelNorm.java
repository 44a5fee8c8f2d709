package atelier.core.kernels;

/**
 * Pixel-wise feature normalization (PGAN generator): each pixel's feature vector over C channels is scaled to
 * unit root-mean-square. x, y are [N, C, plane]; the per-pixel scale r is [N, plane]. The backward works from the
 * output and the scale, not the input, so the forward may overwrite its input (at 4096 px an activation is 1 GB).
 */
public final class PixelNorm {
    private PixelNorm() {
    }

    /**
     * y[n,c,p] = x[n,c,p] * r[n,p],   r = 1 / sqrt(mean_c x[n,c,p]^2 + eps)
     * Work item: one pixel (n, p), all its channels (may run in place, y == x).
     */
    public static void forward(int begin, int end, float[] x, float[] y, float[] scale, int channels, int plane,
                               float eps) {
        for (int q = begin; q < end; q++) {
            int base = (q / plane) * channels * plane + q % plane;
            float sumSq = 0f;
            for (int c = 0; c < channels; c++) {
                float v = x[base + c * plane];
                sumSq += v * v;
            }
            float r = 1f / (float) Math.sqrt(sumSq / channels + eps);
            scale[q] = r;
            for (int c = 0; c < channels; c++) {
                y[base + c * plane] = x[base + c * plane] * r;
            }
        }
    }

    /**
     * dx[j] = r * (dy[j] - y[j] * mean_c dy[c] y[c])
     * (from dr/dx[j] = -r^3 x[j] / C with x = y / r)
     * Work item: one pixel (n, p), all its channels (dx overwritten; may be dy itself).
     */
    public static void backward(int begin, int end, float[] y, float[] scale, float[] dy, float[] dx, int channels,
                                int plane) {
        for (int q = begin; q < end; q++) {
            int base = (q / plane) * channels * plane + q % plane;
            float dot = 0f;
            for (int c = 0; c < channels; c++) {
                dot += y[base + c * plane] * dy[base + c * plane];
            }
            float r = scale[q];
            float mean = dot / channels;
            for (int c = 0; c < channels; c++) {
                int at = base + c * plane;
                dx[at] = r * (dy[at] - y[at] * mean);
            }
        }
    }
}
