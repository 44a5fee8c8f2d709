package atelier.tools.cli;

import atelier.core.Tensor;
import atelier.core.device.CpuDevice;
import atelier.core.device.Device;
import atelier.gan.upscale.Upscaler;
import atelier.gan.upscale.UpscalerCheckpoint;
import atelier.gan.upscale.UpscalerTrainer;
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
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code atelier evaluate-upscaler}: the upscaler's quality against bicubic on whole images it was not trained on.
 * Each image is downscaled by the factor with the training's fixed filter (area), upscaled back both by the
 * upscaler and by antialiased bicubic ({@code Device.resize}), and compared with the original: PSNR in dB for
 * values in [-1, 1] (peak-to-peak 2), before rounding to 8 bits; the mean over images is reported.
 */
@Command(name = "evaluate-upscaler", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"PSNR of the upscaler and of bicubic against held-out originals."})
public final class EvaluateUpscalerCommand implements Callable<Integer> {
    /** Synthetic art is painted at this size unless --resolution says otherwise (train-upscaler's default crop x2). */
    static final int SYNTHETIC_RESOLUTION = 128;

    @Option(names = "--checkpoint", required = true, paramLabel = "RUN|FILE",
            description = "An upscaler run folder (its newest checkpoint) or checkpoint file.")
    Path checkpoint;

    @Option(names = "--data", required = true, paramLabel = "DATASET",
            description = "Held-out images: a dataset folder from 'atelier prepare', or 'synthetic' (painted from "
                    + "--seed, so a seed the training did not use gives unseen images).")
    String data;

    @Option(names = "--images", defaultValue = "32", description = "Images to evaluate, the first N (default: ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--resolution", description = "Evaluate at this level of the dataset's pyramid (default: its "
            + "full resolution; synthetic: " + SYNTHETIC_RESOLUTION + ").")
    Integer resolution;

    @Option(names = "--seed", defaultValue = "1000",
            description = "Seed of the synthetic art (default: ${DEFAULT-VALUE}; train-upscaler's default is 1).")
    long seed;

    @Mixin
    ThreadsOption threads;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter log = spec.commandLine().getOut();
        if (images < 1) {
            throw new ParameterException(spec.commandLine(), "--images must be >= 1, got " + images);
        }
        Integer asked = resolution == null && DataSource.SYNTHETIC.equals(data) ? SYNTHETIC_RESOLUTION : resolution;
        try (CpuDevice cpu = threads.device();
             ImagePyramid pictures = DataSource.open(cpu, data, asked, seed)) {
            Checkpoint saved = UpscalerCheckpoint.loadRunOrFile(checkpoint, log::println);
            Upscaler upscaler = UpscalerCheckpoint.upscaler(cpu, saved);
            int f = upscaler.shape().factor();
            int res = asked == null ? pictures.resolution() : asked;
            int count = Math.min(images, pictures.count());
            double bicubicSum = 0;
            double upscalerSum = 0;
            int wins = 0;
            Progress progress = new Progress(log, "img", count);
            for (int i = 0; i < count; i++) {
                Tensor original = pictures.image(i, res).reshape(1, 3, res, res);
                Tensor input = UpscalerTrainer.downscale(cpu, original, f);
                Tensor bicubic = original.zerosLike();
                upscaler.bicubic(input, bicubic);
                double b = psnr(cpu, bicubic, original);
                double u = psnr(cpu, upscaler.forward(input), original);
                bicubicSum += b;
                upscalerSum += u;
                wins += u > b ? 1 : 0;
                progress.update(i + 1, String.format(Locale.ROOT, "bicubic %.2f dB, upscaler %.2f dB",
                        bicubicSum / (i + 1), upscalerSum / (i + 1)));
            }
            log.printf(Locale.ROOT, "x%d on %d images of %s at %d px (inputs %d px, area-downscaled), checkpoint %s:%n"
                            + "  bicubic   %.2f dB%n  upscaler  %.2f dB  (%+.3f dB; better on %d of %d images)%n",
                    f, count, data, res, res / f, saved.file(), bicubicSum / count, upscalerSum / count,
                    (upscalerSum - bicubicSum) / count, wins, count);
        }
        return 0;
    }

    /** PSNR in dB of {@code image} against {@code reference}, both in [-1, 1]: 10 log10(2^2 / MSE). */
    static double psnr(Device device, Tensor image, Tensor reference) {
        Tensor diff = image.copy();
        device.axpy(-1f, reference, diff);
        double mse = device.sumOfSquares(diff) / diff.numel();
        return 10 * Math.log10(4 / mse);
    }
}
