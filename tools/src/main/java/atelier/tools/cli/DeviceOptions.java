package atelier.tools.cli;

import atelier.core.device.Device;
import atelier.core.device.Devices;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;

/** Where a computing command runs: {@code --device} and {@code --threads}, opened through {@link Devices}. */
public final class DeviceOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|auto|tornado[:N]",
            description = "Compute device: 'cpu', 'tornado' or 'tornado:N' (a TornadoVM GPU, see 'atelier devices'), "
                    + "or 'auto' (a TornadoVM device where there is one, else the CPU) (default: ${DEFAULT-VALUE}).")
    String device;

    @Mixin
    ThreadsOption threads;

    /** CPU threads this command asked for, or all cores: also what a PyTorch peer gets. */
    int cpuThreads() {
        return threads.threads == null ? Runtime.getRuntime().availableProcessors() : threads.threads;
    }

    /** Opens the device; a bad --device or --threads is a usage error, and auto's fallback line goes to log. */
    Device open(PrintWriter log) {
        try {
            return Devices.open(device, threads.threads, line -> {
                log.println(line);
                log.flush();
            });
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
