package atelier.tools.data;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A prepared dataset (written by {@link DatasetWriter}, {@code atelier prepare}): a directory holding
 * <ul>
 *   <li>{@code level-RRRR.u8} for R = 4, 8, ..., resolution: the images at R x R as raw bytes, [count, 3, R, R]
 *       in NCHW order (three channel planes per image), each level the 2x2 average of the one above, rounded;</li>
 *   <li>{@code manifest.json}, written last (so a half-written dataset has none): format and version, count,
 *       resolution, channels, the levels' files and sizes, the source files, the skipped files with reasons and
 *       the settings of the run.</li>
 * </ul>
 * Images are read on demand with positional reads (a level can exceed 2 GB), never all at once, and converted to
 * [-1, 1] as v / 127.5 - 1.
 */
public final class Dataset extends ImagePyramid {
    public static final String MANIFEST = "manifest.json";
    public static final String FORMAT = "atelier-dataset";
    public static final int FORMAT_VERSION = 1;
    public static final int CHANNELS = 3;

    private final Path dir;
    private final int count;
    private final int resolution;
    private final List<String> sources;
    private final Map<Integer, FileChannel> levels = new HashMap<>();

    /** The file holding the images at {@code resolution}. */
    public static String levelFile(int resolution) {
        return String.format(Locale.ROOT, "level-%04d.u8", resolution);
    }

    /** Bytes of one level: count images of 3 x R x R. */
    static long levelBytes(int count, int resolution) {
        return (long) count * CHANNELS * resolution * resolution;
    }

    private Dataset(Path dir, int count, int resolution, List<String> sources) {
        this.dir = dir;
        this.count = count;
        this.resolution = resolution;
        this.sources = sources;
    }

    /** Opens a dataset, checking its manifest and that every level file has the size the manifest implies. */
    public static Dataset open(Path dir) throws IOException {
        Path manifestFile = dir.resolve(MANIFEST);
        if (!Files.isDirectory(dir)) {
            throw new IOException("dataset " + dir + " does not exist or is not a directory");
        }
        if (!Files.isRegularFile(manifestFile)) {
            throw new IOException("dataset " + dir + " has no " + MANIFEST
                    + " (not a dataset, or its prepare did not finish)");
        }
        JsonObject manifest;
        int count;
        int resolution;
        List<String> sources = new ArrayList<>();
        try {
            manifest = JsonParser.parseString(Files.readString(manifestFile, StandardCharsets.UTF_8)).getAsJsonObject();
            String format = field(manifest, "format", manifestFile).getAsString();
            if (!FORMAT.equals(format)) {
                throw new IOException(manifestFile + ": format is '" + format + "', expected '" + FORMAT + "'");
            }
            int version = field(manifest, "format_version", manifestFile).getAsInt();
            if (version != FORMAT_VERSION) {
                throw new IOException(manifestFile + ": format version " + version + ", this atelier reads version "
                        + FORMAT_VERSION);
            }
            count = field(manifest, "count", manifestFile).getAsInt();
            resolution = field(manifest, "resolution", manifestFile).getAsInt();
            int channels = field(manifest, "channels", manifestFile).getAsInt();
            if (count < 1 || resolution < 4 || Integer.bitCount(resolution) != 1 || channels != CHANNELS) {
                throw new IOException(manifestFile + ": count " + count + ", resolution " + resolution + ", channels "
                        + channels + " (need count >= 1, a power-of-two resolution >= 4, 3 channels)");
            }
            for (JsonElement s : field(manifest, "sources", manifestFile).getAsJsonArray()) {
                sources.add(s.getAsString());
            }
            if (sources.size() != count) {
                throw new IOException(manifestFile + ": " + sources.size() + " sources for " + count + " images");
            }
        } catch (JsonParseException | IllegalStateException | UnsupportedOperationException | NumberFormatException e) {
            throw new IOException(manifestFile + ": not a valid manifest (" + e.getMessage() + ")");
        }
        Dataset dataset = new Dataset(dir, count, resolution, List.copyOf(sources));
        try {
            for (int r = 4; r <= resolution; r *= 2) {
                Path file = dir.resolve(levelFile(r));
                long expected = levelBytes(count, r);
                long actual;
                try {
                    actual = Files.size(file);
                } catch (NoSuchFileException e) {
                    throw new IOException("dataset " + dir + " is missing " + file.getFileName());
                }
                if (actual != expected) {
                    throw new IOException(file + " has " + actual + " bytes, expected " + expected + " (" + count
                            + " images of 3 x " + r + " x " + r + ")");
                }
                dataset.levels.put(r, FileChannel.open(file));
            }
        } catch (IOException | RuntimeException e) {
            dataset.close();
            throw e;
        }
        return dataset;
    }

    private static JsonElement field(JsonObject manifest, String name, Path file) throws IOException {
        JsonElement value = manifest.get(name);
        if (value == null || value.isJsonNull()) {
            throw new IOException(file + ": missing '" + name + "'");
        }
        return value;
    }

    @Override
    public int count() {
        return count;
    }

    @Override
    public int resolution() {
        return resolution;
    }

    /** The source files of the images, relative to the prepared folder, in image order. */
    public List<String> sources() {
        return sources;
    }

    public Path dir() {
        return dir;
    }

    @Override
    protected void copyImage(int index, int res, float[] dst, int offset) {
        int sample = CHANNELS * res * res;
        ByteBuffer bytes = ByteBuffer.allocate(sample);
        FileChannel channel = levels.get(res);
        long position = (long) index * sample;
        try {
            while (bytes.hasRemaining()) {
                if (channel.read(bytes, position + bytes.position()) < 0) {
                    throw new IOException(dir.resolve(levelFile(res)) + " ended early (changed since it was opened?)");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] b = bytes.array();
        for (int i = 0; i < sample; i++) {
            dst[offset + i] = (b[i] & 0xff) / 127.5f - 1f;
        }
    }

    @Override
    public void close() {
        for (FileChannel channel : levels.values()) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Read-only channels: nothing is lost if closing fails.
            }
        }
        levels.clear();
    }
}
