package atelier.core.kernels;

/**
 * Pixel shuffle (Shi et al. 2016, PyTorch's {@code F.pixel_shuffle}): rearranges [N, C*f*f, H, W] into
 * [N, C, H*f, W*f], each group of f*f channels becoming an f x f block of one output channel. It moves values and
 * computes nothing, so its backward is the inverse rearrangement (pixel unshuffle).
 */
public final class PixelShuffle {
    private PixelShuffle() {
    }

    /**
     * y[n, c, oy, ox] = x[n, c*f*f + (oy % f)*f + ox % f, oy / f, ox / f]   with x [N, C*f*f, H, W]
     * Work item: one element of y.
     */
    public static void forward(int begin, int end, float[] x, float[] y, int channels, int inH, int inW, int factor) {
        int outW = inW * factor;
        int outH = inH * factor;
        for (int i = begin; i < end; i++) {
            int ox = i % outW;
            int oy = (i / outW) % outH;
            int c = (i / (outW * outH)) % channels;
            int n = i / (outW * outH * channels);
            int inC = (c * factor + oy % factor) * factor + ox % factor;
            y[i] = x[((n * channels * factor * factor + inC) * inH + oy / factor) * inW + ox / factor];
        }
    }

    /**
     * dx[n, c*f*f + fy*f + fx, iy, ix] = dy[n, c, iy*f + fy, ix*f + fx]
     * Work item: one element of dx (overwritten).
     */
    public static void backward(int begin, int end, float[] dy, float[] dx, int channels, int inH, int inW,
                                int factor) {
        int outW = inW * factor;
        int outH = inH * factor;
        int inC = channels * factor * factor;
        for (int i = begin; i < end; i++) {
            int ix = i % inW;
            int iy = (i / inW) % inH;
            int k = (i / (inW * inH)) % inC;
            int n = i / (inW * inH * inC);
            int c = k / (factor * factor);
            int fy = (k / factor) % factor;
            int fx = k % factor;
            dx[i] = dy[((n * channels + c) * outH + iy * factor + fy) * outW + ix * factor + fx];
        }
    }
}
