package atelier.tests;

import atelier.core.Tensor;
import atelier.nn.io.SafeTensors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The PyTorch reference files made by tests/python (see tests/python/README.md), and float comparisons. */
final class Fixtures {
    private Fixtures() {
    }

    static Path path(String name) {
        try {
            return Path.of(Fixtures.class.getResource("/fixtures/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("fixture " + name + " missing: run tests/python/make_fixtures.py", e);
        }
    }

    static Map<String, Tensor> load(String name) {
        try {
            return SafeTensors.read(path(name)).tensors();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Tensor {@code name} of the fixture {@code file} loaded as {@code tensors}; fails naming both if missing. */
    static Tensor tensor(String file, Map<String, Tensor> tensors, String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalStateException(file + " has no " + name);
        }
        return t;
    }

    /**
     * Asserts shapes equal and |actual - expected| <= tol * (max |expected| + 1e-6) element-wise: differences in
     * float summation order stay far below it, any formula difference far above.
     */
    static void assertClose(String what, Tensor expected, Tensor actual, double tol) {
        assertClose(what, expected, actual, tol, 1e-6);
    }

    /** As above, with the scale no smaller than {@code floor} (for values that are small through cancellation). */
    static void assertClose(String what, Tensor expected, Tensor actual, double tol, double floor) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        double scale = floor;
        for (float v : expected.data()) {
            scale = Math.max(scale, Math.abs(v));
        }
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.numel(); i++) {
            double err = Math.abs(actual.data()[i] - expected.data()[i]);
            if (err > worst) {
                worst = err;
                at = i;
            }
        }
        String detail = at < 0 ? "" : " at " + at + ": expected " + expected.data()[at] + ", got " + actual.data()[at];
        assertTrue(worst <= tol * scale, what + ": max error " + worst + " (scale " + scale + ")" + detail);
    }
}
