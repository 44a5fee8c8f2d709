package atelier.core.device;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

import static atelier.core.device.PackedGemm.MR;
import static atelier.core.device.PackedGemm.NR;
import static atelier.core.device.PackedGemm.grow;
import static atelier.core.device.PackedGemm.growInts;
import static atelier.core.device.PackedGemm.roundUp;
import static atelier.core.device.PackedGemm.rowOffsets;
import static atelier.core.device.PackedGemm.stripBases;
import static atelier.core.device.PackedGemm.stripOffsets;

/**
 * The CPU device's fast convolution: the same math as {@link atelier.core.kernels.Conv2d} (which stays the
 * reference, and what TornadoVM compiles), run as a register-blocked implicit GEMM with the Vector API, because
 * the plain kernel reaches only a few GFLOP/s on a CPU.
 *
 * <p>The trick that avoids im2col: each channel of a group of images is copied once into a zero-padded "grid"
 * (rows of width Wp = W + 2*pad, images one after another), so that tap (ry, rx) of output cell q is grid cell
 * q + ry*Wp + rx. Every reduction index j = (c, ry, rx) is then one constant offset into the grid, and a
 * convolution is a GEMM whose B rows are shifted slices of the grid: out[k, q] = sum_j A[k, j] * grid[off(j) + q].
 * Grid cells in the padding columns and rows produce garbage outputs that are simply not copied out (or, for few
 * output channels and rows of whole vectors, not computed: the GEMM then writes the valid cells' vectors straight
 * to the output images). Small images, where the padding would be a large share of the grid (4-16 px at 3x3), are
 * staged as an explicit im2col matrix instead, in strips of one register tile's width.
 * <ul>
 *   <li>forward: A = w as [K, C*R*R], read in place;</li>
 *   <li>input gradient: the forward convolution of dy with the weights transposed and flipped, padding R-1-pad;</li>
 *   <li>weight gradient: on the grid, dw[k, j] += sum_q dyGrid[k, q] * grid[off(j) + q] with dy copied onto x's
 *       grid (zero in the garbage cells): at 128+ channels as a GEMM over q with the grid transposed to channels
 *       last (each tap a shifted read of it), else as lane-wise dot products over q; for im2col-staged images, as
 *       the GEMM dy x im2col(x)^T, where few cells per weight would leave the dot products' lane sums too
 *       costly.</li>
 *   <li>small images (up to 8x8 outputs) and kernels covering the whole input (dense layers, PGAN's 4x4 valid
 *       convolution), where w is by far the largest operand: with one row of C*R*R inputs per output cell, forward
 *       as dot products of those rows and w's rows in place, the input gradient as the GEMM dy x w with w's rows
 *       read in place, then added back onto the pixels (col2im): w is streamed once and never repacked.</li>
 * </ul>
 * The GEMM ({@link PackedGemm}) keeps each register tile's sums in vector registers over a block of reduction
 * indices; on a Zen 5 core it reaches 200-240 GFLOP/s at 16-256 px, 75-85% of the ~275 GFLOP/s that a loop of
 * register-only FMAs reaches.
 *
 * <p>Determinism: every output element is one work item's sum over its reduction index in a fixed order (blocks of
 * the reduction are fixed constants, not derived from the thread count), so results are bit-identical for any
 * thread count. Buffers are kept between calls (allocation-free in steady state); one call at a time.
 */
final class FastConv {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    /** Vectors of MR floats: one cell of a strip of A. */
    private static final VectorSpecies<Float> STRIP = VectorSpecies.of(float.class,
            VectorShape.forBitSize(MR * Float.SIZE));
    /** Weight gradient on the padded grid: rows k and indices j of a dot-product tile (4x6 beat 4x4, 6x4, 3x8, 2x8). */
    private static final int NK = 4;
    private static final int NJ = 6;
    /**
     * Grid cells per pass over a block of dot-product tiles, between which their sums go back to memory. On a 2-core
     * Xeon (48 KB L1, 2 MB L2) 32 register widths beat 64 by 9-10% at 16-32 channels (the tiles' rows come from L2
     * in shorter streams), 16 ran the same as 32; on a Zen 5, 8-32 had been no better than 64.
     */
    private static final int Q_CHUNK = 32 * NR;
    /**
     * Fewest input and output channels for the padded grid's weight gradient as a GEMM: interleaved in one JVM on a
     * 2-core Xeon (AVX-512), batch 16, the GEMM against the dot products ran 202 vs 175 GFLOP/s at 128:128, 154 vs
     * 161 at 64:256, 113 vs 146 at 32:512 (the transposes and the packing of dy do not shrink with the channels).
     */
    static final int GRID_GEMM_CHANNELS = 128;
    /** Rows k and (at most) indices j of one weight-gradient work item. */
    private static final int WG_K_BLOCK = 8 * NK;
    private static final int WG_J_BLOCK_MAX = 32 * NJ;
    /**
     * Most output cells per image for the small-image path ({@link #smallImages}): PGAN's 4-8 px levels, where (at
     * the small batches that do not take the Winograd path) the weights are by far the largest operand and
     * repacking them costs more than the products.
     */
    static final int SMALL_PLANE = 64;
    /**
     * Grid floats per buffer above which a batch is processed in groups of images or bands of rows: 16 MB, so that a
     * piece's staged input and output are still in the last-level cache when the GEMM and the copy-out read them. At
     * 16-32 channels (PGAN's 512-4096 px levels) the GEMM is bound by memory; 64 MB pieces made 16:1024 15-20%
     * slower on a 2-core Zen 4 (32 MB L3); 64-128 channels run the same either way.
     */
    private static final long GRID_LIMIT = 1L << 22;
    /**
     * Most output channels for which the GEMM writes the output images directly ({@link #writesOutputsDirectly}).
     * Interleaved in one JVM on a 2-core Zen 5 (batch 16, 10 rounds of 0.6 s turns, medians): 16:1024 forward
     * 167 -> 181 GFLOP/s, input gradient 162 -> 176 (both faster in 10 of 10 rounds); at 32:512 direct writes
     * were slower, 181 -> 175 and 180 -> 174 (faster in 2 and 3 of 10): a register tile's rows go to planes a power
     * of two apart, which share cache sets, and more than 16 of them evict each other's partly written lines.
     */
    static final int DIRECT_OUTPUT_CHANNELS = 16;

    private final CpuDevice device;
    private final long gridLimit;
    private float[] grid = new float[0];
    private float[] out = new float[0];
    private float[] packed = new float[0];
    /** Small images: one row per output cell (im2col transposed, or dy), and the rows' input gradients. */
    private float[] cellRows = new float[0];
    private float[] cellGradients = new float[0];
    /** The padded grid's weight gradient: its B operand, the grid with channels last (a vector of them per cell). */
    private float[] channelsLast = new float[0];
    private int[] offsets = new int[0];
    private int[] columnBases = new int[0];
    /** Where each register tile of the GEMM's outputs goes when it writes the output images directly. */
    private int[] outputBases = new int[0];
    private int[] cellCoords = new int[0];
    private int[] tapCoords = new int[0];
    /** Per-thread vector accumulators of the weight gradient's tiles, kept across the passes over the grid. */
    private final ThreadLocal<float[]> tileSums =
            ThreadLocal.withInitial(() -> new float[WG_K_BLOCK * WG_J_BLOCK_MAX * LANES]);

