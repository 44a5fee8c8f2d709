package atelier.nn.io;

import atelier.core.Tensor;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * An atelier checkpoint: a safetensors file (readable by any safetensors tool) whose metadata holds
 * "format_version", a CRC-32 of the tensor data ("crc32", so flipped bytes are caught before they are trained on)
 * and an "atelier" JSON object with whatever the writer needs to continue: architecture, schedule position, RNG
 * state, configuration.
 */
public final class Checkpoint {
    /** The newest format this code reads and the one it writes. */
    public static final int FORMAT_VERSION = 1;

    private final Path file;
    private final Map<String, Tensor> tensors;
    private final JsonObject info;
    private final String checksum;

    private Checkpoint(Path file, Map<String, Tensor> tensors, JsonObject info, String checksum) {
        this.file = file;
        this.tensors = tensors;
        this.info = info;
        this.checksum = checksum;
    }

    /** Writes atomically: the previous file at this path stays intact until the new one is complete. */
    public static void save(Path file, Map<String, Tensor> tensors, JsonObject info) throws IOException {
        Map<String, Tensor> sorted = new TreeMap<>(tensors);
        SafeTensors.write(file, sorted, Map.of(
                "format_version", Integer.toString(FORMAT_VERSION),
                "crc32", String.format(Locale.ROOT, "%08x", crc32(sorted)),
                "atelier", info.toString()));
    }

    /** Reads and verifies a checkpoint; any problem is a {@link CheckpointException} naming the file. */
    public static Checkpoint load(Path file) throws IOException {
        SafeTensors.Contents contents = SafeTensors.read(file);
        Map<String, String> meta = contents.metadata();
        String version = meta.get("format_version");
        String atelier = meta.get("atelier");
        if (version == null || atelier == null || meta.get("crc32") == null) {
            throw SafeTensors.corrupt(file, "is a safetensors file but not an atelier checkpoint (no atelier metadata)");
        }
        int v;
        try {
            v = Integer.parseInt(version);
        } catch (NumberFormatException e) {
            throw SafeTensors.corrupt(file, "has an unreadable format version '" + version + "'");
        }
        if (v > FORMAT_VERSION) {
            throw new CheckpointException("file " + file + " was written by a newer atelier (format " + v
                    + ", this one reads up to " + FORMAT_VERSION + ")");
        }
        String crc = String.format(Locale.ROOT, "%08x", crc32(new TreeMap<>(contents.tensors())));
        if (!crc.equals(meta.get("crc32"))) {
            throw SafeTensors.corrupt(file, "is corrupt: checksum mismatch (stored " + meta.get("crc32")
                    + ", computed " + crc + ")");
        }
        try {
            return new Checkpoint(file, contents.tensors(), JsonParser.parseString(atelier).getAsJsonObject(), crc);
        } catch (JsonParseException | IllegalStateException e) {
            throw SafeTensors.corrupt(file, "has unreadable atelier metadata");
        }
    }

    /** CRC-32 of the tensors' little-endian bytes in name order, i.e. of the file's data buffer. */
    static long crc32(Map<String, Tensor> sorted) {
        CRC32 crc = new CRC32();
        ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (Tensor t : sorted.values()) {
            for (float value : t.data()) {
                if (!chunk.hasRemaining()) {
                    crc.update(chunk.flip());
                    chunk.clear();
                }
                chunk.putFloat(value);
            }
        }
        crc.update(chunk.flip());
        return crc.getValue();
    }

    public Path file() {
        return file;
    }

    public Map<String, Tensor> tensors() {
        return tensors;
    }

    /** The CRC-32 of the tensor data (8 hex digits): names this exact content, e.g. for files derived from it. */
    public String checksum() {
        return checksum;
    }

    /** The writer's JSON block. */
    public JsonObject info() {
        return info;
    }

    /** A tensor by name; a missing one is a clear error naming the file. */
    public Tensor tensor(String name) throws CheckpointException {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new CheckpointException("file " + file + " has no tensor '" + name
                    + "' (is it a checkpoint of another architecture?)");
        }
        return t;
    }
}
