package atelier.core.device;

import atelier.core.device.ConvCheck.Convolution;
import atelier.core.device.ConvCheck.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static atelier.core.device.ConvCheck.assertIdenticalForAnyThreadCount;
import static atelier.core.device.ConvCheck.assertMatchesPlain;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Winograd's F(2x2, 3x3) against the plain reference kernels ({@link ConvCheck}): odd image sizes (tiles hanging
 * over the edge), channel counts that do not divide the register tiles, more tiles and a longer reduction than one
 * GEMM block, batches split into groups; identical for any thread count; taken by the CPU device at PGAN's shapes.
 */
class WinogradConvTest {
    @ParameterizedTest(name = "N={0} C={1} {2}x{3} K={4}")
    @CsvSource({
            "2, 3, 7, 5, 4",      // odd sizes: the last tile row and column hang over the edge
            "3, 2, 1, 1, 3",      // 1x1 images: one tile, three quarters outside
            "2, 5, 2, 2, 6",      // one tile per image
            "4, 17, 4, 4, 9",     // PGAN's 4x4 level, channels that do not divide the tiles (8 rows, 48 columns)
            "3, 70, 24, 22, 53",  // 396 tiles: more than one row block (256) and a reduction (396) past one pass
            "2, 300, 6, 6, 50",   // forward reduction (300 channels) past one pass (256)
            "1, 9, 9, 16, 130",   // more output channels than one column block (192); strips of 8 tiles along rows
            "2, 5, 7, 32, 6",     // rows of 16 tiles: two strips per row, both at an edge; odd height
            "3, 3, 6, 48, 2",     // rows of 24 tiles: a strip inside the row; channels ending mid-vector
            "3, 19, 8, 8, 11",    // rows of 4 tiles: strips of two whole tile rows (8 px)
            "2, 6, 6, 7, 5",      // rows of 4 tiles, odd width, 3 tile rows: strips straddling two images
            "5, 4, 3, 3, 7",      // rows of 2 tiles (4 strip rows, two pairs) over 3x3 images
    })
    void matchesThePlainKernels(int n, int c, int h, int w, int k) {
        Problem p = Problem.random(17L * n + 5L * c + h + 3L * w + k, n, c, h, w, k, 3, 1);
        try (CpuDevice cpu = new CpuDevice(2)) {
            assertMatchesPlain(p, Convolution.of(new WinogradConv(cpu)));
        }
    }

    /**
     * A small limit splits the batch's tiles into chunks of 16 (5 images of 30 tiles: chunks straddle images, the
     * last one short), as at large sizes; the weight gradient adds the chunks up.
     */
    @Test
    void matchesThePlainKernelsWhenTheTilesAreSplitIntoChunks() {
        Problem p = Problem.random(3, 5, 11, 9, 10, 7, 3, 1);
        // 16 points x 16 tiles x 48 (11 and 7 channels, rounded up to a strip of NR columns).
        long sixteenTiles = 16L * 16 * PackedGemm.NR;
        try (CpuDevice cpu = new CpuDevice(2)) {
            assertMatchesPlain(p, Convolution.of(new WinogradConv(cpu, sixteenTiles)));
        }
    }

    @Test
    void identicalForAnyThreadCount() {
        assertIdenticalForAnyThreadCount(Problem.random(11, 3, 19, 13, 10, 21, 3, 1),
                cpu -> Convolution.of(new WinogradConv(cpu)));
    }

    /** The CPU device routes PGAN's many-channel 3x3 convolutions here, through its public API. */
    @Test
    void theCpuDeviceUsesItForManyChannels() {
        // 6 images of 4 x 3 tiles: more than the fewest tiles taken (64).
        Problem p = Problem.random(7, 6, WinogradConv.MIN_CHANNELS, 8, 5, WinogradConv.MIN_CHANNELS + 3, 3, 1);
        assertTrue(WinogradConv.handles(p.n(), p.c(), p.k(), p.h(), p.w(), 3, 1));
        try (CpuDevice cpu = new CpuDevice(2)) {
            assertMatchesPlain(p, Convolution.of(cpu));
        }
    }

    @Test
    void takesOnlyManyChannel3x3ConvolutionsWithPaddingOneOnEnoughTiles() {
        assertTrue(WinogradConv.handles(16, 512, 512, 4, 4, 3, 1), "PGAN's 3x3 at 4 px, batch 16");
        assertTrue(WinogradConv.handles(16, 513, 512, 4, 4, 3, 1), "the critic's stddev channel");
        assertTrue(WinogradConv.handles(1, 512, 512, 16, 16, 3, 1), "batch 1 at 16 px");
        assertFalse(WinogradConv.handles(1, 512, 512, 8, 8, 3, 1), "batch 1 at 8 px: 16 tiles");
        assertFalse(WinogradConv.handles(16, 512, 512, 4, 4, 4, 0), "4x4 valid");
        assertFalse(WinogradConv.handles(16, 512, 512, 8, 8, 3, 0), "3x3 valid");
        assertFalse(WinogradConv.handles(16, WinogradConv.MIN_CHANNELS - 1, 512, 8, 8, 3, 1), "few channels");
    }
}
