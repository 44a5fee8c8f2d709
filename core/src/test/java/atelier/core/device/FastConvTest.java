package atelier.core.device;

import atelier.core.Tensor;
import atelier.core.device.ConvCheck.Convolution;
import atelier.core.device.ConvCheck.Problem;
import atelier.core.kernels.Conv2d;
import atelier.core.kernels.Dense;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.Random;

import static atelier.core.device.ConvCheck.SCALE;
import static atelier.core.device.ConvCheck.abs;
import static atelier.core.device.ConvCheck.assertClose;
import static atelier.core.device.ConvCheck.assertIdenticalForAnyThreadCount;
import static atelier.core.device.ConvCheck.assertMatchesPlain;
import static atelier.core.device.ConvCheck.randn;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fast convolution against the plain reference kernels of {@link Conv2d} ({@link ConvCheck}), on shapes that do
 * not divide its register tiles and blocks; identical for any thread count.
 */
class FastConvTest {
    /** Through CpuDevice: the fast path where it applies (0 <= pad <= R-1), the plain kernels elsewhere. */
    @ParameterizedTest(name = "N={0} C={1} {2}x{3} K={4} R={5} pad={6}")
    @CsvSource({
            "2, 3, 7, 5, 4, 3, 1",     // 3x3 same, odd sizes
            "3, 1, 1, 1, 1, 3, 1",     // one channel, 1x1 images
            "1, 1, 1, 1, 1, 1, 0",     // the smallest 1x1 convolution
            "2, 17, 9, 11, 6, 3, 1",   // channels that do not divide the register tile
            "3, 70, 6, 5, 5, 3, 1",    // reduction (630) longer than one block and not a multiple of it
            "3, 5, 40, 37, 9, 3, 1",   // padded grid: many column blocks, odd width
            "2, 3, 30, 29, 5, 3, 1",   // padded grid
            "2, 2, 60, 59, 3, 4, 3",   // padded grid, 4x4 full padding
            "2, 3, 4, 4, 300, 3, 1",   // more output channels than one GEMM row block (256)
            "2, 7, 30, 29, 40, 3, 1",  // padded grid, weight gradient over two row blocks (32)
            "1, 128, 30, 29, 130, 3, 1", // padded grid, weight gradient as a GEMM, outputs not whole strips
            "2, 144, 28, 30, 128, 3, 1", // the same, two images, an odd number of channel vectors
            "2, 5, 30, 64, 8, 3, 1",   // output rows of whole vectors: forward written directly, input gradient (5) not
            "3, 16, 33, 48, 16, 3, 1", // written directly both ways, odd height, three images
            "1, 16, 56, 64, 8, 5, 2",  // 5x5, written directly
            "3, 2, 5, 6, 3, 1, 0",     // 1x1
            "4, 9, 8, 8, 3, 1, 0",     // 1x1 to RGB
            "2, 3, 4, 4, 2, 4, 0",     // 4x4 valid -> 1x1
            "5, 33, 4, 4, 7, 4, 0",    // 4x4 valid, PGAN's 4x4 block shape, smaller (528 = 11 strips of NR)
            "3, 20, 4, 4, 9, 4, 0",    // 4x4 valid, 320 values per image: whole vectors, a strip and a part
            "2, 16, 5, 6, 7, 3, 1",    // small images, rows of whole vectors (144): dot products forward
            "1, 32, 8, 8, 20, 3, 1",   // small images, PGAN's 8 px level at batch 1 in miniature
            "2, 16, 1, 1, 5, 3, 1",    // small images, 1x1 output of a kernel that does not cover the input
            "2, 2, 6, 5, 3, 3, 0",     // 3x3 valid
            "2, 3, 6, 7, 4, 4, 3",     // 4x4 full padding
            "2, 3, 5, 6, 2, 2, 1",     // even kernel
            "2, 4, 9, 8, 3, 5, 2",     // 5x5 same
            "1, 2, 3, 4, 2, 3, 2",     // pad wider than R-1: the plain kernels
    })
    void matchesThePlainKernels(int n, int c, int h, int w, int k, int r, int pad) {
        Problem p = Problem.random(31L * n + 7L * c + h + 13L * r + pad, n, c, h, w, k, r, pad);
        try (CpuDevice cpu = new CpuDevice(2)) {
            assertMatchesPlain(p, Convolution.of(cpu));
        }
    }

