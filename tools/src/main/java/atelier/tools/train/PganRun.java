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
 * {@code samples.png} (the newest grid), {@code samples/images-*.png} (every grid), {@code real.png}.
 */
public final class PganRun extends TrainingRun {
    static final List<String> COLUMNS = List.of("resolution", "alpha", "wasserstein", "penalty", "drift", "generator");
    private static final List<String> PLOTTED = List.of("wasserstein", "penalty", "generator");

    private final ProgressiveTrainer trainer;
    private final RealImages data;
    private final Tensor latents;

    public PganRun(RunFolder folder, ProgressiveTrainer trainer, RealImages data, Settings settings, PrintWriter log) {
        super(folder, settings, log);
        this.trainer = trainer;
        this.data = data;
        this.latents = new Rng(trainer.config().seed() + 1).gaussian(settings.sampleCount(),
                trainer.config().shape().latent());
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
        return s.imagesShown();
    }

    /** Divergence stops the run before anything is saved from it. */
    private void checkFinite(ProgressiveTrainer.Step s) {
        WganGp.DiscriminatorLoss d = s.discriminator();
        if (!Float.isFinite(d.total()) || !Float.isFinite(s.generatorLoss())) {
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "training diverged at %d px, %d images shown: D loss %s, G loss %s; the last checkpoint is intact",
                    PganShape.resolution(s.level()), s.imagesShown(), d.total(), s.generatorLoss()));
        }
    }

    @Override
    protected void save(Path file) throws IOException {
        PganCheckpoint.save(trainer, file);
    }

    @Override
    protected void writeSamples(LossLog losses) throws IOException {
        int columns = (int) Math.ceil(Math.sqrt(settings.sampleCount()));
        Tensor images = trainer.averageGenerator().forward(latents);
        ImageFiles.writePng(ImageFiles.grid(images, columns),
                folder.file("samples").resolve(String.format("images-%012d.png", trainer.imagesShown())));
        ImageFiles.writePng(ImageFiles.grid(images, columns), folder.file("samples.png"));
        int resolution = trainer.generator().resolution();
        ImageFiles.writePng(ImageFiles.grid(data.batch(resolution, settings.sampleCount(),
                new Rng(trainer.config().seed() + 2)), columns), folder.file("real.png"));
        LossPlot.write(folder.file("losses.png"), "PGAN losses (" + folder.root().getFileName() + ")", losses.rows(),
                COLUMNS, PLOTTED, "resolution");
    }
}
