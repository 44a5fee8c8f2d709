package atelier.nn.io;

import atelier.core.Tensor;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The safetensors format (Hugging Face), which Python tools read: an 8-byte little-endian header length N, N bytes
 * of UTF-8 JSON describing each tensor (dtype, shape, byte offsets in the data buffer) plus a string-to-string
 * "__metadata__" map, then the raw little-endian data. atelier writes one canonical form (compact JSON, metadata
 * first with sorted keys, tensors sorted by name, header padded with spaces to 8 bytes) so identical content gives
 * identical bytes; it reads F32 tensors and checks every offset before trusting it.
 */
public final class SafeTensors {
    private static final long MAX_HEADER = 100L << 20;

    /** The tensors (in file order) and metadata of a file. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
    }

    private SafeTensors() {
    }

    /** Writes atomically (temp file + rename): an existing file is replaced only by a complete new one. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        Map<String, Tensor> sorted = new TreeMap<>(tensors);
        byte[] header = header(sorted, metadata);
        AtomicFile.write(file, out -> {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
            out.write(header);
            for (Tensor t : sorted.values()) {
                writeFloats(out, t.data());
            }
        });
    }

    /** The canonical header: compact JSON padded with spaces to a multiple of 8 bytes. */
    static byte[] header(Map<String, Tensor> sorted, Map<String, String> metadata) {
        StringBuilder json = new StringBuilder("{\"__metadata__\":{");
        String sep = "";
        for (Map.Entry<String, String> e : new TreeMap<>(metadata).entrySet()) {
            json.append(sep).append(quote(e.getKey())).append(':').append(quote(e.getValue()));
            sep = ",";
        }
        json.append('}');
        long offset = 0;
        for (Map.Entry<String, Tensor> e : sorted.entrySet()) {
            long size = 4L * e.getValue().numel();
            json.append(',').append(quote(e.getKey())).append(":{\"dtype\":\"F32\",\"shape\":[");
            int[] shape = e.getValue().shape();
            for (int i = 0; i < shape.length; i++) {
                json.append(i == 0 ? "" : ",").append(shape[i]);
            }
            json.append("],\"data_offsets\":[").append(offset).append(',').append(offset + size).append("]}");
            offset += size;
        }
        json.append('}');
        byte[] text = json.toString().getBytes(StandardCharsets.UTF_8);
        byte[] padded = new byte[(text.length + 7) / 8 * 8];
        System.arraycopy(text, 0, padded, 0, text.length);
        java.util.Arrays.fill(padded, text.length, padded.length, (byte) ' ');
        return padded;
    }

    /** A JSON string literal as Python's json.dumps(ensure_ascii=False) writes it. */
    static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static void writeFloats(OutputStream out, float[] data) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : data) {
            if (!chunk.hasRemaining()) {
                out.write(chunk.array(), 0, chunk.position());
                chunk.clear();
            }
            chunk.putFloat(v);
        }
        out.write(chunk.array(), 0, chunk.position());
    }

    /** Reads a file, checking its structure; any violation is an IOException naming the file and the problem. */
    public static Contents read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 8) {
                throw corrupt(file, "is " + size + " bytes, too short for a safetensors header");
            }
            long headerLength = readFully(channel, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (headerLength < 2 || headerLength > MAX_HEADER || headerLength > size - 8) {
                throw corrupt(file, "declares a header of " + headerLength + " bytes in a file of " + size);
            }
            JsonObject header = parseHeader(file, readFully(channel, 8, (int) headerLength));
            long dataStart = 8 + headerLength;
            long dataSize = size - dataStart;
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            TreeMap<Long, String> byOffset = new TreeMap<>();
            TreeMap<Long, Long> ends = new TreeMap<>();
            for (Map.Entry<String, JsonElement> e : header.entrySet()) {
                if (e.getKey().equals("__metadata__")) {
                    for (Map.Entry<String, JsonElement> m : e.getValue().getAsJsonObject().entrySet()) {
                        metadata.put(m.getKey(), m.getValue().getAsString());
                    }
                    continue;
                }
                Entry entry = Entry.parse(file, e.getKey(), e.getValue());
                if (entry.end > dataSize) {
                    throw corrupt(file, "tensor " + e.getKey() + " ends at byte " + entry.end + " of a "
                            + dataSize + "-byte data buffer (truncated?)");
                }
                byOffset.put(entry.begin, e.getKey());
                ends.put(entry.begin, entry.end);
                ByteBuffer bytes = readFully(channel, dataStart + entry.begin, (int) (entry.end - entry.begin));
                float[] values = new float[entry.count];
                bytes.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
                tensors.put(e.getKey(), Tensor.of(values, entry.shape));
            }
            long expected = 0;
            for (Map.Entry<Long, String> e : byOffset.entrySet()) {
                if (e.getKey() != expected) {
                    throw corrupt(file, "tensor " + e.getValue() + " starts at byte " + e.getKey() + ", expected "
                            + expected + " (overlapping or gapped data)");
                }
                expected = ends.get(e.getKey());
            }
            if (expected != dataSize) {
                throw corrupt(file, "has " + dataSize + " data bytes but its tensors cover " + expected);
            }
            return new Contents(tensors, metadata);
        }
    }

    /** One tensor's header entry, validated. */
    private record Entry(int[] shape, int count, long begin, long end) {
        static Entry parse(Path file, String name, JsonElement json) throws IOException {
            try {
                JsonObject o = json.getAsJsonObject();
                String dtype = o.get("dtype").getAsString();
                if (!dtype.equals("F32")) {
                    throw corrupt(file, "tensor " + name + " has dtype " + dtype + "; atelier reads F32");
                }
                var shapeJson = o.getAsJsonArray("shape");
                int[] shape = new int[shapeJson.size()];
                long count = 1;
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = shapeJson.get(i).getAsInt();
                    if (shape[i] < 0) {
                        throw corrupt(file, "tensor " + name + " has a negative dimension");
                    }
                    count *= shape[i];
                    if (count > Integer.MAX_VALUE - 8) {
                        throw corrupt(file, "tensor " + name + " has more than 2^31 elements");
                    }
                }
                var offsets = o.getAsJsonArray("data_offsets");
                long begin = offsets.get(0).getAsLong();
                long end = offsets.get(1).getAsLong();
                if (begin < 0 || end - begin != 4 * count) {
                    throw corrupt(file, "tensor " + name + " offsets " + begin + ".." + end + " do not fit F32 shape "
                            + java.util.Arrays.toString(shape));
                }
                return new Entry(shape, (int) count, begin, end);
            } catch (IllegalStateException | NullPointerException | UnsupportedOperationException
                     | IndexOutOfBoundsException | NumberFormatException e) {
                throw corrupt(file, "tensor " + name + " has a malformed header entry");
            }
        }
    }

    private static JsonObject parseHeader(Path file, ByteBuffer bytes) throws IOException {
        try {
            JsonElement json = JsonParser.parseString(StandardCharsets.UTF_8.newDecoder().decode(bytes).toString());
            if (!json.isJsonObject()) {
                throw corrupt(file, "has a header that is not a JSON object");
            }
            return json.getAsJsonObject();
        } catch (JsonParseException | java.nio.charset.CharacterCodingException e) {
            throw corrupt(file, "has a header that is not valid UTF-8 JSON");
        }
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
        return buffer.flip();
    }

    static IOException corrupt(Path file, String problem) {
        return new CheckpointException("file " + file + " " + problem);
    }
}
