package atelier.tools.cli;

import atelier.core.Tensor;
import atelier.core.device.CpuDevice;
import atelier.gan.pgan.Generator;
import atelier.gan.pgan.PganCheckpoint;
import atelier.gan.sample.LatentEdit;
import atelier.gan.sample.Latents;
import atelier.gan.sample.StyleKnobs;
import atelier.nn.io.Checkpoint;
import atelier.tools.image.ImageFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code atelier knobs}: computes (once per checkpoint) or loads the style knobs, lists them with the share of
 * variance each explains, and writes a preview strip per knob: one seed's image at strengths -3 .. +3.
 */
@Command(name = "knobs", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Find a checkpoint's style knobs (GANSpace: PCA of early features, regressed to latent "
            + "directions), list them and preview each.",
            "They are stored beside the checkpoint; 'atelier generate --knob K=STRENGTH' turns them."})
public final class KnobsCommand implements Callable<Integer> {
    private static final int[] PREVIEW_STRENGTHS = {-3, -2, -1, 0, 1, 2, 3};

    @Mixin
    CheckpointOptions model;

    @Mixin
    ThreadsOption threads;

    @Option(names = "--count", defaultValue = "" + StyleKnobs.DEFAULT_COUNT,
            description = "Knobs to find, at most the latent size (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--samples", defaultValue = "" + StyleKnobs.DEFAULT_SAMPLES,
            description = "Random latents the PCA looks at (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--seed", defaultValue = "1",
            description = "Seed of the preview image (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Folder for the previews knobNN.png (default: beside the checkpoint, images-N.knobs/).")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter log = spec.commandLine().getOut();
        if (seed < 0) {
            throw new IllegalArgumentException("--seed must be >= 0, got " + seed);
        }
        try (CpuDevice cpu = threads.device()) {
            Checkpoint checkpoint = model.load(log);
            Generator g = PganCheckpoint.averageGenerator(cpu, checkpoint);
            int latent = g.shape().latent();
            if (count < 1 || count > latent) {
                throw new IllegalArgumentException("--count must be 1.." + latent + " (the latent size), got " + count);
            }
            if (samples <= count) {
                throw new IllegalArgumentException("--samples must be above --count (" + count + "), got " + samples);
            }
            StyleKnobs knobs = StyleKnobs.obtain(cpu, g, checkpoint, count, samples, SamplingOptions.progress(log),
                    log::println);
            String file = StyleKnobs.fileFor(checkpoint.file()).getFileName().toString();
            Path previews = out != null ? out : checkpoint.file().resolveSibling(
                    file.substring(0, file.length() - ".safetensors".length()));
            log.println("knob  explained variance  sigma");
            int columns = PREVIEW_STRENGTHS.length;
            for (int k = 0; k < count; k++) {
                log.printf(Locale.ROOT, "%4d  %17.2f%%  %5.3f%n", k, 100 * knobs.explainedVariance(k), knobs.sigma(k));
                Tensor strip = Tensor.zeros(columns, 3, g.resolution(), g.resolution());
                int size = strip.numel() / columns;
                for (int i = 0; i < columns; i++) {
                    LatentEdit edit = LatentEdit.knobs(knobs, Map.of(k, (float) PREVIEW_STRENGTHS[i]));
                    Tensor image = edit.render(cpu, g, Latents.fromSeeds(new long[] {seed}, latent));
                    System.arraycopy(image.data(), 0, strip.data(), i * size, size);
                }
                ImageFiles.writePng(ImageFiles.grid(strip, columns),
                        previews.resolve(String.format(Locale.ROOT, "knob%02d.png", k)));
            }
            log.printf("previews (seed %d at strengths -3 .. +3): %s%n", seed, previews);
        }
        return 0;
    }
}
