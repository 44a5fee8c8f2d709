package atelier.tools.cli;

import atelier.core.Tensor;
import atelier.core.device.CpuDevice;
import atelier.gan.upscale.TiledUpscaler;
import atelier.gan.upscale.Upscaler;
import atelier.gan.upscale.UpscalerCheckpoint;
import atelier.nn.io.Checkpoint;
import atelier.tools.image.BandResizer;
import atelier.tools.image.ImageFiles;
import atelier.tools.image.PngRowWriter;
import atelier.tools.image.SourceImages;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code atelier upscale}: an image to print size with a trained upscaler, tile by tile (tiles overlap by the
 * network's reach, so there are no seams and the result equals a whole-image pass), written to a PNG row band by
 * row band, so memory follows the tile size and not the print size. {@code --to} sizes other than the upscaler's
 * factor are reached by resizing its output (antialiased bicubic), also band by band. A TIFF output is collected
 * whole and written at the end (commons-imaging writes no TIFF row by row).
 */
@Command(name = "upscale", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Upscale an image with a model from 'atelier train-upscaler', tile by tile, to a PNG (or a TIFF)."})
public final class UpscaleCommand implements Callable<Integer> {
    /** The resolution a TIFF records when no --dpi is asked for: TIFF's own default. */
    private static final double TIFF_DEFAULT_DPI = 72;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "The image to upscale (PNG, JPEG, TIFF, BMP, GIF).")
    Path input;

    @Option(names = "--checkpoint", required = true, paramLabel = "RUN|FILE",
            description = "An upscaler run folder (its newest checkpoint) or checkpoint file.")
    Path checkpoint;

    @Option(names = "--factor", paramLabel = "F",
            description = "Scale by F (default: the upscaler's factor); other factors resize its output.")
    Integer factor;

    @Option(names = "--to", paramLabel = "PX", description = "Make the longer side PX pixels (e.g. 6000), keeping the aspect.")
    Integer to;

    @Option(names = "--out", required = true, paramLabel = "FILE.png|.tif",
            description = "The output: PNG (written band by band, memory follows --tile) or TIFF (written whole).")
    Path out;

    @Option(names = "--dpi", defaultValue = "0", description = "Print resolution to record in the file (default: none; a TIFF records 72).")
    int dpi;

    @Option(names = "--tile", defaultValue = "128",
            description = "Tile size in input pixels; memory grows with it (default: ${DEFAULT-VALUE}).")
    int tile;

    @Mixin
    ThreadsOption threads;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter log = spec.commandLine().getOut();
        validate();
        Tensor image = readImage(input);
        int h = image.dim(2);
        int w = image.dim(3);
        try (CpuDevice cpu = threads.device()) {
            Checkpoint saved = UpscalerCheckpoint.loadRunOrFile(checkpoint, log::println);
            Upscaler upscaler = UpscalerCheckpoint.upscaler(cpu, saved);
            int f = upscaler.shape().factor();
            long outW;
            long outH;
            if (to != null) {
                outW = w >= h ? to : Math.max(1, Math.round((double) w * to / h));
                outH = h >= w ? to : Math.max(1, Math.round((double) h * to / w));
            } else {
                int scale = factor == null ? f : factor;
                outW = (long) w * scale;
                outH = (long) h * scale;
            }
            if (Math.max(Math.max(outW, outH), Math.max((long) w * f, (long) h * f)) > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("an output of " + outW + " x " + outH + " px is beyond PNG's and "
                        + "Java's 2^31 - 1 limit");
            }
            // Only one band of rows is held at a time, and it must fit a Java array.
            if ((long) Math.min(tile, h) * f * Math.max((long) w * f, outW) * 3 > Integer.MAX_VALUE) {
                throw new ParameterException(spec.commandLine(), "--tile " + tile + ": a band of the " + outW
                        + " px wide output is too large for one array; use a smaller --tile");
            }
            TiledUpscaler tiler = new TiledUpscaler(upscaler, tile);
            Progress progress = new Progress(log, "tiles", tiler.tiles(h, w));
            long[] tilesDone = {0};
            if (tiff()) {
                // TIFF is written whole (commons-imaging has no row-by-row TIFF writer): memory follows the output.
                Tensor whole = Tensor.zeros(1, 3, (int) outH, (int) outW);
                tiler.upscale(image, resizing(cpu, h * f, w * f, (int) outH, (int) outW, TiledUpscaler.into(whole)),
                        () -> progress.update(++tilesDone[0], ""));
                ImageFiles.writeWithDpi(ImageFiles.image(whole, 0), out, ImageFiles.PrintFormat.TIFF,
                        dpi > 0 ? dpi : TIFF_DEFAULT_DPI);
            } else {
                try (PngRowWriter png = new PngRowWriter(out, (int) outW, (int) outH, dpi)) {
                    tiler.upscale(image, resizing(cpu, h * f, w * f, (int) outH, (int) outW,
                            (band, firstRow) -> png.writeRows(band)),
                            () -> progress.update(++tilesDone[0], ""));
                    png.finish();
                }
            }
            log.printf(Locale.ROOT, "wrote %s: %d x %d px from %d x %d (x%d upscaler %s%s%s) in %s%n", out, outW, outH,
                    w, h, f, saved.file().getFileName(),
                    outW != (long) w * f || outH != (long) h * f ? ", then bicubic resize" : "",
                    dpi > 0 ? ", " + dpi + " dpi" : "", progress.elapsed());
        }
        return 0;
    }

    /** The sink, behind a streamed bicubic resize when the output is not the upscaled size. */
    private static TiledUpscaler.Bands resizing(CpuDevice cpu, int upH, int upW, int outH, int outW,
                                                TiledUpscaler.Bands sink) {
        return outH == upH && outW == upW ? sink : new BandResizer(cpu, upH, outH, outW, sink);
    }

    private boolean tiff() {
        String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".tif") || name.endsWith(".tiff");
    }

    /** The image as [1, 3, H, W] in [-1, 1]. */
    private static Tensor readImage(Path file) {
        BufferedImage picture;
        try {
            picture = SourceImages.decode(file, SourceImages.header(file));
        } catch (SourceImages.UnusableImageException e) {
            throw new IllegalArgumentException("image " + file + ": " + e.getMessage());
        }
        int h = picture.getHeight();
        int w = picture.getWidth();
        float[] d = SourceImages.rgbPlanes(picture, 0, 0, w, h);
        for (int i = 0; i < d.length; i++) {
            d[i] = d[i] / 127.5f - 1f;
        }
        return Tensor.of(d, 1, 3, h, w);
    }

    private void validate() {
        if (factor != null && to != null) {
            throw new ParameterException(spec.commandLine(), "--factor and --to exclude each other");
        }
        if (factor != null && factor < 1) {
            throw new ParameterException(spec.commandLine(), "--factor must be >= 1, got " + factor);
        }
        if (to != null && to < 1) {
            throw new ParameterException(spec.commandLine(), "--to must be >= 1, got " + to);
        }
        if (tile < 1) {
            throw new ParameterException(spec.commandLine(), "--tile must be >= 1, got " + tile);
        }
        if (dpi < 0) {
            throw new ParameterException(spec.commandLine(), "--dpi must be >= 0, got " + dpi);
        }
        if (!out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png") && !tiff()) {
            throw new ParameterException(spec.commandLine(), "--out " + out + ": PNG or TIFF is written (name it "
                    + ".png, .tif or .tiff)");
        }
        if (!Files.isRegularFile(input)) {
            throw new ParameterException(spec.commandLine(), "IMAGE " + input + " does not exist or is not a file");
        }
    }
}