    FastConv(CpuDevice device) {
        this(device, GRID_LIMIT);
    }

    /** {@code gridLimit}: grid floats per buffer above which a batch is split into groups of images. */
    FastConv(CpuDevice device, long gridLimit) {
        this.device = device;
        this.gridLimit = gridLimit;
    }

    /** Whether the fast path handles this padding: 0 <= pad <= R-1 (so the input gradient's padding is >= 0). */
    static boolean supports(int ksize, int pad) {
        return pad >= 0 && pad <= ksize - 1;
    }

    /**
     * Where the columns of one piece's GEMM live: a group of whole images, or a band of output rows
     * [firstRow, firstRow + outH) of one image too large for the grid limit (imageOutH: the image's output height).
     * Padded grid: each image's cells are its zero-padded gridH x gridW input rows, the outputs at the top-left
     * outH x outW of them. Explicit (im2col, for small images, where the padding would be a large share of the
     * cells; always whole images): gridH x gridW = outH x outW, no garbage cells.
     */
    private record Grid(int gridH, int gridW, int images, int outH, int outW, int firstRow, int imageOutH,
                        boolean explicit) {
        /** A group of whole images. */
        static Grid of(int inH, int inW, int ksize, int pad, int images) {
            int outH = inH + 2 * pad - ksize + 1;
            int outW = inW + 2 * pad - ksize + 1;
            return usesIm2col(inH, inW, ksize, pad) ? new Grid(outH, outW, images, outH, outW, 0, outH, true)
                    : band(inH, inW, ksize, pad, images, 0, outH);
        }

        /** Output rows [firstRow, firstRow + rows) of a padded grid: rows + R - 1 input rows. */
        static Grid band(int inH, int inW, int ksize, int pad, int images, int firstRow, int rows) {
            int gridW = inW + 2 * pad;
            return new Grid(rows + ksize - 1, gridW, images, rows, gridW - ksize + 1, firstRow,
                    inH + 2 * pad - ksize + 1, false);
        }

        int cellsPerImage() {
            return gridH * gridW;
        }

        int channelStride() {
            return images * cellsPerImage();
        }

        /** Grid columns computed: up to the last valid output cell, rounded up to whole register tiles. */
        int columns() {
            int last = (images - 1) * cellsPerImage() + (outH - 1) * gridW + outW;
            return roundUp(last, NR);
        }

        /**
         * Floats of a grid buffer for `channels`, with slack for the shifted reads of the garbage columns (and of the
         * weight gradient's transposes, a vector at a time).
         */
        int length(int channels, int ksize) {
            return channels * channelStride() + NR + LANES + ksize * (gridW + 1);
        }
    }

    /**
     * Whether images of this size are staged as an explicit im2col matrix rather than the padded grid: im2col costs
     * R*R copies of the input, worth it once the padding would exceed ~15% of the grid's cells, and for 1x1 outputs
     * (dense layers, 4x4 valid), whose weight gradient has one cell per image to reduce over.
     */
    static boolean usesIm2col(int inH, int inW, int ksize, int pad) {
        long gridCells = (long) (inH + 2 * pad) * (inW + 2 * pad);
        long outCells = (long) (inH + 2 * pad - ksize + 1) * (inW + 2 * pad - ksize + 1);
        return gridCells * 20 > outCells * 23 || outCells == 1;
    }

    /** Runs on one piece of a batch: images [n0, n0 + g.images) or one band of image n0. */
    @FunctionalInterface
    private interface PieceAction {
        void run(int n0, Grid g);
    }

    /**
     * Splits a batch into pieces whose buffers of {@code bufferRows} rows of grid cells stay under the grid limit:
     * groups of whole images, or, for a single image above the limit (thousands of pixels square), bands of output
     * rows, so memory stays bounded at any resolution. The split depends on the shapes only, never on the threads.
     */
    private void forEachPiece(int batch, int inH, int inW, int ksize, int pad, int bufferRows, PieceAction action) {
        Grid whole = Grid.of(inH, inW, ksize, pad, 1);
        long perImage = (long) bufferRows * whole.cellsPerImage();
        if (perImage <= gridLimit || whole.explicit()) {
            int group = (int) Math.max(1, Math.min(batch, gridLimit / perImage));
            for (int n0 = 0; n0 < batch; n0 += group) {
                action.run(n0, Grid.of(inH, inW, ksize, pad, Math.min(group, batch - n0)));
            }
            return;
        }
        int rows = (int) Math.max(1, gridLimit / ((long) bufferRows * whole.gridW) - (ksize - 1));
        for (int n = 0; n < batch; n++) {
            for (int y0 = 0; y0 < whole.outH; y0 += rows) {
                action.run(n, Grid.band(inH, inW, ksize, pad, 1, y0, Math.min(rows, whole.outH - y0)));
            }
        }
    }

    /** y = conv(x, w) * wScale; x [N, C, H, W], w [K, C, R, R], y [N, K, outH, outW]. */
    synchronized void forward(float[] x, float[] w, float wScale, float[] y,
                              int batch, int inC, int inH, int inW, int outC, int ksize, int pad) {
        int width = inC * ksize * ksize;
        if (smallImages(inH, inW, ksize, pad) && width % LANES == 0) {
            forwardSmall(x, w, wScale, y, batch, inC, inH, inW, outC, ksize, pad);
            return;
        }
        // A = w as [K, C*R*R].
        float[] a = packA(outC, width);
        device.parallelFor(roundUp(outC, MR) / MR, (long) MR * width, (begin, end) -> {
            for (int s = begin; s < end; s++) {
                for (int r = 0; r < MR; r++) {
                    int src = Math.min(s * MR + r, outC - 1) * width;
                    int at = s * MR * width + r;
                    for (int j = 0; j < width; j++, at += MR) {
                        a[at] = wScale * w[src + j];
                    }
                }
            }
        });
        convolve(x, a, y, batch, inC, inH, inW, outC, ksize, pad);
    }

    /** dx = conv(dy, flip(w)^T) * wScale with padding R-1-pad (overwrites dx). */
    synchronized void backwardInput(float[] dy, float[] w, float wScale, float[] dx,
                                    int batch, int inC, int inH, int inW, int outC, int ksize, int pad) {
        if (smallImages(inH, inW, ksize, pad)) {
            backwardInputSmall(dy, w, wScale, dx, batch, inC, inH, inW, outC, ksize, pad);
            return;
        }
        int outH = inH + 2 * pad - ksize + 1;
        int outW = inW + 2 * pad - ksize + 1;
        // A[c, (k, ry, rx)] = w[k, c, R-1-ry, R-1-rx].
        int taps = ksize * ksize;
        int width = outC * taps;
        float[] a = packA(inC, width);
        device.parallelFor(roundUp(inC, MR) / MR, (long) MR * width, (begin, end) -> {
            for (int s = begin; s < end; s++) {
                // w[k, c, :, :] for the strip's MR channels c is one run of MR * taps floats.
                for (int k = 0; k < outC; k++) {
                    for (int r = 0; r < MR; r++) {
                        int src = (k * inC + Math.min(s * MR + r, inC - 1)) * taps;
                        int at = (s * width + k * taps + taps - 1) * MR + r;
                        for (int t = 0; t < taps; t++, at -= MR) {
                            a[at] = wScale * w[src + t];
                        }
                    }
                }
            }
        });
        convolve(dy, a, dx, batch, outC, outH, outW, inC, ksize, ksize - 1 - pad);
    }

