package atelier.tests;

import atelier.gan.pgan.PganCheckpoint;
import atelier.gan.train.RunFolder;
import atelier.nn.io.Checkpoint;
import atelier.tools.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A disk that fills up during training: a 900 KiB tmpfs holds two small checkpoints and the logs, so writing a
 * third runs out of space. The run must stop with one line naming the file, a non-zero exit, no temporary file
 * left, and the previous checkpoint intact and loadable. Needs root to mount a tmpfs (CI and developers' machines
 * run as root); elsewhere it is skipped.
 */
class DiskFullTest {

    @Test
    void fullDiskStopsTrainingAndKeepsTheLastCheckpoint(@TempDir Path dir) throws Exception {
        Path disk = Files.createDirectory(dir.resolve("small-disk"));
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=900k", "tmpfs", disk.toString()) == 0,
                "cannot mount a tmpfs here (not root?)");
        try {
            Path out = disk.resolve("run");
            Cli r = atelier("train", "--data", "synthetic", "--max-resolution", "8", "--latent", "16",
                    "--max-channels", "16", "--min-channels", "8", "--images-per-phase", "200", "--batch", "8",
                    "--checkpoint-every", "8", "--keep", "2", "--sample-every", "1000", "--samples", "4", "--out",
                    out.toString());
            assertEquals(1, r.code, r.err);
            String message = r.err.strip();
            assertEquals(1, message.lines().count(), message);
            assertTrue(message.startsWith("atelier: cannot ") && message.contains(out.toString())
                    && message.contains("No space left on device"), message);

            RunFolder folder = new RunFolder(out);
            Checkpoint last = folder.loadNewest(PganCheckpoint::load, w -> {
                throw new AssertionError(w);
            });
            assertTrue(RunFolder.imagesShown(last.file()) > 0);
            try (Stream<Path> files = Files.list(folder.checkpointDirectory())) {
                assertFalse(files.anyMatch(f -> f.getFileName().toString().endsWith(".tmp")), "temporary file left");
            }
        } finally {
            assertEquals(0, run("umount", disk.toString()));
        }
    }

    @Test
    void fullDiskWhileWritingAPrintKeepsThePreviousFile(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("model");
        assertEquals(0, atelier("train", "--data", "synthetic", "--out", model.toString(), "--max-resolution", "8",
                "--latent", "8", "--max-channels", "8", "--min-channels", "8", "--images-per-phase", "16",
                "--batch", "8", "--samples", "4").code);
        Path disk = Files.createDirectory(dir.resolve("small-disk"));
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=300k", "tmpfs", disk.toString()) == 0,
                "cannot mount a tmpfs here (not root?)");
        try {
            Path print = disk.resolve("print.png");
            assertEquals(0, atelier("generate", "--checkpoint", model.toString(), "--seeds", "1", "--print",
                    "32x32px", "--out", print.toString()).code);
            byte[] before = Files.readAllBytes(print);
            // About 1 MB of PNG on a 300 KiB disk.
            Cli big = atelier("generate", "--checkpoint", model.toString(), "--seeds", "1", "--print",
                    "1000x1000px", "--out", print.toString());
            assertEquals(1, big.code, big.err);
            String message = big.err.strip();
            assertEquals(1, message.lines().count(), message);
            assertTrue(message.startsWith("atelier: cannot write " + print) && message.contains("No space left"),
                    message);
            assertArrayEquals(before, Files.readAllBytes(print), "the previous print is intact");
            try (Stream<Path> files = Files.list(disk)) {
                assertEquals(List.of(print), files.toList(), "no temporary file left");
            }
        } finally {
            assertEquals(0, run("umount", disk.toString()));
        }
    }

    private record Cli(int code, String err) {
    }

    private static Cli atelier(String... args) {
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err), args);
        return new Cli(code, err.toString());
    }

    private static int run(String... command) throws IOException, InterruptedException {
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start().waitFor();
    }
}
