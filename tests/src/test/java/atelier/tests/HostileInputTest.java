package atelier.tests;

import atelier.gan.train.RunFolder;
import atelier.tools.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * What a new user does wrong, through the CLI: odd files in an image folder, and damaged or wrong checkpoints given
 * to training. Each gives one clear line and a non-zero exit (or a skipped file with its reason), and nothing that
 * was there before is changed.
 */
class HostileInputTest {
    @TempDir
    Path tmp;

    private record Result(int code, String out, String err) {
    }

    private static Result atelier(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    private static void png(Path file, int size) throws IOException {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                image.setRGB(x, y, (x * 255 / size) << 16 | (y * 255 / size) << 8 | 90);
            }
        }
        ImageIO.write(image, "png", file.toFile());
    }

    @Test
    void oddImageFilesAreSkippedWithTheirReason() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("in"));
        png(in.resolve("good.png"), 40);
        png(in.resolve("tiny.png"), 1);
        // A name whose bytes are not UTF-8 (Latin-1 e-acute), as copied from an old disk; Java cannot name it.
        Process cp = new ProcessBuilder("sh", "-c", "cp good.png \"$(printf 'caf\\351.png')\"").directory(in.toFile())
                .start();
        assertEquals(0, cp.waitFor());
        Path out = tmp.resolve("data");
        Result r = atelier("prepare", in.toString(), "--size", "16", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("tiny.png: 1 x 1 is smaller than --min-side 16 px"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.contains("its name is not valid") && l.contains("rename the file")),
                r.out());
        assertTrue(r.out().contains("prepared 1 images") || r.out().contains("prepared 1 image"), r.out());
    }

    @Test
    void unreadableImageIsSkippedWithTheReason() throws Exception {
        assumeFalse("root".equals(System.getProperty("user.name")), "root reads files whatever their permissions");
        Path in = Files.createDirectories(tmp.resolve("in"));
        png(in.resolve("good.png"), 40);
        Path locked = in.resolve("locked.png");
        png(locked, 40);
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        Result r = atelier("prepare", in.toString(), "--size", "16", "--out", tmp.resolve("data").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("locked.png: ")), r.out());
    }

    /** A finished tiny run to damage copies of. */
    private Path trainedRun() {
        Path run = tmp.resolve("run");
        Result r = atelier("train", "--data", "synthetic", "--out", run.toString(), "--max-resolution", "8",
                "--latent", "8", "--max-channels", "8", "--min-channels", "8", "--images-per-phase", "16",
                "--batch", "8", "--samples", "4", "--checkpoint-every", "8", "--keep", "3");
        assertEquals(0, r.code(), r.err());
        return run;
    }

    private static void assertOneLineError(Result r, String... fragments) {
        assertEquals(1, r.code(), r.out() + r.err());
        List<String> lines = r.err().lines().filter(l -> !l.startsWith("WARNING")).toList();
        assertEquals(1, lines.size(), r.err());
        for (String f : fragments) {
            assertTrue(lines.getFirst().contains(f), "'" + f + "' in " + lines.getFirst());
        }
    }

    @Test
    void damagedCheckpointsAreRefusedAndLeftAlone() throws Exception {
        Path run = trainedRun();
        Path good = new RunFolder(run).checkpoints().getLast();
        byte[] original = Files.readAllBytes(good);

        // Truncated.
        Path truncated = tmp.resolve("truncated.safetensors");
        Files.write(truncated, java.util.Arrays.copyOf(original, original.length / 2));
        assertOneLineError(atelier("train", "--data", "synthetic", "--out", tmp.resolve("g1").toString(),
                "--grow-from", truncated.toString(), "--max-resolution", "16"), truncated.toString());

        // One flipped byte in the tensor data: caught by the checksum.
        Path flipped = tmp.resolve("flipped.safetensors");
        Files.write(flipped, original);
        try (RandomAccessFile f = new RandomAccessFile(flipped.toFile(), "rw")) {
            f.seek(original.length - 5);
            f.write(original[original.length - 5] ^ 0x10);
        }
        assertOneLineError(atelier("train", "--data", "synthetic", "--out", tmp.resolve("g2").toString(),
                "--grow-from", flipped.toString(), "--max-resolution", "16"), flipped.toString(), "checksum");

        // Not a checkpoint at all.
        Path text = Files.writeString(tmp.resolve("notes.safetensors"), "these are my notes");
        assertOneLineError(atelier("train", "--data", "synthetic", "--out", tmp.resolve("g3").toString(),
                "--grow-from", text.toString()), text.toString());

        // A PGAN checkpoint given to the upscaler.
        Path picture = tmp.resolve("picture.png");
        png(picture, 12);
        assertOneLineError(atelier("upscale", picture.toString(), "--checkpoint", good.toString(), "--out",
                tmp.resolve("up.png").toString()), good.toString(), "not an upscaler checkpoint");

        // A model larger than the one asked for.
        assertOneLineError(atelier("train", "--data", "synthetic", "--out", tmp.resolve("g4").toString(),
                "--grow-from", good.toString(), "--max-resolution", "4"), good.toString(), "8 px");
        assertArrayEquals(original, Files.readAllBytes(good), "refusing a checkpoint never changes it");

        // The run's own newest checkpoint damaged from outside: --resume says so, takes the one before, and
        // trains on to the end again.
        List<Path> before = new RunFolder(run).checkpoints();
        Files.write(good, java.util.Arrays.copyOf(original, 100));
        Result resumed = atelier("train", "--data", "synthetic", "--out", run.toString(), "--resume");
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("skipping unusable checkpoint: file " + good), resumed.out());
        assertTrue(resumed.out().contains("resuming " + before.get(before.size() - 2)), resumed.out());
        assertTrue(Files.size(good) > 100, "the final checkpoint was written again");
    }

    @Test
    void divergenceStopsTheRunBeforeAnythingIsSaved() throws IOException {
        Path out = tmp.resolve("diverged");
        // A learning rate of 1e30 sends the weights to infinity within a step or two.
        Result r = atelier("train", "--data", "synthetic", "--out", out.toString(), "--max-resolution", "8",
                "--latent", "8", "--max-channels", "8", "--min-channels", "8", "--images-per-phase", "64",
                "--batch", "8", "--checkpoint-every", "8", "--lr", "1e30");
        assertOneLineError(r, "training diverged at 4 px", "images shown", "the last checkpoint is intact");
        assertTrue(new RunFolder(out).checkpoints().isEmpty(), "no checkpoint of a diverged step");
    }

    @Test
    void trainFlagsAreValidatedWithWhatToDo() {
        Path out = tmp.resolve("r");
        String[][] bad = {
            {"--max-resolution", "100"}, {"--batch", "16,0"}, {"--images-per-phase", "0"}, {"--keep", "0"},
            {"--min-channels", "64", "--max-channels", "32"}, {"--lr", "-1"}, {"--ema", "1.5"}, {"--hflip", "2"},
            {"--augment", "lots"}, {"--resume", "--grow-from", "x.safetensors"},
        };
        for (String[] flags : bad) {
            List<String> args = new java.util.ArrayList<>(List.of("train", "--data", "synthetic", "--out",
                    out.toString()));
            args.addAll(List.of(flags));
            Result r = atelier(args.toArray(String[]::new));
            assertEquals(2, r.code(), String.join(" ", flags) + ": " + r.err());
            assertTrue(r.err().startsWith("atelier: "), r.err());
            assertTrue(r.err().contains(flags[0]), String.join(" ", flags) + ": " + r.err());
        }
        Result resumeNothing = atelier("train", "--data", "synthetic", "--out", out.toString(), "--resume");
        assertOneLineError(resumeNothing, out.toString(), "no checkpoints");
        assertTrue(Files.notExists(out.resolve("checkpoints")), "a refused run writes nothing");
    }
}
