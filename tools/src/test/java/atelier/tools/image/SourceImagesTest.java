package atelier.tools.image;

import atelier.tools.image.SourceImages.UnusableImageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

import static atelier.tools.image.TestImages.grey;
import static atelier.tools.image.TestImages.solid;
import static atelier.tools.image.TestImages.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SourceImagesTest {
    @TempDir
    Path dir;

    /** Decodes a file as the importer does and returns its centre square's RGB planes. */
    private static float[] read(Path file) throws UnusableImageException {
        return SourceImages.centreSquare(SourceImages.decode(file, SourceImages.header(file)));
    }

    /** Asserts every pixel of the planes is (r, g, b) within {@code tol}. */
    private static void assertColour(String what, float[] rgb, double r, double g, double b, double tol) {
        int plane = rgb.length / 3;
        double[] want = {r, g, b};
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < plane; i++) {
                assertEquals(want[c], rgb[c * plane + i], tol, what + ": channel " + c + " at " + i);
            }
        }
    }

    @Test
    void lossless8BitFormatsGiveTheExactColour() throws Exception {
        BufferedImage rgb = solid(20, 12, 0xffc86432, false);   // (200, 100, 50)
        for (String format : new String[] {"png", "bmp", "tiff", "gif"}) {
            float[] got = read(write(rgb, format, dir.resolve("solid." + format)));
            assertEquals(3 * 12 * 12, got.length, format + ": the centred square of a 20 x 12 image is 12 x 12");
            assertColour(format, got, 200, 100, 50, 0);
        }
        assertColour("palette png", read(write(TestImages.palette(16, 16, 0x2080c0), "png", dir.resolve("p.png"))),
                0x20, 0x80, 0xc0, 0);
    }

    @Test
    void greyIsTakenAsStoredNotThroughALinearColourSpace() throws Exception {
        assertColour("8-bit grey", read(write(grey(16, 16, 8, 77, 0, false), "png", dir.resolve("g8.png"))),
                77, 77, 77, 0);
        // Dark tones are where an 8-bit linear-light detour loses levels (0..6 would all become 0).
        BufferedImage ramp = grey(32, 32, 8, 0, 0, false);
        for (int x = 0; x < 32; x++) {
            for (int y = 0; y < 32; y++) {
                ramp.getRaster().setSample(x, y, 0, x);
            }
        }
        for (String format : new String[] {"png", "tiff", "bmp"}) {
            float[] got = read(write(ramp, format, dir.resolve("ramp." + format)));
            for (int c = 0; c < 3; c++) {
                for (int x = 0; x < 32; x++) {
                    assertEquals(x, got[c * 32 * 32 + 5 * 32 + x], format + " ramp at " + x);
                }
            }
        }
        // 16-bit samples scale by 255 / 65535 (commons-imaging rounds them to 8 bits).
        double g16 = 40000 * 255.0 / 65535;
        assertColour("16-bit grey", read(write(grey(16, 16, 16, 40000, 0, false), "png", dir.resolve("g16.png"))),
                g16, g16, g16, 0.5);
        assertColour("16-bit rgb", read(write(TestImages.rgb16(16, 16, 51400, 0, 65535), "png",
                dir.resolve("c16.png"))), 51400 * 255.0 / 65535, 0, 255, 0.5);
    }

    @Test
    void alphaIsCompositedOverWhite() throws Exception {
        double a = 128 / 255.0;
        assertColour("rgba", read(write(solid(16, 16, 0x80c86432, true), "png", dir.resolve("rgba.png"))),
                a * 200 + (1 - a) * 255, a * 100 + (1 - a) * 255, a * 50 + (1 - a) * 255, 1e-3);
        double grey = a * 77 + (1 - a) * 255;
        assertColour("grey + alpha", read(write(grey(16, 16, 8, 77, 128, true), "png", dir.resolve("ga.png"))),
                grey, grey, grey, 1e-3);
        assertColour("transparent", read(write(solid(16, 16, 0x00000000, true), "png", dir.resolve("clear.png"))),
                255, 255, 255, 0);
    }

    @Test
    void jpegsBaselineProgressiveAndGrey() throws Exception {
        BufferedImage rgb = solid(24, 16, 0xffc86432, false);
        assertColour("baseline", read(write(rgb, "jpeg", dir.resolve("b.jpg"))), 200, 100, 50, 3);
        Path progressive = TestImages.writeProgressiveJpeg(rgb, dir.resolve("p.jpg"));
        assertColour("progressive", read(progressive), 200, 100, 50, 3);
        assertColour("grey", read(write(grey(16, 16, 8, 77, 0, false), "jpeg", dir.resolve("g.jpg"))), 77, 77, 77, 2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"cmyk.jpg", "ycck.jpg"})
    void cmykAndYcckJpegsAreConvertedAsPilDoes(String name) throws Exception {
        // Inks of tests/python/make_cmyk_jpeg.py's quadrants; R = 255 (1 - C)(1 - K), likewise G from M, B from Y.
        int[][] inks = {{0, 0, 0, 0}, {255, 0, 0, 0}, {0, 128, 255, 0}, {0, 0, 0, 64}};
        Path file;
        try {
            file = Path.of(SourceImagesTest.class.getResource("/images/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        SourceImages.Header header = SourceImages.header(file);
        assertTrue(header.imageIoFirst(), "CMYK and YCCK JPEGs go to javax.imageio first");
        float[] rgb = SourceImages.centreSquare(SourceImages.decode(file, header));
        int plane = 32 * 32;
        for (int q = 0; q < 4; q++) {
            int at = ((q / 2) * 16 + 8) * 32 + (q % 2) * 16 + 8;
            double white = 1 - inks[q][3] / 255.0;
            for (int c = 0; c < 3; c++) {
                assertEquals(255 * (1 - inks[q][c] / 255.0) * white, rgb[c * plane + at], 2, name + " quadrant " + q
                        + " channel " + c);
            }
        }
    }

    @Test
    void animatedGifGivesItsFirstFrame() throws Exception {
        Path gif = TestImages.writeAnimatedGif(dir.resolve("anim.gif"), solid(16, 16, 0xffff0000, false),
                solid(16, 16, 0xff0000ff, false));
        assertColour("first frame", read(gif), 255, 0, 0, 0);
    }

    @Test
    void centreSquareOfAWideImageDropsBothSidesEvenly() throws Exception {
        BufferedImage wide = solid(40, 16, 0xff00ff00, false);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 12; x++) {
                wide.setRGB(x, y, 0xffff0000);            // 12 red columns left, 12 blue right, 16 green between
                wide.setRGB(39 - x, y, 0xff0000ff);
            }
        }
        assertColour("centre", read(write(wide, "png", dir.resolve("wide.png"))), 0, 255, 0, 0);
    }

    private void assertUnusable(Path file, String reason) {
        UnusableImageException e = assertThrows(UnusableImageException.class, () -> read(file));
        assertTrue(e.getMessage().startsWith(reason), "expected '" + reason + "...', got: " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    @Test
    void brokenFilesAreUnusableWithTheReason() throws IOException {
        Files.write(dir.resolve("empty.png"), new byte[0]);
        assertUnusable(dir.resolve("empty.png"), "empty file (0 bytes)");
        Files.writeString(dir.resolve("notes.jpg"), "not an image at all\n");
        assertUnusable(dir.resolve("notes.jpg"), "not an image");
        BufferedImage noise = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        java.util.Random rng = new java.util.Random(1);
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                noise.setRGB(x, y, rng.nextInt());
            }
        }
        for (String format : new String[] {"png", "jpeg"}) {
            Path whole = write(noise, format, dir.resolve("whole." + format));
            assertUnusable(TestImages.truncate(whole, dir.resolve("half." + format)), "truncated or corrupt");
        }
        Path progressive = TestImages.writeProgressiveJpeg(noise, dir.resolve("whole-progressive.jpg"));
        assertUnusable(TestImages.truncate(progressive, dir.resolve("half-progressive.jpg")), "truncated or corrupt");
    }

    @Test
    void headerGivesTheClaimedSizeWithoutDecoding() throws Exception {
        Path bomb = TestImages.writePngClaiming(dir.resolve("bomb.png"), 30000, 20000);
        SourceImages.Header header = SourceImages.header(bomb);
        assertEquals(30000, header.width());
        assertEquals(20000, header.height());
        assertEquals(600_000_000L, header.pixels());
    }

    @Test
    void imageExtensionsAreRecognisedInAnyCase() {
        for (String name : new String[] {"a.png", "b.JPG", "c.jpeg", "d.Tif", "e.tiff", "f.bmp", "g.GIF"}) {
            assertTrue(SourceImages.hasImageExtension(Path.of(name)), name);
        }
        for (String name : new String[] {"notes.txt", "png", "archive.png.zip", "x.webp"}) {
            assertFalse(SourceImages.hasImageExtension(Path.of(name)), name);
        }
    }
}
