package atelier.tools.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The peer's process gets the preloaded allocator; atelier's own environment is left as it is. */
class TorchPeerTest {
    private static final String PYTHON = "/usr/bin/python3";
    /** A library every glibc system has, so the dynamic loader preloads it without complaint. */
    private static final String LIBC = "/lib/x86_64-linux-gnu/libc.so.6";

    @Test
    void thePeerRunsWithThePreloadAndSaysWhichAllocatorItHas(@TempDir Path scripts) throws IOException {
        assumeTrue(Files.isExecutable(Path.of(PYTHON)) && Files.exists(Path.of(LIBC)), "needs Debian's python3");
        Files.writeString(scripts.resolve("probe.py"), """
                import json, os, sys
                print("not a result")
                print(json.dumps({"preload": os.environ.get("LD_PRELOAD", ""), "args": sys.argv[1:]}))
                """);
        List<String> seen = new ArrayList<>();
        new TorchPeer(PYTHON, scripts, LIBC, null).run("probe.py", List.of("--batch", "4"),
                json -> seen.add(json.get("preload").getAsString() + " " + json.get("args")));
        assertEquals(List.of(LIBC + " [\"--batch\",\"4\"]"), seen);
        assertEquals("libc.so.6", new TorchPeer(PYTHON, scripts, LIBC, null).allocator());
        assertEquals("libc.so.6 thp:always", new TorchPeer(PYTHON, scripts, LIBC, "thp:always").allocator());

        seen.clear();
        TorchPeer plain = new TorchPeer(PYTHON, scripts, null, "thp:always");
        plain.run("probe.py", List.of(), json -> seen.add(json.get("preload").getAsString()));
        assertEquals(List.of(System.getenv().getOrDefault("LD_PRELOAD", "")), seen);
        assertEquals("glibc malloc", plain.allocator());
    }
}
