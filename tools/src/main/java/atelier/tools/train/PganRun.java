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
import atelier.tools.image.ImageFiles;
import atelier.tools.image.LossPlot;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Runs a {@link ProgressiveTrainer} in a run folder ({@link TrainingRun}): the progress line shows resolution,
 * alpha, images, rate, losses and ETA; samples are a grid from fixed latents through the moving-average
 * generator, next to real images at the same resolution.
 *
 * <p>Files in the run folder: {@code checkpoints/images-*.safetensors}, {@code losses.csv}, {@code losses.png},
 * {@code samples.png} (the newest grid), {@code samples/images-*.png} (every grid), {@code real.png}, and with
 * an SWD interval {@code swd.csv} and {@code swd.png}.
 */
public final class PganRun extends TrainingRun {
    /** The sliced Wasserstein distance during training: every {@code every} images (0: never) on {@code images}. */
    public record Swd(long every, int images) {
        public static final Swd NONE = new Swd(0, 0);

        public Swd {
            if (every < 0 || (every > 0 && images < 1)) {
                throw new IllegalArgumentException("the SWD interval must be >= 0 and its images >= 1");
            }
        }
    }

    static final List<String> COLUMNS = List.of("resolution", "alpha", "wasserstein", "penalty", "drift", "generator");
    private static final List<String> PLOTTED = List.of("wasserstein", "penalty", "generator");

    private final ProgressiveTrainer trainer;
    private final RealImages data;
    private final Tensor latents;
    private final SwdMonitor swd;

    public PganRun(RunFolder folder, ProgressiveTrainer trainer, RealImages data, Settings settings, Swd swd,
                   PrintWriter log) throws IOException {
        super(folder, settings, log);
        this.trainer = trainer;
        this.data = data;
        ProgressiveTrainer.Config config = trainer.config();
        this.latents = new Rng(config.seed() + 1).gaussian(settings.sampleCount(), config.shape().latent());
        this.swd = swd.every() == 0 ? null : new SwdMonitor(folder, trainer.device(), data, swd.every(), swd.images(),
                config.seed() + 3, config.shape().maxResolution(), trainer.imagesShown());
    }

    @Override
    protected long imagesShown() {
        return trainer.imagesShown();
    }

    @Override
    protected long totalImages() {
        ProgressiveTrainer.Config config = trainer.config();
        return config.schedule().end(config.shape().levels() - 1);
    }

    @Override
    protected boolean finished() {
        return trainer.finished();
    }

    @Override
    protected List<String> columns() {
        return COLUMNS;
    }

    @Override
    protected long step(LossLog losses, Progress progress) throws IOException {
        ProgressiveTrainer.Step s = trainer.step();
        WganGp.DiscriminatorLoss d = s.discriminator();
        checkFinite(s);
        int resolution = PganShape.resolution(s.level());
        losses.append(s.imagesShown(), resolution, s.alpha(), d.wassersteinDistance(), d.penalty(), d.drift(),
                s.generatorLoss());
        progress.update(s.imagesShown(), String.format(Locale.ROOT, "%dpx a=%.2f W=%.3f GP=%.3f G=%.3f",
                resolution, s.alpha(), d.wassersteinDistance(), d.penalty(), s.generatorLoss()));
        if (swd != null) {
            swd.afterStep(s.imagesShown(), trainer.averageGenerator());
        }
        return s.imagesShown();
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

    @Override
    protected void save(Path file) throws IOException {
        PganCheckpoint.save(trainer, file);
    }

    @Override
    protected void close() throws IOException {
        if (swd != null) {
            swd.close();
        }
    }

    @Override
    protected void writeSamples(LossLog losses) throws IOException {
        int columns = (int) Math.ceil(Math.sqrt(settings.sampleCount()));
        Tensor images = trainer.averageGenerator().sample(latents);
        trainer.device().toHost(images);
        BufferedImage grid = ImageFiles.grid(images, columns);
        ImageFiles.writePng(grid, folder.file("samples").resolve(String.format("images-%012d.png",
                trainer.imagesShown())));
        ImageFiles.writePng(grid, folder.file("samples.png"));
        int resolution = trainer.generator().resolution();
        ImageFiles.writePng(ImageFiles.grid(data.batch(resolution, settings.sampleCount(),
                new Rng(trainer.config().seed() + 2)), columns), folder.file("real.png"));
        LossPlot.write(folder.file("losses.png"), "PGAN losses (" + folder.root().getFileName() + ")", losses.rows(),
                COLUMNS, PLOTTED, "resolution");
    }
}