    /** A tiny group limit splits the batch into groups of images (uneven: 5 = 2 + 2 + 1), as at 1024 px. */
    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"6, 7", "30, 29"})
    void matchesThePlainKernelsWhenTheBatchIsSplitIntoGroups(int h, int w) {
        Problem p = Problem.random(3, 5, 3, h, w, 4, 3, 1);
        try (CpuDevice cpu = new CpuDevice(2)) {
            // Two images' worth of the largest buffer: im2col rows (3 * 9) x h*w cells, or 8 output rows (4 rounded
            // up to a register tile) x grid cells.
            long twoImages = FastConv.usesIm2col(h, w, 3, 1) ? 2L * 27 * h * w : 2L * 8 * (h + 2) * (w + 2);
            assertMatchesPlain(p, Convolution.of(new FastConv(cpu, twoImages)));
        }
    }

    /** The weight gradient as a GEMM (many channels) over bands of 1 and 3 output rows. */
    @ParameterizedTest(name = "band={0}")
    @CsvSource({"1", "3"})
    void theWeightGradientGemmMatchesThePlainKernelsOverBands(int band) {
        int h = 30;
        int w = 29;
        Problem p = Problem.random(17L + band, 1, 128, h, w, 128, 3, 1);
        assertFalse(FastConv.usesIm2col(h, w, 3, 1), "bands are for the padded grid");
        assertTrue(FastConv.gridWeightGradientGemm(128, 128, 3));
        try (CpuDevice cpu = new CpuDevice(2)) {
            long limit = 128L * (w + 2) * (band + 2);
            assertMatchesPlain(p, Convolution.of(new FastConv(cpu, limit)));
        }
    }

    /**
     * A limit below one image splits each image into bands of output rows, as at 4096 px: bands of 1, 2 and 5 rows
     * (the last one shorter), every kernel size and padding PGAN and the upscaler use.
     */
    @ParameterizedTest(name = "R={0} pad={1} band={2}")
    @CsvSource({"3, 1, 1", "3, 1, 2", "3, 1, 5", "1, 0, 2", "4, 0, 3", "5, 2, 5", "2, 1, 2"})
    void matchesThePlainKernelsWhenAnImageIsSplitIntoBands(int r, int pad, int band) {
        int h = 64;
        int w = 60;
        assertFalse(FastConv.usesIm2col(h, w, r, pad), "bands are for the padded grid");
        Problem p = Problem.random(11L * r + band, 2, 5, h, w, 6, r, pad);
        try (CpuDevice cpu = new CpuDevice(2)) {
            // The largest buffer has 8 rows (6 output channels rounded up to a register tile) of grid cells.
            long limit = 8L * (w + 2 * pad) * (band + r - 1);
            assertMatchesPlain(p, Convolution.of(new FastConv(cpu, limit)));
        }
    }

    /**
     * Outputs written directly by the GEMM, from bands of 1 and 3 rows and from groups of 2 images: pieces whose
     * vectors per image (rows of 80 cells: 5 vectors of 16, or 10 of 8) leave 0, 1 or 2 over a multiple of three.
     */
    @ParameterizedTest(name = "rows of the limit={0}")
    @CsvSource({"3", "5", "72"})
    void outputsWrittenDirectlyMatchThePlainKernelsOverBandsAndGroups(int gridRows) {
        int h = 34;
        int w = 80;
        assertTrue(FastConv.writesOutputsDirectly(h, w, 3, 1, 8));
        Problem p = Problem.random(19L + gridRows, 3, 8, h, w, 8, 3, 1);
        try (CpuDevice cpu = new CpuDevice(2)) {
            // The largest buffer has 8 rows (channels) of grid cells: 3 and 5 grid rows are bands of 1 and 3 output
            // rows; 72 hold two images of 36 rows (groups of 2 and 1).
            assertMatchesPlain(p, Convolution.of(new FastConv(cpu, 8L * (w + 2) * gridRows)));
        }
    }

    /**
     * Dense layers run as 1x1 convolutions of 1x1 images: against the plain Dense kernels. Inputs that are whole
     * vectors (64, 96, 512) take the in-place dot products forward; the input gradient's B has whole strips of NR
     * (96), a strip and a part (64), or only a part (37).
     */
    @ParameterizedTest(name = "N={0} In={1} Out={2}")
    @CsvSource({"1, 1, 1", "16, 37, 130", "5, 300, 7", "16, 64, 130", "9, 96, 5", "3, 512, 300", "40, 16, 3"})
    void denseMatchesThePlainKernels(int n, int in, int out) {
        Problem p = Problem.random(n + 7L * in + out, n, in, 1, 1, out, 1, 0);
        try (CpuDevice cpu = new CpuDevice(2)) {
            float[] y = new float[n * out];
            float[] dx = new float[n * in];
            Arrays.fill(y, Float.NaN);    // overwritten
            Arrays.fill(dx, Float.NaN);
            float[] dwStart = randn(new Random(2), out * in);
            float[] dw = dwStart.clone();
            Tensor x = Tensor.of(p.x(), n, in);
            Tensor w = Tensor.of(p.wt(), out, in);
            Tensor dy = Tensor.of(p.dy(), n, out);
            cpu.dense(x, w, SCALE, Tensor.of(y, n, out));
            cpu.denseBackwardInput(dy, w, SCALE, Tensor.of(dx, n, in));
            cpu.denseBackwardWeight(x, dy, SCALE, Tensor.of(dw, out, in));

            float[] expected = new float[y.length];
            float[] magnitude = new float[y.length];
            Dense.forward(0, y.length, p.x(), p.wt(), SCALE, expected, n, in, out);
            Dense.forward(0, y.length, abs(p.x()), abs(p.wt()), SCALE, magnitude, n, in, out);
            assertClose("dense forward", expected, magnitude, y);
            expected = new float[dx.length];
            magnitude = new float[dx.length];
            Dense.backwardInput(0, dx.length, p.dy(), p.wt(), SCALE, expected, n, in, out);
            Dense.backwardInput(0, dx.length, abs(p.dy()), abs(p.wt()), SCALE, magnitude, n, in, out);
            assertClose("dense input gradient", expected, magnitude, dx);
            expected = dwStart.clone();
            magnitude = abs(dwStart);
            Dense.backwardWeight(0, dw.length, p.x(), p.dy(), SCALE, expected, n, in, out);
            Dense.backwardWeight(0, dw.length, abs(p.x()), abs(p.dy()), SCALE, magnitude, n, in, out);
            assertClose("dense weight gradient (added to a random start)", expected, magnitude, dw);
        }
    }

    @Test
    void theTestShapesCoverEveryStaging() {
        assertTrue(FastConv.smallImages(5, 6, 3, 1));
        assertTrue(FastConv.smallImages(8, 8, 3, 1));
        assertTrue(FastConv.smallImages(1, 1, 3, 1));
        assertTrue(FastConv.smallImages(6, 7, 3, 1));
        assertFalse(FastConv.smallImages(23, 21, 3, 1));
        assertTrue(FastConv.usesIm2col(6, 7, 3, 1));
        assertTrue(FastConv.usesIm2col(23, 21, 3, 1));
        assertFalse(FastConv.usesIm2col(30, 29, 3, 1));
        assertFalse(FastConv.usesIm2col(40, 37, 3, 1));
        assertFalse(FastConv.usesIm2col(60, 59, 4, 3));
        assertFalse(FastConv.usesIm2col(28, 30, 3, 1));
        assertTrue(FastConv.gridWeightGradientGemm(128, 130, 3));
        assertTrue(FastConv.gridWeightGradientGemm(144, 128, 3));
        assertFalse(FastConv.gridWeightGradientGemm(7, 40, 3));
        assertTrue(FastConv.writesOutputsDirectly(30, 64, 3, 1, 8));
        assertFalse(FastConv.writesOutputsDirectly(30, 64, 3, 1, 5), "output channels not whole strips");
        assertTrue(FastConv.writesOutputsDirectly(33, 48, 3, 1, 16));
        assertTrue(FastConv.writesOutputsDirectly(56, 64, 5, 2, 8));
        assertFalse(FastConv.writesOutputsDirectly(30, 64, 3, 1, 24), "more output channels than direct writes take");
        assertFalse(FastConv.writesOutputsDirectly(64, 60, 3, 1, 8), "output rows not whole vectors");
        assertFalse(FastConv.writesOutputsDirectly(16, 16, 3, 1, 8), "im2col-staged images");
    }

    @ParameterizedTest(name = "N={0} C={1} {2}x{3} K={4}")
    @CsvSource({"4, 19, 23, 21, 10", "3, 6, 40, 37, 9", "2, 32, 6, 7, 40", "1, 128, 30, 29, 136", "3, 8, 31, 64, 16"})
    void identicalForAnyThreadCount(int n, int c, int h, int w, int k) {
        assertIdenticalForAnyThreadCount(Problem.random(11, n, c, h, w, k, 3, 1),
                cpu -> Convolution.of(new FastConv(cpu)));
    }

    /** The dense path (a 4x4 kernel over 4x4 images), with several blocks of rows and columns. */
    @Test
    void coveringKernelsAreIdenticalForAnyThreadCount() {
        assertIdenticalForAnyThreadCount(Problem.random(12, 37, 24, 4, 4, 200, 4, 0),
                cpu -> Convolution.of(new FastConv(cpu)));
    }

    /** Buffers are reused across calls of different shapes: a second, smaller call must not see the first's data. */
    @Test
    void reusedBuffersDoNotLeakBetweenShapes() {
        Problem big = Problem.random(5, 3, 6, 31, 29, 7, 3, 1);
        Problem small = Problem.random(6, 2, 4, 5, 4, 3, 3, 1);
        try (CpuDevice cpu = new CpuDevice(2)) {
            Convolution fast = Convolution.of(new FastConv(cpu));
            assertMatchesPlain(big, fast);
            assertMatchesPlain(small, fast);
        }
    }


}