    /**
     * Whether the small-image path takes the convolution: few output cells per image or a kernel covering the whole
     * input with no padding, whose output is 1x1: a dense product over the C*R*R values of each image (dense layers
     * are 1x1 convolutions of 1x1 images; PGAN's last 4x4 convolution is one too). Decided per image, never by the
     * batch, so that an image's result does not depend on the batch it is computed in.
     */
    static boolean smallImages(int inH, int inW, int ksize, int pad) {
        long plane = (long) (inH + 2 * pad - ksize + 1) * (inW + 2 * pad - ksize + 1);
        return covers(inH, inW, ksize, pad) || usesIm2col(inH, inW, ksize, pad) && plane <= SMALL_PLANE;
    }

    /** Whether the kernel covers the whole input with no padding: x [N, C, R, R] is then [N, C*R*R]. */
    private static boolean covers(int inH, int inW, int ksize, int pad) {
        return pad == 0 && inH == ksize && inW == ksize;
    }

    /**
     * y = conv(x, w) * wScale for small images: with one row per output cell q = (n, oy, ox) holding its C*R*R
     * inputs (x itself where the kernel covers the image), y[n, k, oy, ox] = wScale * sum_j rows[q, j] w[k, j] as
     * dot products of rows read in place: w is streamed, never repacked. The reduction must be whole vectors.
     */
    private void forwardSmall(float[] x, float[] w, float wScale, float[] y, int batch, int inC, int inH, int inW,
                              int outC, int ksize, int pad) {
        int width = inC * ksize * ksize;
        int outH = inH + 2 * pad - ksize + 1;
        int outW = inW + 2 * pad - ksize + 1;
        int plane = outH * outW;
        int cells = batch * plane;
        float[] rows = covers(inH, inW, ksize, pad) ? x : im2colRows(x, batch, inC, inH, inW, ksize, pad);
        offsets = rowOffsets(offsets, outC, width);
        if (plane == 1) {
            dotProducts(rows, width, cells, w, offsets, outC, width, wScale, y, false);
            return;
        }
        out = grow(out, cells * outC);
        float[] c = out;
        dotProducts(rows, width, cells, w, offsets, outC, width, wScale, c, false);
        device.parallelFor(batch * outC, plane, (begin, end) -> {
            for (int item = begin; item < end; item++) {
                int n = item / outC;
                int k = item % outC;
                for (int p = 0; p < plane; p++) {
                    y[item * plane + p] = c[(n * plane + p) * outC + k];
                }
            }
        });
    }

    /**
     * dx = conv(dy, flip(w)^T) * wScale (overwrites dx) for small images: the gradient of each output cell's row of
     * inputs, rowGrad[q, j] = wScale * sum_k dy[n, k, oy, ox] w[k, j] (the GEMM {@link #rowsTimesWeights}, w read in
     * place), added back onto the pixels each row was copied from (col2im; dx itself where the kernel covers it).
     */
    private void backwardInputSmall(float[] dy, float[] w, float wScale, float[] dx, int batch, int inC, int inH,
                                    int inW, int outC, int ksize, int pad) {
        int width = inC * ksize * ksize;
        int outH = inH + 2 * pad - ksize + 1;
        int outW = inW + 2 * pad - ksize + 1;
        int plane = outH * outW;
        int cells = batch * plane;
        if (covers(inH, inW, ksize, pad)) {
            rowsTimesWeights(dy, w, wScale, dx, cells, width, outC);
            return;
        }
        cellRows = grow(cellRows, cells * outC);
        float[] dyRows = cellRows;
        device.parallelFor(cells, outC, (begin, end) -> {
            for (int q = begin; q < end; q++) {
                int n = q / plane;
                int p = q % plane;
                for (int k = 0; k < outC; k++) {
                    dyRows[q * outC + k] = dy[(n * outC + k) * plane + p];
                }
            }
        });
        cellGradients = grow(cellGradients, cells * width);
        float[] rowGrads = cellGradients;
        rowsTimesWeights(dyRows, w, wScale, rowGrads, cells, width, outC);
        // Each input pixel gathers the row entries copied from it, so no two work items write one pixel.
        device.parallelFor(batch * inC, inH * inW * ksize * ksize, (begin, end) -> {
            for (int item = begin; item < end; item++) {
                int n = item / inC;
                int c = item % inC;
                for (int iy = 0; iy < inH; iy++) {
                    for (int ix = 0; ix < inW; ix++) {
                        float sum = 0f;
                        for (int ry = 0; ry < ksize; ry++) {
                            int oy = iy + pad - ry;
                            for (int rx = 0; rx < ksize; rx++) {
                                int ox = ix + pad - rx;
                                if (oy >= 0 && oy < outH && ox >= 0 && ox < outW) {
                                    sum += rowGrads[((n * outH + oy) * outW + ox) * width
                                            + (c * ksize + ry) * ksize + rx];
                                }
                            }
                        }
                        dx[(item * inH + iy) * inW + ix] = sum;
                    }
                }
            }
        });
    }

    /**
     * The small-image path's rows: rows[q * width + j] = x[n, c, oy + ry - pad, ox + rx - pad] (zero outside the
     * image) for output cell q = (n, oy, ox) and j = (c, ry, rx), i.e. im2col transposed.
     */
    private float[] im2colRows(float[] x, int batch, int channels, int h, int w, int ksize, int pad) {
        int width = channels * ksize * ksize;
        int outH = h + 2 * pad - ksize + 1;
        int outW = w + 2 * pad - ksize + 1;
        cellRows = grow(cellRows, batch * outH * outW * width);
        float[] rows = cellRows;
        device.parallelFor(batch * outH * outW, width, (begin, end) -> {
            for (int q = begin; q < end; q++) {
                int n = q / (outH * outW);
                int oy = q / outW % outH;
                int ox = q % outW;
                int at = q * width;
                for (int c = 0; c < channels; c++) {
                    int image = (n * channels + c) * h * w;
                    for (int ry = 0; ry < ksize; ry++) {
                        int iy = oy + ry - pad;
                        for (int rx = 0; rx < ksize; rx++, at++) {
                            int ix = ox + rx - pad;
                            rows[at] = iy >= 0 && iy < h && ix >= 0 && ix < w ? x[image + iy * w + ix] : 0f;
                        }
                    }
                }
            }
        });
        return rows;
    }

