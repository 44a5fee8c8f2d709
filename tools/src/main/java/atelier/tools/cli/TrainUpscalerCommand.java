package atelier.tools.cli;

import atelier.core.device.CpuDevice;
import atelier.gan.train.RunFolder;
import atelier.gan.upscale.UpscalerCheckpoint;
import atelier.gan.upscale.UpscalerShape;
import atelier.gan.upscale.UpscalerTrainer;
import atelier.nn.io.Checkpoint;
import atelier.nn.optim.Adam;
import atelier.tools.data.DataSource;
import atelier.tools.data.ImagePyramid;
import atelier.tools.train.TrainingRun;
import atelier.tools.train.UpscalerRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code atelier train-upscaler}: trains the x2/x4/x8 upscaler on random crops of a dataset's images, each
 * area-downscaled by the factor as the input, with L1, consistency and adversarial losses (see
 * {@link UpscalerTrainer}). A new run or a resumed one ({@code --resume}, which may raise {@code --images}).
 */
@Command(name = "train-upscaler", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train the upscaler on crops of a dataset made by 'atelier prepare' (or synthetic art).",
            "No image above the dataset's resolution is needed: inputs are the crops downscaled by the factor.",
            "Ctrl-C or SIGTERM writes a checkpoint before exiting; --resume continues bit for bit."})
