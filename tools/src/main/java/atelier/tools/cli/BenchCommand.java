package atelier.tools.cli;

import atelier.core.device.Device;
import atelier.tools.bench.ConvBench;
import atelier.tools.bench.ConvBench.Shape;
import atelier.tools.bench.StepBench;
import atelier.tools.bench.TorchPeer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code atelier bench}: throughput benchmarks, printed beside the PyTorch peer measured in the same run. */
@Command(name = "bench", description = "Measure kernel throughput against PyTorch on this machine.",
        subcommands = {BenchCommand.Conv.class, BenchCommand.Step.class})
public final class BenchCommand {
    /** Options every benchmark takes. */
    static final class Common {
        @Spec(Spec.Target.MIXEE)
        CommandSpec spec;

        @Option(names = "--batch", defaultValue = "16", description = "Batch size (default: ${DEFAULT-VALUE}).")
        int batch;

        @Mixin
        DeviceOptions device;

        @Option(names = "--min-time", defaultValue = "1.0",
                description = "Seconds of timed calls per measurement, at least one call (default: ${DEFAULT-VALUE}).")
        double minTime;

        @Option(names = "--no-peer", description = "Skip the PyTorch peer.")
        boolean noPeer;

        @Option(names = "--repeat", defaultValue = "1", paramLabel = "N",
                description = "Measurements of each shape on each side, PyTorch and atelier taking turns, so that "
                        + "a drift in the machine's speed reaches both; medians are compared (default: "
                        + "${DEFAULT-VALUE}).")
        int repeat;

        int batch() {
            if (batch < 1) {
                throw new ParameterException(spec.commandLine(), "--batch must be >= 1, got " + batch);
            }
            return batch;
        }

        int repeat() {
            if (repeat < 1) {
                throw new ParameterException(spec.commandLine(), "--repeat must be >= 1, got " + repeat);
            }
            return repeat;
        }

        static double median(double[] values) {
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            int n = sorted.length;
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        }

        /** Every turn's figure of both sides, in brackets, when there was more than one turn; else nothing. */
        static String turns(double[] mine, double[] peer, String format) {
            return mine.length < 2 ? "" : "   atelier " + list(mine, format)
                    + (peer.length == 0 ? "" : ", torch " + list(peer, format));
        }

        private static String list(double[] values, String format) {
            StringBuilder text = new StringBuilder("[");
            for (int i = 0; i < values.length; i++) {
                text.append(i > 0 ? " " : "").append(String.format(Locale.ROOT, format, values[i]));
            }
            return text.append(']').toString();
        }
    }

    @Command(name = "step", mixinStandardHelpOptions = true,
            description = {"Seconds per full PGAN training step (D on WGAN-GP + drift, G, moving average) with the "
                    + "paper's network at each resolution, beside the same step in PyTorch (tools/python/"
                    + "pgan_step_bench.py). Peak memory: run under /usr/bin/time -v."})
    static final class Step implements Callable<Integer> {
        @Option(names = "--resolutions", split = ",", defaultValue = "4,8,16", paramLabel = "PX",
                description = "Resolutions, powers of two 4..4096 (default: ${DEFAULT-VALUE}).")
        List<Integer> resolutions;

        @Option(names = "--warmup", defaultValue = "3.0", paramLabel = "SECONDS",
                description = "Seconds of untimed steps first, at least one, on both sides (default: "
                        + "${DEFAULT-VALUE}).")
        double warmup;

        @Mixin
        Common common;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = common.spec.commandLine().getOut();
            int batch = common.batch();
            if (!(warmup >= 0)) {
                throw new ParameterException(common.spec.commandLine(), "--warmup must be >= 0 seconds, got " + warmup);
            }
            int repeat = common.repeat();
            for (int r : resolutions) {
                if (r < 4 || r > 4096 || Integer.bitCount(r) != 1) {
                    throw new ParameterException(common.spec.commandLine(),
                            "--resolutions must be powers of two from 4 to 4096, got " + r);
                }
            }
            try (Device device = common.device.open(out)) {
                TorchPeer torch = common.noPeer ? null : TorchPeer.find(out::println);
                out.printf("PGAN training step, batch %d, atelier on %s; seconds per step%s%n", batch, device.name(),
                        repeat > 1 ? ", medians of " + repeat + " turns each (all turns in brackets)" : "");
                out.printf("%-6s %12s %12s %10s%n", "px", "atelier", "torch", "ratio");
                out.flush();
                for (int r : resolutions) {
                    double[] mine = new double[repeat];
                    double[] peer = new double[torch == null ? 0 : repeat];
                    for (int turn = 0; turn < repeat; turn++) {
                        if (torch != null) {
                            peer[turn] = peerStep(torch, r, batch, out);
                        }
                        mine[turn] = StepBench.measure(device, r, batch, warmup, common.minTime).secondsPerStep();
                    }
                    double atelier = Common.median(mine);
                    out.printf(Locale.ROOT, "%-6d %12.3f %12s %10s%s%n", r, atelier,
                            torch == null ? "-" : String.format(Locale.ROOT, "%.3f", Common.median(peer)),
                            torch == null ? "-" : String.format(Locale.ROOT, "%.3fx", atelier / Common.median(peer)),
                            Common.turns(mine, peer, "%.3f"));
                    out.flush();
                }
            }
            return 0;
        }

