package atelier.tests;

import atelier.gan.sample.StyleKnobs;
import atelier.gan.train.RunFolder;
import atelier.tools.Main;
import org.apache.commons.imaging.ImageInfo;
import org.apache.commons.imaging.Imaging;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code atelier generate}, {@code knobs} and {@code interpolate} through the CLI on a small model trained to
 * 8 px in a few seconds: the same seed gives the same image whatever it is drawn with and on any thread count,
 * knobs steer, prints have their exact size and DPI, and bad input is a one-line error.
 */
class GenerateCliTest {
    @TempDir
    static Path shared;
    static Path run;

    @TempDir
    Path tmp;

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    private static Result ok(String... args) {
        Result r = run(args);
        assertEquals(0, r.code(), r.err());
        return r;
    }

    @BeforeAll
    static void train() {
        run = shared.resolve("run");
        ok("train", "--data", "synthetic", "--out", run.toString(), "--max-resolution", "8", "--latent", "8",
                "--max-channels", "8", "--min-channels", "8", "--images-per-phase", "320", "--batch", "16",
                "--ema", "0.9");
    }

    private static BufferedImage read(Path file) throws IOException {
        BufferedImage image = ImageIO.read(file.toFile());
        assertTrue(image != null, "readable image " + file);
        return image;
    }

