package atelier.tools.data;

import atelier.core.Rng;
import atelier.core.Tensor;
import atelier.core.device.CpuDevice;
import atelier.tools.image.TestImages;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static atelier.tools.image.TestImages.solid;
import static atelier.tools.image.TestImages.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetTest {
    @TempDir
    Path tmp;

    private static BufferedImage noise(int width, int height, long seed) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random rng = new Random(seed);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, rng.nextInt(1 << 24));
            }
        }
        return image;
    }

    /** A folder with good images in subfolders, broken ones and a non-image; returns it. */
    private Path sampleFolder() throws IOException {
        Path in = Files.createDirectories(tmp.resolve("art"));
        Files.createDirectories(in.resolve("b/deeper"));
        Files.createDirectories(in.resolve("a"));
        write(noise(32, 32, 1), "png", in.resolve("b/deeper/noise.png"));
        write(solid(48, 40, 0xff204060, false), "bmp", in.resolve("a/solid.bmp"));
        write(noise(20, 24, 2), "png", in.resolve("c.png"));
        Files.write(in.resolve("a/empty.jpg"), new byte[0]);
        Files.writeString(in.resolve("fake.png"), "<html>not a png</html>");
        TestImages.truncate(write(noise(64, 64, 3), "png", tmp.resolve("whole.png")), in.resolve("b/half.png"));
        TestImages.writePngClaiming(in.resolve("bomb.png"), 30000, 20000);
        write(noise(12, 40, 4), "png", in.resolve("thin.png"));
        Files.writeString(in.resolve("notes.txt"), "ignored");
        return in;
    }

    private static DatasetWriter.Result prepare(Path in, Path out, int size, int threads, StringWriter log)
            throws IOException {
        try (CpuDevice cpu = new CpuDevice(threads)) {
            return DatasetWriter.prepare(new DatasetWriter.Settings(in, out, size, 200_000_000L, 16), cpu,
                    new PrintWriter(log, true));
        }
    }

    private static int[] levelBytes(Path out, int resolution) throws IOException {
        byte[] bytes = Files.readAllBytes(out.resolve(Dataset.levelFile(resolution)));
        int[] values = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            values[i] = bytes[i] & 0xff;
        }
        return values;
    }

    @Test
    void preparesTheGoodImagesInSortedOrderAndListsTheRestWithReasons() throws IOException {
        Path in = sampleFolder();
        Path out = tmp.resolve("data");
        StringWriter log = new StringWriter();
        DatasetWriter.Result result = prepare(in, out, 16, 2, log);
        assertEquals(List.of("a/solid.bmp", "b/deeper/noise.png", "c.png"), result.imported());
        List<String> skipped = result.skipped().stream().map(s -> s.file() + ": " + s.reason()).toList();
        assertEquals(5, skipped.size(), skipped.toString());
        assertEquals("a/empty.jpg: empty file (0 bytes)", skipped.get(0));
        assertTrue(skipped.get(1).startsWith("b/half.png: truncated or corrupt"), skipped.get(1));
        assertEquals("bomb.png: 30000 x 20000 is 600.0 megapixels, over the --max-pixels limit of 200.0",
                skipped.get(2));
        assertTrue(skipped.get(3).startsWith("fake.png: not an image"), skipped.get(3));
        assertEquals("thin.png: 12 x 40 is smaller than --min-side 16 px on its short side", skipped.get(4));
        for (String line : skipped) {
            assertTrue(log.toString().lines().anyMatch(line::equals), "log lists '" + line + "':\n" + log);
        }
        assertFalse(log.toString().contains("notes.txt"), "non-images are ignored silently");
        assertTrue(log.toString().contains("prepared 3 images at 4..16 px"), log.toString());

        JsonObject manifest = JsonParser.parseString(Files.readString(out.resolve(Dataset.MANIFEST))).getAsJsonObject();
        assertEquals(3, manifest.get("count").getAsInt());
        assertEquals(16, manifest.get("resolution").getAsInt());
        assertEquals(5, manifest.getAsJsonArray("skipped").size());
        assertEquals(200_000_000L, manifest.getAsJsonObject("settings").get("max_pixels").getAsLong());
        try (var files = Files.list(out)) {
            assertEquals(List.of("level-0004.u8", "level-0008.u8", "level-0016.u8", "manifest.json"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary files left");
        }
    }

    @Test
    void levelsHoldTheImagesAndEachLevelIsTheRounded2x2AverageOfTheOneAbove() throws IOException {
        Path in = Files.createDirectories(tmp.resolve("in"));
        BufferedImage exact = noise(32, 32, 7);
        write(exact, "png", in.resolve("0-exact.png"));                 // already 32 x 32: stored as is
        BufferedImage wide = noise(48, 32, 8);                          // centre crop: columns 8..39
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 8; x++) {
                wide.setRGB(x, y, 0xffffff);
                wide.setRGB(47 - x, y, 0x000000);
            }
        }
        write(wide, "png", in.resolve("1-wide.png"));
        write(solid(50, 70, 0xff3c7812, false), "png", in.resolve("2-solid.png"));  // any resize keeps a constant
        Path out = tmp.resolve("out");
        prepare(in, out, 32, 1, new StringWriter());

        int[] top = levelBytes(out, 32);
        int plane = 32 * 32;
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                int p = exact.getRGB(x, y);
                int cropped = wide.getRGB(x + 8, y);
                for (int c = 0; c < 3; c++) {
                    int shift = 16 - 8 * c;
                    assertEquals(p >> shift & 0xff, top[c * plane + y * 32 + x], "exact image");
                    assertEquals(cropped >> shift & 0xff, top[3 * plane + c * plane + y * 32 + x], "cropped image");
                    assertEquals(new int[] {0x3c, 0x78, 0x12}[c], top[6 * plane + c * plane + y * 32 + x], "solid");
                }
            }
        }
        for (int r = 16; r >= 4; r /= 2) {
            int[] above = levelBytes(out, 2 * r);
            int[] below = levelBytes(out, r);
            assertEquals(3 * 3 * r * r, below.length);
            for (int p = 0; p < 9; p++) {
                for (int y = 0; y < r; y++) {
                    for (int x = 0; x < r; x++) {
                        int a = (p * 2 * r + 2 * y) * 2 * r + 2 * x;
                        double mean = (above[a] + above[a + 1] + above[a + 2 * r] + above[a + 2 * r + 1]) / 4.0;
                        assertEquals(Math.rint(mean), below[(p * r + y) * r + x], "level " + r + " plane " + p);
                    }
                }
            }
        }
    }

    @Test
    void datasetReturnsTheStoredPixelsInBatchesDrawnWithTheRng() throws IOException {
        Path out = tmp.resolve("data");
        prepare(sampleFolder(), out, 16, 2, new StringWriter());
        try (Dataset data = Dataset.open(out)) {
            assertEquals(3, data.count());
            assertEquals(16, data.resolution());
            assertEquals(List.of("a/solid.bmp", "b/deeper/noise.png", "c.png"), data.sources());
            for (int r = 4; r <= 16; r *= 2) {
                int[] stored = levelBytes(out, r);
                int sample = 3 * r * r;
                for (int i = 0; i < 3; i++) {
                    float[] image = data.image(i, r).data();
                    for (int k = 0; k < sample; k++) {
                        assertEquals(stored[i * sample + k] / 127.5f - 1f, image[k], "image " + i + " at " + r);
                    }
                }
                Tensor batch = data.batch(r, 7, new Rng(42));
                assertArrayEquals(new int[] {7, 3, r, r}, batch.shape());
                Rng draws = new Rng(42);
                for (int b = 0; b < 7; b++) {
                    float[] expected = data.image(draws.nextInt(3), r).data();
                    float[] got = java.util.Arrays.copyOfRange(batch.data(), b * sample, (b + 1) * sample);
                    assertArrayEquals(expected, got, "batch element " + b + " at " + r);
                }
            }
            // The solid colour (0x20, 0x40, 0x60) converts as v / 127.5 - 1.
            Tensor solid = data.image(0, 4);
            assertEquals(0x20 / 127.5f - 1f, solid.data()[0]);
            assertEquals(0x60 / 127.5f - 1f, solid.data()[2 * 16 + 5]);
            assertThrows(IllegalArgumentException.class, () -> data.batch(32, 1, new Rng(1)));
            assertThrows(IllegalArgumentException.class, () -> data.batch(12, 1, new Rng(1)));
        }
    }

    @Test
    void preparedBytesAreTheSameForAnyThreadCount() throws IOException {
        Path in = sampleFolder();
        prepare(in, tmp.resolve("one"), 16, 1, new StringWriter());
        prepare(in, tmp.resolve("three"), 16, 3, new StringWriter());
        for (int r = 4; r <= 16; r *= 2) {
            assertArrayEquals(levelBytes(tmp.resolve("one"), r), levelBytes(tmp.resolve("three"), r));
        }
    }

    @Test
    void imagesBeyondJavaArraysAreSkippedEvenWithoutAPixelLimit() throws IOException {
        Path in = Files.createDirectories(tmp.resolve("in"));
        TestImages.writePngClaiming(in.resolve("huge.png"), 60000, 50000);
        write(noise(16, 16, 9), "png", in.resolve("ok.png"));
        try (CpuDevice cpu = new CpuDevice(1)) {
            DatasetWriter.Result result = DatasetWriter.prepare(new DatasetWriter.Settings(in, tmp.resolve("out"), 8,
                    Long.MAX_VALUE, 1), cpu, new PrintWriter(new StringWriter()));
            assertEquals(List.of("ok.png"), result.imported());
            assertEquals(List.of(new DatasetWriter.Skipped("huge.png",
                    "60000 x 50000 is too large for Java's arrays (at most 2^31 pixels, a square of 26754 px)")),
                    result.skipped());
        }
    }

    private void assertRefused(String prefix, Path in, Path out) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> prepare(in, out, 16, 1, new StringWriter()));
        assertTrue(e.getMessage().startsWith(prefix), "expected '" + prefix + "...', got: " + e.getMessage());
    }

    @Test
    void badFoldersAreRefusedWithOneLine() throws IOException {
        Path in = sampleFolder();
        assertRefused("input folder " + tmp.resolve("nothing") + " does not exist", tmp.resolve("nothing"),
                tmp.resolve("x"));
        assertRefused("--out " + in.resolve("sub/data") + " is inside the input folder", in, in.resolve("sub/data"));
        Path full = Files.createDirectories(tmp.resolve("full"));
        Files.writeString(full.resolve("keep.txt"), "x");
        assertRefused("--out " + full + " exists and is not empty", in, full);
        Path broken = Files.createDirectories(tmp.resolve("broken"));
        Files.write(broken.resolve("zero.png"), new byte[0]);
        assertRefused("no usable images in " + broken, broken, tmp.resolve("nothing-made"));
        assertFalse(Files.exists(tmp.resolve("nothing-made")), "a failed run leaves no dataset folder");
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> new DatasetWriter.Settings(in, tmp.resolve("y"), 1000, 1, 1));
        assertEquals("--size must be a power of two from 4 to 4096, got 1000", size.getMessage());
    }

    @Test
    void openRefusesIncompleteOrDamagedDatasetsNamingTheFile() throws IOException {
        Path out = tmp.resolve("data");
        prepare(sampleFolder(), out, 8, 1, new StringWriter());
        try (Dataset ok = Dataset.open(out)) {
            assertEquals(3, ok.count());
        }
        Path level = out.resolve(Dataset.levelFile(8));
        byte[] bytes = Files.readAllBytes(level);
        Files.write(level, java.util.Arrays.copyOf(bytes, bytes.length - 1));
        IOException shortLevel = assertThrows(IOException.class, () -> Dataset.open(out));
        assertEquals(level + " has " + (bytes.length - 1) + " bytes, expected " + bytes.length
                + " (3 images of 3 x 8 x 8)", shortLevel.getMessage());
        Files.write(level, bytes);

        Path manifest = out.resolve(Dataset.MANIFEST);
        String text = Files.readString(manifest);
        Files.writeString(manifest, text.replace("\"format_version\": 1", "\"format_version\": 9"));
        IOException newer = assertThrows(IOException.class, () -> Dataset.open(out));
        assertTrue(newer.getMessage().startsWith(manifest + ": format version 9"), newer.getMessage());
        Files.writeString(manifest, "{\"format\": \"atelier-dataset\"");
        IOException garbled = assertThrows(IOException.class, () -> Dataset.open(out));
        assertTrue(garbled.getMessage().startsWith(manifest + ": not a valid manifest"), garbled.getMessage());
        Files.delete(manifest);
        IOException missing = assertThrows(IOException.class, () -> Dataset.open(out));
        assertTrue(missing.getMessage().contains("has no manifest.json"), missing.getMessage());
    }
}
