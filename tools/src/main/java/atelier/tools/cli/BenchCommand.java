package atelier.tools.cli;

import atelier.core.device.CpuDevice;
import atelier.tools.bench.ConvBench;
import atelier.tools.bench.ConvBench.Shape;
import atelier.tools.bench.TorchPeer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code atelier bench}: throughput benchmarks, printed beside the PyTorch peer measured in the same run. */
@Command(name = "bench", description = "Measure kernel throughput against PyTorch on this machine.",
        subcommands = {BenchCommand.Conv.class})
public final class BenchCommand {

    @Command(name = "conv", mixinStandardHelpOptions = true,
            description = "conv3x3 forward and forward+backward GFLOP/s at PGAN's shapes (C:px).")
    static final class Conv implements Callable<Integer> {
        @Option(names = "--batch", defaultValue = "16", description = "Batch size (default: ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--shapes", split = ",", paramLabel = "C:PX",
                description = "Shapes to measure, e.g. 512:4,16:1024 or resolutions 4,64 (default: all of PGAN's).")
        List<String> shapes;

        @Option(names = "--threads", description = "CPU threads (default: all cores).")
        Integer threads;

        @Option(names = "--min-time", defaultValue = "1.0",
                description = "Seconds of timed calls per measurement (default: ${DEFAULT-VALUE}).")
        double minTime;

        @Option(names = "--no-peer", description = "Skip the PyTorch peer.")
        boolean noPeer;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            if (batch < 1) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--batch must be >= 1, got " + batch);
            }
            List<Shape> measured = new ArrayList<>();
            for (String s : shapes == null ? List.<String>of() : shapes) {
                measured.add(Shape.parse(s));
            }
            if (measured.isEmpty()) {
                measured = Shape.PGAN;
            }
            try (CpuDevice cpu = threads == null ? new CpuDevice() : new CpuDevice(threads)) {
                Map<String, double[]> peer = noPeer ? Map.of() : peerFigures(measured, cpu.threads(), out);
                out.printf("conv3x3 stride 1 pad 1, batch %d, atelier on %s; GFLOP/s%n", batch, cpu.name());
                out.printf("%-9s %12s %12s %12s %12s %10s%n",
                        "C:px", "atelier fwd", "atelier f+b", "torch fwd", "torch f+b", "f+b ratio");
                out.flush();
                for (Shape shape : measured) {
                    ConvBench.Result r = ConvBench.measure(cpu, shape, batch, minTime);
                    double[] t = peer.get(shape.toString());
                    out.printf(Locale.ROOT, "%-9s %12.2f %12.2f %12s %12s %10s%n", shape, r.forwardGflops(),
                            r.forwardBackwardGflops(), t == null ? "-" : fmt(t[0]), t == null ? "-" : fmt(t[1]),
                            t == null ? "-" : String.format(Locale.ROOT, "%.3fx", r.forwardBackwardGflops() / t[1]));
                    out.flush();
                }
            }
            return 0;
        }

        private Map<String, double[]> peerFigures(List<Shape> measured, int threads, PrintWriter out) throws IOException {
            Map<String, double[]> figures = new HashMap<>();
            TorchPeer torch = TorchPeer.find(out::println);
            if (torch == null) {
                return figures;
            }
            List<String> args = List.of("--batch", Integer.toString(batch), "--threads", Integer.toString(threads),
                    "--min-time", Double.toString(minTime),
                    "--shapes", String.join(",", measured.stream().map(Shape::toString).toList()));
            out.println("measuring the PyTorch peer first (tools/python/conv_bench.py) ...");
            out.flush();
            torch.run("conv_bench.py", args, json -> {
                figures.put(json.get("channels").getAsInt() + ":" + json.get("px").getAsInt(), new double[] {
                        json.get("fwd_gflops").getAsDouble(), json.get("fwdbwd_gflops").getAsDouble()});
                out.printf("PyTorch %s (%d threads): %s:%s done%n", json.get("torch").getAsString(),
                        json.get("threads").getAsInt(), json.get("channels"), json.get("px"));
                out.flush();
            });
            return figures;
        }

        private static String fmt(double v) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
    }
}
