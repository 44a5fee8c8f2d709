package atelier.tools.train;

import atelier.core.Rng;
import atelier.core.Tensor;
import atelier.gan.pgan.PganCheckpoint;
import atelier.gan.pgan.PganShape;
import atelier.gan.pgan.ProgressiveTrainer;
import atelier.gan.pgan.RealImages;
import atelier.gan.pgan.WganGp;
import atelier.gan.train.LossLog;
import atelier.gan.train.RunFolder;
import atelier.tools.cli.Progress;
import atelier.tools.cli.StopRequest;
import atelier.tools.image.ImageFiles;
import atelier.tools.image.LossPlot;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Runs a {@link ProgressiveTrainer} in a run folder until its schedule is done or a stop is requested, doing what
 * a person watching needs: a progress line (resolution, alpha, images, rate, losses, ETA), checkpoints every N
 * images (and on a stop, and at the end) of which the last K are kept, a losses CSV and plot, and a sample grid
 * from fixed latents through the moving-average generator, next to real images at the same resolution.
 *
 * <p>Files in the run folder: {@code checkpoints/images-*.safetensors}, {@code losses.csv}, {@code losses.png},
 * {@code samples.png} (the newest grid), {@code samples/images-*.png} (every grid), {@code real.png}, and with
 * an SWD interval {@code swd.csv} and {@code swd.png}.
 */
public final class PganRun {
    /**
     * How often to write what; counts are images shown. {@code swdEvery} 0 measures no sliced Wasserstein
     * distance; otherwise it is measured on {@code swdImages} images ({@link SwdMonitor}).
     */
    public record Settings(long checkpointEvery, int keepCheckpoints, long sampleEvery, int sampleCount,
                           long swdEvery, int swdImages) {
        public Settings {
            if (checkpointEvery < 1 || keepCheckpoints < 1 || sampleEvery < 1 || sampleCount < 1) {
                throw new IllegalArgumentException("checkpoint interval, checkpoints kept, sample interval and "
                        + "sample count must all be >= 1");
            }
            if (swdEvery < 0 || (swdEvery > 0 && swdImages < 1)) {
                throw new IllegalArgumentException("the SWD interval must be >= 0 and its images >= 1");
            }
        }
    }

    static final List<String> COLUMNS = List.of("resolution", "alpha", "wasserstein", "penalty", "drift", "generator");
    private static final List<String> PLOTTED = List.of("wasserstein", "penalty", "generator");

    private final RunFolder folder;
    private final ProgressiveTrainer trainer;
    private final RealImages data;
    private final Settings settings;
    private final PrintWriter log;

    public PganRun(RunFolder folder, ProgressiveTrainer trainer, RealImages data, Settings settings, PrintWriter log) {
        this.folder = folder;
        this.trainer = trainer;
        this.data = data;
        this.settings = settings;
        this.log = log;
    }

    /** Trains until the schedule ends or {@code stop} is requested; returns the last checkpoint written. */
    public Path run(StopRequest stop) throws IOException {
        folder.removeTemporaryFiles();
        ProgressiveTrainer.Config config = trainer.config();
        long start = trainer.imagesShown();
        long total = config.schedule().end(config.shape().levels() - 1);
        Tensor latents = new Rng(config.seed() + 1).gaussian(settings.sampleCount, config.shape().latent());
        Progress progress = new Progress(log, "img", start, total);
        long nextCheckpoint = next(start, settings.checkpointEvery);
        long nextSample = next(start, settings.sampleEvery);
        Path last = null;
        try (LossLog losses = new LossLog(folder.file("losses.csv"), COLUMNS, start);
             SwdMonitor swd = settings.swdEvery == 0 ? null : new SwdMonitor(folder, trainer.device(), data,
                     settings.swdEvery, settings.swdImages, config.seed() + 3, config.shape().maxResolution(), start)) {
            if (start == 0) {
                writeSamples(latents, losses);
            }
            while (!trainer.finished() && !stop.requested()) {
                ProgressiveTrainer.Step s = trainer.step();
                WganGp.DiscriminatorLoss d = s.discriminator();
                checkFinite(s);
                int resolution = PganShape.resolution(s.level());
                losses.append(s.imagesShown(), resolution, s.alpha(), d.wassersteinDistance(), d.penalty(), d.drift(),
                        s.generatorLoss());
                progress.update(s.imagesShown(), String.format(Locale.ROOT, "%dpx a=%.2f W=%.3f GP=%.3f G=%.3f",
                        resolution, s.alpha(), d.wassersteinDistance(), d.penalty(), s.generatorLoss()));
                if (s.imagesShown() >= nextSample) {
                    nextSample = next(s.imagesShown(), settings.sampleEvery);
                    writeSamples(latents, losses);
                }
                if (swd != null) {
                    swd.afterStep(s.imagesShown(), trainer.averageGenerator());
                }
                if (s.imagesShown() >= nextCheckpoint) {
                    nextCheckpoint = next(s.imagesShown(), settings.checkpointEvery);
                    last = checkpoint();
                }
            }
            if (trainer.imagesShown() > start && (last == null || RunFolder.imagesShown(last) != trainer.imagesShown())) {
                last = checkpoint();
                writeSamples(latents, losses);
            }
        }
        if (stop.requested()) {
            log.printf("%nstopped at %d images; resume with --resume %s%n", trainer.imagesShown(), folder.root());
        }
        log.flush();
        return last;
    }

    /** The first multiple of {@code every} above {@code done}. */
    static long next(long done, long every) {
        return (done / every + 1) * every;
    }

    /** Divergence (a loss or a weight not finite) stops the run before anything is saved from it. */
    private void checkFinite(ProgressiveTrainer.Step s) {
        WganGp.DiscriminatorLoss d = s.discriminator();
        String what = !Float.isFinite(d.total()) || !Float.isFinite(s.generatorLoss())
                ? "D loss " + d.total() + ", G loss " + s.generatorLoss() : null;
        if (what == null) {
            String parameter = trainer.firstNonFiniteParameter();
            what = parameter == null ? null : "weight " + parameter + " is not finite";
        }
        if (what != null) {
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "training diverged at %d px, %d images shown: %s; the last checkpoint is intact: continue "
                            + "from it with --grow-from CHECKPOINT and a lower --lr",
                    PganShape.resolution(s.level()), s.imagesShown(), what));
        }
    }

    private Path checkpoint() throws IOException {
        Path file = folder.checkpointFile(trainer.imagesShown());
        PganCheckpoint.save(trainer, file);
        folder.keepNewest(settings.keepCheckpoints);
        return file;
    }

    private void writeSamples(Tensor latents, LossLog losses) throws IOException {
        int columns = (int) Math.ceil(Math.sqrt(settings.sampleCount));
        Tensor images = trainer.averageGenerator().forward(latents);
        trainer.device().toHost(images);
        ImageFiles.writePng(ImageFiles.grid(images, columns),
                folder.file("samples").resolve(String.format("images-%012d.png", trainer.imagesShown())));
        ImageFiles.writePng(ImageFiles.grid(images, columns), folder.file("samples.png"));
        int resolution = trainer.generator().resolution();
        ImageFiles.writePng(ImageFiles.grid(data.batch(resolution, settings.sampleCount,
                new Rng(trainer.config().seed() + 2)), columns), folder.file("real.png"));
        LossPlot.write(folder.file("losses.png"), "PGAN losses (" + folder.root().getFileName() + ")", losses.rows(),
                COLUMNS, PLOTTED, "resolution");
    }
}
