package atelier.tools.cli;

import atelier.core.device.CpuDevice;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The --threads option of the commands that compute, and the CPU device it asks for. */
public final class ThreadsOption {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--threads", description = "CPU threads (default: all cores).")
    Integer threads;

    /** A CPU device with the threads asked for, or every core. */
    public CpuDevice device() {
        if (threads != null && threads < 1) {
            throw new ParameterException(spec.commandLine(), "--threads must be >= 1, got " + threads);
        }
        return threads == null ? new CpuDevice() : new CpuDevice(threads);
    }
}
