package atelier.gan.metrics;

import atelier.core.Rng;
import atelier.core.Tensor;
import atelier.core.device.Device;
import atelier.gan.pgan.Generator;
import atelier.gan.pgan.RealImages;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;
import java.util.function.LongConsumer;
import java.util.stream.IntStream;

/**
 * The multi-scale sliced Wasserstein distance of the PGAN paper (Karras et al. 2017, section 5), defined as in
 * its code (tkarras/progressive_growing_of_gans, metrics/sliced_wasserstein.py); no pretrained network needed.
 *
 * <p>Images are taken as the 0..255 levels of 8-bit files (generated ones rounded and clamped, as the paper's
 * evaluation does) and split into a Laplacian pyramid from full resolution down to 16 px, whose last level is the
 * Gaussian one. From every level of every image, 128 random 7x7 neighbourhoods of the 3 channels become
 * descriptors of 147 values; per level and per image set each channel is normalized to mean 0 and standard
 * deviation 1 over all descriptors. The distance between two sets at a level is, for 4 repeats of 128 random unit
 * directions, the mean absolute difference between the two sets' sorted projections; it is reported times 1000,
 * per level and averaged over levels. Both sets must have as many images.
 *
 * <p>Descriptor components are ordered as in the paper's code, channel, then column offset, then row offset, so
 * that the same directions give the same projections. Everything random comes from the {@link Rng} given.
 */
public final class SlicedWasserstein {
    public static final int MIN_RESOLUTION = 16;
    public static final int PATCH_SIZE = 7;
    public static final int PATCHES_PER_IMAGE = 128;
    public static final int REPEATS = 4;
    public static final int DIRECTIONS_PER_REPEAT = 128;
    public static final int CHANNELS = 3;
    public static final int DESCRIPTOR_SIZE = CHANNELS * PATCH_SIZE * PATCH_SIZE;
    private static final int HALF = PATCH_SIZE / 2;
    /** Projections held at once per set (directions x descriptors), bounding the memory of a comparison. */
    private static final long PROJECTION_BLOCK = 1L << 24;

    private final Device device;
    private final int[] levelResolutions;

    /** The metric for square RGB images of {@code resolution} px, a power of two of at least 16. */
    public SlicedWasserstein(Device device, int resolution) {
        this.device = device;
        this.levelResolutions = levelResolutions(resolution);
    }

    /** The resolutions of the pyramid levels: R, R/2, ..., 16. */
    public static int[] levelResolutions(int resolution) {
        if (resolution < MIN_RESOLUTION || Integer.bitCount(resolution) != 1) {
            throw new IllegalArgumentException("the sliced Wasserstein distance needs a power-of-two resolution of "
                    + "at least " + MIN_RESOLUTION + " px, got " + resolution);
        }
        return IntStream.iterate(resolution, r -> r >= MIN_RESOLUTION, r -> r / 2).toArray();
    }

    /** Memory the descriptors of one set of {@code images} images take at {@code resolution}. */
    public static long descriptorBytes(int resolution, int images) {
        return (long) levelResolutions(resolution).length * images * PATCHES_PER_IMAGE * DESCRIPTOR_SIZE * Float.BYTES;
    }