    /**
     * dx[n, j] = wScale * sum_k dy[n, k] w[k, j] for rows n < batch: the GEMM with the rows as A and w's rows read in
     * place as B, so w is streamed once and nothing of its size is packed. B's columns must be whole strips of NR:
     * the last width % NR columns come from a zero-padded copy.
     */
    private void rowsTimesWeights(float[] dy, float[] w, float wScale, float[] dx, int batch, int width, int outC) {
        int rowsPadded = roundUp(batch, MR);
        float[] a = packA(batch, outC);
        device.parallelFor(rowsPadded / MR, (long) MR * outC, (begin, end) -> {
            for (int s = begin; s < end; s++) {
                int at = s * MR * outC;
                for (int k = 0; k < outC; k++) {
                    for (int r = 0; r < MR; r++) {
                        a[at++] = dy[Math.min(s * MR + r, batch - 1) * outC + k];
                    }
                }
            }
        });
        int main = width / NR * NR;
        int tail = width - main;
        out = grow(out, rowsPadded * Math.max(main, NR));
        if (tail > 0) {
            grid = grow(grid, outC * NR);
            for (int k = 0; k < outC; k++) {
                System.arraycopy(w, k * width + main, grid, k * NR, tail);
                Arrays.fill(grid, k * NR + tail, (k + 1) * NR, 0f);
            }
            offsets = stripOffsets(offsets, outC);
            columnBases = stripBases(columnBases, NR, 1);
            PackedGemm.gemm(device, 1, a, 0, batch, outC, grid, 0, offsets, columnBases, out, 0, NR, false);
            copyColumns(out, NR, main, tail, batch, width, wScale, dx);
        }
        if (main > 0) {
            offsets = rowOffsets(offsets, outC, width);
            columnBases = stripBases(columnBases, main, 1);
            PackedGemm.gemm(device, 1, a, 0, batch, outC, w, 0, offsets, columnBases, out, 0, main, false);
            copyColumns(out, main, 0, main, batch, width, wScale, dx);
        }
    }

    /** dst[n, first + j] = scale * c[n, j] for n < rows, j < count; c has `columns` per row, dst `width`. */
    private void copyColumns(float[] c, int columns, int first, int count, int rows, int width, float scale,
                             float[] dst) {
        device.parallelFor(rows, count, (begin, end) -> {
            for (int n = begin; n < end; n++) {
                for (int j = 0; j < count; j++) {
                    dst[n * width + first + j] = scale * c[n * columns + j];
                }
            }
        });
    }

    /**
     * The buffer for the GEMM's A of `rows` x `width`, which the caller fills packed in strips of MR rows: element
     * (m, j) at a[((m / MR) * width + j) * MR + m % MR], rows past the end repeating the last one (their outputs are
     * discarded). A tile's MR broadcasts then come from one sequential stream.
     */
    private float[] packA(int rows, int width) {
        packed = grow(packed, roundUp(rows, MR) * width);
        return packed;
    }

    /**
     * outImages = A x (the staged input), group of images by group; A [outC, inC*R*R] packed (packA), the weight
     * scale in it.
     */
    private void convolve(float[] in, float[] a, float[] outImages,
                          int batch, int inC, int inH, int inW, int outC, int ksize, int pad) {
        int width = inC * ksize * ksize;
        int rowsPadded = roundUp(outC, MR);
        boolean direct = writesOutputsDirectly(inH, inW, ksize, pad, outC);
        forEachPiece(batch, inH, inW, ksize, pad, bufferRows(inH, inW, ksize, pad, inC, outC), (n0, g) -> {
            int stripRows = stage(in, n0, inC, inH, inW, ksize, pad, g);
            if (direct) {
                gemmIntoOutputs(a, outC, width, g, n0, outImages);
                return;
            }
            int columns = g.columns();
            out = grow(out, rowsPadded * columns);
            columnBases = stripBases(columnBases, columns, stripRows);
            PackedGemm.gemm(device, 1, a, 0, outC, width, grid, 0, offsets, columnBases, out, 0, columns, false);
            copyOut(out, columns, g, outC, n0, outImages);
        });
    }

    /**
     * Whether the GEMM of a piece writes the output images directly ({@link #gemmIntoOutputs}) instead of a buffer
     * that is then copied out: padded grids whose output rows are whole vectors, to few output channels (at most
     * {@link #DIRECT_OUTPUT_CHANNELS}, whole register strips: every row of a strip is written).
     */
    static boolean writesOutputsDirectly(int inH, int inW, int ksize, int pad, int outC) {
        int outW = inW + 2 * pad - ksize + 1;
        return !usesIm2col(inH, inW, ksize, pad) && outW % LANES == 0 && outC % MR == 0
                && outC <= DIRECT_OUTPUT_CHANNELS;
    }

    /**
     * The GEMM of a padded grid's piece over its valid cells only, each vector of them read at its place in the grid
     * (no garbage columns computed). A register tile writes three vectors side by side, and an image's output cells
     * are contiguous in each plane, so each image's vectors go by threes straight to the output images; the 1-2 left
     * at an image's end (when its vectors are not a multiple of three) take one more GEMM into a buffer, copied out.
     */
    private void gemmIntoOutputs(float[] a, int outC, int width, Grid g, int n0, float[] outImages) {
        int perRow = g.outW / LANES;
        int perImage = g.outH * perRow;
        int triples = perImage / 3;
        int rest = perImage - 3 * triples;
        int tiles = g.images * triples;
        int plane = g.imageOutH * g.outW;
        columnBases = growInts(columnBases, Math.max(3 * tiles, roundUp(g.images * rest, 3)));
        outputBases = growInts(outputBases, tiles);
        for (int t = 0; t < tiles; t++) {
            int i = t / triples;
            int u = t % triples * 3;
            for (int v = 0; v < 3; v++) {
                columnBases[3 * t + v] = gridVector(g, i, u + v);
            }
            outputBases[t] = outputVector(g, n0 + i, outC, u);
        }
        if (tiles > 0) {
            PackedGemm.gemm(device, 1, a, 0, outC, width, grid, 0, offsets, columnBases, outImages, 0, outputBases,
                    plane, tiles * NR, false);
        }
        if (rest == 0) {
            return;
        }
        int extra = g.images * rest;
        int columns = roundUp(extra, 3) * LANES;
        for (int e = 0; e < columns / LANES; e++) {
            int last = Math.min(e, extra - 1);
            columnBases[e] = gridVector(g, last / rest, 3 * triples + last % rest);
        }
        out = grow(out, roundUp(outC, MR) * columns);
        float[] c = out;
        PackedGemm.gemm(device, 1, a, 0, outC, width, grid, 0, offsets, columnBases, c, 0, columns, false);
        device.parallelFor(outC, (long) extra * LANES, (begin, end) -> {
            for (int k = begin; k < end; k++) {
                for (int e = 0; e < extra; e++) {
                    int dst = outputVector(g, n0 + e / rest, outC, 3 * triples + e % rest) + k * plane;
                    System.arraycopy(c, k * columns + e * LANES, outImages, dst, LANES);
                }
            }
        });
    }

    /** Where vector u (row-major, LANES cells each) of image i's valid output cells starts in a piece's grid. */
    private static int gridVector(Grid g, int i, int u) {
        return i * g.cellsPerImage() + u / (g.outW / LANES) * g.gridW + u % (g.outW / LANES) * LANES;
    }

    /** Where that vector u of image n starts in the output images [N, outC, H, W], channel 0. */
    private static int outputVector(Grid g, int n, int outC, int u) {
        return n * outC * g.imageOutH * g.outW + g.firstRow * g.outW + u * LANES;
    }

