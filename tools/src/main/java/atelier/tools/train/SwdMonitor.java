package atelier.tools.train;

import atelier.core.Rng;
import atelier.core.device.Device;
import atelier.gan.metrics.SlicedWasserstein;
import atelier.gan.pgan.Generator;
import atelier.gan.pgan.RealImages;
import atelier.gan.train.LossLog;
import atelier.gan.train.RunFolder;
import atelier.tools.image.LossPlot;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The sliced Wasserstein distance during training (as {@code atelier evaluate} measures it, on a small subset):
 * every N images from 16 px on, the moving-average generator's images from fixed latents against as many real
 * images (described once per resolution), with the same neighbourhoods and directions each time so that the values
 * follow the generator and not the draw. Rows go to {@code swd.csv} (images shown, resolution, SWD x 1e3 of the
 * pyramid level at each of 16 .. 4096 px, NaN for levels the current resolution lacks, and the average over the
 * levels present), plotted in {@code swd.png}.
 */
final class SwdMonitor implements AutoCloseable {
    private static final int[] LEVELS = {16, 32, 64, 128, 256, 512, 1024, 2048, 4096};
    static final List<String> COLUMNS = columns();
    /** Share of the heap the descriptors may take beside training. */
    private static final double HEAP_SHARE = 0.25;

    private final RunFolder folder;
    private final Device device;
    private final RealImages data;
    private final long every;
    private final int images;
    private final long seed;
    private final List<String> plotted = new ArrayList<>();
    private final LossLog log;
    private long next;
    private SlicedWasserstein metric;
    private SlicedWasserstein.Descriptors reals;

    /**
     * Measures every {@code every} images after {@code start} (the images shown when the run starts), keeping the
     * rows of swd.csv up to {@code start}; {@code maxResolution} is the run's final one.
     */
    SwdMonitor(RunFolder folder, Device device, RealImages data, long every, int images, long seed, int maxResolution,
               long start) throws IOException {
        if (maxResolution >= SlicedWasserstein.MIN_RESOLUTION) {
            SlicedWasserstein.requireHeap("--swd-images", maxResolution, images, HEAP_SHARE);
        }
        this.folder = folder;
        this.device = device;
        this.data = data;
        this.every = every;
        this.images = images;
        this.seed = seed;
        this.next = TrainingRun.next(start, every);
        plotted.add("average");
        for (int r : LEVELS) {
            if (r <= maxResolution) {
                plotted.add(level(r));
            }
        }
        this.log = new LossLog(folder.file("swd.csv"), COLUMNS, start);
    }

    private static String level(int resolution) {
        return "swd" + resolution;
    }

    private static List<String> columns() {
        List<String> columns = new ArrayList<>(List.of("resolution"));
        for (int r : LEVELS) {
            columns.add(level(r));
        }
        columns.add("average");
        return List.copyOf(columns);
    }

    /** Measures {@code generator} if a measurement is due at {@code imagesShown} and it makes 16 px or more. */
    void afterStep(long imagesShown, Generator generator) throws IOException {
        if (imagesShown < next) {
            return;
        }
        next = TrainingRun.next(imagesShown, every);
        int resolution = generator.resolution();
        if (resolution < SlicedWasserstein.MIN_RESOLUTION) {
            return;
        }
        if (metric == null || metric.resolution() != resolution) {
            metric = new SlicedWasserstein(device, resolution);
            reals = metric.describe(data, images, new Rng(seed), done -> {
            });
        }
        SlicedWasserstein.Descriptors fakes = metric.describe(generator, images, new Rng(seed + 1), done -> {
        });
        SlicedWasserstein.Result result = metric.compare(reals, fakes, new Rng(seed + 2));
        double[] row = new double[COLUMNS.size()];
        Arrays.fill(row, Double.NaN);
        row[0] = resolution;
        for (int l = 0; l < result.resolutions().length; l++) {
            row[COLUMNS.indexOf(level(result.resolutions()[l]))] = result.levels()[l];
        }
        row[row.length - 1] = result.average();
        log.append(imagesShown, row);
        LossPlot.write(folder.file("swd.png"), "SWD x 1e3, lower is closer (" + folder.root().getFileName() + ")",
                log.rows(), COLUMNS, plotted, "resolution");
    }

    @Override
    public void close() throws IOException {
        log.close();
    }
}
