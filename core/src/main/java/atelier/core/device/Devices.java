package atelier.core.device;

import java.util.List;
import java.util.ServiceLoader;
import java.util.function.Consumer;

/**
 * The one place a device is chosen from a {@code --device} value:
 * <ul>
 *   <li>{@code cpu}: the CPU device with {@code threads} threads (all cores when null);</li>
 *   <li>{@code KIND} or {@code KIND:N}: device N (default 0) of the {@link DeviceProvider} of that kind, e.g.
 *       {@code tornado:1};</li>
 *   <li>{@code auto}: the first device of the first provider that lists one, else the CPU, with one line to
 *       {@code notice} saying why.</li>
 * </ul>
 */
public final class Devices {
    private Devices() {
    }

    /** The providers on the class path (none in the default build). */
    public static List<DeviceProvider> providers() {
        return ServiceLoader.load(DeviceProvider.class).stream().map(ServiceLoader.Provider::get).toList();
    }

    /** Opens the device {@code spec} names, among the providers on the class path. */
    public static Device open(String spec, Integer threads, Consumer<String> notice) {
        return open(spec, threads, notice, providers());
    }

    /** Opens the device {@code spec} names among {@code providers}; bad values throw IllegalArgumentException. */
    public static Device open(String spec, Integer threads, Consumer<String> notice, List<DeviceProvider> providers) {
        if (threads != null && threads < 1) {
            throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
        }
        if (spec.equals("cpu")) {
            return cpu(threads);
        }
        if (spec.equals("auto")) {
            return auto(threads, notice, providers);
        }
        int colon = spec.indexOf(':');
        String kind = colon < 0 ? spec : spec.substring(0, colon);
        int index = colon < 0 ? 0 : parseIndex(spec, spec.substring(colon + 1));
        DeviceProvider provider = providers.stream().filter(p -> p.kind().equals(kind)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("--device " + spec + ": " + (kind.equals("tornado")
                        ? "TornadoVM is not in this build (build with mvn -Ptornado package, run with the "
                                + "TornadoVM SDK)"
                        : "unknown device; expected cpu, auto or tornado[:N]")));
        List<String> listed;
        try {
            listed = provider.devices();
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException("--device " + spec + ": " + e.getMessage(), e);
        }
        if (index >= listed.size()) {
            throw new IllegalArgumentException("--device " + spec + ": " + kind + " lists " + listed.size()
                    + " device(s), numbered from 0 (see atelier devices)");
        }
        return provider.open(index);
    }

    private static Device auto(Integer threads, Consumer<String> notice, List<DeviceProvider> providers) {
        String reason = "no GPU runtime in this build";
        for (DeviceProvider provider : providers) {
            try {
                if (!provider.devices().isEmpty()) {
                    return provider.open(0);
                }
                reason = provider.kind() + " lists no device";
            } catch (IllegalStateException e) {
                reason = provider.kind() + ": " + e.getMessage();
            }
        }
        Device cpu = cpu(threads);
        notice.accept("--device auto: " + reason + "; running on " + cpu.name());
        return cpu;
    }

    private static CpuDevice cpu(Integer threads) {
        return threads == null ? new CpuDevice() : new CpuDevice(threads);
    }

    private static int parseIndex(String spec, String digits) {
        try {
            int index = Integer.parseInt(digits);
            if (index >= 0) {
                return index;
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new IllegalArgumentException("--device " + spec + ": the device number after ':' must be 0 or more");
    }
}
