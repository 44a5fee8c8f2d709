package atelier.core.kernels;

/**
 * The two steps of a Gaussian / Laplacian pyramid (Burt and Adelson 1983) on [planes, H, W] images (planes = N*C),
 * as OpenCV's pyrDown / pyrUp and the sliced Wasserstein metric of the PGAN paper define them: the separable 5x5
 * binomial filter w = [1, 4, 6, 4, 1] / 16 with mirror padding, m(i, S) = -i below 0 and 2S - 2 - i from S on
 * (the edge sample is not repeated; scipy.ndimage's mode "mirror", numpy's pad mode "reflect").
 * A Laplacian level is x - up(down(x)); the last level is the Gaussian one.
 *
 * <p>They serve an evaluation metric, which needs no gradient: there is no backward.
 */
public final class LaplacianPyramid {
    private LaplacianPyramid() {
    }

    /**
     * y[p, oy, ox] = sum_{i,j=0..4} w[i] w[j] x[p, m(2 oy + i - 2, H), m(2 ox + j - 2, W)]
     * (filter, then keep the even samples) with y of size [planes, H / 2, W / 2]; H, W even and >= 4.
     * Work item: one element of y.
     */
    public static void down(int begin, int end, float[] x, float[] y, int inH, int inW) {
        int outW = inW / 2;
        int outH = inH / 2;
        for (int o = begin; o < end; o++) {
            int ox = o % outW;
            int oy = (o / outW) % outH;
            int plane = (o / (outW * outH)) * inH * inW;
            float acc = 0f;
            for (int i = 0; i < 5; i++) {
                int row = plane + mirror(2 * oy + i - 2, inH) * inW;
                float rowAcc = 0f;
                for (int j = 0; j < 5; j++) {
                    rowAcc += binomial(j) * x[row + mirror(2 * ox + j - 2, inW)];
                }
                acc += binomial(i) * rowAcc;
            }
            y[o] = acc;
        }
    }

    /**
     * y[p, oy, ox] = 4 sum_{i,j=0..4} w[i] w[j] u[p, m(oy + i - 2, 2H), m(ox + j - 2, 2W)]
     * where u is x with zeros between its samples (u[2a, 2b] = x[a, b], 0 at odd rows or columns), y of size
     * [planes, 2H, 2W]; H, W >= 2. Only the taps landing on even rows and columns contribute.
     * Work item: one element of y.
     */
    public static void up(int begin, int end, float[] x, float[] y, int inH, int inW) {
        int outW = inW * 2;
        int outH = inH * 2;
        for (int o = begin; o < end; o++) {
            int ox = o % outW;
            int oy = (o / outW) % outH;
            int plane = (o / (outW * outH)) * inH * inW;
            float acc = 0f;
            for (int i = 0; i < 5; i++) {
                int sy = mirror(oy + i - 2, outH);
                if (sy % 2 != 0) {
                    continue;
                }
                int row = plane + (sy / 2) * inW;
                float rowAcc = 0f;
                for (int j = 0; j < 5; j++) {
                    int sx = mirror(ox + j - 2, outW);
                    if (sx % 2 == 0) {
                        rowAcc += binomial(j) * x[row + sx / 2];
                    }
                }
                acc += binomial(i) * rowAcc;
            }
            y[o] = 4f * acc;
        }
    }

    /** m(i, S): the index i reflected into [0, S) about the edge samples, for i in [-S + 1, 2S - 2]. */
    static int mirror(int i, int size) {
        return i < 0 ? -i : i >= size ? 2 * size - 2 - i : i;
    }

    /** Tap t (0..4) of the binomial filter [1, 4, 6, 4, 1] / 16. */
    static float binomial(int t) {
        return t == 2 ? 0.375f : t == 1 || t == 3 ? 0.25f : 0.0625f;
    }
}
