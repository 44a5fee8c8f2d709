package atelier.core.kernels;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The double-precision twin of the kernel package, compiled at test time from the very same source files with
 * {@code float} replaced by {@code double} (the contract in package-info). Gradient checks run the twin so that
 * central finite differences are accurate to ~1e-9 and test the kernels' math, not float rounding.
 */
public final class KernelTwin {
    /** The kernel sources; another module running core's tests (tornado) points here with atelier.kernel.sources. */
    private static final Path SOURCES =
            Path.of(System.getProperty("atelier.kernel.sources", "src/main/java/atelier/core/kernels"));
    private static final String TWIN_PACKAGE = "twin64.kernels";
    private static final KernelTwin INSTANCE = compile();

    private final ClassLoader loader;

    private KernelTwin(ClassLoader loader) {
        this.loader = loader;
    }

    public static KernelTwin get() {
        return INSTANCE;
    }

    /** Rewrites one kernel source file into its double twin. */
    static String toDouble(String source) {
        return source
                .replace("package atelier.core.kernels;", "package " + TWIN_PACKAGE + ";")
                .replaceAll("\\bfloat\\b", "double")
                .replaceAll("\\bFloat\\b", "Double")
                // 1f, 0.5f, 1e-8f, .5F -> double literals
                .replaceAll("(\\b\\d+\\.?\\d*(?:[eE][+-]?\\d+)?|\\.\\d+(?:[eE][+-]?\\d+)?)[fF]\\b", "$1");
    }

    private static KernelTwin compile() {
        try {
            Path work = Files.createTempDirectory("kernel-twin");
            Path src = Files.createDirectories(work.resolve("src"));
            Path classes = Files.createDirectories(work.resolve("classes"));
            List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-nowarn", "-proc:none"));
            try (Stream<Path> files = Files.list(SOURCES)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                    Path out = src.resolve(file.getFileName());
                    Files.writeString(out, toDouble(Files.readString(file)));
                    args.add(out.toString());
                }
            }
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            int rc = javac.run(null, log, log, args.toArray(String[]::new));
            if (rc != 0) {
                throw new IllegalStateException("the double twin of the kernels does not compile:\n" + log);
            }
            return new KernelTwin(new URLClassLoader(new URL[] {classes.toUri().toURL()}, null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Calls the twin of {@code Kernel.method} (a static method; arrays are double[], reals double). */
    public void call(String kernel, String method, Object... args) {
        try {
            Class<?> type = Class.forName(TWIN_PACKAGE + "." + kernel, true, loader);
            Method target = null;
            for (Method m : type.getMethods()) {
                if (m.getName().equals(method) && m.getParameterCount() == args.length) {
                    target = m;
                }
            }
            if (target == null) {
                throw new IllegalArgumentException("no kernel " + kernel + "." + method + " with " + args.length + " arguments");
            }
            target.invoke(null, args);
        } catch (ClassNotFoundException | IllegalAccessException e) {
            throw new IllegalStateException(e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(kernel + "." + method + " failed", e.getCause());
        }
    }
}
