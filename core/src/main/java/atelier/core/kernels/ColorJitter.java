package atelier.core.kernels;

/**
 * Colour jitter of RGB images [N, 3, H, W] in [-1, 1] (the GAN's range), torchvision's definitions
 * ({@code adjust_brightness}, {@code adjust_contrast}, {@code adjust_saturation}, {@code adjust_hue} on float
 * images) carried over from [0, 1] by v = 2u - 1. Every kernel takes one parameter per sample ({@code factor[n]},
 * {@code shift[n]}), so one launch jitters a whole batch; a sample with the identity parameter (factor 1, shift 0)
 * comes out bit-identical (for values inside [-1, 1], where the clamp changes nothing). Work item: one pixel (its
 * three channels); outputs may alias inputs.
 *
 * <p>Grey is torchvision's {@code rgb_to_grayscale}, G(u) = 0.2989 r + 0.587 g + 0.114 b, mapped to [-1, 1]:
 * grey(v) = 2 G((v + 1) / 2) - 1 = 0.2989 r + 0.587 g + 0.114 b + (0.2989 + 0.587 + 0.114 - 1). The blends of
 * [0, 1] images, clamp(f u + (1 - f) t, 0, 1), are affine, so in [-1, 1] they are clamp(f v + (1 - f) t', -1, 1)
 * with t' = 2t - 1 (black becomes -1), and f = 1 gives v exactly.
 *
 * <p>Augmentation only touches real images, which carry no gradient: there is no backward.
 */
public final class ColorJitter {
    static final float GREY_R = 0.2989f;
    static final float GREY_G = 0.587f;
    static final float GREY_B = 0.114f;
    /** The grey of black in [0, 1] is 0, in [-1, 1] it must be -1: the weights sum to 0.9999, not 1. */
    static final float GREY_OFFSET = GREY_R + GREY_G + GREY_B - 1f;
    static final float BLACK = -1f;

    private ColorJitter() {
    }

    /**
     * y = clamp(f v + (1 - f) (-1), -1, 1)   (brightness: blend with black; f = factor[n] >= 0)
     * Work item: one pixel.
     */
    public static void brightness(int begin, int end, float[] x, float[] factor, float[] y, int plane) {
        for (int i = begin; i < end; i++) {
            int r = redIndex(i, plane);
            float f = factor[i / plane];
            for (int c = 0; c < 3; c++) {
                int at = r + c * plane;
                y[at] = blend(x[at], BLACK, f);
            }
        }
    }

    /**
     * sums[j] = sum of grey(v) over the pixels [b*B, min(P, (b+1)*B)) of sample n, j = n * blocks + b
     * (B = blockSize, P = plane): the first pass of contrast's per-image mean grey; {@link Reduce#blockSums} over
     * each sample's blocks, scaled by 1/P, finishes it.
     * Work item: one block of one sample.
     */
    public static void greyBlockSums(int begin, int end, float[] x, float[] sums, int plane, int blockSize,
                                     int blocks) {
        for (int j = begin; j < end; j++) {
            int n = j / blocks;
            int first = (j % blocks) * blockSize;
            int stop = Math.min(plane, first + blockSize);
            int r = n * 3 * plane;
            float acc = 0f;
            for (int p = first; p < stop; p++) {
                acc += grey(x[r + p], x[r + plane + p], x[r + 2 * plane + p]);
            }
            sums[j] = acc;
        }
    }

    /**
     * y = clamp(f v + (1 - f) m[n], -1, 1)   (contrast: blend with the image's mean grey m[n] = mean_p grey(v_p))
     * Work item: one pixel.
     */
    public static void contrast(int begin, int end, float[] x, float[] factor, float[] meanGrey, float[] y,
                                int plane) {
        for (int i = begin; i < end; i++) {
            int r = redIndex(i, plane);
            float f = factor[i / plane];
            float m = meanGrey[i / plane];
            for (int c = 0; c < 3; c++) {
                int at = r + c * plane;
                y[at] = blend(x[at], m, f);
            }
        }
    }

