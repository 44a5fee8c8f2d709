package atelier.tools.train;

import atelier.core.Rng;
import atelier.core.Tensor;
import atelier.gan.train.LossLog;
import atelier.gan.train.RunFolder;
import atelier.gan.upscale.UpscalerCheckpoint;
import atelier.gan.upscale.UpscalerTrainer;
import atelier.tools.cli.Progress;
import atelier.tools.image.ImageFiles;
import atelier.tools.image.LossPlot;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Runs an {@link UpscalerTrainer} in a run folder ({@link TrainingRun}). Samples are fixed crops, one per row:
 * bicubic upscale of the downscaled crop, the upscaler's output, and the original crop.
 *
 * <p>Files in the run folder: {@code checkpoints/images-*.safetensors}, {@code losses.csv}, {@code losses.png},
 * {@code samples.png} (the newest) and {@code samples/images-*.png}.
 */
public final class UpscalerRun extends TrainingRun {
    static final List<String> COLUMNS = List.of("reconstruction", "consistency", "adversarial", "discriminator",
            "generator");
    private static final List<String> PLOTTED = List.of("reconstruction", "consistency", "adversarial",
            "discriminator");

    private final UpscalerTrainer trainer;
    private final Tensor sampleCrops;

    public UpscalerRun(RunFolder folder, UpscalerTrainer trainer, Settings settings, PrintWriter log) {
        super(folder, settings, log);
        this.trainer = trainer;
        this.sampleCrops = trainer.crops(settings.sampleCount(), new Rng(trainer.config().seed() + 2));
    }

    @Override
    protected long imagesShown() {
        return trainer.imagesShown();
    }

    @Override
    protected long totalImages() {
        return trainer.config().images();
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
        UpscalerTrainer.Step s = trainer.step();
        float generator = s.generatorLoss(trainer.config().weights());
        if (!Float.isFinite(generator) || !Float.isFinite(s.discriminator())) {
            throw new IllegalStateException(String.format(Locale.ROOT, "upscaler training diverged at %d images "
                    + "shown: G loss %s, D loss %s; the last checkpoint is intact", s.imagesShown(), generator,
                    s.discriminator()));
        }
        losses.append(s.imagesShown(), s.reconstruction(), s.consistency(), s.adversarial(), s.discriminator(),
                generator);
        progress.update(s.imagesShown(), String.format(Locale.ROOT, "L1=%.4f cons=%.4f adv=%.3f D=%.3f",
                s.reconstruction(), s.consistency(), s.adversarial(), s.discriminator()));
        return s.imagesShown();
    }

    @Override
    protected void save(Path file) throws IOException {
        UpscalerCheckpoint.save(trainer, file);
    }

    @Override
    protected void writeSamples(LossLog losses) throws IOException {
        Tensor input = trainer.downscale(sampleCrops);
        Tensor upscaled = trainer.upscaler().forward(input);
        Tensor bicubic = upscaled.zerosLike();
        trainer.upscaler().bicubic(input, bicubic);
        int n = sampleCrops.dim(0);
        int sample = sampleCrops.numel() / n;
        Tensor rows = Tensor.zeros(3 * n, 3, sampleCrops.dim(2), sampleCrops.dim(3));
        Tensor[] columns = {bicubic, upscaled, sampleCrops};
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < columns.length; c++) {
                System.arraycopy(columns[c].data(), i * sample, rows.data(), (3 * i + c) * sample, sample);
            }
        }
        ImageFiles.writePng(ImageFiles.grid(rows, 3),
                folder.file("samples").resolve(String.format("images-%012d.png", trainer.imagesShown())));
        ImageFiles.writePng(ImageFiles.grid(rows, 3), folder.file("samples.png"));
        LossPlot.write(folder.file("losses.png"), "upscaler losses (" + folder.root().getFileName() + ")",
                losses.rows(), COLUMNS, PLOTTED, null);
    }
}
