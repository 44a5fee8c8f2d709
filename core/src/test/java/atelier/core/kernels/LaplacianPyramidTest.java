package atelier.core.kernels;

import atelier.core.Tensor;
import atelier.core.device.CpuDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static atelier.core.kernels.GradCheck.assertClose;
import static atelier.core.kernels.GradCheck.assertRejected;
import static atelier.core.kernels.GradCheck.assertSplits;
import static atelier.core.kernels.GradCheck.identicalOnAnyThreadCount;
import static atelier.core.kernels.GradCheck.randn;
import static atelier.core.kernels.GradCheck.toFloat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The pyramid steps against a direct reference written here the textbook way (pad the whole image by mirroring,
 * insert the zeros explicitly, convolve with the 5x5 outer product), the double twin, thread-count invariance
 * (the numpy port of the PGAN metric checks them too: tests module, SlicedWassersteinReferenceTest).
 */
class LaplacianPyramidTest {
    private static final KernelTwin TWIN = KernelTwin.get();
    private static final double[] W = {1 / 16.0, 4 / 16.0, 6 / 16.0, 4 / 16.0, 1 / 16.0};

    /** One plane padded by 2 on each side: mirror about the edge samples, like numpy.pad(mode="reflect"). */
    private static double[][] padMirrored(double[][] plane) {
        int h = plane.length;
        int w = plane[0].length;
        double[][] padded = new double[h + 4][w + 4];
        for (int y = -2; y < h + 2; y++) {
            int sy = y < 0 ? -y : y >= h ? 2 * h - 2 - y : y;
            for (int x = -2; x < w + 2; x++) {
                int sx = x < 0 ? -x : x >= w ? 2 * w - 2 - x : x;
                padded[y + 2][x + 2] = plane[sy][sx];
            }
        }
        return padded;
    }

    /** The 5x5 binomial filter of every pixel of a plane, times {@code gain}. */
    private static double[][] filter(double[][] plane, double gain) {
        double[][] p = padMirrored(plane);
        double[][] out = new double[plane.length][plane[0].length];
        for (int y = 0; y < out.length; y++) {
            for (int x = 0; x < out[0].length; x++) {
                for (int i = 0; i < 5; i++) {
                    for (int j = 0; j < 5; j++) {
                        out[y][x] += gain * W[i] * W[j] * p[y + i][x + j];
                    }
                }
            }
        }
        return out;
    }

    private static double[] reference(double[] x, int planes, int h, int w, boolean down) {
        int oh = down ? h / 2 : 2 * h;
        int ow = down ? w / 2 : 2 * w;
        double[] y = new double[planes * oh * ow];
        for (int p = 0; p < planes; p++) {
            double[][] in = new double[down ? h : oh][down ? w : ow];
            for (int r = 0; r < h; r++) {
                for (int c = 0; c < w; c++) {
                    if (down) {
                        in[r][c] = x[(p * h + r) * w + c];
                    } else {
                        in[2 * r][2 * c] = x[(p * h + r) * w + c];
                    }
                }
            }
            double[][] filtered = filter(in, down ? 1 : 4);
            for (int r = 0; r < oh; r++) {
                for (int c = 0; c < ow; c++) {
                    y[(p * oh + r) * ow + c] = down ? filtered[2 * r][2 * c] : filtered[r][c];
                }
            }
        }
        return y;
    }

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"4, 4", "6, 10", "32, 32"})
    void stepsMatchTheTextbookReference(int h, int w) {
        int planes = 2 * 3;
        double[] x = randn(new Random(h * 31L + w), planes * h * w);
        double[] down = new double[planes * h / 2 * w / 2];
        TWIN.call("LaplacianPyramid", "down", 0, down.length, x, down, h, w);
        assertClose("down", reference(x, planes, h, w, true), toFloat(down), 1e-7);
        double[] up = new double[planes * 4 * h * w];
        TWIN.call("LaplacianPyramid", "up", 0, up.length, x, up, h, w);
        assertClose("up", reference(x, planes, h, w, false), toFloat(up), 1e-7);
    }

    @Test
    void floatKernelsMatchTheDoubleTwinAndAreIdenticalForAnyThreadCount() {
        int n = 2, c = 3, h = 62, w = 46;
        assertSplits("pyramid down", (long) n * c * h / 2 * w / 2, 30);
        assertSplits("pyramid up", (long) n * c * 4 * h * w, 12);
        double[] x = randn(new Random(5), n * c * h * w);
        double[] down = new double[n * c * h / 2 * w / 2];
        TWIN.call("LaplacianPyramid", "down", 0, down.length, x, down, h, w);
        double[] up = new double[n * c * 4 * h * w];
        TWIN.call("LaplacianPyramid", "up", 0, up.length, x, up, h, w);
        assertClose("pyramid down", down, identicalOnAnyThreadCount("pyramid down", cpu -> {
            Tensor y = Tensor.zeros(n, c, h / 2, w / 2);
            cpu.pyramidDown(Tensor.of(toFloat(x), n, c, h, w), y);
            return y.data();
        }), 1e-6);
        assertClose("pyramid up", up, identicalOnAnyThreadCount("pyramid up", cpu -> {
            Tensor y = Tensor.zeros(n, c, 2 * h, 2 * w);
            cpu.pyramidUp(Tensor.of(toFloat(x), n, c, h, w), y);
            return y.data();
        }), 1e-6);
    }

    /** Mirroring keeps every border weight sum at 1, so a constant image stays constant both ways. */
    @Test
    void aConstantImageStaysConstantUpToTheBorders() {
        Tensor x = Tensor.zeros(1, 2, 8, 6);
        Tensor down = Tensor.zeros(1, 2, 4, 3);
        Tensor up = Tensor.zeros(1, 2, 16, 12);
        try (CpuDevice cpu = new CpuDevice(1)) {
            cpu.fill(x, 3.25f);
            cpu.pyramidDown(x, down);
            cpu.pyramidUp(x, up);
        }
        for (float v : down.data()) {
            assertEquals(3.25f, v, 1e-6f);
        }
        for (float v : up.data()) {
            assertEquals(3.25f, v, 1e-6f);
        }
    }

    @Test
    void badShapesAreRejectedNamingThem() {
        try (CpuDevice cpu = new CpuDevice(1)) {
            assertRejected("pyramid down input Tensor[1, 3, 5, 8] needs an even height and width >= 4",
                    () -> cpu.pyramidDown(Tensor.zeros(1, 3, 5, 8), Tensor.zeros(1, 3, 2, 4)));
            assertRejected("pyramid down input Tensor[1, 3, 2, 2] needs",
                    () -> cpu.pyramidDown(Tensor.zeros(1, 3, 2, 2), Tensor.zeros(1, 3, 1, 1)));
            assertRejected("pyramid down output has shape",
                    () -> cpu.pyramidDown(Tensor.zeros(1, 3, 8, 8), Tensor.zeros(1, 3, 8, 8)));
            assertRejected("pyramid up input Tensor[1, 3, 1, 4] needs a height and width >= 2",
                    () -> cpu.pyramidUp(Tensor.zeros(1, 3, 1, 4), Tensor.zeros(1, 3, 2, 8)));
            assertRejected("pyramid up output has shape",
                    () -> cpu.pyramidUp(Tensor.zeros(1, 3, 4, 4), Tensor.zeros(1, 3, 8, 4)));
            assertRejected("pyramid down input has shape", () -> cpu.pyramidDown(Tensor.zeros(8, 8), Tensor.zeros(4, 4)));
        }
    }
}
