package atelier.nn.io;

import atelier.core.Tensor;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointTest {
    @TempDir
    Path dir;

    private static Map<String, Tensor> sample(long seed) {
        Random rng = new Random(seed);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (int[] shape : new int[][] {{}, {5}, {2, 3, 4, 1}, {0, 3}}) {
            Tensor t = Tensor.zeros(shape);
            for (int i = 0; i < t.numel(); i++) {
                t.data()[i] = (float) rng.nextGaussian();
            }
            tensors.put("t" + shape.length + "." + tensors.size(), t);
        }
        return tensors;
    }

    private static JsonObject info() {
        JsonObject info = new JsonObject();
        info.addProperty("images", 123456789012L);
        info.addProperty("note", "ünïcode \"quoted\"\n");
        return info;
    }

    @Test
    void roundTripKeepsEveryValueShapeAndTheInfoBlock() throws IOException {
        Path file = dir.resolve("ck.safetensors");
        Map<String, Tensor> tensors = sample(1);
        Checkpoint.save(file, tensors, info());
        Checkpoint back = Checkpoint.load(file);
        assertEquals(tensors.keySet(), back.tensors().keySet());
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            assertArrayEquals(e.getValue().shape(), back.tensor(e.getKey()).shape());
            assertArrayEquals(e.getValue().data(), back.tensor(e.getKey()).data());
        }
        assertEquals(info(), back.info());
    }

    @Test
    void headerIsTheCanonicalJson() {
        Map<String, Tensor> tensors = new java.util.TreeMap<>(Map.of("b", Tensor.zeros(2, 3), "a", Tensor.zeros(2)));
        String header = new String(SafeTensors.header(tensors, Map.of("z", "1", "k", "v\"\u00e9")), StandardCharsets.UTF_8);
        String json = "{\"__metadata__\":{\"k\":\"v\\\"\u00e9\",\"z\":\"1\"},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[8,32]}}";
        assertEquals(json, header.stripTrailing());
        assertEquals(0, header.getBytes(StandardCharsets.UTF_8).length % 8);
    }

    @Test
    void flippedDataByteIsACheckSumError() throws IOException {
        Path file = dir.resolve("ck.safetensors");
        Checkpoint.save(file, sample(2), info());
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 3] ^= 0x10;
        Files.write(file, bytes);
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(file));
        assertTrue(e.getMessage().contains("checksum mismatch") && e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void truncatedFilesAreClearErrors() throws IOException {
        Path file = dir.resolve("ck.safetensors");
        Checkpoint.save(file, sample(3), info());
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 4));
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.load(file)).getMessage()
                .contains("truncated"));
        Files.write(file, java.util.Arrays.copyOf(bytes, 20));
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.load(file)).getMessage()
                .contains("declares a header of"));
        Files.write(file, new byte[3]);
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.load(file)).getMessage()
                .contains("too short"));
    }

    @Test
    void futureVersionAndForeignFilesAreRefused() throws IOException {
        Path file = dir.resolve("future.safetensors");
        SafeTensors.write(file, Map.of("a", Tensor.zeros(1)), Map.of("format_version", "2", "crc32", "00000000",
                "atelier", "{}"));
        assertEquals("file " + file + " was written by a newer atelier (format 2, this one reads up to 1)",
                assertThrows(CheckpointException.class, () -> Checkpoint.load(file)).getMessage());
        Path plain = dir.resolve("plain.safetensors");
        SafeTensors.write(plain, Map.of("a", Tensor.zeros(1)), Map.of());
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.load(plain)).getMessage()
                .contains("not an atelier checkpoint"));
        CheckpointException missing = assertThrows(CheckpointException.class, () -> {
            Path ok = dir.resolve("ok.safetensors");
            Checkpoint.save(ok, Map.of("a", Tensor.zeros(1)), new JsonObject());
            Checkpoint.load(ok).tensor("g.level0.dense.weight");
        });
        assertTrue(missing.getMessage().contains("no tensor 'g.level0.dense.weight'"), missing.getMessage());
    }

    @Test
    void wrongDtypeAndOffsetsAreRefused() throws IOException {
        Path file = dir.resolve("bad.safetensors");
        writeRaw(file, "{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4);
        assertTrue(assertThrows(CheckpointException.class, () -> SafeTensors.read(file)).getMessage()
                .contains("dtype F16"));
        writeRaw(file, "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8);
        assertTrue(assertThrows(CheckpointException.class, () -> SafeTensors.read(file)).getMessage()
                .contains("do not fit F32 shape"));
        writeRaw(file, "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 12);
        assertTrue(assertThrows(CheckpointException.class, () -> SafeTensors.read(file)).getMessage()
                .contains("cover 4"));
        writeRaw(file, "[1,2]", 0);
        assertTrue(assertThrows(CheckpointException.class, () -> SafeTensors.read(file)).getMessage()
                .contains("not a JSON object"));
    }

    private static void writeRaw(Path file, String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + h.length + dataBytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Files.write(file, b.array());
    }

    @Test
    void failedWriteLeavesThePreviousFileAndNoTempFile() throws IOException {
        Path file = dir.resolve("ck.safetensors");
        Checkpoint.save(file, sample(4), info());
        byte[] before = Files.readAllBytes(file);
        IOException e = assertThrows(IOException.class, () -> AtomicFile.write(file, out -> {
            out.write(new byte[100_000]);
            throw new IOException("disk full (simulated)");
        }));
        assertEquals("cannot write " + file + ": disk full (simulated)", e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file));
        try (var listing = Files.list(dir)) {
            assertEquals(java.util.List.of(file), listing.toList());
        }
    }
}
