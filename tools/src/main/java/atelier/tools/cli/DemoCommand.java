package atelier.tools.cli;

import atelier.core.device.Device;
import atelier.gan.pgan.Augmentation;
import atelier.gan.pgan.PganShape;
import atelier.gan.pgan.ProgressiveTrainer;
import atelier.gan.pgan.Schedule;
import atelier.gan.pgan.WganGp;
import atelier.nn.optim.Adam;
import atelier.gan.train.RunFolder;
import atelier.tools.data.SyntheticArt;
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
import java.util.concurrent.Callable;

/**
 * {@code atelier demo}: the main job on a built-in default. Trains a small progressive GAN on the built-in
 * synthetic abstract-art dataset (no data needed), writing sample grids from fixed latents and a loss log.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Train a small progressive GAN on built-in synthetic abstract art (no data needed).")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "runs/demo", description = "Run directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--resolution", defaultValue = "32",
            description = "Final resolution, a power of two from 4 to 64 (default: ${DEFAULT-VALUE}).")
    int resolution;

    @Option(names = "--images-per-phase", defaultValue = "2000",
            description = "Images shown per fade-in and per stabilization phase (default: ${DEFAULT-VALUE}).")
    long imagesPerPhase;

    @Option(names = "--channels", defaultValue = "32", description = "Feature channels (default: ${DEFAULT-VALUE}).")
    int channels;

    @Option(names = "--batch", defaultValue = "8", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--ema-half-life", defaultValue = "500",
            description = "Images over which the sampled moving-average generator forgets half its past "
                    + "(default: ${DEFAULT-VALUE}; PGAN's 0.999 at batch 16 is about 11000).")
    double emaHalfLife;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--sample-every", defaultValue = "2000",
            description = "Write a sample grid every N images (default: ${DEFAULT-VALUE}).")
    long sampleEvery;

    @Mixin
    DeviceOptions device;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (resolution < 4 || resolution > 64 || Integer.bitCount(resolution) != 1) {
            throw new ParameterException(spec.commandLine(),
                    "--resolution must be a power of two from 4 to 64, got " + resolution);
        }
        for (double v : new double[] {imagesPerPhase, channels, batch, sampleEvery, emaHalfLife}) {
            if (v < 1) {
                throw new ParameterException(spec.commandLine(),
                        "--images-per-phase, --channels, --batch, --sample-every and --ema-half-life must be >= 1");
            }
        }
        PrintWriter log = spec.commandLine().getOut();
        PganShape shape = new PganShape(channels, resolution, channels, Math.max(1, channels / 2), 3);
        ProgressiveTrainer.Config config = new ProgressiveTrainer.Config(shape,
                new Schedule(imagesPerPhase, new int[] {batch}), Adam.Config.PGAN, WganGp.Config.PGAN,
                (float) Math.pow(0.5, batch / emaHalfLife), seed, Augmentation.defaults());
        RunFolder folder = new RunFolder(out);
        if (folder.hasCheckpoints()) {
            log.printf("replacing the previous demo run in %s%n", out);
            folder.keepNewest(0);
        }
        try (Device cpu = device.open(log); StopRequest stop = new StopRequest()) {
            SyntheticArt data = new SyntheticArt(cpu, 1024, resolution, seed);
            ProgressiveTrainer trainer = new ProgressiveTrainer(cpu, config, data);
            log.printf("atelier demo: %d synthetic images, 4 -> %d px, %d images per phase, %s%n",
                    data.count(), resolution, imagesPerPhase, cpu.name());
            Path last = new PganRun(folder, trainer, data, new TrainingRun.Settings(Long.MAX_VALUE, 1, sampleEvery, 32),
                    PganRun.Swd.NONE, log).run(stop);
            log.printf("samples:    %s (real images for comparison: %s)%nlosses:     %s, %s%ncheckpoint: %s%n",
                    folder.file("samples.png"), folder.file("real.png"), folder.file("losses.csv"),
                    folder.file("losses.png"), last);
        }
        return 0;
    }
}
