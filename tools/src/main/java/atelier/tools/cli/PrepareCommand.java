package atelier.tools.cli;

import atelier.core.device.CpuDevice;
import atelier.tools.data.DatasetWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code atelier prepare FOLDER --size 1024 --out DATASET}: turns a folder of images into a training dataset. */
@Command(name = "prepare", mixinStandardHelpOptions = true,
        description = {"Import every image under FOLDER (PNG, JPEG, TIFF, BMP, GIF; recursively, in sorted order) as a "
                + "training dataset: each is centre-cropped to a square, resized to --size with antialiased bicubic "
                + "and stored with its 2x2-averaged copies down to 4 px.",
                "Transparent pixels are composited over white. Unreadable, truncated, empty, too small or too large "
                        + "files are skipped and listed with the reason; files of other types are ignored."})
public final class PrepareCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FOLDER", description = "Folder of images.")
    Path input;

    @Option(names = "--out", required = true, paramLabel = "DATASET",
            description = "Dataset folder to create (new or empty, outside FOLDER).")
    Path out;

    @Option(names = "--size", defaultValue = "1024", paramLabel = "PX",
            description = "Resolution, a power of two from 4 to 4096 (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--max-pixels", defaultValue = "200000000", paramLabel = "N",
            description = "Skip images whose header announces more pixels, before decoding them "
                    + "(default: ${DEFAULT-VALUE}).")
    long maxPixels;

    @Option(names = "--min-side", defaultValue = "16", paramLabel = "PX",
            description = "Skip images whose short side is smaller (default: ${DEFAULT-VALUE}); larger images "
                    + "below --size are upscaled.")
    int minSide;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        DatasetWriter.Settings settings = new DatasetWriter.Settings(input, out, size, maxPixels, minSide);
        try (CpuDevice cpu = new CpuDevice()) {
            DatasetWriter.prepare(settings, cpu, spec.commandLine().getOut());
        }
        return 0;
    }
}