    private static int[] pixels(Path file) throws IOException {
        BufferedImage image = read(file);
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    /** Mean absolute difference of two images' 8-bit channels. */
    private static double distance(Path a, Path b) throws IOException {
        int[] pa = pixels(a);
        int[] pb = pixels(b);
        double sum = 0;
        for (int i = 0; i < pa.length; i++) {
            for (int shift = 0; shift < 24; shift += 8) {
                sum += Math.abs((pa[i] >> shift & 255) - (pb[i] >> shift & 255));
            }
        }
        return sum / (3.0 * pa.length);
    }

    @Test
    void aSeedIsTheSameImageInAnyBatchOnAnyThreadCount() throws IOException {
        Path all = tmp.resolve("all");
        Result r = ok("generate", "--checkpoint", run.toString(), "--seeds", "1-4,9", "--out", all.toString(),
                "--grid", "--threads", "1", "--batch", "5");
        assertTrue(r.out().contains("5 images at 8 px from " + new RunFolder(run).checkpoints().getLast()), r.out());
        for (String name : List.of("seed0001.png", "seed0002.png", "seed0003.png", "seed0004.png", "seed0009.png")) {
            BufferedImage image = read(all.resolve(name));
            assertEquals(8, image.getWidth());
            assertEquals(8, image.getHeight());
        }
        BufferedImage grid = read(all.resolve("grid.png"));
        assertEquals(3 * (8 + 2) + 2, grid.getWidth(), "3 columns of 8 px with 2 px gaps");
        assertEquals(2 * (8 + 2) + 2, grid.getHeight());

        for (int threads = 2; threads <= 3; threads++) {
            Path alone = tmp.resolve("alone" + threads + ".png");
            ok("generate", "--checkpoint", new RunFolder(run).checkpoints().getLast().toString(), "--seeds", "3",
                    "--out", alone.toString(), "--threads", Integer.toString(threads));
            assertEquals(0, distance(all.resolve("seed0003.png"), alone), threads + " threads, alone");
        }
        Path batched = tmp.resolve("batched");
        ok("generate", "--checkpoint", run.toString(), "--seeds", "9,3", "--out", batched.toString(), "--batch", "1");
        assertEquals(0, distance(all.resolve("seed0003.png"), batched.resolve("seed0003.png")));
        assertEquals(0, distance(all.resolve("seed0009.png"), batched.resolve("seed0009.png")));
        assertTrue(distance(all.resolve("seed0003.png"), all.resolve("seed0009.png")) > 1, "seeds differ");
    }

    @Test
    void truncationZeroGivesEverySeedTheMeanImage() throws IOException {
        Path out = tmp.resolve("psi0");
        ok("generate", "--checkpoint", run.toString(), "--seeds", "1,2", "--out", out.toString(), "--truncation", "0");
        assertEquals(0, distance(out.resolve("seed0001.png"), out.resolve("seed0002.png")));
        Path half = tmp.resolve("psi05");
        ok("generate", "--checkpoint", run.toString(), "--seeds", "1", "--out", half.toString(), "--truncation", "0.5");
        Path full = tmp.resolve("psi1");
        ok("generate", "--checkpoint", run.toString(), "--seeds", "1", "--out", full.toString());
        double toHalf = distance(out.resolve("seed0001.png"), half.resolve("seed0001.png"));
        double toFull = distance(out.resolve("seed0001.png"), full.resolve("seed0001.png"));
        assertTrue(toHalf > 0 && toHalf < toFull, "psi 0.5 lies between the mean and the seed: " + toHalf + " < "
                + toFull);
    }

    @Test
    void knobsAreListedPreviewedAndTurnImagesFurtherWithStrength() throws IOException {
        Path previews = tmp.resolve("previews");
        Result r = ok("knobs", "--checkpoint", run.toString(), "--count", "4", "--samples", "400",
                "--out", previews.toString());
        Path checkpoint = new RunFolder(run).checkpoints().getLast();
        assertTrue(Files.exists(StyleKnobs.fileFor(checkpoint)), r.out());
        assertTrue(r.out().contains("knob  explained variance  sigma"), r.out());
        for (int k = 0; k < 4; k++) {
            assertTrue(r.out().lines().anyMatch(l -> l.matches("\\s+\\d+\\s+\\d+\\.\\d\\d%\\s+\\d\\.\\d{3}")), r.out());
            BufferedImage strip = read(previews.resolve(String.format("knob%02d.png", k)));
            assertEquals(7 * (8 + 2) + 2, strip.getWidth(), "7 strengths, -3 .. +3");
        }
        Result again = ok("knobs", "--checkpoint", run.toString(), "--count", "2", "--samples", "400",
                "--out", previews.toString());
        assertFalse(again.out().contains("computing"), "stored knobs are loaded: " + again.out());

        Path plain = tmp.resolve("plain.png");
        ok("generate", "--checkpoint", run.toString(), "--seeds", "5", "--out", plain.toString());
        double previous = 0;
        for (String strength : List.of("+1", "+2", "+3")) {
            Path turned = tmp.resolve("k" + strength + ".png");
            ok("generate", "--checkpoint", run.toString(), "--seeds", "5", "--out", turned.toString(),
                    "--knob", "0=" + strength);
            double d = distance(plain, turned);
            assertTrue(d > previous, "knob 0 at " + strength + " moves the image further: " + d + " > " + previous);
            previous = d;
        }
    }

    @Test
    void printExportHasTheExactSizeAndDpi() throws IOException {
        Path png = tmp.resolve("print.png");
        Result r = ok("generate", "--checkpoint", run.toString(), "--seeds", "2", "--out", png.toString(),
                "--print", "2x2in", "--dpi", "50");
        assertTrue(r.out().contains("2x2in at 50 dpi = 100x100 px PNG; upscaled 8 -> 100 px with bicubic (give "
                + "--upscaler RUN for the learned upscaler)"), r.out());
        ImageInfo info = Imaging.getImageInfo(png.toFile());
        assertEquals(100, info.getWidth());
        assertEquals(100, info.getHeight());
        assertEquals(50, info.getPhysicalWidthDpi());
        assertEquals(50, info.getPhysicalHeightDpi());

        Path folder = tmp.resolve("prints");
        ok("generate", "--checkpoint", run.toString(), "--seeds", "2,3", "--out", folder.toString(),
                "--print", "1x1cm", "--dpi", "254", "--format", "tiff");
        ImageInfo tiff = Imaging.getImageInfo(folder.resolve("seed0002.tif").toFile());
        assertEquals(100, tiff.getWidth(), "1 cm at 254 dpi");
        assertEquals(254, tiff.getPhysicalWidthDpi());

        Path small = tmp.resolve("small.tiff");
        Result down = ok("generate", "--checkpoint", run.toString(), "--seeds", "2", "--out", small.toString(),
                "--print", "4x4px", "--dpi", "72");
        assertTrue(down.out().contains("downscaled 8 -> 4 px with antialiased bicubic"), down.out());
        assertEquals(4, Imaging.getImageInfo(small.toFile()).getWidth());
    }

    @Test
    void printExportGoesThroughTheLearnedUpscaler() throws IOException {
        Path upscalerRun = tmp.resolve("upscaler");
        ok("train-upscaler", "--data", "synthetic", "--factor", "4", "--crop", "16", "--batch", "2", "--channels", "4",
                "--convs", "3", "--d-channels", "4", "--images", "4", "--samples", "2", "--out",
                upscalerRun.toString());
        Path png = tmp.resolve("learned.png");
        Result r = ok("generate", "--checkpoint", run.toString(), "--seeds", "2", "--out", png.toString(),
                "--print", "64x64px", "--dpi", "100", "--upscaler", upscalerRun.toString());
        // 8 px -> 32 px with the x4 upscaler (another pass would overshoot 64), then bicubic 32 -> 64.
        assertTrue(r.out().contains("64x64px at 100 dpi = 64x64 px PNG; upscaled 8 -> 32 px with the learned x4 "
                + "upscaler (" + upscalerRun.resolve("checkpoints")), r.out());
        assertTrue(r.out().contains("), then 32 -> 64 px with bicubic"), r.out());
        ImageInfo info = Imaging.getImageInfo(png.toFile());
        assertEquals(64, info.getWidth());
        assertEquals(100, info.getPhysicalWidthDpi());

        assertOneLineError(run("generate", "--checkpoint", run.toString(), "--seeds", "2", "--out",
                tmp.resolve("x.png").toString(), "--upscaler", upscalerRun.toString()), "--upscaler works with --print");
    }

    @Test
    void interpolationLoopsThroughTheSeeds() throws IOException {
        Path out = tmp.resolve("loop");
        ok("interpolate", "--checkpoint", run.toString(), "--seeds", "3,7,12", "--frames", "12", "--out",
                out.toString(), "--fps", "10");
        Path seeds = tmp.resolve("seeds");
        ok("generate", "--checkpoint", run.toString(), "--seeds", "3,7,12", "--out", seeds.toString());
        // Frame f is at t = 3 f / 12 along the loop: frames 0, 4 and 8 are the seeds themselves.
        assertEquals(0, distance(out.resolve("frame0000.png"), seeds.resolve("seed0003.png")));
        assertEquals(0, distance(out.resolve("frame0004.png"), seeds.resolve("seed0007.png")));
        assertEquals(0, distance(out.resolve("frame0008.png"), seeds.resolve("seed0012.png")));
        assertTrue(distance(out.resolve("frame0002.png"), seeds.resolve("seed0003.png")) > 0, "in between");
        assertTrue(distance(out.resolve("frame0011.png"), seeds.resolve("seed0003.png"))
                < distance(out.resolve("frame0009.png"), seeds.resolve("seed0003.png")), "loops back to the first");
        try (ImageInputStream in = ImageIO.createImageInputStream(out.resolve("interpolation.gif").toFile())) {
            ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
            reader.setInput(in);
            assertEquals(12, reader.getNumImages(true));
        }
    }

    private static void assertOneLineError(Result r, String message) {
        assertTrue(r.code() != 0, "fails: " + r.out());
        String first = r.err().lines().findFirst().orElse("");
        assertTrue(first.startsWith("atelier: " + message), "expected 'atelier: " + message + "...', got: " + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace expected: " + r.err());
    }

    @Test
    void badInputIsAOneLineError() throws IOException {
        String cp = run.toString();
        String out = tmp.resolve("x").toString();
        assertOneLineError(run("generate", "--checkpoint", cp, "--seeds", "1-x", "--out", out),
                "--seeds 1-x: '1-x' is not a seed or a range of seeds (e.g. 1-16,20,33)");
        assertOneLineError(run("generate", "--checkpoint", cp, "--seeds", "9-2", "--out", out),
                "--seeds 9-2: range 9-2 runs backwards");
        assertOneLineError(run("generate", "--checkpoint", cp, "--seeds", "1", "--out", out, "--print", "20x20ft"),
                "--print 20x20ft: expected WIDTHxHEIGHT with a unit in, cm or px");
        assertOneLineError(run("generate", "--checkpoint", cp, "--seeds", "1", "--out", out, "--print", "20x30in"),
                "--print 20x30in is 6000x9000 px, but the model's images are square");
        assertOneLineError(run("generate", "--checkpoint", cp, "--seeds", "1", "--out", out, "--knob", "8=+1"),
                "--knob 8=+1: knob indices run 0..7 (one per latent dimension at most)");
        assertOneLineError(run("generate", "--checkpoint", cp, "--seeds", "1", "--out", out, "--knob", "0:2"),
                "--knob 0:2: expected INDEX=STRENGTH, e.g. 0=+2 or 3=-1.5");
        assertOneLineError(run("generate", "--checkpoint", cp, "--seeds", "1", "--out", out, "--truncation", "1.5"),
                "--truncation must be in [0, 1], got 1.5");
        assertOneLineError(run("generate", "--checkpoint", cp, "--seeds", "1,2", "--out", out + ".png"),
                "--out " + out + ".png names one file, but --seeds gives 2 seeds; give a folder");
        assertOneLineError(run("generate", "--checkpoint", cp, "--seeds", "1", "--out", out + ".png", "--format",
                "tiff"), "--format tiff contradicts --out " + out + ".png");
        Path missing = tmp.resolve("nothing");
        assertOneLineError(run("generate", "--checkpoint", missing.toString(), "--seeds", "1", "--out", out),
                "--checkpoint " + missing + " does not exist (give a run folder or a checkpoint file)");
        Path empty = Files.createDirectories(tmp.resolve("empty-run"));
        assertOneLineError(run("knobs", "--checkpoint", empty.toString()),
                "run folder " + empty + " has no checkpoints");
        Path notCheckpoint = Files.writeString(tmp.resolve("notes.safetensors"), "hello");
        assertOneLineError(run("interpolate", "--checkpoint", notCheckpoint.toString(), "--seeds", "1,2", "--out", out),
                "file " + notCheckpoint);
        assertOneLineError(run("knobs", "--checkpoint", cp, "--count", "9"),
                "--count must be 1..8 (the latent size), got 9");
        assertOneLineError(run("interpolate", "--checkpoint", cp, "--seeds", "4", "--out", out),
                "--seeds 4: give at least two seeds to move between");
        assertOneLineError(run("interpolate", "--checkpoint", cp, "--seeds", "1,2,3", "--frames", "2", "--out", out),
                "--frames must be at least the number of seeds (3), got 2");
        assertOneLineError(run("generate", "--checkpoint", cp, "--out", out),
                "Missing required option: '--seeds=LIST'");
        assertFalse(Files.exists(Path.of(out)), "refused runs write nothing");
    }
}