    /** Rows of the largest buffer of a piece: the staged input (channels, or im2col's C*R*R) or the output. */
    private static int bufferRows(int inH, int inW, int ksize, int pad, int inC, int outC) {
        return Math.max(usesIm2col(inH, inW, ksize, pad) ? inC * ksize * ksize : inC, roundUp(outC, MR));
    }


    /**
     * dw[k, c, ry, rx] += wScale * sum_{n, oy, ox} dy[n, k, oy, ox] * x[n, c, oy+ry-pad, ox+rx-pad]. On the padded
     * grid, as dot products over the grid's cells; for explicit grids (small images, few cells per weight) as the
     * GEMM dw = dy x im2col(x)^T, where the dot products' final lane sums would cost as much as the products.
     */
    synchronized void backwardWeight(float[] x, float[] dy, float wScale, float[] dw,
                                     int batch, int inC, int inH, int inW, int outC, int ksize, int pad) {
        boolean gridGemm = gridWeightGradientGemm(inC, outC, ksize);
        forEachPiece(batch, inH, inW, ksize, pad, bufferRows(inH, inW, ksize, pad, inC, outC), (n0, g) -> {
            if (g.explicit()) {
                weightGradientGemm(x, dy, wScale, dw, n0, inC, inH, inW, outC, ksize, pad, g);
            } else if (gridGemm) {
                weightGradientGridGemm(x, dy, wScale, dw, n0, inC, inH, inW, outC, ksize, pad, g);
            } else {
                weightGradientDots(x, dy, wScale, dw, n0, inC, inH, inW, outC, ksize, pad, g);
            }
        });
    }

    /**
     * Whether the padded grid's weight gradient runs as a GEMM ({@link #weightGradientGridGemm}) rather than as dot
     * products: enough channels to repay the transposes, input channels in whole vectors and taps x channels in
     * whole register tiles.
     */
    static boolean gridWeightGradientGemm(int inC, int outC, int ksize) {
        return Math.min(inC, outC) >= GRID_GEMM_CHANNELS && SquareTranspose.SUPPORTED && LANES % MR == 0
                && inC % LANES == 0 && inC * ksize * ksize % NR == 0;
    }

    /**
     * The weight gradient of one piece, padded grid, as one GEMM over the piece's grid cells q:
     * c[k, (tap, c)] = sum_q dyGrid[k, q] * grid[c, q + shift(tap)], then dw[k, c, tap] += wScale * c. B is the grid
     * transposed once to channels last, [c / LANES][cell][c % LANES] (register transposes, {@link SquareTranspose}):
     * a tap's shift then only moves where a vector of columns starts, so the taps are column vectors at their own
     * bases and no shifted copies are made. A is dy on the grid's cells (zero in the garbage cells), strips of MR
     * output channels. The reduction runs along A's broadcasts with B's slices in the L1 cache, where the dot
     * products load two operands per multiply-add.
     */
    private void weightGradientGridGemm(float[] x, float[] dy, float wScale, float[] dw, int n0, int inC, int inH,
                                        int inW, int outC, int ksize, int pad, Grid g) {
        int taps = ksize * ksize;
        int width = inC * taps;
        int cells = g.columns();
        // Cells that a tap's shifted rows reach.
        int span = roundUp(cells + (ksize - 1) * (g.gridW + 1), LANES);
        stage(x, n0, inC, inH, inW, ksize, pad, g);
        // A: dy onto a grid of its own, then squares of LANES output channels x LANES cells transposed, each cell's
        // parts of MR channels going to their strips.
        int channels = roundUp(outC, LANES);
        int dyStride = dyOnGrid(dy, n0, outC, channels, g);
        float[] dyGrid = out;
        float[] a = packA(channels, cells);
        int cellBlocks = cells / LANES;
        device.parallelFor(channels / LANES * cellBlocks, (long) LANES * LANES, (begin, end) -> {
            float[] square = new float[LANES * LANES];
            for (int item = begin; item < end; item++) {
                int k0 = item / cellBlocks * LANES;
                int q0 = item % cellBlocks * LANES;
                SquareTranspose.transpose(dyGrid, k0 * dyStride + q0, dyStride, square, 0, LANES);
                for (int q = 0; q < LANES; q++) {
                    for (int r = 0; r < LANES; r += MR) {
                        FloatVector.fromArray(STRIP, square, q * LANES + r)
                                .intoArray(a, ((k0 + r) / MR * cells + q0 + q) * MR);
                    }
                }
            }
        });
        channelsLast = grow(channelsLast, inC * span);
        float[] b = channelsLast;
        float[] src = grid;
        int channelStride = g.channelStride();
        int blocks = span / LANES;
        device.parallelFor(inC / LANES * blocks, (long) LANES * LANES, (begin, end) -> {
            for (int item = begin; item < end; item++) {
                int group = item / blocks;
                int q = item % blocks * LANES;
                SquareTranspose.transpose(src, group * LANES * channelStride + q, channelStride, b,
                        (group * span + q) * LANES, LANES);
            }
        });
        offsets = rowOffsets(offsets, cells, LANES);
        columnBases = growInts(columnBases, width / LANES);
        for (int v = 0; v < width / LANES; v++) {
            int tap = v * LANES / inC;
            int group = v * LANES % inC / LANES;
            columnBases[v] = (group * span + tap / ksize * g.gridW + tap % ksize) * LANES;
        }
        out = grow(out, roundUp(outC, MR) * width);
        float[] c = out;
        PackedGemm.gemm(device, 1, a, 0, outC, cells, b, 0, offsets, columnBases, c, 0, width, false);
        device.parallelFor(outC, width, (begin, end) -> {
            for (int k = begin; k < end; k++) {
                for (int j = 0; j < width; j++) {
                    dw[k * width + j] += wScale * c[k * width + j % taps * inC + j / taps];
                }
            }
        });
    }

    /** The weight gradient of one group of images, explicit grid: c = dy x im2col^T, then dw += wScale * c. */
    private void weightGradientGemm(float[] x, float[] dy, float wScale, float[] dw, int n0, int inC, int inH,
                                    int inW, int outC, int ksize, int pad, Grid g) {
        int width = inC * ksize * ksize;
        int widthPadded = roundUp(width, NR);
        int cells = g.channelStride();
        int rowsPadded = roundUp(outC, MR);
        // A = dy of the group as [outC, cells].
        float[] a = packA(outC, cells);
        int plane = g.cellsPerImage();
        device.parallelFor(roundUp(outC, MR) / MR, (long) MR * cells, (begin, end) -> {
            for (int s = begin; s < end; s++) {
                int at = s * MR * cells;
                for (int i = 0; i < g.images; i++) {
                    for (int p = 0; p < plane; p++) {
                        for (int r = 0; r < MR; r++) {
                            a[at++] = dy[((n0 + i) * outC + Math.min(s * MR + r, outC - 1)) * plane + p];
                        }
                    }
                }
            }
        });
        // B = im2col(x)^T [cells, widthPadded] in strips of NR columns (see PackedGemm.gemm): row q holds every
        // (c, ry, rx) of output cell q, zero past width.
        grid = grow(grid, cells * widthPadded);
        float[] b = grid;
        int[] cellCoords = cellCoordinates(n0, inC, inH, inW, g);
        int[] tapCoords = tapCoordinates(inC, inH, inW, ksize, pad);
        im2colStrips(x, inH, inW, tapCoords, width, cellCoords, cells, widthPadded / NR, b);
        offsets = stripOffsets(offsets, cells);
        out = grow(out, rowsPadded * widthPadded);
        float[] c = out;
        columnBases = stripBases(columnBases, widthPadded, cells);
        PackedGemm.gemm(device, 1, a, 0, outC, cells, b, 0, offsets, columnBases, c, 0, widthPadded, false);
        device.parallelFor(outC, width, (begin, end) -> {
            for (int k = begin; k < end; k++) {
                for (int j = 0; j < width; j++) {
                    dw[k * width + j] += wScale * c[k * widthPadded + j];
                }
            }
        });
    }