        /** One measurement of the peer's step (tools/python/pgan_step_bench.py) at one resolution, in seconds. */
        private double peerStep(TorchPeer torch, int resolution, int batch, PrintWriter out) throws IOException {
            double[] seconds = {Double.NaN};
            torch.run("pgan_step_bench.py", List.of("--batch", Integer.toString(batch), "--threads",
                    Integer.toString(common.device.cpuThreads()), "--min-time", Double.toString(common.minTime),
                    "--warmup", Double.toString(warmup), "--resolutions", Integer.toString(resolution)), json -> {
                        seconds[0] = json.get("seconds_per_step").getAsDouble();
                        double blas = json.get("blas_gflops").getAsDouble();
                        out.printf(Locale.ROOT, "  PyTorch %s (%d threads, BLAS sgemm %.0f GFLOP/s%s, %s): %d px, "
                                        + "peak RSS %.0f MiB%n", json.get("torch").getAsString(),
                                json.get("threads").getAsInt(), blas,
                                blas < 50 ? ", a reference BLAS: see docs/PERFORMANCE.md for OpenBLAS" : "",
                                torch.allocator(), resolution, json.get("peak_rss_mib").getAsDouble());
                        out.flush();
                    });
            if (Double.isNaN(seconds[0])) {
                throw new IOException("the PyTorch peer printed no result for " + resolution + " px");
            }
            return seconds[0];
        }
    }

    @Command(name = "conv", mixinStandardHelpOptions = true,
            description = "conv3x3 forward and forward+backward GFLOP/s at PGAN's shapes (C:px).")
    static final class Conv implements Callable<Integer> {
        @Option(names = "--shapes", split = ",", paramLabel = "C:PX",
                description = "Shapes to measure, e.g. 512:4,16:1024 or resolutions 4,64 (default: all of PGAN's).")
        List<String> shapes;

        @Mixin
        Common common;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = common.spec.commandLine().getOut();
            int batch = common.batch();
            double minTime = common.minTime;
            List<Shape> measured = new ArrayList<>();
            for (String s : shapes == null ? List.<String>of() : shapes) {
                measured.add(Shape.parse(s));
            }
            if (measured.isEmpty()) {
                measured = Shape.PGAN;
            }
            int repeat = common.repeat();
            try (Device device = common.device.open(out)) {
                TorchPeer torch = common.noPeer ? null : TorchPeer.find(out::println);
                out.printf("conv3x3 stride 1 pad 1, batch %d, atelier on %s; GFLOP/s%s%n", batch, device.name(),
                        repeat > 1 ? ", medians of " + repeat + " turns each (f+b turns in brackets)" : "");
                out.printf("%-9s %12s %12s %12s %12s %10s%n",
                        "C:px", "atelier fwd", "atelier f+b", "torch fwd", "torch f+b", "f+b ratio");
                out.flush();
                for (Shape shape : measured) {
                    double[][] mine = new double[2][repeat];
                    double[][] peer = new double[2][torch == null ? 0 : repeat];
                    for (int turn = 0; turn < repeat; turn++) {
                        if (torch != null) {
                            double[] t = peerFigures(torch, shape, batch, minTime, common.device.cpuThreads(), out);
                            peer[0][turn] = t[0];
                            peer[1][turn] = t[1];
                        }
                        ConvBench.Result r = ConvBench.measure(device, shape, batch, minTime);
                        mine[0][turn] = r.forwardGflops();
                        mine[1][turn] = r.forwardBackwardGflops();
                    }
                    double atelier = Common.median(mine[1]);
                    out.printf(Locale.ROOT, "%-9s %12.2f %12.2f %12s %12s %10s%s%n", shape,
                            Common.median(mine[0]), atelier,
                            torch == null ? "-" : fmt(Common.median(peer[0])),
                            torch == null ? "-" : fmt(Common.median(peer[1])),
                            torch == null ? "-" : String.format(Locale.ROOT, "%.3fx", atelier / Common.median(peer[1])),
                            Common.turns(mine[1], peer[1], "%.2f"));
                    out.flush();
                }
            }
            return 0;
        }

        /** One measurement of the peer (tools/python/conv_bench.py) at one shape: forward and f+b GFLOP/s. */
        private static double[] peerFigures(TorchPeer torch, Shape shape, int batch, double minTime, int threads,
                                            PrintWriter out) throws IOException {
            double[] figures = {Double.NaN, Double.NaN};
            List<String> args = List.of("--batch", Integer.toString(batch), "--threads", Integer.toString(threads),
                    "--min-time", Double.toString(minTime), "--shapes", shape.toString());
            torch.run("conv_bench.py", args, json -> {
                figures[0] = json.get("fwd_gflops").getAsDouble();
                figures[1] = json.get("fwdbwd_gflops").getAsDouble();
                out.printf("  PyTorch %s (%d threads, %s): %s done%n", json.get("torch").getAsString(),
                        json.get("threads").getAsInt(), torch.allocator(), shape);
                out.flush();
            });
            if (Double.isNaN(figures[1])) {
                throw new IOException("the PyTorch peer printed no result for " + shape);
            }
            return figures;
        }

        private static String fmt(double v) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
    }
}
