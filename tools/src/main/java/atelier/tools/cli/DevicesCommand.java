package atelier.tools.cli;

import atelier.core.device.DeviceProvider;
import atelier.core.device.Devices;
import atelier.tools.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code atelier devices}: what this machine offers the kernels: the CPU (cores, SIMD width, JVM, heap) and every
 * device of the providers in this build, numbered as {@code --device KIND:N} takes them.
 */
@Command(name = "devices", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Show the compute devices: CPU cores, SIMD width, JVM, max heap, and TornadoVM devices in a "
                + "-Ptornado build.")
public final class DevicesCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        VectorSpecies<Float> species = FloatVector.SPECIES_PREFERRED;
        Runtime rt = Runtime.getRuntime();
        Map<String, String> rows = new LinkedHashMap<>();
        rows.put("device", "cpu");
        String model = cpuModel();
        if (model != null) {
            rows.put("cpu model", model);
        }
        rows.put("logical cores", Integer.toString(rt.availableProcessors()));
        rows.put("simd width", species.vectorBitSize() + " bits (" + species.length() + " float lanes)");
        rows.put("jvm", Runtime.version() + " (" + System.getProperty("java.vendor") + ")");
        rows.put("max heap", gib(rt.maxMemory()));
        List<DeviceProvider> providers = Devices.providers();
        if (providers.isEmpty()) {
            rows.put("gpu", "none in this build (TornadoVM: mvn -Ptornado package, see README)");
        }
        for (DeviceProvider provider : providers) {
            try {
                List<String> listed = provider.devices();
                if (listed.isEmpty()) {
                    rows.put(provider.kind(), "no device listed");
                }
                for (int i = 0; i < listed.size(); i++) {
                    rows.put(provider.kind() + ":" + i, listed.get(i));
                }
            } catch (IllegalStateException e) {
                rows.put(provider.kind(), "unavailable: " + e.getMessage());
            }
        }

        int width = rows.keySet().stream().mapToInt(String::length).max().orElse(0);
        PrintWriter out = spec.commandLine().getOut();
        rows.forEach((k, v) -> out.printf("%-" + width + "s  %s%n", k, v));
        out.flush();
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
    }

    /** The "model name" line of /proc/cpuinfo, or null where there is none (non-Linux, some ARM). */
    private static String cpuModel() {
        Path p = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(p)) {
            return null;
        }
        try (Stream<String> lines = Files.lines(p)) {
            return lines.filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip())
                    .findFirst().orElse(null);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
