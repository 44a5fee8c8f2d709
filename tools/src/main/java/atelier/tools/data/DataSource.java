package atelier.tools.data;

import atelier.core.device.Device;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
     * @param resolution the resolution training needs (null: the data's own); synthetic art is painted at it, a
     *                   dataset must have at least it
     * @param seed       seeds the synthetic painting
     */
    public static ImagePyramid open(Device device, String spec, Integer resolution, long seed) throws IOException {
        if (spec.equals(SYNTHETIC)) {
            return new SyntheticArt(device, SYNTHETIC_COUNT, resolution == null ? SYNTHETIC_RESOLUTION : resolution, seed);
        }
        Path dir = Path.of(spec);
        if (!Files.isRegularFile(dir.resolve(Dataset.MANIFEST))) {
            throw new IllegalArgumentException("--data " + spec + ": not a dataset folder (no " + Dataset.MANIFEST
                    + "; datasets are made by 'atelier prepare', or use --data " + SYNTHETIC + ")");
        }
        Dataset dataset = Dataset.open(dir);
        if (resolution != null && resolution > dataset.resolution()) {
            dataset.close();
            throw new IllegalArgumentException("--data " + spec + " holds " + dataset.resolution()
                    + " px images, below the " + resolution + " px asked for");
        }
        return dataset;
    }
}
