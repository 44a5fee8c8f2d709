package atelier.tests;

import atelier.tools.Main;
import org.apache.commons.imaging.Imaging;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The upscaler through the CLI: train-upscaler (and --resume), upscale (tiled, --to, --dpi), evaluate-upscaler. */
class UpscalerEndToEndTest {

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    private static final String[] SMALL = {"--data", "synthetic", "--factor", "4", "--crop", "16", "--batch", "2",
        "--channels", "4", "--convs", "3", "--d-channels", "4", "--checkpoint-every", "4", "--sample-every", "4",
        "--samples", "2", "--threads", "2"};

    private static String[] args(String[] base, String... more) {
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void trainResumeUpscaleAndEvaluate(@TempDir Path dir) throws IOException {
        Path runDir = dir.resolve("run");
        Result train = run(args(new String[] {"train-upscaler"}, args(SMALL, "--images", "8", "--out",
                runDir.toString())));
        assertEquals(0, train.code(), train.err());
        assertTrue(Files.exists(runDir.resolve("checkpoints/images-000000000008.safetensors")), train.out());
        assertTrue(Files.exists(runDir.resolve("samples.png")) && Files.exists(runDir.resolve("losses.png")));
        assertEquals(5, Files.readAllLines(runDir.resolve("losses.csv")).size(), "header and one row per step");

        Result again = run("train-upscaler", "--data", "synthetic", "--out", runDir.toString());
        assertEquals(2, again.code());
        assertTrue(again.err().contains("already holds a run; add --resume"), again.err());
        Result resumed = run("train-upscaler", "--data", "synthetic", "--out", runDir.toString(), "--resume",
                "--images", "12", "--threads", "2");
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("resuming"), resumed.out());
        assertTrue(Files.exists(runDir.resolve("checkpoints/images-000000000012.safetensors")));
        assertEquals(7, Files.readAllLines(runDir.resolve("losses.csv")).size());

        // An odd-sized picture, upscaled in 3 px tiles and in one tile: no seams, the same pixels.
        Path picture = dir.resolve("picture.png");
        BufferedImage image = new BufferedImage(13, 9, BufferedImage.TYPE_INT_RGB);
        Random rng = new Random(5);
        for (int y = 0; y < 9; y++) {
            for (int x = 0; x < 13; x++) {
                image.setRGB(x, y, rng.nextInt(1 << 24));
            }
        }
        ImageIO.write(image, "png", picture.toFile());
        Path tiled = dir.resolve("tiled.png");
        Path whole = dir.resolve("whole.png");
        Result small = run("upscale", picture.toString(), "--checkpoint", runDir.toString(), "--out", tiled.toString(),
                "--tile", "3", "--dpi", "300");
        assertEquals(0, small.code(), small.err());
        assertTrue(small.out().contains("15/15 tiles"), small.out());
        assertEquals(0, run("upscale", picture.toString(), "--checkpoint", runDir.toString(), "--out",
                whole.toString(), "--tile", "100").code());
        BufferedImage a = ImageIO.read(tiled.toFile());
        BufferedImage b = ImageIO.read(whole.toFile());
        assertEquals(52, a.getWidth());
        assertEquals(36, a.getHeight());
        for (int y = 0; y < 36; y++) {
            for (int x = 0; x < 52; x++) {
                assertEquals(b.getRGB(x, y), a.getRGB(x, y), "pixel " + x + ", " + y);
            }
        }
        assertEquals(11811, pixelsPerMetre(tiled), "300 dpi");

        // TIFF, written whole: the same pixels and the resolution in the file.
        Path tiff = dir.resolve("tiled.tif");
        assertEquals(0, run("upscale", picture.toString(), "--checkpoint", runDir.toString(), "--out",
                tiff.toString(), "--tile", "3", "--dpi", "150").code());
        BufferedImage t = Imaging.getBufferedImage(tiff.toFile());
        for (int y = 0; y < 36; y++) {
            for (int x = 0; x < 52; x++) {
                assertEquals(a.getRGB(x, y) & 0xffffff, t.getRGB(x, y) & 0xffffff, "TIFF pixel " + x + ", " + y);
            }
        }
        assertEquals(150, Imaging.getImageInfo(tiff.toFile()).getPhysicalWidthDpi());

        Path print = dir.resolve("print.png");
        Result to = run("upscale", picture.toString(), "--checkpoint",
                runDir.resolve("checkpoints/images-000000000012.safetensors").toString(), "--to", "100", "--out",
                print.toString(), "--tile", "4");
        assertEquals(0, to.code(), to.err());
        BufferedImage p = ImageIO.read(print.toFile());
        assertEquals(100, p.getWidth());
        assertEquals(69, p.getHeight());

        Result eval = run("evaluate-upscaler", "--checkpoint", runDir.toString(), "--data", "synthetic",
                "--images", "2", "--resolution", "32");
        assertEquals(0, eval.code(), eval.err());
        assertTrue(eval.out().contains("x4 on 2 images of synthetic at 32 px"), eval.out());
        assertTrue(eval.out().contains("bicubic") && eval.out().contains("dB"), eval.out());
    }

    /** The x pixels per metre of a PNG's pHYs chunk, or -1 without one. */
    private static int pixelsPerMetre(Path png) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(png));
        int at = 8;
        while (at < b.limit()) {
            int length = b.getInt(at);
            String type = new String(new byte[] {b.get(at + 4), b.get(at + 5), b.get(at + 6), b.get(at + 7)});
            if (type.equals("pHYs")) {
                return b.getInt(at + 8);
            }
            at += 12 + length;
        }
        return -1;
    }

    @Test
    void badUpscaleArgumentsGiveOneLineErrors(@TempDir Path dir) throws IOException {
        Path picture = dir.resolve("p.png");
        ImageIO.write(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB), "png", picture.toFile());
        Result both = run("upscale", picture.toString(), "--checkpoint", dir.toString(), "--factor", "4", "--to", "9",
                "--out", dir.resolve("o.png").toString());
        assertEquals(2, both.code());
        assertTrue(both.err().startsWith("atelier: --factor and --to exclude each other"), both.err());
        Result jpeg = run("upscale", picture.toString(), "--checkpoint", dir.toString(), "--out",
                dir.resolve("o.jpg").toString());
        assertEquals(2, jpeg.code());
        assertTrue(jpeg.err().contains("PNG or TIFF is written"), jpeg.err());
        Result noRun = run("upscale", picture.toString(), "--checkpoint", dir.toString(), "--out",
                dir.resolve("o.png").toString());
        assertEquals(1, noRun.code());
        assertTrue(noRun.err().startsWith("atelier: run folder " + dir + " has no checkpoints"), noRun.err());
        assertFalse(Files.exists(dir.resolve("o.png")));
        Path notImage = dir.resolve("n.png");
        Files.writeString(notImage, "not an image");
        Result bad = run("upscale", notImage.toString(), "--checkpoint", dir.toString(), "--out",
                dir.resolve("o.png").toString());
        assertEquals(1, bad.code());
        assertTrue(bad.err().startsWith("atelier: image " + notImage + ": "), bad.err());
        assertEquals(1, bad.err().strip().lines().count(), bad.err());
    }
}
