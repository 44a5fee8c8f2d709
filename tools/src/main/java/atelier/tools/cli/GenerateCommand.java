package atelier.tools.cli;

import atelier.core.Tensor;
import atelier.core.device.CpuDevice;
import atelier.gan.pgan.Generator;
import atelier.gan.pgan.PganCheckpoint;
import atelier.gan.upscale.UpscalerCheckpoint;
import atelier.gan.sample.Latents;
import atelier.nn.io.Checkpoint;
import atelier.tools.image.ImageFiles;
import atelier.tools.image.PrintSize;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code atelier generate}: images from seeds through a checkpoint's moving-average generator, optionally
 * truncated and steered by style knobs, at the model's resolution or at a print size with the DPI in the file.
 */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Generate images from seeds with a trained checkpoint.",
            "Seed s always gives the same image (its latent is drawn from Rng(s)), alone or among others."})
public final class GenerateCommand implements Callable<Integer> {
    @Mixin
    CheckpointOptions model;

    @Mixin
    ThreadsOption threads;

    @Option(names = "--seeds", required = true, paramLabel = "LIST", description = "Seeds, e.g. 1-16,20,33.")
    String seeds;

    @Option(names = "--out", required = true, paramLabel = "DIR|FILE",
            description = "Folder for seedNNNN.png (or .tif); a file name ending .png, .tif or .tiff for one seed.")
    Path out;

    @Option(names = "--grid", description = "Also write grid.png, a contact sheet of all seeds at model resolution.")
    boolean grid;

    @Mixin
    SamplingOptions sampling;

    @Option(names = "--print", paramLabel = "SIZE",
            description = "Export at a print size: e.g. 20x20in, 50x50cm or 6000x6000px (square).")
    String print;

    @Option(names = "--dpi", defaultValue = "300", description = "Print resolution in dots per inch, recorded in "
            + "the file (default: ${DEFAULT-VALUE}).")
    double dpi;

    @Option(names = "--upscaler", paramLabel = "RUN|FILE",
            description = "A trained upscaler (run folder or checkpoint) that takes the model's images up to --print "
                    + "size; without it the bicubic resize does.")
    Path upscaler;

    @Option(names = "--format", paramLabel = "png|tiff",
            description = "File format (default: from --out's extension, else png).")
    String format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter log = spec.commandLine().getOut();
        long[] seedList = SeedList.parse("--seeds", seeds);
        Optional<String> extension = extension(out);
        ImageFiles.PrintFormat fileFormat = fileFormat(extension);
        PrintSize printSize = print == null ? null : PrintSize.parse("--print", print, dpi);
        if (extension.isPresent() && seedList.length != 1) {
            throw new IllegalArgumentException("--out " + out + " names one file, but --seeds gives "
                    + seedList.length + " seeds; give a folder");
        }
        if (extension.isPresent() && grid) {
            throw new IllegalArgumentException("--grid needs --out to be a folder");
        }
        try (CpuDevice cpu = threads.device()) {
            Checkpoint checkpoint = model.load(log);
            Generator g = PganCheckpoint.averageGenerator(cpu, checkpoint);
            Renderer renderer = sampling.renderer(cpu, g, checkpoint, log);
            if (upscaler != null && printSize == null) {
                throw new IllegalArgumentException("--upscaler works with --print (the size to upscale to)");
            }
            Checkpoint upscalerCheckpoint = upscaler == null ? null
                    : UpscalerCheckpoint.loadRunOrFile(upscaler, log::println);
            PrintExport export = printSize == null ? null : new PrintExport(cpu, printSize, fileFormat, g.resolution(),
                    upscalerCheckpoint == null ? null : UpscalerCheckpoint.upscaler(cpu, upscalerCheckpoint),
                    upscalerCheckpoint == null ? null : upscalerCheckpoint.file().toString());
            log.printf(Locale.ROOT, "%d images at %d px from %s (truncation %s)%n", seedList.length, g.resolution(),
                    checkpoint.file(), renderer.truncation());
            if (export != null) {
                log.println(export.describe());
            }
            int r = g.resolution();
            Tensor sheet = grid ? Tensor.zeros(seedList.length, 3, r, r) : null;
            renderer.render(seedList.length,
                    (start, n) -> Latents.fromSeeds(Arrays.copyOfRange(seedList, start, start + n),
                            g.shape().latent()),
                    (i, image) -> {
                        Path file = extension.isPresent() ? out : out.resolve(String.format(Locale.ROOT, "seed%04d.%s",
                                seedList[i], fileFormat.extension()));
                        if (export != null) {
                            export.write(image, file);
                        } else {
                            ImageFiles.writeWithDpi(ImageFiles.image(image, 0), file, fileFormat, dpi);
                        }
                        if (sheet != null) {
                            System.arraycopy(image.data(), 0, sheet.data(), i * image.numel(), image.numel());
                        }
                    }, log, "img");
            if (sheet != null) {
                ImageFiles.writePng(ImageFiles.grid(sheet, (int) Math.ceil(Math.sqrt(seedList.length))),
                        out.resolve("grid.png"));
                log.println("grid: " + out.resolve("grid.png"));
            }
            log.println("images: " + out);
        }
        return 0;
    }

    /** ".png", ".tif" or ".tiff" at the end of --out makes it a file name. */
    private static Optional<String> extension(Path out) {
        String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
        for (String ext : new String[] {"png", "tif", "tiff"}) {
            if (name.endsWith("." + ext)) {
                return Optional.of(ext);
            }
        }
        return Optional.empty();
    }

    private ImageFiles.PrintFormat fileFormat(Optional<String> extension) {
        ImageFiles.PrintFormat fromExtension = extension.map(e -> e.equals("png") ? ImageFiles.PrintFormat.PNG
                : ImageFiles.PrintFormat.TIFF).orElse(null);
        if (format == null) {
            return fromExtension == null ? ImageFiles.PrintFormat.PNG : fromExtension;
        }
        ImageFiles.PrintFormat chosen = switch (format.toLowerCase(Locale.ROOT)) {
            case "png" -> ImageFiles.PrintFormat.PNG;
            case "tif", "tiff" -> ImageFiles.PrintFormat.TIFF;
            default -> throw new IllegalArgumentException("--format must be png or tiff, got " + format);
        };
        if (fromExtension != null && fromExtension != chosen) {
            throw new IllegalArgumentException("--format " + format + " contradicts --out " + out);
        }
        return chosen;
    }
}