    /** The weight gradient of one group of images, padded grid: lane-wise dot products over the grid's cells. */
    private void weightGradientDots(float[] x, float[] dy, float wScale, float[] dw, int n0, int inC, int inH,
                                    int inW, int outC, int ksize, int pad, Grid g) {
        int columns = g.columns();
        stage(x, n0, inC, inH, inW, ksize, pad, g);
        int dyStride = dyOnGrid(dy, n0, outC, outC, g);
        dotProducts(out, dyStride, outC, grid, offsets, inC * ksize * ksize, columns, wScale, dw, true);
    }

    /**
     * Puts dy of the piece's images into {@code out} on x's grid, at the top-left of each image's cells, zero
     * elsewhere (also in the columns past the images, up to g.columns(), and in rows outC to `rows`), one row per
     * output channel; returns the row stride.
     */
    private int dyOnGrid(float[] dy, int n0, int outC, int rows, Grid g) {
        int stride = Math.max(g.columns(), g.channelStride());
        out = toGrid(dy, n0, outC, g.imageOutH, g.outW, g, 0, g.firstRow + g.outH, out, stride, rows * stride);
        return stride;
    }

    /**
     * result[k, j] (+)= scale * sum_{q < columns} a[k * aStride + q] * b[off[j] + q] for k < rows, j < width, as
     * lane-wise dot products in NK x NJ tiles ({@link #dotTile}); columns is a multiple of LANES. Each sum runs
     * over q in a fixed order (lanes, then the lanes' sum), whatever the blocks and threads.
     */
    private void dotProducts(float[] a, int aStride, int rows, float[] b, int[] off, int width, int columns,
                             float scale, float[] result, boolean accumulate) {
        int kBlocks = (rows + WG_K_BLOCK - 1) / WG_K_BLOCK;
        // Each work item streams a and b once, so as few items as keep every thread busy: a multiple of the
        // thread count of j-blocks of at most WG_J_BLOCK_MAX.
        int threads = device.threads();
        int jBlockCount = threads * ((width + threads * WG_J_BLOCK_MAX - 1) / (threads * WG_J_BLOCK_MAX));
        int jBlockSize = roundUp((width + jBlockCount - 1) / jBlockCount, NJ);
        int jBlocks = (width + jBlockSize - 1) / jBlockSize;
        device.parallelFor(kBlocks * jBlocks, (long) WG_K_BLOCK * jBlockSize * columns, (begin, end) -> {
            float[] sums = tileSums.get();
            for (int item = begin; item < end; item++) {
                int k0 = item / jBlocks * WG_K_BLOCK;
                int k1 = Math.min(rows, k0 + WG_K_BLOCK);
                int j0 = item % jBlocks * jBlockSize;
                int j1 = Math.min(width, j0 + jBlockSize);
                for (int q = 0; q < columns; q += Q_CHUNK) {
                    int qn = Math.min(Q_CHUNK, columns - q);
                    int t = 0;
                    for (int k = k0; k < k1; k += NK) {
                        for (int j = j0; j < j1; j += NJ, t++) {
                            dotTile(a, aStride, k, rows, b, off, j, width, q, qn, sums, t * NK * NJ * LANES,
                                    q == 0);
                        }
                    }
                }
                int t = 0;
                for (int k = k0; k < k1; k += NK) {
                    for (int j = j0; j < j1; j += NJ, t++) {
                        for (int r = 0; r < NK && k + r < rows; r++) {
                            for (int u = 0; u < NJ && j + u < width; u++) {
                                int base = t * NK * NJ * LANES + (r * NJ + u) * LANES;
                                float sum = 0f;
                                for (int l = 0; l < LANES; l++) {
                                    sum += sums[base + l];
                                }
                                int at = (k + r) * width + j + u;
                                result[at] = accumulate ? result[at] + scale * sum : scale * sum;
                            }
                        }
                    }
                }
            }
        });
    }