    /**
     * Throws, naming {@code option}, unless the descriptors of two sets of {@code images} images at
     * {@code resolution} fit in {@code heapShare} of the maximum heap.
     */
    public static void requireHeap(String option, int resolution, int images, double heapShare) {
        long need = 2 * descriptorBytes(resolution, images);
        long heap = Runtime.getRuntime().maxMemory();
        if (need > heapShare * heap) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s %d needs %.1f GiB of SWD descriptors "
                    + "at %d px, more than the %.1f GiB heap allows; use fewer images or a larger heap "
                    + "(ATELIER_JAVA_OPTS=-Xmx...)", option, images, need / 0x1p30, resolution, heap / 0x1p30));
        }
    }

    /** Images per batch when generating or loading for the metric: fewer at high resolutions, bounding memory. */
    static int batchSize(int resolution) {
        return Math.max(1, Math.min(16, (1 << 18) / (resolution * resolution)));
    }

    /** The descriptors of {@code n} images drawn from {@code data}; {@code progress} gets the images done. */
    public Descriptors describe(RealImages data, int n, Rng rng, LongConsumer progress) {
        return describe(n, rng, progress, count -> data.batch(resolution(), count, rng));
    }

    /**
     * The descriptors of {@code n} images of {@code generator} (at this metric's resolution) from latents drawn
     * from {@code rng}; {@code progress} gets the images done.
     */
    public Descriptors describe(Generator generator, int n, Rng rng, LongConsumer progress) {
        if (generator.resolution() != resolution()) {
            throw new IllegalArgumentException("the generator makes " + generator.resolution() + " px images, the "
                    + "metric measures " + resolution() + " px");
        }
        return describe(n, rng, progress,
                count -> generator.sample(rng.gaussian(count, generator.shape().latent())));
    }

    private Descriptors describe(int n, Rng rng, LongConsumer progress, IntFunction<Tensor> batches) {
        Descriptors set = descriptors(n);
        int batch = batchSize(resolution());
        for (int done = 0; done < n; done += batch) {
            set.add(batches.apply(Math.min(batch, n - done)), rng);
            progress.accept(Math.min(n, done + batch));
        }
        return set;
    }

    public int resolution() {
        return levelResolutions[0];
    }

    public int[] levelResolutions() {
        return levelResolutions.clone();
    }

    /** An empty descriptor set with room for {@code images} images. */
    public Descriptors descriptors(int images) {
        return new Descriptors(images);
    }

    /**
     * The Laplacian pyramid of images [N, 3, R, R]: level l is G_l - up(G_{l+1}) for the Gaussian levels
     * G_0 = images, G_{l+1} = down(G_l); the last level is the Gaussian one at 16 px. The input is not changed.
     */
    public Tensor[] laplacianPyramid(Tensor images) {
        requireImages(images);
        Tensor[] levels = new Tensor[levelResolutions.length];
        device.toHost(images);   // copied on the host
        levels[0] = images.copy();
        for (int l = 1; l < levels.length; l++) {
            Tensor finer = levels[l - 1];
            levels[l] = Tensor.zeros(finer.dim(0), CHANNELS, levelResolutions[l], levelResolutions[l]);
            device.pyramidDown(finer, levels[l]);
            Tensor expanded = finer.zerosLike();
            device.pyramidUp(levels[l], expanded);
            device.axpy(-1f, expanded, finer);
        }
        device.toHost(levels);   // neighbourhoods are gathered on the host
        return levels;
    }

    private int requireImages(Tensor images) {
        int r = resolution();
        images.requireShape("images", images.dim(0), CHANNELS, r, r);
        return images.dim(0);
    }

    /** Per level, per repeat: {@link #DIRECTIONS_PER_REPEAT} random unit directions [D, 147]. */
    public List<List<Tensor>> randomDirections(Rng rng) {
        List<List<Tensor>> levels = new ArrayList<>();
        for (int l = 0; l < levelResolutions.length; l++) {
            List<Tensor> repeats = new ArrayList<>();
            for (int r = 0; r < REPEATS; r++) {
                Tensor directions = Tensor.zeros(DIRECTIONS_PER_REPEAT, DESCRIPTOR_SIZE);
                float[] d = directions.data();
                double[] v = new double[DESCRIPTOR_SIZE];
                for (int k = 0; k < DIRECTIONS_PER_REPEAT; k++) {
                    double norm = 0;
                    for (int i = 0; i < v.length; i++) {
                        v[i] = rng.nextGaussian();
                        norm += v[i] * v[i];
                    }
                    norm = Math.sqrt(norm);
                    for (int i = 0; i < v.length; i++) {
                        d[k * DESCRIPTOR_SIZE + i] = (float) (v[i] / norm);
                    }
                }
                repeats.add(directions);
            }
            levels.add(repeats);
        }
        return levels;
    }

    /** Distances times 1000 per level (finest first, {@link #levelResolutions()}) and their average. */
    public record Result(int[] resolutions, double[] levels, double average) {
        @Override
        public String toString() {
            StringBuilder s = new StringBuilder("SWD x 1e3 [");
            for (int l = 0; l < levels.length; l++) {
                s.append(String.format(Locale.ROOT, "%d px %.4f, ", resolutions[l], levels[l]));
            }
            return s.append(String.format(Locale.ROOT, "average %.4f]", average)).toString();
        }
    }

    /** The distance between two full sets with random directions from {@code rng}. */
    public Result compare(Descriptors a, Descriptors b, Rng rng) {
        return compare(a, b, randomDirections(rng), done -> {
        });
    }

    /**
     * The distance between two full sets (normalizing them first if not done yet) along the given directions: per
     * level, per repeat, unit directions [D, 147]. {@code progress} receives the count of repeats done so far.
     */
    public Result compare(Descriptors a, Descriptors b, List<List<Tensor>> directions, IntConsumer progress) {
        if (a.owner() != this || b.owner() != this) {
            throw new IllegalArgumentException("descriptor sets of another metric instance");
        }
        if (a.images != a.capacity || b.images != b.capacity || a.capacity != b.capacity) {
            throw new IllegalArgumentException("comparing needs two full sets of as many images, got " + a.images
                    + " of " + a.capacity + " and " + b.images + " of " + b.capacity);
        }
        if (directions.size() != levelResolutions.length) {
            throw new IllegalArgumentException("directions for " + directions.size() + " levels, the metric has "
                    + levelResolutions.length);
        }
        a.normalize();
        b.normalize();
        double[] levels = new double[levelResolutions.length];
        int done = 0;
        for (int l = 0; l < levels.length; l++) {
            double sum = 0;
            for (Tensor repeat : directions.get(l)) {
                sum += meanSortedProjectionGap(a.levels[l], b.levels[l], repeat);
                progress.accept(++done);
            }
            levels[l] = 1e3 * sum / directions.get(l).size();
        }
        return new Result(levelResolutions.clone(), levels, Arrays.stream(levels).average().orElseThrow());
    }

    /**
     * mean over directions d and ranks k of |sort(a d)[k] - sort(b d)[k]|: the sliced Wasserstein-1 distance of
     * two equally large point sets [N, 147] along unit directions [D, 147].
     */
    private double meanSortedProjectionGap(Tensor a, Tensor b, Tensor directions) {
        directions.requireShape("directions", directions.dim(0), DESCRIPTOR_SIZE);
        int n = a.dim(0);
        int count = directions.dim(0);
        int block = (int) Math.max(1, Math.min(count, PROJECTION_BLOCK / n));
        double sum = 0;
        for (int first = 0; first < count; first += block) {
            int rows = Math.min(block, count - first);
            Tensor slice = Tensor.of(Arrays.copyOfRange(directions.data(), first * DESCRIPTOR_SIZE,
                    (first + rows) * DESCRIPTOR_SIZE), rows, DESCRIPTOR_SIZE);
            Tensor projA = Tensor.zeros(rows, n);
            Tensor projB = Tensor.zeros(rows, n);
            device.dense(slice, a, 1f, projA);
            device.dense(slice, b, 1f, projB);
            device.toHost(projA, projB);   // sorted on the host
            float[] pa = projA.data();
            float[] pb = projB.data();
            double[] rowSums = new double[rows];
            IntStream.range(0, rows).parallel().forEach(r -> {
                Arrays.sort(pa, r * n, (r + 1) * n);
                Arrays.sort(pb, r * n, (r + 1) * n);
                double s = 0;
                for (int k = r * n; k < (r + 1) * n; k++) {
                    s += Math.abs(pa[k] - pb[k]);
                }
                rowSums[r] = s;
            });
            for (double s : rowSums) {
                sum += s;
            }
        }
        return sum / ((double) count * n);
    }

    /**
     * The patch descriptors of one image set at every level, filled batch by batch: per level a [images * 128, 147]
     * tensor, one row per neighbourhood. Normalized once, when first compared; no images can be added after.
     */
    public final class Descriptors {
        private final int capacity;
        private final Tensor[] levels;
        private int images;
        private boolean normalized;

        private Descriptors(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("a descriptor set needs room for at least 1 image, got " + capacity);
            }
            if ((long) capacity * PATCHES_PER_IMAGE * DESCRIPTOR_SIZE > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(capacity + " images give more descriptor values per level than "
                        + "a Java array holds (at most " + (Integer.MAX_VALUE / (PATCHES_PER_IMAGE * DESCRIPTOR_SIZE))
                        + " images)");
            }
            this.capacity = capacity;
            this.levels = new Tensor[levelResolutions.length];
            for (int l = 0; l < levels.length; l++) {
                levels[l] = Tensor.zeros(capacity * PATCHES_PER_IMAGE, DESCRIPTOR_SIZE);
            }
        }

        private SlicedWasserstein owner() {
            return SlicedWasserstein.this;
        }

        /** Adds images [n, 3, R, R] in [-1, 1], with neighbourhood centres drawn uniformly from {@code rng}. */
        public void add(Tensor batch, Rng rng) {
            int n = requireImages(batch);
            int[][] centreX = new int[levelResolutions.length][n * PATCHES_PER_IMAGE];
            int[][] centreY = new int[levelResolutions.length][n * PATCHES_PER_IMAGE];
            for (int l = 0; l < levelResolutions.length; l++) {
                for (int k = 0; k < n * PATCHES_PER_IMAGE; k++) {
                    centreX[l][k] = HALF + rng.nextInt(levelResolutions[l] - 2 * HALF);
                    centreY[l][k] = HALF + rng.nextInt(levelResolutions[l] - 2 * HALF);
                }
            }
            add(batch, centreX, centreY);
        }

        /**
         * Adds images [n, 3, R, R] in [-1, 1] with the given neighbourhood centres: per level, column and row of
         * neighbourhood k of image i at [i * 128 + k], each at least 3 pixels from the level's edges.
         */
        public void add(Tensor batch, int[][] centreX, int[][] centreY) {
            int n = requireImages(batch);
            if (normalized) {
                throw new IllegalStateException("descriptors are normalized once compared; no images can be added");
            }
            if (images + n > capacity) {
                throw new IllegalArgumentException("adding " + n + " images to a descriptor set holding " + images
                        + " of " + capacity);
            }
            if (centreX.length != levels.length || centreY.length != levels.length) {
                throw new IllegalArgumentException("neighbourhood centres for " + centreX.length + " and "
                        + centreY.length + " levels, the metric has " + levels.length);
            }
            Tensor pixels = batch.zerosLike();
            device.toPixelLevels(batch, pixels);
            Tensor[] pyramid = laplacianPyramid(pixels);
            for (int l = 0; l < levels.length; l++) {
                gatherNeighbourhoods(pyramid[l], centreX[l], centreY[l], levels[l].data(),
                        images * PATCHES_PER_IMAGE * DESCRIPTOR_SIZE);
            }
            images += n;
        }

        /** Row k of out (from offset on): the 7x7x3 neighbourhood of (cx[k], cy[k]) in image k / 128. */
        private static void gatherNeighbourhoods(Tensor level, int[] cx, int[] cy, float[] out, int offset) {
            int n = level.dim(0);
            int size = level.dim(2);
            if (cx.length != n * PATCHES_PER_IMAGE || cy.length != n * PATCHES_PER_IMAGE) {
                throw new IllegalArgumentException("expected " + n * PATCHES_PER_IMAGE + " neighbourhood centres for "
                        + n + " images at " + size + " px, got " + cx.length + " and " + cy.length);
            }
            float[] x = level.data();
            int at = offset;
            for (int k = 0; k < cx.length; k++) {
                if (cx[k] < HALF || cx[k] >= size - HALF || cy[k] < HALF || cy[k] >= size - HALF) {
                    throw new IllegalArgumentException("neighbourhood centre (" + cx[k] + ", " + cy[k] + ") at "
                            + size + " px is closer than " + HALF + " pixels to an edge");
                }
                int image = k / PATCHES_PER_IMAGE;
                for (int c = 0; c < CHANNELS; c++) {
                    int plane = (image * CHANNELS + c) * size * size;
                    for (int dx = -HALF; dx <= HALF; dx++) {
                        for (int dy = -HALF; dy <= HALF; dy++) {
                            out[at++] = x[plane + (cy[k] + dy) * size + cx[k] + dx];
                        }
                    }
                }
            }
        }

        /** Each channel to mean 0 and standard deviation 1 over all descriptors, per level (a flat channel to 0). */
        private void normalize() {
            if (normalized) {
                return;
            }
            int perChannel = PATCH_SIZE * PATCH_SIZE;
            for (Tensor level : levels) {
                float[] d = level.data();
                int rows = level.dim(0);
                for (int c = 0; c < CHANNELS; c++) {
                    int from = c * perChannel;
                    int to = from + perChannel;
                    double sum = 0;
                    for (int r = 0; r < rows; r++) {
                        for (int i = r * DESCRIPTOR_SIZE + from; i < r * DESCRIPTOR_SIZE + to; i++) {
                            sum += d[i];
                        }
                    }
                    double count = (double) rows * perChannel;
                    double mean = sum / count;
                    double squares = 0;
                    for (int r = 0; r < rows; r++) {
                        for (int i = r * DESCRIPTOR_SIZE + from; i < r * DESCRIPTOR_SIZE + to; i++) {
                            squares += (d[i] - mean) * (d[i] - mean);
                        }
                    }
                    double std = Math.sqrt(squares / count);
                    double scale = std > 0 ? 1 / std : 1;
                    for (int r = 0; r < rows; r++) {
                        for (int i = r * DESCRIPTOR_SIZE + from; i < r * DESCRIPTOR_SIZE + to; i++) {
                            d[i] = (float) ((d[i] - mean) * scale);
                        }
                    }
                }
            }
            normalized = true;
        }
    }
}
