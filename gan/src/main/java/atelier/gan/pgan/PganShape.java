package atelier.gan.pgan;

/**
 * The architecture of a progressive GAN: latent size, maximum resolution and the channel schedule. Level 0 is
 * 4x4; level l is 4 * 2^l pixels square. Channels follow the paper: 512 up to 32 px, halving as the
 * resolution doubles (256 at 64 px ... 16 at 1024 px), never below {@code minChannels} (used at 2048 and 4096).
 */
public record PganShape(int latent, int maxResolution, int maxChannels, int minChannels, int imageChannels) {
    public static final int BASE_RESOLUTION = 4;

    public PganShape {
        if (maxResolution < BASE_RESOLUTION || maxResolution > 4096 || Integer.bitCount(maxResolution) != 1) {
            throw new IllegalArgumentException(
                    "max resolution must be a power of two from 4 to 4096, got " + maxResolution);
        }
        if (latent < 1 || maxChannels < 1 || minChannels < 1 || minChannels > maxChannels || imageChannels < 1) {
            throw new IllegalArgumentException("invalid PGAN shape: latent " + latent + ", channels " + minChannels
                    + ".." + maxChannels + ", image channels " + imageChannels);
        }
    }

    /** The paper's network for RGB images up to {@code maxResolution}: latent 512, channels 512 .. 16. */
    public static PganShape paper(int maxResolution) {
        return new PganShape(512, maxResolution, 512, 16, 3);
    }

    /** Number of levels: 1 for 4x4 only, 9 for 1024. */
    public int levels() {
        return Integer.numberOfTrailingZeros(maxResolution / BASE_RESOLUTION) + 1;
    }

    public static int resolution(int level) {
        return BASE_RESOLUTION << level;
    }

    /** Feature channels at a level: maxChannels * 32 / resolution, clamped to [minChannels, maxChannels]. */
    public int channels(int level) {
        long scaled = (long) maxChannels * 32 / resolution(level);
        return (int) Math.max(minChannels, Math.min(maxChannels, scaled));
    }
}
