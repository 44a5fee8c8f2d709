package atelier.tools.data;

import atelier.core.device.Device;
import atelier.gan.pgan.RealImages;

/** Opens what a {@code --data} option names: the built-in synthetic art, or a dataset folder. */
public final class DataSource {
    /** The {@code --data} value that selects {@link SyntheticArt}. */
    public static final String SYNTHETIC = "synthetic";
    /** Images in the built-in synthetic set. */
    static final int SYNTHETIC_COUNT = 1024;
    /** Resolution of the synthetic set when none is asked for. */
    static final int SYNTHETIC_RESOLUTION = 32;

    private DataSource() {
    }

    /**
     * @param resolution the resolution training needs (null: the data's own); synthetic art is painted at it
     * @param seed       seeds the synthetic painting
     */
    public static RealImages open(Device device, String spec, Integer resolution, long seed) {
        if (spec.equals(SYNTHETIC)) {
            return new SyntheticArt(device, SYNTHETIC_COUNT, resolution == null ? SYNTHETIC_RESOLUTION : resolution, seed);
        }
        throw new IllegalArgumentException("--data " + spec + ": not a dataset folder (datasets are made by "
                + "'atelier prepare'; or use --data synthetic)");
    }
}