public final class TrainUpscalerCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, paramLabel = "DATASET",
            description = "A dataset folder from 'atelier prepare', or 'synthetic' for the built-in synthetic art "
                    + "(painted at twice the crop size).")
    String data;

    @Option(names = "--out", required = true, paramLabel = "RUN", description = "Run folder (new run, or the one to --resume).")
    Path out;

    @Option(names = "--resume", description = "Continue the run in --out from its newest checkpoint.")
    boolean resume;

    @Option(names = "--factor", defaultValue = "4", description = "Scale factor: 2, 4 or 8 (default: ${DEFAULT-VALUE}).")
    int factor;

    @Option(names = "--images", defaultValue = "100000",
            description = "Crops to show in all (default: ${DEFAULT-VALUE}); on --resume, may be raised.")
    long images;

    @Option(names = "--crop", defaultValue = "64",
            description = "Crop size in px, a power of two >= 8 and a multiple of the factor (default: ${DEFAULT-VALUE}).")
    int crop;

    @Option(names = "--batch", defaultValue = "8", description = "Crops per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--channels", defaultValue = "32", description = "Upscaler feature channels (default: ${DEFAULT-VALUE}).")
    int channels;

    @Option(names = "--convs", defaultValue = "8",
            description = "3x3 convolutions in the upscaler, >= 2 (default: ${DEFAULT-VALUE}).")
    int convs;

    @Option(names = "--d-channels", defaultValue = "16",
            description = "Discriminator channels at full resolution, doubling per halving up to 4x "
                    + "(default: ${DEFAULT-VALUE}).")
    int discriminatorChannels;

    @Option(names = "--l1", defaultValue = "1", description = "Weight of the L1 reconstruction loss (default: ${DEFAULT-VALUE}).")
    float l1;

    @Option(names = "--consistency", defaultValue = "1",
            description = "Weight of the consistency loss, |downscale(output) - input| (default: ${DEFAULT-VALUE}).")
    float consistency;

    @Option(names = "--adversarial", defaultValue = "0.01",
            description = "Weight of the adversarial loss (default: ${DEFAULT-VALUE}).")
    float adversarial;

    @Option(names = "--lr", defaultValue = "0.0005", description = "Adam learning rate of both networks (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--checkpoint-every", defaultValue = "10000", paramLabel = "IMAGES",
            description = "Checkpoint every N crops (default: ${DEFAULT-VALUE}).")
    long checkpointEvery;

    @Option(names = "--keep", defaultValue = "3", description = "Checkpoints kept (default: ${DEFAULT-VALUE}).")
    int keep;

    @Option(names = "--sample-every", defaultValue = "2000", paramLabel = "IMAGES",
            description = "Sample strip and loss plot every N crops (default: ${DEFAULT-VALUE}).")
    long sampleEvery;

    @Option(names = "--samples", defaultValue = "6", description = "Crops in the sample strip (default: ${DEFAULT-VALUE}).")
    int samples;

    @Mixin
    ThreadsOption threads;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter log = spec.commandLine().getOut();
        validate();
        RunFolder folder = new RunFolder(out);
        TrainingRun.Settings settings = new TrainingRun.Settings(checkpointEvery, keep, sampleEvery, samples);
        try (CpuDevice cpu = threads.device();
             StopRequest stop = new StopRequest()) {
            Checkpoint checkpoint = null;
            if (resume) {
                checkpoint = folder.loadNewest(UpscalerCheckpoint::load, log::println);
            } else if (folder.hasCheckpoints()) {
                throw new ParameterException(spec.commandLine(), "--out " + out + " already holds a run; "
                        + "add --resume to continue it, or choose another folder");
            }
            UpscalerTrainer.Config config = checkpoint == null ? new UpscalerTrainer.Config(
                    new UpscalerShape(factor, channels, convs), crop, batch, discriminatorChannels,
                    new UpscalerTrainer.Weights(l1, consistency, adversarial),
                    new Adam.Config(lr, UpscalerTrainer.Config.ADAM.beta1(), UpscalerTrainer.Config.ADAM.beta2(),
                            UpscalerTrainer.Config.ADAM.eps()), images, seed)
                    : UpscalerCheckpoint.config(checkpoint);
            int needed = DataSource.SYNTHETIC.equals(data) ? 2 * config.crop() : config.crop();
            try (ImagePyramid pictures = DataSource.open(cpu, data, needed, config.seed())) {
                UpscalerTrainer trainer;
                if (resume) {
                    trainer = UpscalerCheckpoint.resume(cpu, checkpoint, pictures,
                            spec.commandLine().getParseResult().hasMatchedOption("--images") ? images : config.images());
                    log.printf("resuming %s at %d images%n", checkpoint.file(), trainer.imagesShown());
                } else {
                    trainer = new UpscalerTrainer(cpu, config, pictures);
                }
                log.printf("training the x%d upscaler on %d px crops of %s (%d px), %s; run folder %s%n",
                        config.shape().factor(), config.crop(), data, pictures.resolution(), cpu.name(), out);
                Path last = new UpscalerRun(folder, trainer, settings, log).run(stop);
                log.printf("checkpoint: %s%nsamples:    %s (bicubic | upscaled | original)%nlosses:     %s, %s%n",
                        last, folder.file("samples.png"), folder.file("losses.csv"), folder.file("losses.png"));
            }
        }
        return 0;
    }

    private void validate() {
        if (resume) {
            for (String fixed : List.of("--factor", "--crop", "--batch", "--channels", "--convs", "--d-channels",
                    "--l1", "--consistency", "--adversarial", "--lr", "--seed")) {
                if (spec.commandLine().getParseResult().hasMatchedOption(fixed)) {
                    throw new ParameterException(spec.commandLine(), fixed + " cannot change on --resume (the run's "
                            + "saved settings continue)");
                }
            }
        }
        if (factor != 2 && factor != 4 && factor != 8) {
            throw new ParameterException(spec.commandLine(), "--factor must be 2, 4 or 8, got " + factor);
        }
        if (crop < 8 || Integer.bitCount(crop) != 1 || crop % factor != 0) {
            throw new ParameterException(spec.commandLine(), "--crop must be a power of two >= 8 and a multiple of "
                    + "--factor, got " + crop);
        }
        for (String option : List.of("--images", "--batch", "--channels", "--d-channels", "--checkpoint-every",
                "--keep", "--sample-every", "--samples")) {
            long value = ((Number) spec.commandLine().getCommandSpec().findOption(option).getValue()).longValue();
            if (value < 1) {
                throw new ParameterException(spec.commandLine(), option + " must be >= 1, got " + value);
            }
        }
        if (convs < 2) {
            throw new ParameterException(spec.commandLine(), "--convs must be >= 2, got " + convs);
        }
        if (!(l1 >= 0 && consistency >= 0 && adversarial >= 0)) {
            throw new ParameterException(spec.commandLine(), "--l1, --consistency and --adversarial must be >= 0");
        }
        if (!(lr > 0)) {
            throw new ParameterException(spec.commandLine(), "--lr must be > 0, got " + lr);
        }
    }
}
