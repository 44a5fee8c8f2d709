package atelier.tools.data;

import atelier.core.Tensor;
import atelier.core.device.Device;
import atelier.core.device.Filter;
import atelier.nn.io.AtomicFile;
import atelier.tools.cli.Progress;
import atelier.tools.image.SourceImages;
import atelier.tools.image.SourceImages.UnusableImageException;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Makes a {@link Dataset} from a folder of images ({@code atelier prepare}). Every image file under the folder, in
 * sorted order of its relative path, is decoded ({@link SourceImages}), centre-cropped to a square, resized to the
 * target size with antialiased bicubic ({@link Device#resize}), rounded to bytes and appended to the top level;
 * each lower level is the 2x2 average ({@link Filter#area}, the trainer's fade-in filter) of the stored level
 * above, rounded half to even. One image is in memory at a time. Level files are written under temporary names
 * and renamed when all images are in; the manifest comes last, so an interrupted run never looks complete.
 */
public final class DatasetWriter {
    private DatasetWriter() {
    }

    /**
     * What to prepare. {@code minSide}: images whose short side is smaller are skipped (icons, thumbnails);
     * larger ones below {@code size} are upscaled. {@code maxPixels}: images whose header announces more pixels
     * are refused before decoding (a decompression-bomb guard).
     */
    public record Settings(Path input, Path out, int size, long maxPixels, int minSide) {
        public Settings {
            if (size < 4 || size > 4096 || Integer.bitCount(size) != 1) {
                throw new IllegalArgumentException("--size must be a power of two from 4 to 4096, got " + size);
            }
            if (maxPixels < 1 || minSide < 1) {
                throw new IllegalArgumentException("--max-pixels and --min-side must be >= 1");
            }
        }
    }

    /** A file that was not imported, and why. */
    public record Skipped(String file, String reason) {
    }

    /** What a run imported (relative paths, in image order) and skipped. */
    public record Result(List<String> imported, List<Skipped> skipped) {
    }

    /** Prepares the dataset, reporting progress and the skipped files on {@code log}. */
    public static Result prepare(Settings settings, Device device, PrintWriter log) throws IOException {
        Path input = settings.input();
        Path out = settings.out();
        checkFolders(input, out);
        List<String> files = imageFiles(input);
        boolean created = !Files.exists(out);
        Files.createDirectories(out);
        List<String> imported = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        List<AtomicFile> levels = new ArrayList<>();
        try {
            for (int r = 4; r <= settings.size(); r *= 2) {
                levels.add(AtomicFile.begin(out.resolve(Dataset.levelFile(r))));
            }
            Progress progress = new Progress(log, "img", files.size());
            for (int i = 0; i < files.size(); i++) {
                String file = files.get(i);
                try {
                    writeLevels(readSquare(input.resolve(file), settings), settings.size(), device, levels);
                    imported.add(file);
                } catch (UnusableImageException e) {
                    skipped.add(new Skipped(file, e.getMessage()));
                }
                progress.update(i + 1, "imported " + imported.size() + ", skipped " + skipped.size());
            }
            for (Skipped s : skipped) {
                log.println(s.file() + ": " + s.reason());
            }
            if (imported.isEmpty()) {
                throw new IllegalArgumentException("no usable images in " + input + " (" + files.size()
                        + " image files found, " + skipped.size() + " skipped)");
            }
            for (AtomicFile level : levels) {
                level.commit();
            }
            AtomicFile.write(out.resolve(Dataset.MANIFEST), stream -> stream.write(
                    manifest(settings, imported, skipped).getBytes(StandardCharsets.UTF_8)));
        } finally {
            for (AtomicFile level : levels) {
                level.close();
            }
            if (created && imported.isEmpty()) {
                Files.deleteIfExists(out);
            }
        }
        log.printf("prepared %d images at 4..%d px into %s (%d skipped)%n", imported.size(), settings.size(), out,
                skipped.size());
        log.flush();
        return new Result(List.copyOf(imported), List.copyOf(skipped));
    }

    private static void checkFolders(Path input, Path out) throws IOException {
        if (!Files.exists(input)) {
            throw new IllegalArgumentException("input folder " + input + " does not exist");
        }
        if (!Files.isDirectory(input)) {
            throw new IllegalArgumentException("input " + input + " is not a folder");
        }
        // Compare real paths (symbolic links resolved) as far as the output exists.
        Path outAbsolute = out.toAbsolutePath().normalize();
        Path existing = outAbsolute;
        while (!Files.exists(existing)) {
            existing = existing.getParent();
        }
        Path outReal = existing.toRealPath().resolve(existing.relativize(outAbsolute));
        if (outReal.startsWith(input.toRealPath())) {
            throw new IllegalArgumentException("--out " + out + " is inside the input folder " + input
                    + " (its files would be read as images next time); choose a folder outside it");
        }
        if (Files.exists(out)) {
            if (!Files.isDirectory(out)) {
                throw new IllegalArgumentException("--out " + out + " exists and is not a folder");
            }
            try (Stream<Path> entries = Files.list(out)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException("--out " + out + " exists and is not empty");
                }
            }
        }
    }

    /** Image files under {@code input}, recursively, as relative paths with '/' separators, sorted. */
    static List<String> imageFiles(Path input) throws IOException {
        try (Stream<Path> walk = Files.walk(input)) {
            return walk.filter(p -> Files.isRegularFile(p) && SourceImages.hasImageExtension(p))
                    .map(p -> input.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/"))
                    .sorted()
                    .toList();
        }
    }

    /** The file's centred square [1, 3, side, side] in 0..255, after the header checks. */
    private static Tensor readSquare(Path file, Settings settings) throws UnusableImageException {
        SourceImages.Header header = SourceImages.header(file);
        if (header.pixels() > settings.maxPixels()) {
            throw new UnusableImageException(String.format(Locale.ROOT,
                    "%d x %d is %.1f megapixels, over the --max-pixels limit of %.1f", header.width(),
                    header.height(), header.pixels() / 1e6, settings.maxPixels() / 1e6));
        }
        if (Math.min(header.width(), header.height()) < settings.minSide()) {
            throw new UnusableImageException(header.width() + " x " + header.height() + " is smaller than --min-side "
                    + settings.minSide() + " px on its short side");
        }
        long shortSide = Math.min(header.width(), header.height());
        if (header.pixels() > Integer.MAX_VALUE - 8 || 3 * shortSide * shortSide > Integer.MAX_VALUE - 8) {
            throw new UnusableImageException(header.width() + " x " + header.height()
                    + " is too large for Java's arrays (at most 2^31 pixels, a square of 26754 px)");
        }
        BufferedImage image = SourceImages.decode(file, header);
        int side = Math.min(image.getWidth(), image.getHeight());
        return Tensor.of(SourceImages.centreSquare(image), 1, 3, side, side);
    }

    /** Resizes one image to the top level and averages down, appending each level's bytes to its file. */
    private static void writeLevels(Tensor square, int size, Device device, List<AtomicFile> levels)
            throws IOException {
        Tensor level = Tensor.zeros(1, 3, size, size);
        device.resize(square, level);
        for (int i = levels.size() - 1; ; i--) {
            device.toHost(level);
            append(levels.get(i), quantize(level));
            device.fromHost(level);   // quantize rounded it in place, and the next level averages the rounded values
            if (i == 0) {
                return;
            }
            Tensor below = Tensor.zeros(1, 3, level.dim(2) / 2, level.dim(3) / 2);
            device.downsample(level, Filter.area(2), below);
            level = below;
        }
    }

    /** Rounds values in place to integers in 0..255 (half to even, as numpy's rint) and returns them as bytes. */
    static byte[] quantize(Tensor t) {
        float[] d = t.data();
        byte[] bytes = new byte[d.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) Math.rint(Math.max(0f, Math.min(255f, d[i])));
            bytes[i] = (byte) d[i];
        }
        return bytes;
    }

    private static void append(AtomicFile file, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            file.channel().write(buffer);
        }
    }

    private static String manifest(Settings settings, List<String> imported, List<Skipped> skipped) {
        JsonObject m = new JsonObject();
        m.addProperty("format", Dataset.FORMAT);
        m.addProperty("format_version", Dataset.FORMAT_VERSION);
        m.addProperty("count", imported.size());
        m.addProperty("resolution", settings.size());
        m.addProperty("channels", Dataset.CHANNELS);
        m.addProperty("layout", "one file per level R = 4, 8, ..: raw uint8 [count, 3, R, R] (NCHW)");
        JsonArray levels = new JsonArray();
        for (int r = 4; r <= settings.size(); r *= 2) {
            JsonObject level = new JsonObject();
            level.addProperty("resolution", r);
            level.addProperty("file", Dataset.levelFile(r));
            level.addProperty("bytes", Dataset.levelBytes(imported.size(), r));
            levels.add(level);
        }
        m.add("levels", levels);
        JsonArray sources = new JsonArray();
        imported.forEach(sources::add);
        m.add("sources", sources);
        JsonArray skips = new JsonArray();
        for (Skipped s : skipped) {
            JsonObject skip = new JsonObject();
            skip.addProperty("file", s.file());
            skip.addProperty("reason", s.reason());
            skips.add(skip);
        }
        m.add("skipped", skips);
        JsonObject run = new JsonObject();
        run.addProperty("input", settings.input().toAbsolutePath().normalize().toString());
        run.addProperty("size", settings.size());
        run.addProperty("max_pixels", settings.maxPixels());
        run.addProperty("min_side", settings.minSide());
        run.addProperty("crop", "centre square");
        run.addProperty("resize", "antialiased bicubic (a = -0.5), as PyTorch interpolate(antialias=True) and PIL");
        run.addProperty("lower_levels", "2x2 average of the stored level above, rounded half to even");
        run.addProperty("alpha", "composited over white");
        run.addProperty("cmyk", "converted without a colour profile: R = 255 (1 - C)(1 - K)");
        m.add("settings", run);
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(m) + "\n";
    }
}
