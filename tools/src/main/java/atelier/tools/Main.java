package atelier.tools;

import atelier.tools.cli.BenchCommand;
import atelier.tools.cli.DemoCommand;
import atelier.tools.cli.DevicesCommand;
import atelier.tools.cli.EvaluateCommand;
import atelier.tools.cli.EvaluateUpscalerCommand;
import atelier.tools.cli.GenerateCommand;
import atelier.tools.cli.InterpolateCommand;
import atelier.tools.cli.KnobsCommand;
import atelier.tools.cli.PrepareCommand;
import atelier.tools.cli.TrainCommand;
import atelier.tools.cli.TrainUpscalerCommand;
import atelier.tools.cli.UpscaleCommand;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code atelier} command line. Subcommands live in {@code atelier.tools.cli}, one class each.
 *
 * <p>Errors: a parameter error prints picocli's message and a "Try 'atelier SUB --help'." hint and
 * exits 2; any exception thrown by a subcommand prints one line {@code atelier: <message>} and exits 1.
 * With the environment variable {@code ATELIER_DEBUG=1} the full stack trace is printed instead.
 */
@Command(
        name = "atelier",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        synopsisSubcommandLabel = "COMMAND",
        description = "Pure-Java progressive GAN artist: train, sample and upscale images.",
        commandListHeading = "%nCommands:%n",
        footer = {"", "Run 'atelier COMMAND --help' for a command's options.", "",
                "Environment:",
                "  ATELIER_JAVA_OPTS  extra JVM options (e.g. -Xmx8g; default heap is 80%% of RAM)",
                "  ATELIER_DEBUG=1    print full stack traces on errors"},
        subcommands = {DemoCommand.class, PrepareCommand.class, TrainCommand.class, GenerateCommand.class,
            KnobsCommand.class, InterpolateCommand.class, EvaluateCommand.class, TrainUpscalerCommand.class,
            UpscaleCommand.class, EvaluateUpscalerCommand.class, DevicesCommand.class, BenchCommand.class,
            CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @Spec
    CommandSpec spec;

    /** Without a subcommand: a parameter error (usage hint, exit 2). */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command (e.g. 'atelier devices')");
    }

    public static void main(String... args) {
        System.exit(run(args));
    }

    /** Runs the CLI on System.out/System.err and returns the exit code (never calls System.exit). */
    public static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs the CLI writing to the given streams and returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = commandLine(out, err);
        try {
            return cl.execute(args);
        } catch (Throwable t) { // Errors (e.g. OutOfMemoryError) are not routed through picocli's handler.
            return reportFailure(t, err);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The configured command line (exception handlers, streams) without executing it. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        // Both handlers write to `err` (not cmd.getErr()) so subcommands added later report there too.
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> reportFailure(ex, err));
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine cmd = ex.getCommandLine();
            if (debug()) {
                ex.printStackTrace(err);
            } else {
                err.println("atelier: " + message(ex));
            }
            UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help'.");
            err.flush();
            return cmd.getCommandSpec().exitCodeOnInvalidInput();
        });
        return cl;
    }

    private static int reportFailure(Throwable t, PrintWriter err) {
        if (debug()) {
            t.printStackTrace(err);
        } else {
            err.println("atelier: " + message(t));
        }
        err.flush();
        return 1;
    }

    private static String message(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m.strip().lines().findFirst().orElse(m);
    }

    private static boolean debug() {
        String v = System.getenv("ATELIER_DEBUG");
        return v != null && !v.isEmpty() && !v.equals("0");
    }

    /** Version from the jar manifest (Implementation-Version), or "dev" when run from classes. */
    public static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {
                "atelier " + (v == null ? "dev" : v),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
            };
        }
    }
}
