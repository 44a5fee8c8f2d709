package atelier.tests;

import atelier.core.Tensor;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real processes killed with SIGKILL at random moments, during steps and during checkpoint writes (checkpoints are
 * written every step here): after every kill the newest checkpoint loads, the next {@code --resume} starts without
 * tripping over what the killed process left, and the run, finished through kills and resumes, ends bit for bit
 * where an unbroken run ends.
 */
class TrainKillTest {
    private static final List<String> TRAIN = List.of("train", "--data", "synthetic", "--max-resolution", "8",
            "--latent", "16", "--max-channels", "16", "--min-channels", "8", "--images-per-phase", "400",
            "--batch", "8", "--keep", "2", "--sample-every", "64", "--samples", "4",
            "--threads", "2");

    /** Training into {@code run} with a checkpoint every {@code checkpointEvery} images. */
    private static List<String> train(Path run, int checkpointEvery, String... more) {
        List<String> args = new ArrayList<>(TRAIN);
        args.addAll(List.of("--out", run.toString(), "--checkpoint-every", Integer.toString(checkpointEvery)));
        args.addAll(List.of(more));
        return args;
    }

    private static Process start(List<String> args, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(args);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    @Test
    void sigtermWritesACheckpointAndSaysHowToResume(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        Path log = dir.resolve("log.txt");
        RunFolder folder = new RunFolder(run);
        Process p = start(train(run, 100000), log);
        // Wait for the first sample grid (written before the first step), then a few steps more.
        while (p.isAlive() && !Files.exists(run.resolve("losses.csv"))) {
            Thread.sleep(5);
        }
        while (p.isAlive() && Files.readAllLines(run.resolve("losses.csv")).size() < 4) {
            Thread.sleep(5);
        }
        assertTrue(p.isAlive(), "the run ended before the signal: " + Files.readString(log));
        assertFalse(folder.hasCheckpoints(), "no checkpoint is due yet (every 100000 images)");
        p.destroy(); // SIGTERM
        assertEquals(143, p.waitFor(), Files.readString(log));
        String output = Files.readString(log);
        long stoppedAt = RunFolder.imagesShown(folder.checkpoints().getLast());
        assertTrue(output.contains("stopped at " + stoppedAt + " images; resume with --resume " + run), output);
        assertEquals(stoppedAt / 8 + 1, Files.readAllLines(run.resolve("losses.csv")).size(), "a row per step saved");
        StringWriter err = new StringWriter();
        StringWriter out = new StringWriter();
        assertEquals(0, Main.run(new PrintWriter(out), new PrintWriter(err),
                train(run, 100000, "--resume").toArray(String[]::new)), err.toString());
        assertTrue(out.toString().contains("resuming " + folder.checkpointFile(stoppedAt)), out.toString());
    }

    @Test
    void killedRunsResumeToTheSameEndAsAnUnbrokenRun(@TempDir Path dir) throws Exception {
        Path unbroken = dir.resolve("unbroken");
        StringWriter err = new StringWriter();
        assertEquals(0, Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err),
                train(unbroken, 8).toArray(String[]::new)), err.toString());

        Path run = dir.resolve("killed");
        RunFolder folder = new RunFolder(run);
        long total = RunFolder.imagesShown(new RunFolder(unbroken).checkpoints().getLast());
        Random random = new Random(42);
        for (int kill = 0; kill < 3; kill++) {
            long reached = folder.hasCheckpoints() ? RunFolder.imagesShown(folder.checkpoints().getLast()) : 0;
            long target = reached + 8 + random.nextInt((int) (total - reached) / 2);
            Process p = start(folder.hasCheckpoints() ? train(run, 8, "--resume") : train(run, 8),
                    dir.resolve("log.txt"));
            // Wait until the run has passed the target, then kill it a random moment later: mid-step or mid-write.
            while (p.isAlive() && (!folder.hasCheckpoints()
                    || RunFolder.imagesShown(folder.checkpoints().getLast()) < target)) {
                Thread.sleep(5);
            }
            Thread.sleep(random.nextInt(60));
            assertTrue(p.isAlive(), "the run ended before kill " + kill + ": " + Files.readString(dir.resolve("log.txt")));
            p.destroyForcibly();
            p.waitFor();
            Checkpoint newest = folder.loadNewest(PganCheckpoint::load, w -> {
                throw new AssertionError("a checkpoint was damaged by a kill: " + w);
            });
            assertTrue(RunFolder.imagesShown(newest.file()) >= target, "progress was kept");
        }
        assertEquals(0, Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err),
                train(run, 8, "--resume").toArray(String[]::new)), err.toString());
        try (Stream<Path> files = Files.list(run.resolve("checkpoints"))) {
            assertFalse(files.anyMatch(f -> f.getFileName().toString().endsWith(".tmp")), "temporary files remain");
        }

        Map<String, Tensor> expected = Checkpoint.load(new RunFolder(unbroken).checkpoints().getLast()).tensors();
        Path last = new RunFolder(run).checkpoints().getLast();
        assertEquals(new RunFolder(unbroken).checkpoints().getLast().getFileName(), last.getFileName());
        Map<String, Tensor> actual = Checkpoint.load(last).tensors();
        assertEquals(expected.keySet(), actual.keySet());
        for (String name : expected.keySet()) {
            assertArrayEquals(expected.get(name).data(), actual.get(name).data(), name);
        }
    }
}