    /**
     * One NK x NJ tile of lane-wise dot products over grid columns [q, q + qn): sums[r, u, lane] (+)=
     * dyGrid[k + r, ...] * grid[off[j + u] + ...]. Rows k + r >= rows and indices j + u >= width reuse the last
     * valid one (their sums are discarded), so every tile runs the same code.
     */
    private static void dotTile(float[] dyGrid, int dyStride, int k, int rows, float[] b, int[] off, int j, int width,
                                int q, int qn, float[] sums, int sBase, boolean first) {
        int d0 = Math.min(k, rows - 1) * dyStride;
        int d1 = Math.min(k + 1, rows - 1) * dyStride;
        int d2 = Math.min(k + 2, rows - 1) * dyStride;
        int d3 = Math.min(k + 3, rows - 1) * dyStride;
        int x0 = off[Math.min(j, width - 1)];
        int x1 = off[Math.min(j + 1, width - 1)];
        int x2 = off[Math.min(j + 2, width - 1)];
        int x3 = off[Math.min(j + 3, width - 1)];
        int x4 = off[Math.min(j + 4, width - 1)];
        int x5 = off[Math.min(j + 5, width - 1)];
        FloatVector s00, s01, s02, s03, s04, s05, s10, s11, s12, s13, s14, s15, s20, s21, s22, s23, s24, s25, s30, s31,
                s32, s33, s34, s35;
        if (first) {
            s00 = FloatVector.zero(SPECIES);
            s01 = s02 = s03 = s04 = s05 = s10 = s11 = s12 = s00;
            s13 = s14 = s15 = s20 = s21 = s22 = s23 = s24 = s00;
            s25 = s30 = s31 = s32 = s33 = s34 = s35 = s00;
        } else {
            s00 = FloatVector.fromArray(SPECIES, sums, sBase);
            s01 = FloatVector.fromArray(SPECIES, sums, sBase + LANES);
            s02 = FloatVector.fromArray(SPECIES, sums, sBase + 2 * LANES);
            s03 = FloatVector.fromArray(SPECIES, sums, sBase + 3 * LANES);
            s04 = FloatVector.fromArray(SPECIES, sums, sBase + 4 * LANES);
            s05 = FloatVector.fromArray(SPECIES, sums, sBase + 5 * LANES);
            s10 = FloatVector.fromArray(SPECIES, sums, sBase + 6 * LANES);
            s11 = FloatVector.fromArray(SPECIES, sums, sBase + 7 * LANES);
            s12 = FloatVector.fromArray(SPECIES, sums, sBase + 8 * LANES);
            s13 = FloatVector.fromArray(SPECIES, sums, sBase + 9 * LANES);
            s14 = FloatVector.fromArray(SPECIES, sums, sBase + 10 * LANES);
            s15 = FloatVector.fromArray(SPECIES, sums, sBase + 11 * LANES);
            s20 = FloatVector.fromArray(SPECIES, sums, sBase + 12 * LANES);
            s21 = FloatVector.fromArray(SPECIES, sums, sBase + 13 * LANES);
            s22 = FloatVector.fromArray(SPECIES, sums, sBase + 14 * LANES);
            s23 = FloatVector.fromArray(SPECIES, sums, sBase + 15 * LANES);
            s24 = FloatVector.fromArray(SPECIES, sums, sBase + 16 * LANES);
            s25 = FloatVector.fromArray(SPECIES, sums, sBase + 17 * LANES);
            s30 = FloatVector.fromArray(SPECIES, sums, sBase + 18 * LANES);
            s31 = FloatVector.fromArray(SPECIES, sums, sBase + 19 * LANES);
            s32 = FloatVector.fromArray(SPECIES, sums, sBase + 20 * LANES);
            s33 = FloatVector.fromArray(SPECIES, sums, sBase + 21 * LANES);
            s34 = FloatVector.fromArray(SPECIES, sums, sBase + 22 * LANES);
            s35 = FloatVector.fromArray(SPECIES, sums, sBase + 23 * LANES);
        }
        for (int i = q; i < q + qn; i += LANES) {
            FloatVector a0 = FloatVector.fromArray(SPECIES, dyGrid, d0 + i);
            FloatVector a1 = FloatVector.fromArray(SPECIES, dyGrid, d1 + i);
            FloatVector a2 = FloatVector.fromArray(SPECIES, dyGrid, d2 + i);
            FloatVector a3 = FloatVector.fromArray(SPECIES, dyGrid, d3 + i);
            FloatVector bv = FloatVector.fromArray(SPECIES, b, x0 + i);
            s00 = a0.fma(bv, s00);
            s10 = a1.fma(bv, s10);
            s20 = a2.fma(bv, s20);
            s30 = a3.fma(bv, s30);
            bv = FloatVector.fromArray(SPECIES, b, x1 + i);
            s01 = a0.fma(bv, s01);
            s11 = a1.fma(bv, s11);
            s21 = a2.fma(bv, s21);
            s31 = a3.fma(bv, s31);
            bv = FloatVector.fromArray(SPECIES, b, x2 + i);
            s02 = a0.fma(bv, s02);
            s12 = a1.fma(bv, s12);
            s22 = a2.fma(bv, s22);
            s32 = a3.fma(bv, s32);
            bv = FloatVector.fromArray(SPECIES, b, x3 + i);
            s03 = a0.fma(bv, s03);
            s13 = a1.fma(bv, s13);
            s23 = a2.fma(bv, s23);
            s33 = a3.fma(bv, s33);
            bv = FloatVector.fromArray(SPECIES, b, x4 + i);
            s04 = a0.fma(bv, s04);
            s14 = a1.fma(bv, s14);
            s24 = a2.fma(bv, s24);
            s34 = a3.fma(bv, s34);
            bv = FloatVector.fromArray(SPECIES, b, x5 + i);
            s05 = a0.fma(bv, s05);
            s15 = a1.fma(bv, s15);
            s25 = a2.fma(bv, s25);
            s35 = a3.fma(bv, s35);
        }
        s00.intoArray(sums, sBase);
        s01.intoArray(sums, sBase + LANES);
        s02.intoArray(sums, sBase + 2 * LANES);
        s03.intoArray(sums, sBase + 3 * LANES);
        s04.intoArray(sums, sBase + 4 * LANES);
        s05.intoArray(sums, sBase + 5 * LANES);
        s10.intoArray(sums, sBase + 6 * LANES);
        s11.intoArray(sums, sBase + 7 * LANES);
        s12.intoArray(sums, sBase + 8 * LANES);
        s13.intoArray(sums, sBase + 9 * LANES);
        s14.intoArray(sums, sBase + 10 * LANES);
        s15.intoArray(sums, sBase + 11 * LANES);
        s20.intoArray(sums, sBase + 12 * LANES);
        s21.intoArray(sums, sBase + 13 * LANES);
        s22.intoArray(sums, sBase + 14 * LANES);
        s23.intoArray(sums, sBase + 15 * LANES);
        s24.intoArray(sums, sBase + 16 * LANES);
        s25.intoArray(sums, sBase + 17 * LANES);
        s30.intoArray(sums, sBase + 18 * LANES);
        s31.intoArray(sums, sBase + 19 * LANES);
        s32.intoArray(sums, sBase + 20 * LANES);
        s33.intoArray(sums, sBase + 21 * LANES);
        s34.intoArray(sums, sBase + 22 * LANES);
        s35.intoArray(sums, sBase + 23 * LANES);
    }


    /**
     * Stages the B operand of a group of images of src [N, channels, h, w] in {@code grid}, with {@code offsets[j]}
     * where reduction index j = (c, ry, rx) starts, and returns the rows per strip of B for
     * {@link PackedGemm#stripBases}: the padded grid (one copy of the input, its columns along the rows; 1) or, for
     * explicit grids, the im2col matrix in strips of NR columns, each strip [width, NR] contiguous, so that a
     * register tile reads its B slice sequentially (width).
     */
    private int stage(float[] src, int n0, int channels, int h, int w, int ksize, int pad, Grid g) {
        int width = channels * ksize * ksize;
        if (!g.explicit()) {
            offsets = growInts(offsets, width);
            grid = toGrid(src, n0, channels, h, w, g, pad, h, grid, g.channelStride(), g.length(channels, ksize));
            for (int j = 0; j < width; j++) {
                offsets[j] = j / (ksize * ksize) * g.channelStride() + j / ksize % ksize * g.gridW + j % ksize;
            }
            return 1;
        }
        int columns = g.columns();
        grid = grow(grid, width * columns);
        int[] taps = tapCoordinates(channels, h, w, ksize, pad);
        float[] dst = grid;
        device.parallelFor(columns / NR, (long) width * NR, (begin, end) -> {
            for (int s = begin; s < end; s++) {
                im2colCellStrip(src, n0, channels, h, w, taps, width, g, s, dst);
            }
        });
        offsets = stripOffsets(offsets, width);
        return width;
    }

