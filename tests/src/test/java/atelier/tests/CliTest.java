package atelier.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import atelier.tools.Main;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

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
