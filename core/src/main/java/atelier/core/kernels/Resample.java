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
 *
 * <p>Each kernel's work item is one element, and a range of them runs row by row: what depends only on the row
 * (plane, y coordinate, vertical weights) is found once per row, so a CPU thread running a long range does little
 * index arithmetic per element, while a GPU work item runs the row loop once.
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
        for (int i = begin; i < end; ) {
            int row = i / outW;   // p * outH + oy
            int src = (row / outH * inH + row % outH / factor) * inW;
            int stop = Math.min(end, (row + 1) * outW);
            int ox = i - row * outW;
            // Input column ox / f, stepped with its phase ox % f: no division per element.
            int ix = ox / factor;
            int phase = ox % factor;
            for (; i < stop; i++) {
                y[i] = x[src + ix];
                if (++phase == factor) {
                    phase = 0;
                    ix++;
                }
            }
        }
    }

    /**
     * dx[p, iy, ix] = sum over the f x f block of dy that (iy, ix) was copied to
     * Work item: one element of dx (overwritten).
     */
    public static void upsampleNearestBackward(int begin, int end, float[] dy, float[] dx, int inH, int inW,
                                               int factor) {
        int outW = inW * factor;
        for (int i = begin; i < end; ) {
            int row = i / inW;   // p * inH + iy, whose block rows in dy start at row * factor
            int stop = Math.min(end, (row + 1) * inW);
            for (int ix = i - row * inW; i < stop; i++, ix++) {
                float acc = 0f;
                for (int fy = 0; fy < factor; fy++) {
                    int at = (row * factor + fy) * outW + ix * factor;
                    for (int fx = 0; fx < factor; fx++) {
                        acc += dy[at + fx];
                    }
                }
                dx[i] = acc;
            }
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
        for (int i = begin; i < end; ) {
            int row = i / outW;   // p * outH + oy
            int p = row / outH;
            int y0 = row % outH * factor + tapOffset;
            float ySum = validTapSum(taps, tapCount, y0, inH);
            int stop = Math.min(end, (row + 1) * outW);
            for (int ox = i - row * outW; i < stop; i++, ox++) {
                int x0 = ox * factor + tapOffset;
                float acc = 0f;
                for (int ty = 0; ty < tapCount; ty++) {
                    int iy = y0 + ty;
                    if (iy < 0 || iy >= inH) {
                        continue;
                    }
                    int at = (p * inH + iy) * inW;
                    float rowAcc = 0f;
                    for (int tx = 0; tx < tapCount; tx++) {
                        int ix = x0 + tx;
                        if (ix >= 0 && ix < inW) {
                            rowAcc += taps[tx] * x[at + ix];
                        }
                    }
                    acc += taps[ty] * rowAcc;
                }
                y[i] = acc / (ySum * validTapSum(taps, tapCount, x0, inW));
            }
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
        for (int i = begin; i < end; ) {
            int row = i / inW;   // p * inH + iy
            int p = row / inH;
            int iy = row % inH;
            int oyLast = Math.min(outH - 1, (iy - tapOffset) / factor);
            int first = i;
            int stop = Math.min(end, (row + 1) * inW);
            for (int k = first; k < stop; k++) {
                dx[k] = 0f;
            }
            for (int oy = Math.max(0, oyLast - reach); oy <= oyLast; oy++) {
                int ty = iy - oy * factor - tapOffset;
                if (ty < 0 || ty >= tapCount) {
                    continue;
                }
                float wy = taps[ty] / validTapSum(taps, tapCount, oy * factor + tapOffset, inH);
                int dyRow = (p * outH + oy) * outW;
                for (int k = first, ix = first - row * inW; k < stop; k++, ix++) {
                    int oxLast = Math.min(outW - 1, (ix - tapOffset) / factor);
                    float acc = 0f;
                    for (int ox = Math.max(0, oxLast - reach); ox <= oxLast; ox++) {
                        int tx = ix - ox * factor - tapOffset;
                        if (tx >= 0 && tx < tapCount) {
                            float wx = taps[tx] / validTapSum(taps, tapCount, ox * factor + tapOffset, inW);
                            acc += dy[dyRow + ox] * wx;
                        }
                    }
                    dx[k] += wy * acc;
                }
            }
            i = stop;
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
