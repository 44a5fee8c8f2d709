package atelier.core.kernels;

/**
 * Resampling of [planes, H, W] images (planes = N*C) by an integer factor f.
 *
 * <p>Upsampling is nearest-neighbour (each pixel becomes an f x f block, as PGAN's generator does).
 * Downsampling is one separable filter kernel that serves every fixed filter: output pixel (oy, ox) averages
 * the input window starting at (oy*f + tapOffset, ox*f + tapOffset) with the 1-D weights {@code taps} on each
 * axis. Taps that fall outside the image are dropped and the rest renormalized, as PyTorch's antialiased
 * interpolation does at borders. {@link #boxTaps} gives the area filter (2x2 average pooling for f = 2);
 * {@link #triangleTaps} gives antialiased bilinear (PyTorch {@code interpolate(bilinear, antialias=True)}).
 */
public final class Resample {
    private Resample() {
    }

    /**
     * y[p, oy, ox] = x[p, oy / f, ox / f]   with y of size [planes, H*f, W*f]
     * Work item: one element of y.
     */
    public static void upsampleNearest(int begin, int end, float[] x, float[] y, int inH, int inW, int factor) {
        int outW = inW * factor;
        int outH = inH * factor;
        for (int i = begin; i < end; i++) {
            int ox = i % outW;
            int oy = (i / outW) % outH;
            int p = i / (outW * outH);
            y[i] = x[(p * inH + oy / factor) * inW + ox / factor];
        }
    }

    /**
     * dx[p, iy, ix] = sum over the f x f block of dy that (iy, ix) was copied to
     * Work item: one element of dx (overwritten).
     */
    public static void upsampleNearestBackward(int begin, int end, float[] dy, float[] dx, int inH, int inW,
                                               int factor) {
        int outW = inW * factor;
        int outH = inH * factor;
        for (int i = begin; i < end; i++) {
            int ix = i % inW;
            int iy = (i / inW) % inH;
            int p = i / (inW * inH);
            float acc = 0f;
            for (int fy = 0; fy < factor; fy++) {
                int row = (p * outH + iy * factor + fy) * outW + ix * factor;
                for (int fx = 0; fx < factor; fx++) {
                    acc += dy[row + fx];
                }
            }
            dx[i] = acc;
        }
    }

    /**
     * y[p, oy, ox] = sum_{ty,tx} t[ty] t[tx] x[p, oy*f + off + ty, ox*f + off + tx] / (sum of valid t on y)(... on x)
     * with y of size [planes, H / f, W / f], t = taps[0 .. tapCount), off = tapOffset, and only in-image taps.
     * Work item: one element of y.
     */
    public static void downsample(int begin, int end, float[] x, float[] y, int inH, int inW, int factor,
                                  float[] taps, int tapCount, int tapOffset) {
        int outW = inW / factor;
        int outH = inH / factor;
        for (int i = begin; i < end; i++) {
            int ox = i % outW;
            int oy = (i / outW) % outH;
            int p = i / (outW * outH);
            int y0 = oy * factor + tapOffset;
            int x0 = ox * factor + tapOffset;
            float acc = 0f;
            for (int ty = 0; ty < tapCount; ty++) {
                int iy = y0 + ty;
                if (iy < 0 || iy >= inH) {
                    continue;
                }
                int row = (p * inH + iy) * inW;
                float rowAcc = 0f;
                for (int tx = 0; tx < tapCount; tx++) {
                    int ix = x0 + tx;
                    if (ix >= 0 && ix < inW) {
                        rowAcc += taps[tx] * x[row + ix];
                    }
                }
                acc += taps[ty] * rowAcc;
            }
            y[i] = acc / (validTapSum(taps, tapCount, y0, inH) * validTapSum(taps, tapCount, x0, inW));
        }
    }

    /**
     * dx[p, iy, ix] = sum over outputs (oy, ox) whose window covers (iy, ix) of dy[p, oy, ox] * (normalized weight)
     * Work item: one element of dx (overwritten).
     */
    public static void downsampleBackward(int begin, int end, float[] dy, float[] dx, int inH, int inW, int factor,
                                          float[] taps, int tapCount, int tapOffset) {
        int outW = inW / factor;
        int outH = inH / factor;
        // An input pixel is covered by outputs o with 0 <= i - (o*f + off) < tapCount: at most (tapCount-1)/f + 1.
        int reach = (tapCount - 1) / factor;
        for (int i = begin; i < end; i++) {
            int ix = i % inW;
            int iy = (i / inW) % inH;
            int p = i / (inW * inH);
            int oyLast = Math.min(outH - 1, (iy - tapOffset) / factor);
            int oxLast = Math.min(outW - 1, (ix - tapOffset) / factor);
            float acc = 0f;
            for (int oy = Math.max(0, oyLast - reach); oy <= oyLast; oy++) {
                int ty = iy - oy * factor - tapOffset;
                if (ty < 0 || ty >= tapCount) {
                    continue;
                }
                float wy = taps[ty] / validTapSum(taps, tapCount, oy * factor + tapOffset, inH);
                for (int ox = Math.max(0, oxLast - reach); ox <= oxLast; ox++) {
                    int tx = ix - ox * factor - tapOffset;
                    if (tx >= 0 && tx < tapCount) {
                        float wx = taps[tx] / validTapSum(taps, tapCount, ox * factor + tapOffset, inW);
                        acc += dy[(p * outH + oy) * outW + ox] * wy * wx;
                    }
                }
            }
            dx[i] = acc;
        }
    }

    /** Sum of the taps of a window starting at {@code start} that fall inside [0, size). */
    static float validTapSum(float[] taps, int tapCount, int start, int size) {
        float sum = 0f;
        for (int t = 0; t < tapCount; t++) {
            int at = start + t;
            if (at >= 0 && at < size) {
                sum += taps[t];
            }
        }
        return sum;
    }

    /** Host-side helper: the area (box) filter of an integer factor, f equal taps at offset 0. */
    public static float[] boxTaps(int factor) {
        float[] taps = new float[factor];
        java.util.Arrays.fill(taps, 1f);
        return taps;
    }

    /** Host-side helper: the first tap's offset from o*f for {@link #triangleTaps}. */
    public static int triangleTapOffset(int factor) {
        return -factor / 2;
    }

    /**
     * Host-side helper: the antialiased bilinear filter of an integer factor f, a triangle as wide as two output
     * pixels centred on each output pixel's centre: weight(d) = max(0, 1 - |d - (f - 1)/2| / f) for input pixel
     * o*f + d. Taps start at {@link #triangleTapOffset}; zero-weight ends are left out.
     */
    public static float[] triangleTaps(int factor) {
        int offset = triangleTapOffset(factor);
        int count = 2 * factor - (factor % 2 == 0 ? 0 : 1);
        float[] taps = new float[count];
        for (int t = 0; t < count; t++) {
            double d = offset + t;
            taps[t] = (float) Math.max(0, 1 - Math.abs(d - (factor - 1) / 2.0) / factor);
        }
        return taps;
    }
}