    /**
     * y = clamp(f v + (1 - f) grey(v), -1, 1)   (saturation: blend with the pixel's own grey; f = 0 is greyscale)
     * Work item: one pixel.
     */
    public static void saturation(int begin, int end, float[] x, float[] factor, float[] y, int plane) {
        for (int i = begin; i < end; i++) {
            int r = redIndex(i, plane);
            float grey = grey(x[r], x[r + plane], x[r + 2 * plane]);
            float f = factor[i / plane];
            for (int c = 0; c < 3; c++) {
                int at = r + c * plane;
                y[at] = blend(x[at], grey, f);
            }
        }
    }

    /**
     * Hue rotation in HSV by shift[n] turns (torchvision: h' = (h + shift) mod 1, S and V kept). With
     * M = max(r, g, b), m = min(r, g, b) and chroma C = M - m, the hue in sixths of a turn is
     * h6 = (g - b) / C if M = r, 2 + (b - r) / C if M = g, else 4 + (r - g) / C; taken mod 6 after the shift,
     * its integer part k picks the sector and f = h6 - k the position in it, and the pixel is rebuilt from
     * M, m, rise = m + C f and fall = M - C f:
     * k = 0: (M, rise, m), 1: (fall, M, m), 2: (m, M, rise), 3: (m, fall, M), 4: (rise, m, M), 5: (M, m, fall).
     * That is torchvision's hsv-to-rgb (V = M, V(1 - S) = m, ...) written with M and m, which commute with the
     * affine map [0, 1] -> [-1, 1], so the kernel works on v directly. Grey pixels (C = 0) and samples with
     * shift 0 are copied unchanged.
     * Work item: one pixel.
     */
    public static void hue(int begin, int end, float[] x, float[] shift, float[] y, int plane) {
        for (int i = begin; i < end; i++) {
            int n = i / plane;
            int r = redIndex(i, plane);
            int g = r + plane;
            int b = g + plane;
            float red = x[r];
            float green = x[g];
            float blue = x[b];
            float max = Math.max(red, Math.max(green, blue));
            float min = Math.min(red, Math.min(green, blue));
            float chroma = max - min;
            if (shift[n] == 0f || chroma == 0f) {
                y[r] = red;
                y[g] = green;
                y[b] = blue;
                continue;
            }
            float h6;
            if (max == red) {
                h6 = (green - blue) / chroma;
            } else if (max == green) {
                h6 = 2f + (blue - red) / chroma;
            } else {
                h6 = 4f + (red - green) / chroma;
            }
            float turns = h6 / 6f + shift[n];
            turns = turns - (float) Math.floor(turns);
            float sixths = turns * 6f;
            float sector = (float) Math.floor(sixths);
            float f = sixths - sector;
            int k = ((int) sector) % 6;
            float rise = min + chroma * f;
            float fall = max - chroma * f;
            y[r] = k == 0 || k == 5 ? max : k == 1 ? fall : k == 4 ? rise : min;
            y[g] = k == 1 || k == 2 ? max : k == 0 ? rise : k == 3 ? fall : min;
            y[b] = k == 3 || k == 4 ? max : k == 2 ? rise : k == 5 ? fall : min;
        }
    }

    /** Index of pixel i's red value in [N, 3, plane]; green and blue follow at + plane and + 2 plane. */
    static int redIndex(int pixel, int plane) {
        return (pixel / plane) * 3 * plane + pixel % plane;
    }

    /** clamp(f v + (1 - f) t, -1, 1): torchvision's _blend in [-1, 1]; f = 1 returns v exactly. */
    static float blend(float v, float toward, float f) {
        return Math.max(-1f, Math.min(1f, f * v + (1f - f) * toward));
    }

    /** torchvision's grey of a [-1, 1] pixel (see the class comment). */
    static float grey(float red, float green, float blue) {
        return GREY_R * red + GREY_G * green + GREY_B * blue + GREY_OFFSET;
    }
}
