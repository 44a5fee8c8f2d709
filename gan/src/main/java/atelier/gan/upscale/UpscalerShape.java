package atelier.gan.upscale;

/**
 * The upscaler's architecture: the scale {@code factor} (a power of two, 2 to 8), the feature {@code channels} of
 * its 3x3 convolutions, and how many 3x3 convolutions it has in all ({@code convs} >= 2: the first from RGB, the
 * last to 3 * factor^2 channels for the pixel shuffle).
 */
public record UpscalerShape(int factor, int channels, int convs) {
    /** x4, 32 channels, 8 convolutions: an SRVGG-compact-like network at a quarter of its width and half its depth. */
    public static final UpscalerShape DEFAULT = new UpscalerShape(4, 32, 8);

    public UpscalerShape {
        if (factor < 2 || factor > 8 || Integer.bitCount(factor) != 1) {
            throw new IllegalArgumentException("upscale factor must be 2, 4 or 8, got " + factor);
        }
        if (channels < 1) {
            throw new IllegalArgumentException("upscaler channels must be >= 1, got " + channels);
        }
        if (convs < 2) {
            throw new IllegalArgumentException("upscaler needs at least 2 convolutions, got " + convs);
        }
    }

    /**
     * How far (in input pixels) an output pixel's value reaches: one pixel per 3x3 convolution, and 2 for the
     * bicubic base. Tiles overlapping their neighbours by this margin give the whole image's result.
     */
    public int reach() {
        return Math.max(convs, 2);
    }
}
