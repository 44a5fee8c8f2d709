package atelier.tools.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs the PyTorch peer scripts of tools/python (Debian's python3-torch) so that a benchmark prints atelier's
 * and PyTorch's figures from the same run on the same machine. PyTorch is never a runtime dependency: without it
 * the benchmarks print atelier's figures alone.
 */
public final class TorchPeer {
    private final String python;
    private final Path scripts;
    private final String preload;
    private final String mallocConf;

    /**
     * A peer run as {@code python scripts/...}, with {@code preload} (or nothing, when null) as its LD_PRELOAD:
     * an allocator such as jemalloc that keeps freed memory, where glibc's returns each large tensor to the system
     * and pays for fresh pages on every allocation (docs/PERFORMANCE.md, "The PyTorch peer's allocator").
     * {@code mallocConf}: the MALLOC_CONF the peer inherits (jemalloc's settings; null when unset), named in the
     * peer's lines with the preloaded allocator.
     */
    TorchPeer(String python, Path scripts, String preload, String mallocConf) {
        this.python = python;
        this.scripts = scripts;
        this.preload = nullIfBlank(preload);
        this.mallocConf = nullIfBlank(mallocConf);
    }

    /** An environment variable's value, or null when it is unset or blank (as if unset). */
    private static String nullIfBlank(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /**
     * Finds a Python with torch ($ATELIER_PYTHON, /usr/bin/python3, python3 on PATH) and the peer scripts (under
     * $ATELIER_HOME or the working directory), or explains in one line why there is none. The peer alone gets
     * $ATELIER_PEER_LD_PRELOAD as its LD_PRELOAD, so that atelier's own process runs as it always does.
     */
    public static TorchPeer find(Consumer<String> whyNot) {
        Path home = Path.of(Optional.ofNullable(System.getenv("ATELIER_HOME")).orElse("."));
        Path scripts = home.resolve("tools/python");
        if (!Files.isDirectory(scripts)) {
            whyNot.accept("PyTorch peer skipped: " + scripts.toAbsolutePath() + " not found (run from the atelier checkout)");
            return null;
        }
        List<String> candidates = new ArrayList<>();
        Optional.ofNullable(System.getenv("ATELIER_PYTHON")).ifPresent(candidates::add);
        candidates.add("/usr/bin/python3");
        candidates.add("python3");
        for (String candidate : candidates) {
            if (hasTorch(candidate)) {
                return new TorchPeer(candidate, scripts, System.getenv("ATELIER_PEER_LD_PRELOAD"),
                        System.getenv("MALLOC_CONF"));
            }
        }
        whyNot.accept("PyTorch peer skipped: no python3 with torch found (apt-get install python3-torch)");
        return null;
    }

    private static boolean hasTorch(String python) {
        try {
            Process p = new ProcessBuilder(python, "-c", "import torch").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * The peer's memory allocator, for the lines that print its figures: the preloaded library with its MALLOC_CONF
     * (whether it keeps freed memory, whether it asks for huge pages), or glibc's.
     */
    public String allocator() {
        if (preload == null) {
            return "glibc malloc";
        }
        String name = Path.of(preload).getFileName().toString();
        return mallocConf == null ? name : name + " " + mallocConf;
    }

    /** Runs {@code script} with {@code args}; each JSON line it prints is handed to {@code onResult}. */
    public void run(String script, List<String> args, Consumer<JsonObject> onResult) throws IOException {
        List<String> command = new ArrayList<>(List.of(python, scripts.resolve(script).toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        if (preload != null) {
            builder.environment().put("LD_PRELOAD", preload);
        }
        Process p = builder.start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith("{")) {
                    onResult.accept(JsonParser.parseString(line).getAsJsonObject());
                }
            }
            if (p.waitFor() != 0) {
                throw new IOException(script + " exited with code " + p.exitValue());
            }
        } catch (InterruptedException e) {
            p.destroy();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + script, e);
        }
    }
}
