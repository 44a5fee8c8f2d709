package atelier.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import atelier.core.device.Devices;
import atelier.tools.Main;
import atelier.tools.data.Dataset;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the CLI in-process through {@link Main#run(PrintWriter, PrintWriter, String...)}. */
class CliTest {

    private record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void helpListsSubcommands() {
        Result r = run("--help");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("devices"), r.out());
        assertTrue(r.out().contains("Usage: atelier"), r.out());
        assertFalse(r.out().contains("%n") || r.out().contains("%%"), "unformatted help text: " + r.out());
    }

    @Test
    void unknownSubcommandIsAParameterError() {
        Result r = run("nosuch");
        assertEquals(2, r.code());
        assertEquals("", r.out());
        String[] lines = r.err().strip().split("\\R");
        assertTrue(lines[0].startsWith("atelier: ") && lines[0].contains("nosuch"), r.err());
        assertEquals("Try 'atelier --help'.", lines[lines.length - 1], r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace expected: " + r.err());
    }

    @Test
    void badOptionOfSubcommandHintsAtItsHelp() {
        Result r = run("devices", "--nosuch");
        assertEquals(2, r.code());
        assertTrue(r.err().strip().endsWith("Try 'atelier devices --help'."), r.err());
    }

    @Test
    void devicesPrintsCoreCount() {
        Result r = run("devices");
        assertEquals(0, r.code(), r.err());
        int cores = Runtime.getRuntime().availableProcessors();
        assertTrue(r.out().lines().anyMatch(l -> l.matches("logical cores\\s+" + cores)), r.out());
        assertTrue(r.out().contains("simd width"), r.out());
    }

    /** These tests describe the default build; a -Ptornado build has the TornadoVM provider. */
    private static void assumeDefaultBuild() {
        assumeTrue(Devices.providers().isEmpty(), "a device provider is on the class path (-Ptornado build)");
    }

    @Test
    void devicesSaysThisBuildHasNoGpuDevice() {
        assumeDefaultBuild();
        Result r = run("devices");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("gpu\\s+none in this build \\(TornadoVM: mvn -Ptornado "
                + "package, see README\\)")), r.out());
    }

    @Test
    void deviceFlagRefusesWhatThisBuildCannotOpenWithOneLine() {
        assumeDefaultBuild();
        assertOneLineError(run("bench", "conv", "--device", "tornado", "--no-peer"), 2,
                "--device tornado: TornadoVM is not in this build (build with mvn -Ptornado package, run with the "
                        + "TornadoVM SDK)");
        assertOneLineError(run("demo", "--device", "gpu:0"), 2,
                "--device gpu:0: unknown device; expected cpu, auto or tornado[:N]");
        assertOneLineError(run("bench", "conv", "--threads", "0", "--no-peer"), 2, "--threads must be >= 1, got 0");
    }

    @Test
    void benchConvRefusesABadRepeatWithOneLine() {
        assertOneLineError(run("bench", "conv", "--repeat", "0", "--no-peer"), 2, "--repeat must be >= 1, got 0");
    }

    @Test
    void benchConvRepeatPrintsTheMedianAndEveryTurn() {
        Result r = run("bench", "conv", "--threads", "1", "--no-peer", "--batch", "1", "--min-time", "0",
                "--shapes", "64:8", "--repeat", "3");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("medians of 3 turns each"), r.out());
        String line = r.out().lines().filter(l -> l.startsWith("64:8 ")).findFirst().orElseThrow();
        String[] turns = line.substring(line.indexOf("atelier [") + 9, line.indexOf(']')).split(" ");
        assertEquals(3, turns.length, line);
        double[] sorted = Arrays.stream(turns).mapToDouble(Double::parseDouble).sorted().toArray();
        assertEquals(sorted[1], Double.parseDouble(line.trim().split("\\s+")[2]), 1e-9, line);
    }

    @Test
    void benchStepRefusesBadTimesAndResolutionsWithOneLine() {
        assertOneLineError(run("bench", "step", "--warmup", "-1", "--no-peer"), 2,
                "--warmup must be >= 0 seconds, got -1.0");
        assertOneLineError(run("bench", "step", "--repeat", "0", "--no-peer"), 2, "--repeat must be >= 1, got 0");
        assertOneLineError(run("bench", "step", "--resolutions", "12", "--no-peer"), 2,
                "--resolutions must be powers of two from 4 to 4096, got 12");
    }

    @Test
    void deviceAutoFallsBackToTheCpuSayingWhy() {
        assumeDefaultBuild();
        Result r = run("bench", "conv", "--device", "auto", "--threads", "1", "--no-peer", "--batch", "1",
                "--min-time", "0", "--shapes", "4:4");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("--device auto: no GPU runtime in this build; running on cpu (1 thread)\n"),
                r.out());
        assertTrue(r.out().contains("atelier on cpu (1 thread)"), r.out());
    }

    @TempDir
    Path tmp;

    /** A folder with two solid-colour PNGs and one empty file. */
    private Path imageFolder() throws IOException {
        Path in = Files.createDirectories(tmp.resolve("images"));
        int[] colours = {0xff0000, 0x336699};
        for (int i = 0; i < colours.length; i++) {
            BufferedImage image = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 30; y++) {
                for (int x = 0; x < 40; x++) {
                    image.setRGB(x, y, colours[i]);
                }
            }
            ImageIO.write(image, "png", in.resolve("img" + i + ".png").toFile());
        }
        Files.write(in.resolve("zero.png"), new byte[0]);
        return in;
    }

    @Test
    void prepareWritesADatasetTheTrainerCanRead() throws IOException {
        Path in = imageFolder();
        Path out = tmp.resolve("dataset");
        Result r = run("prepare", in.toString(), "--size", "8", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("zero.png: empty file (0 bytes)"), r.out());
        assertTrue(r.out().contains("prepared 2 images at 4..8 px into " + out + " (1 skipped)"), r.out());
        try (Dataset data = Dataset.open(out)) {
            assertEquals(2, data.count());
            assertEquals(8, data.resolution());
            float[] second = data.image(1, 4).data();
            assertEquals(0x33 / 127.5f - 1f, second[0]);
            assertEquals(0x66 / 127.5f - 1f, second[16]);
            assertEquals(0x99 / 127.5f - 1f, second[32]);
        }
    }

    private static void assertOneLineError(Result r, int code, String message) {
        assertEquals(code, r.code(), r.err());
        String first = r.err().lines().findFirst().orElse("");
        assertTrue(first.startsWith("atelier: " + message), "expected 'atelier: " + message + "...', got: " + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace expected: " + r.err());
    }

    @Test
    void prepareRefusesBadArgumentsWithOneLine() throws IOException {
        Path in = imageFolder();
        String out = tmp.resolve("d").toString();
        assertOneLineError(run("prepare", tmp.resolve("missing").toString(), "--out", out), 1,
                "input folder " + tmp.resolve("missing") + " does not exist");
        assertOneLineError(run("prepare", in.toString(), "--size", "1000", "--out", out), 1,
                "--size must be a power of two from 4 to 4096, got 1000");
        assertOneLineError(run("prepare", in.toString(), "--out", in.resolve("inside").toString()), 1,
                "--out " + in.resolve("inside") + " is inside the input folder");
        assertOneLineError(run("prepare", tmp.toString(), "--out", in.toString()), 1,
                "--out " + in + " is inside the input folder");
        Path full = Files.createDirectories(tmp.resolve("full"));
        Files.writeString(full.resolve("x"), "x");
        assertOneLineError(run("prepare", in.toString(), "--out", full.toString()), 1,
                "--out " + full + " exists and is not empty");
        assertOneLineError(run("prepare", in.toString()), 2, "Missing required option: '--out=DATASET'");
        assertFalse(Files.exists(Path.of(out)), "refused runs create nothing");
    }

    /** A tiny PGAN trained through the CLI to {@code resolution} px in a few steps, measuring SWD every 16 images. */
    private Path trainTiny(String name, int resolution) {
        Path run = tmp.resolve(name);
        Result r = run("train", "--data", "synthetic", "--out", run.toString(), "--max-resolution",
                String.valueOf(resolution), "--latent", "8", "--max-channels", "8", "--min-channels", "8",
                "--images-per-phase", "16", "--batch", "8", "--sample-every", "1000", "--samples", "4",
                "--swd-every", "16", "--swd-images", "8", "--threads", "2");
        assertEquals(0, r.code(), r.err());
        return run;
    }

    @Test
    void trainingLogsTheSwdAndEvaluateMeasuresACheckpoint() throws IOException {
        Path run = trainTiny("run16", 16);
        // 16 images at 4 px, 32 at 8 px, 32 at 16 px: measured every 16 images, and only from 16 px on.
        List<String> swd = Files.readAllLines(run.resolve("swd.csv"));
        assertEquals("images,resolution,swd16,swd32,swd64,swd128,swd256,swd512,swd1024,swd2048,swd4096,average",
                swd.getFirst());
        assertEquals(List.of("64", "80"), swd.subList(1, swd.size()).stream().map(l -> l.split(",")[0]).toList());
        for (String row : swd.subList(1, swd.size())) {
            String[] cells = row.split(",");
            assertEquals("16.0000", cells[1]);
            assertEquals(cells[2], cells[11], "the average of one level is that level: " + row);
            assertTrue(Double.parseDouble(cells[2]) > 0, row);
            assertEquals("NaN", cells[3], row);
        }
        assertTrue(Files.size(run.resolve("swd.png")) > 0);

        Result fromRun = run("evaluate", "--checkpoint", run.toString(), "--data", "synthetic", "--images", "24");
        assertEquals(0, fromRun.code(), fromRun.err());
        List<String> lines = fromRun.out().lines().toList();
        int table = lines.indexOf("SWD x 1e3 (lower is closer)");
        assertTrue(table > 0, fromRun.out());
        assertTrue(lines.get(table + 1).matches(" +16 px +\\d+\\.\\d{4}"), fromRun.out());
        assertEquals(lines.get(table + 1).replaceAll(".* ", ""), lines.get(table + 2).replaceAll(".* ", ""),
                "one level: the average is that level");
        assertTrue(Double.parseDouble(lines.get(table + 2).replaceAll(".* ", "")) > 0, fromRun.out());

        Path newest = new atelier.gan.train.RunFolder(run).checkpoints().getLast();
        Result fromFile = run("evaluate", "--checkpoint", newest.toString(), "--data", "synthetic", "--images", "24",
                "--threads", "1");
        assertEquals(0, fromFile.code(), fromFile.err());
        List<String> fileLines = fromFile.out().lines().toList();
        assertEquals(lines.subList(table, lines.size()), fileLines.subList(fileLines.indexOf(lines.get(table)),
                fileLines.size()), "the run folder means its newest checkpoint; any thread count gives the same");

        Result otherSeed = run("evaluate", "--checkpoint", newest.toString(), "--data", "synthetic", "--images", "24",
                "--seed", "2");
        assertEquals(0, otherSeed.code(), otherSeed.err());
        assertFalse(otherSeed.out().endsWith(fromFile.out().substring(fromFile.out().indexOf("SWD x 1e3"))),
                "another seed draws other images, neighbourhoods and directions");

        Path noData = tmp.resolve("nodata");
        assertOneLineError(run("evaluate", "--checkpoint", run.toString(), "--data", noData.toString()), 1,
                "--data " + noData + ": not a dataset folder");
    }

    @Test
    void evaluateRefusesBadArgumentsWithOneLine() throws IOException {
        Path run8 = trainTiny("run8", 8);
        assertFalse(Files.exists(run8.resolve("swd.csv")) && Files.readAllLines(run8.resolve("swd.csv")).size() > 1,
                "no SWD below 16 px");
        Path missing = tmp.resolve("missing");
        assertOneLineError(run("evaluate", "--checkpoint", missing.toString(), "--data", "synthetic"), 1,
                "--checkpoint " + missing + " does not exist");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertOneLineError(run("evaluate", "--checkpoint", empty.toString(), "--data", "synthetic"), 1,
                "run folder " + empty + " has no checkpoints");
        Path text = Files.writeString(tmp.resolve("notes.safetensors"), "not a checkpoint");
        assertOneLineError(run("evaluate", "--checkpoint", text.toString(), "--data", "synthetic"), 1,
                "file " + text + " declares a header of");
        Path newest8 = new atelier.gan.train.RunFolder(run8).checkpoints().getLast();
        assertOneLineError(run("evaluate", "--checkpoint", run8.toString(), "--data", "synthetic"), 1,
                "--checkpoint " + newest8 + " is at 8 px; the sliced Wasserstein distance needs 16 px or more");
        assertOneLineError(run("evaluate", "--checkpoint", run8.toString(), "--data", "synthetic", "--images", "0"), 2,
                "--images must be >= 1, got 0");
        assertOneLineError(run("evaluate", "--data", "synthetic"), 2, "Missing required option: '--checkpoint=RUN|FILE'");
    }

    @Test
    void versionNamesTheProgram() {
        Result r = run("--version");
        assertEquals(0, r.code());
        assertTrue(r.out().startsWith("atelier "), r.out());
    }

    @Command(name = "boom")
    static final class Boom implements Callable<Integer> {
        static RuntimeException toThrow;

        @Override
        public Integer call() {
            throw toThrow;
        }
    }

    private static Result runBoom(RuntimeException e) {
        Boom.toThrow = e;
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true));
        cl.addSubcommand(new Boom());
        int code = cl.execute("boom");
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void subcommandExceptionPrintsOneLine() {
        Result r = runBoom(new IllegalArgumentException("no such file: x.png"));
        assertEquals(1, r.code());
        assertEquals("atelier: no such file: x.png" + System.lineSeparator(), r.err());
    }

    @Test
    void exceptionWithoutMessageUsesClassName() {
        Result r = runBoom(new IllegalStateException());
        assertEquals(1, r.code());
        assertEquals("atelier: IllegalStateException" + System.lineSeparator(), r.err());
    }
}