    /**
     * Strip s of the forward's im2col matrix, output cells q in [s*NR, s*NR + NR) as lanes: dst[s*NR*width + j*NR + l]
     * = src[n0 + i, c, oy + ry - pad, ox + rx - pad] for cell q = s*NR + l = (i, oy, ox) and j = (c, ry, rx), zero
     * outside the image and past the group's cells. Written in runs along output rows, so the copies vectorize.
     */
    private static void im2colCellStrip(float[] src, int n0, int channels, int h, int w, int[] taps, int width,
                                        Grid g, int s, float[] dst) {
        int cells = g.channelStride();
        int first = s * NR;
        int last = Math.min(first + NR, cells);
        int firstImage = first / g.cellsPerImage();
        int firstY = first % g.cellsPerImage() / g.outW;
        int firstX = first % g.outW;
        int at = s * NR * width;
        for (int j = 0; j < width; j++, at += NR) {
            int tapBase = taps[3 * j];
            int ty = taps[3 * j + 1];
            int tx = taps[3 * j + 2];
            int lane = 0;
            int image = firstImage;
            int oy = firstY;
            int ox = firstX;
            for (int q = first; q < last; ) {
                int run = Math.min(last - q, g.outW - ox);
                int iy = oy + ty;
                if (iy < 0 || iy >= h) {
                    Arrays.fill(dst, at + lane, at + lane + run, 0f);
                } else {
                    // Cells ox + t read input column ox + t + tx: inside for t in [from, to).
                    int from = Math.min(run, Math.max(0, -tx - ox));
                    int to = Math.max(from, Math.min(run, w - tx - ox));
                    int row = (n0 + image) * channels * h * w + tapBase + oy * w + ox;
                    for (int t = 0; t < from; t++) {
                        dst[at + lane + t] = 0f;
                    }
                    for (int t = from; t < to; t++) {
                        dst[at + lane + t] = src[row + t];
                    }
                    for (int t = to; t < run; t++) {
                        dst[at + lane + t] = 0f;
                    }
                }
                q += run;
                lane += run;
                ox += run;
                if (ox == g.outW) {
                    ox = 0;
                    if (++oy == g.outH) {
                        oy = 0;
                        image++;
                    }
                }
            }
            Arrays.fill(dst, at + lane, at + NR, 0f);
        }
    }

    /**
     * (base, y, x) of each output cell q = (i, oy, ox) of the group: im2col element (j, q) is
     * src[base(q) + base(j)] when y(q) + y(j) and x(q) + x(j) fall inside the image (see tapCoordinates).
     */
    private int[] cellCoordinates(int n0, int channels, int h, int w, Grid g) {
        int cells = g.channelStride();
        cellCoords = growInts(cellCoords, 3 * cells);
        for (int q = 0; q < cells; q++) {
            int oy = q % g.cellsPerImage() / g.outW;
            int ox = q % g.outW;
            cellCoords[3 * q] = (n0 + q / g.cellsPerImage()) * channels * h * w + oy * w + ox;
            cellCoords[3 * q + 1] = oy;
            cellCoords[3 * q + 2] = ox;
        }
        return cellCoords;
    }

    /** (base, y, x) of each reduction index j = (c, ry, rx): c's plane offset and the tap's shift (ry-pad, rx-pad). */
    private int[] tapCoordinates(int channels, int h, int w, int ksize, int pad) {
        int width = channels * ksize * ksize;
        tapCoords = growInts(tapCoords, 3 * width);
        for (int j = 0; j < width; j++) {
            int ry = j / ksize % ksize - pad;
            int rx = j % ksize - pad;
            tapCoords[3 * j] = j / (ksize * ksize) * h * w + ry * w + rx;
            tapCoords[3 * j + 1] = ry;
            tapCoords[3 * j + 2] = rx;
        }
        return tapCoords;
    }

    /**
     * Writes {@code strips} strips of the weight gradient's im2col^T into dst, strip s = [rows, NR] contiguous at
     * s * rows * NR: element (row r, lane l) is im2col(j = s*NR + l, q = r), from the coordinates of
     * {@link #tapCoordinates} (the lanes, laneCount of them; lanes past it are zero) and {@link #cellCoordinates}
     * (the rows).
     */
    private void im2colStrips(float[] src, int h, int w, int[] lanes, int laneCount, int[] rows, int rowCount,
                              int strips, float[] dst) {
        device.parallelFor(strips, (long) rowCount * NR, (begin, end) -> {
            for (int s = begin; s < end; s++) {
                int valid = Math.max(0, Math.min(NR, laneCount - s * NR));
                int at = s * rowCount * NR;
                for (int r = 0; r < rowCount; r++) {
                    int rowBase = rows[3 * r];
                    int rowY = rows[3 * r + 1];
                    int rowX = rows[3 * r + 2];
                    for (int l = 0; l < valid; l++) {
                        int lane = 3 * (s * NR + l);
                        int y = lanes[lane + 1] + rowY;
                        int x = lanes[lane + 2] + rowX;
                        dst[at + l] = y >= 0 && y < h && x >= 0 && x < w ? src[lanes[lane] + rowBase] : 0f;
                    }
                    Arrays.fill(dst, at + valid, at + NR, 0f);
                    at += NR;
                }
            }
        });
    }

    /**
     * Copies the channels of images [n0, n0 + g.images) of src [N, channels, h, w] onto the grid of a piece (see
     * {@link #embed}): channel c at [c * stride, (c + 1) * stride), then zeros up to {@code length} (the slack that
     * garbage columns read, so garbage stays finite). Returns the buffer, grown if needed.
     */
    private float[] toGrid(float[] src, int n0, int channels, int h, int w, Grid g, int at, int rowEnd,
                           float[] buffer, int stride, int length) {
        float[] dst = grow(buffer, length);
        device.parallelFor(channels, stride, (begin, end) -> {
            for (int c = begin; c < end; c++) {
                embed(src, n0, channels, c, h, w, g, at, rowEnd, dst, c * stride, stride);
            }
        });
        Arrays.fill(dst, channels * stride, length, 0f);
        return dst;
    }

    /**
     * Writes channel c of the piece's images of src [N, C, h, w] into dst[start, start + length) laid out as the
     * grid's cells: grid cell (r, at + x) of an image holds src row g.firstRow + r - at, column x, where that row is
     * in [0, rowEnd); every other cell is zero. For whole images (firstRow 0, rowEnd h) the image sits at (at, at).
     */
    private static void embed(float[] src, int n0, int channels, int c, int h, int w, Grid g, int at, int rowEnd,
                              float[] dst, int start, int length) {
        int cells = g.cellsPerImage();
        for (int i = 0; i < g.images; i++) {
            int image = start + i * cells;
            int plane = ((n0 + i) * channels + c) * h * w;
            for (int r = 0; r < g.gridH; r++) {
                int row = image + r * g.gridW;
                int y = g.firstRow + r - at;
                if (y < 0 || y >= rowEnd) {
                    Arrays.fill(dst, row, row + g.gridW, 0f);
                    continue;
                }
                Arrays.fill(dst, row, row + at, 0f);
                System.arraycopy(src, plane + y * w, dst, row + at, w);
                Arrays.fill(dst, row + at + w, row + g.gridW, 0f);
            }
        }
        Arrays.fill(dst, start + g.images * cells, start + length, 0f);
    }

    /** y[n0 + i, k, g.firstRow + oy, ox] = c[k, i*cells + oy*gridW + ox]: the valid cells of the output grid. */
    private void copyOut(float[] c, int columns, Grid g, int rows, int n0, float[] y) {
        int plane = g.imageOutH * g.outW;
        device.parallelFor(g.images * rows, g.outH * g.outW, (begin, end) -> {
            for (int item = begin; item < end; item++) {
                int i = item / rows;
                int k = item % rows;
                int dst = ((n0 + i) * rows + k) * plane + g.firstRow * g.outW;
                int src = k * columns + i * g.cellsPerImage();
                for (int oy = 0; oy < g.outH; oy++) {
                    for (int ox = 0; ox < g.outW; ox++) {
                        y[dst + oy * g.outW + ox] = c[src + oy * g.gridW + ox];
                    }
                }
            }
        });
    }
}
