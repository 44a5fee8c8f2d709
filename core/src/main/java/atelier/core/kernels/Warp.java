package atelier.core.kernels;

/**
 * Geometric warps of images [N, C, H, W] with one transform per sample, so one launch handles a whole batch:
 * flips and quarter turns (exact permutations of pixels), and rotation by any angle about the centre with bilinear
 * sampling and reflection fill. Angles turn the picture counter-clockwise as displayed (y pointing down), like
 * torch.rot90 over (H, W) and torchvision's rotate. A sample with the identity transform comes out bit-identical.
 * Work item: one element of y; y must not alias x.
 *
 * <p>Augmentation only touches real images, which carry no gradient: there is no backward.
 */
public final class Warp {
    private Warp() {
    }

    /**
     * y[n] = rot90^k(vflip^v(hflip^h(x[n])))   with k = quarterTurns[n] in {0, 1, 2, 3}, h = hflip[n] and
     * v = vflip[n] in {0, 1}. Output pixel (oy, ox) is read from the quarter-turned image at
     * k = 0: (oy, ox), 1: (ox, W-1-oy), 2: (H-1-oy, W-1-ox), 3: (H-1-ox, oy), whose pixel (ry, rx) is the flipped
     * image's, read from x at (v ? H-1-ry : ry, h ? W-1-rx : rx). Odd k needs H = W.
     * Work item: one element of y.
     */
    public static void flipRotate90(int begin, int end, float[] x, float[] quarterTurns, float[] hflip,
                                    float[] vflip, float[] y, int channels, int height, int width) {
        int plane = height * width;
        for (int i = begin; i < end; i++) {
            int ox = i % width;
            int oy = (i / width) % height;
            int n = i / (plane * channels);
            int k = (int) quarterTurns[n];
            int ry = oy;
            int rx = ox;
            if (k == 1) {
                ry = ox;
                rx = width - 1 - oy;
            } else if (k == 2) {
                ry = height - 1 - oy;
                rx = width - 1 - ox;
            } else if (k == 3) {
                ry = height - 1 - ox;
                rx = oy;
            }
            int sy = vflip[n] != 0f ? height - 1 - ry : ry;
            int sx = hflip[n] != 0f ? width - 1 - rx : rx;
            y[i] = x[i - oy * width - ox + sy * width + sx];
        }
    }

    /**
     * y[n, c, oy, ox] = bilinear sample of x[n, c] at (sy, sx), rotating by the angle a whose cosine and sine are
     * cos[n] and sin[n] (taken once per sample, not per pixel) about the centre (cy, cx) = ((H - 1) / 2, (W - 1) / 2):
     *   sx = cx + cos a (ox - cx) - sin a (oy - cy),   sy = cy + sin a (ox - cx) + cos a (oy - cy),
     * each coordinate reflected into the image ({@link #reflect}); with x0 = floor(sx), fx = sx - x0 (likewise y):
     *   y = (1 - fy) ((1 - fx) x[y0, x0] + fx x[y0, x0+1]) + fy ((1 - fx) x[y0+1, x0] + fx x[y0+1, x0+1]).
     * This is torch's grid_sample(bilinear, padding_mode='reflection', align_corners=False) on the grid of a
     * rotation in pixel units. Angle 0 lands on pixel centres (fx = fy = 0) and copies exactly.
     * Work item: one element of y.
     */
    public static void rotate(int begin, int end, float[] x, float[] cos, float[] sin, float[] y, int channels,
                              int height, int width) {
        int plane = height * width;
        float cx = (width - 1) * 0.5f;
        float cy = (height - 1) * 0.5f;
        for (int i = begin; i < end; i++) {
            int ox = i % width;
            int oy = (i / width) % height;
            int n = i / (plane * channels);
            float dx = ox - cx;
            float dy = oy - cy;
            float sx = reflect(cos[n] * dx - sin[n] * dy + cx, width);
            float sy = reflect(sin[n] * dx + cos[n] * dy + cy, height);
            int x0 = (int) Math.floor(sx);
            int y0 = (int) Math.floor(sy);
            float fx = sx - x0;
            float fy = sy - y0;
            int x1 = Math.min(x0 + 1, width - 1);
            int y1 = Math.min(y0 + 1, height - 1);
            int base = i - oy * width - ox;
            int row0 = base + y0 * width;
            int row1 = base + y1 * width;
            y[i] = (1f - fy) * ((1f - fx) * x[row0 + x0] + fx * x[row0 + x1])
                    + fy * ((1f - fx) * x[row1 + x0] + fx * x[row1 + x1]);
        }
    }

    /**
     * Reflection fill as torch's grid sampler does it with align_corners=False: the coordinate is mirrored at the
     * image's edges -0.5 and size - 0.5 (repeatedly, for far-out coordinates), then clamped to [0, size - 1].
     * With d = |c + 0.5|: c' = (d mod size) - 0.5 after an even number floor(d / size) of mirrorings,
     * size - (d mod size) - 0.5 after an odd one.
     */
    static float reflect(float coord, int size) {
        float span = size;
        float d = Math.abs(coord + 0.5f);
        float extra = d % span;
        int flips = (int) Math.floor(d / span);
        float mirrored = (flips % 2 == 0 ? extra : span - extra) - 0.5f;
        return Math.max(0f, Math.min(span - 1f, mirrored));
    }
}
