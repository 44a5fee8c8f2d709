package atelier.tools.cli;

import atelier.core.device.Device;
import atelier.gan.pgan.PganCheckpoint;
import atelier.gan.pgan.PganShape;
import atelier.gan.pgan.ProgressiveTrainer;
import atelier.gan.pgan.Schedule;
import atelier.gan.pgan.WganGp;
import atelier.gan.train.RunFolder;
import atelier.nn.io.Checkpoint;
import atelier.nn.optim.Adam;
import atelier.tools.data.DataSource;
import atelier.tools.data.ImagePyramid;
import atelier.tools.train.PganRun;
import atelier.tools.train.TrainingRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code atelier train}: progressive GAN training on a prepared dataset, as in the paper: 4x4 growing to the
 * maximum resolution, each level faded in, WGAN-GP + drift, Adam restarted per level, moving average of G.
 * A new run, a resumed one ({@code --resume}) or a finished model grown further ({@code --grow-from}).
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a progressive GAN on a dataset made by 'atelier prepare'.",
            "Ctrl-C or SIGTERM writes a checkpoint before exiting; --resume continues bit for bit."})
public final class TrainCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, paramLabel = "DATASET",
            description = "A dataset folder from 'atelier prepare', or 'synthetic' for the built-in synthetic art.")
    String data;

    @Option(names = "--out", paramLabel = "RUN", description = "Run folder (new run, or the one to --resume).")
    Path out;

    @Option(names = "--resume", description = "Continue the run in --out from its newest checkpoint.")
    boolean resume;

    @Option(names = "--grow-from", paramLabel = "CHECKPOINT",
            description = "Start from a trained checkpoint and grow it to --max-resolution (e.g. 2048 -> 4096), "
                    + "with the schedule (and --lr, if given) given here.")
    Path growFrom;

    @Option(names = "--max-resolution", description = "Final resolution, a power of two 4..4096 "
            + "(default: the dataset's).")
    Integer maxResolution;

    @Option(names = "--images-per-phase", defaultValue = "800000",
            description = "Images per fade-in and per stabilization phase (default: ${DEFAULT-VALUE}, the paper's).")
    long imagesPerPhase;

    @Option(names = "--batch", split = ",", paramLabel = "N",
            description = "Batch size per level from 4 px up; the last repeats (default: 16,16,16,16,16,16,14,6,3,2,1).")
    int[] batch;

    @Option(names = "--latent", defaultValue = "512", description = "Latent size (default: ${DEFAULT-VALUE}).")
    int latent;

    @Option(names = "--max-channels", defaultValue = "512",
            description = "Feature channels up to 32 px (default: ${DEFAULT-VALUE}).")
    int maxChannels;

    @Option(names = "--min-channels", defaultValue = "16",
            description = "Floor of the halving channel schedule, used at 1024+ px (default: ${DEFAULT-VALUE}).")
    int minChannels;

    @Option(names = "--lr", defaultValue = "0.001", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--ema", defaultValue = "0.999",
            description = "Decay of the moving average of G per step (default: ${DEFAULT-VALUE}).")
    float ema;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--checkpoint-every", defaultValue = "256000", paramLabel = "IMAGES",
            description = "Checkpoint every N images (default: ${DEFAULT-VALUE}, 16k steps of 16).")
    long checkpointEvery;

    @Option(names = "--keep", defaultValue = "3", description = "Checkpoints kept (default: ${DEFAULT-VALUE}).")
    int keep;

    @Option(names = "--sample-every", defaultValue = "16000", paramLabel = "IMAGES",
            description = "Sample grid and loss plot every N images (default: ${DEFAULT-VALUE}).")
    long sampleEvery;

    @Option(names = "--samples", defaultValue = "32", description = "Images in the sample grid (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--swd-every", defaultValue = "0", paramLabel = "IMAGES",
            description = "Measure the sliced Wasserstein distance (as 'atelier evaluate' does) every N images from "
                    + "16 px on, into swd.csv and swd.png (default: 0, never).")
    long swdEvery;

    @Option(names = "--swd-images", defaultValue = "1024", paramLabel = "N",
            description = "Real and generated images of each SWD measurement (default: ${DEFAULT-VALUE}).")
    int swdImages;

    @Mixin
    DeviceOptions device;

    @Mixin
    AugmentationOptions augmentation;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter log = spec.commandLine().getOut();
        validate();
        RunFolder folder = new RunFolder(out);
        TrainingRun.Settings settings = new TrainingRun.Settings(checkpointEvery, keep, sampleEvery, samples);
        try (Device cpu = device.open(log);
             StopRequest stop = new StopRequest()) {
            Checkpoint checkpoint = null;
            if (resume) {
                checkpoint = folder.loadNewest(PganCheckpoint::load, log::println);
            } else if (growFrom != null) {
                checkpoint = PganCheckpoint.load(growFrom);
            } else if (folder.hasCheckpoints()) {
                throw new ParameterException(spec.commandLine(), "--out " + out + " already holds a run; "
                        + "add --resume to continue it, or choose another folder");
            }
            ProgressiveTrainer.Config saved = checkpoint == null ? null : PganCheckpoint.config(checkpoint);
            if (resume) {
                requireSavedSettings(saved, checkpoint.file());
            }
            Integer resolution = saved == null || (growFrom != null && maxResolution != null) ? maxResolution
                    : Integer.valueOf(saved.shape().maxResolution());
            try (ImagePyramid images = DataSource.open(cpu, data, resolution, saved == null ? seed : saved.seed())) {
                ProgressiveTrainer trainer;
                if (resume) {
                    trainer = PganCheckpoint.resume(cpu, checkpoint, images);
                    log.printf("resuming %s at %d images (%d px)%n", checkpoint.file(), trainer.imagesShown(),
                            trainer.generator().resolution());
                } else if (growFrom != null) {
                    trainer = PganCheckpoint.restore(cpu, checkpoint, images, new ProgressiveTrainer.Config(
                            new PganShape(saved.shape().latent(), resolution, saved.shape().maxChannels(),
                                    saved.shape().minChannels(), saved.shape().imageChannels()),
                            schedule(), spec.commandLine().getParseResult().hasMatchedOption("--lr")
                                    ? adam() : saved.adam(), saved.loss(), saved.emaBeta(), saved.seed(),
                            augmentation.augmentation()));
                    log.printf("growing %s (%d px, %d images) to %d px%n", growFrom,
                            trainer.generator().resolution(), trainer.imagesShown(), resolution);
                } else {
                    trainer = new ProgressiveTrainer(cpu, new ProgressiveTrainer.Config(
                            new PganShape(latent, resolution == null ? images.resolution() : resolution, maxChannels,
                                    minChannels, 3), schedule(),
                            adam(), WganGp.Config.PGAN, ema, seed, augmentation.augmentation()), images);
                }
                log.printf("training 4 -> %d px on %s, %s; run folder %s%n", trainer.config().shape().maxResolution(),
                        data, cpu.name(), out);
                Path last = new PganRun(folder, trainer, images, settings,
                        new PganRun.Swd(swdEvery, swdImages), log).run(stop);
                log.printf("checkpoint: %s%nsamples:    %s%nlosses:     %s, %s%n", last, folder.file("samples.png"),
                        folder.file("losses.csv"), folder.file("losses.png"));
                if (swdEvery > 0) {
                    log.printf("SWD:        %s, %s%n", folder.file("swd.csv"), folder.file("swd.png"));
                }
            }
        }
        return 0;
    }

    /**
     * On --resume the run's saved settings continue: a training flag may be repeated (the same command line plus
     * --resume works) but not changed.
     */
    private void requireSavedSettings(ProgressiveTrainer.Config saved, Path file) {
        Map<String, Object[]> given = new LinkedHashMap<>();
        given.put("--max-resolution", new Object[] {maxResolution, saved.shape().maxResolution()});
        given.put("--images-per-phase", new Object[] {imagesPerPhase, saved.schedule().imagesPerPhase()});
        given.put("--batch", new Object[] {batch == null ? null : Arrays.toString(batch),
            Arrays.toString(saved.schedule().batchPerLevel())});
        given.put("--latent", new Object[] {latent, saved.shape().latent()});
        given.put("--max-channels", new Object[] {maxChannels, saved.shape().maxChannels()});
        given.put("--min-channels", new Object[] {minChannels, saved.shape().minChannels()});
        given.put("--lr", new Object[] {lr, saved.adam().lr()});
        given.put("--ema", new Object[] {ema, saved.emaBeta()});
        given.put("--seed", new Object[] {seed, saved.seed()});
        Object[] augmentations = {augmentation.augmentation(), saved.augmentation()};
        for (String flag : AugmentationOptions.NAMES) {
            given.put(flag, augmentations);
        }
        for (Map.Entry<String, Object[]> e : given.entrySet()) {
            Object[] values = e.getValue();
            if (spec.commandLine().getParseResult().hasMatchedOption(e.getKey()) && !values[0].equals(values[1])) {
                throw new ParameterException(spec.commandLine(), e.getKey() + " differs from the run being resumed ("
                        + file + "); its saved settings continue on --resume: drop the flag, or use --grow-from "
                        + "CHECKPOINT to continue with new settings");
            }
        }
    }

    private Adam.Config adam() {
        return new Adam.Config(lr, Adam.Config.PGAN.beta1(), Adam.Config.PGAN.beta2(), Adam.Config.PGAN.eps());
    }

    private Schedule schedule() {
        return new Schedule(imagesPerPhase, batch == null ? Schedule.paper().batchPerLevel() : batch);
    }

    private void validate() {
        if (out == null) {
            throw new ParameterException(spec.commandLine(), "--out RUN is required (the run folder)");
        }
        if (resume && growFrom != null) {
            throw new ParameterException(spec.commandLine(), "--resume and --grow-from exclude each other");
        }
        if (maxResolution != null && (maxResolution < 4 || maxResolution > 4096 || Integer.bitCount(maxResolution) != 1)) {
            throw new ParameterException(spec.commandLine(),
                    "--max-resolution must be a power of two from 4 to 4096, got " + maxResolution);
        }
        requirePositive("--images-per-phase", imagesPerPhase);
        requirePositive("--latent", latent);
        requirePositive("--max-channels", maxChannels);
        requirePositive("--min-channels", minChannels);
        requirePositive("--checkpoint-every", checkpointEvery);
        requirePositive("--keep", keep);
        requirePositive("--sample-every", sampleEvery);
        requirePositive("--samples", samples);
        requirePositive("--swd-images", swdImages);
        if (swdEvery < 0) {
            throw new ParameterException(spec.commandLine(), "--swd-every must be >= 0 (0: never), got " + swdEvery);
        }
        if (minChannels > maxChannels) {
            throw new ParameterException(spec.commandLine(), "--min-channels " + minChannels
                    + " is above --max-channels " + maxChannels);
        }
        if (batch != null) {
            for (int b : batch) {
                requirePositive("--batch", b);
            }
        }
        if (!(lr > 0) || !(ema >= 0 && ema < 1)) {
            throw new ParameterException(spec.commandLine(), "--lr must be > 0 and --ema in [0, 1)");
        }
    }

    private void requirePositive(String option, long value) {
        if (value < 1) {
            throw new ParameterException(spec.commandLine(), option + " must be >= 1, got " + value);
        }
    }
}
