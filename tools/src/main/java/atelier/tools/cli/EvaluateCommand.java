package atelier.tools.cli;

import atelier.core.Rng;
import atelier.core.device.Device;
import atelier.gan.metrics.SlicedWasserstein;
import atelier.gan.pgan.Generator;
import atelier.gan.pgan.PganCheckpoint;
import atelier.gan.train.RunFolder;
import atelier.nn.io.Checkpoint;
import atelier.tools.data.DataSource;
import atelier.tools.data.ImagePyramid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code atelier evaluate}: the PGAN paper's quality metric, the multi-scale sliced Wasserstein distance between
 * a trained generator's images and real ones ({@link SlicedWasserstein}), per pyramid level and averaged.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Score a trained generator against a dataset: the PGAN paper's multi-scale sliced "
                + "Wasserstein distance.",
            "SWD x 1e3 per Laplacian pyramid level from full resolution down to 16 px, and their average; lower is "
                + "closer to the real images. Generated images come from the checkpoint's moving-average generator "
                + "at its resolution."})
public final class EvaluateCommand implements Callable<Integer> {
    /** Share of the heap the descriptors of both sets may take; generation needs the rest. */
    private static final double HEAP_SHARE = 0.75;

    @Option(names = "--checkpoint", required = true, paramLabel = "RUN|FILE",
            description = "A run folder (its newest checkpoint) or a checkpoint file.")
    Path checkpoint;

    @Option(names = "--data", required = true, paramLabel = "DATASET",
            description = "A dataset folder from 'atelier prepare', or 'synthetic' for the built-in synthetic art.")
    String data;

    @Option(names = "--images", defaultValue = "16384", paramLabel = "N",
            description = "Real and generated images each (default: ${DEFAULT-VALUE}, the paper's).")
    int images;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "SEED",
            description = "Seed of the latents, the real images drawn, the neighbourhoods and the directions "
                    + "(default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    DeviceOptions device;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (images < 1) {
            throw new ParameterException(spec.commandLine(), "--images must be >= 1, got " + images);
        }
        PrintWriter log = spec.commandLine().getOut();
        Checkpoint saved = load(log);
        try (Device cpu = device.open(log)) {
            Generator generator = PganCheckpoint.averageGenerator(cpu, saved);
            int resolution = generator.resolution();
            if (resolution < SlicedWasserstein.MIN_RESOLUTION) {
                throw new IllegalArgumentException("--checkpoint " + saved.file() + " is at " + resolution
                        + " px; the sliced Wasserstein distance needs " + SlicedWasserstein.MIN_RESOLUTION + " px or more");
            }
            SlicedWasserstein.requireHeap("--images", resolution, images, HEAP_SHARE);
            SlicedWasserstein swd = new SlicedWasserstein(cpu, resolution);
            // The synthetic art is painted from the run's seed, so that it is the set the run trained on.
            try (ImagePyramid real = DataSource.open(cpu, data, resolution,
                    PganCheckpoint.config(saved).seed())) {
                log.printf("evaluating %s (%d px) against %s: %d real and %d generated images, %s%n", saved.file(),
                        resolution, data, images, images, cpu.name());
                Progress progress = new Progress(log, "img", 2L * images);
                SlicedWasserstein.Descriptors reals = swd.describe(real, images, new Rng(seed),
                        done -> progress.update(done, "real"));
                SlicedWasserstein.Descriptors fakes = swd.describe(generator, images, new Rng(seed + 1),
                        done -> progress.update(images + done, "generated"));
                int levels = swd.levelResolutions().length;
                Progress comparing = new Progress(log, "repeats", (long) levels * SlicedWasserstein.REPEATS);
                SlicedWasserstein.Result result = swd.compare(reals, fakes, swd.randomDirections(new Rng(seed + 2)),
                        done -> comparing.update(done, "sorted projections"));
                log.println("SWD x 1e3 (lower is closer)");
                for (int l = 0; l < levels; l++) {
                    log.printf("  %4d px   %10.4f%n", result.resolutions()[l], result.levels()[l]);
                }
                log.printf("  average   %10.4f%n", result.average());
            }
        }
        return 0;
    }

    private Checkpoint load(PrintWriter log) throws IOException {
        if (Files.isDirectory(checkpoint)) {
            return new RunFolder(checkpoint).loadNewest(PganCheckpoint::load, log::println);
        }
        if (!Files.isRegularFile(checkpoint)) {
            throw new IllegalArgumentException("--checkpoint " + checkpoint + " does not exist");
        }
        return PganCheckpoint.load(checkpoint);
    }
}
