package atelier.core.device;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;


import static atelier.core.device.PackedGemm.MR;
import static atelier.core.device.PackedGemm.NR;
import static atelier.core.device.PackedGemm.grow;
import static atelier.core.device.PackedGemm.growInts;
import static atelier.core.device.PackedGemm.roundUp;
import static atelier.core.device.PackedGemm.stripBases;
import static atelier.core.device.PackedGemm.stripOffsets;

/**
 * The CPU device's 3x3 convolution with padding 1 (all of PGAN's) on many channels: Winograd's minimal filtering
 * F(2x2, 3x3) (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", 2015). The same math as
 * {@link atelier.core.kernels.Conv2d}, the reference it is tested against, with 2.25x fewer multiply-adds.
 *
 * <p>The output is cut into 2x2 tiles. For one tile, one input channel and one output channel,
 * <pre>
 *   Y = A^T [ (G g G^T) * (B^T d B) ] A          (* elementwise, over 4x4)
 *
 *   B^T = | 1  0 -1  0 |     G = | 1    0    0   |     A^T = | 1  1  1  0 |
 *         | 0  1  1  0 |         | 1/2  1/2  1/2 |           | 0  1 -1 -1 |
 *         | 0 -1  1  0 |         | 1/2 -1/2  1/2 |
 *         | 0  1  0 -1 |         | 0    0    1   |
 * </pre>
 * with d the 4x4 input window under the tile (zero outside the image) and g the 3x3 filter. Summed over input
 * channels, the elementwise product becomes 16 independent matrix products, one per point p of the 4x4 transform:
 * M_p[t, k] = sum_c V_p[t, c] U_p[c, k] with V = B^T d B per (tile t, channel c) and U = G g G^T per (c, k). So 16
 * multiply-adds per tile and channel pair replace the direct convolution's 4 x 9 = 36; {@link PackedGemm} runs them.
 *
 * <p>Backward, from the same identity read as a bilinear form: sum_uv dY_uv Y_uv = sum_p (A dY A^T)_p U_p V_p, so
 * <ul>
 *   <li>input gradient: the forward convolution of dy with the filters transposed and flipped (same shapes);</li>
 *   <li>weight gradient: dL/dg = G^T [ sum_t (A dY_t A^T) * (B^T d_t B) ] G, i.e. 16 products
 *       W_p[k, c] = sum_t Yhat_p[t, k] V_p[t, c] with Yhat = A dY A^T per (tile, output channel).</li>
 * </ul>
 * The transforms use only sums and halvings, so rounding stays close to the direct convolution's.
 *
 * <p>Memory: the transformed input is 4x the input, so the batch's tiles are processed in chunks of a few MB
 * (bounded at any image size, and cache-friendly); the weight gradient adds the chunks' products up in order.
 * Determinism: the products sum in a fixed order and the transforms are per element, and chunks depend on the
 * shapes only, so results are bit-identical for any thread count. Buffers are kept between calls; one call at a time.
 */
final class WinogradConv {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    /** Points of the 4x4 transformed tile: one matrix product each. */
    private static final int POINTS = 16;
    /**
     * Fewest input and output channels for which the transforms pay off: below, the products are too thin and the
     * transforms (16 values per tile and channel) dominate (measured with bench conv on the 2-core Zen 5).
     */
    static final int MIN_CHANNELS = 256;
    /**
     * Input channels per filter block of the fused product ({@link #fusedProducts}): the block's 16 x 128 x NR
     * transformed filters (400 KB) stay in the L2 cache while every tile passes them.
     */
    private static final int FUSED_CHANNELS = 128;
    /**
     * Chunks of this many times the buffer limit still go through the fused product in one piece: small images
     * (4 and 8 px at batch 16), whose few tiles cannot repay writing the transformed filters out and reading them
     * back.
     */
    private static final int FUSED_CHUNKS = 4;
    /**
     * {@link #transformFilterBlock}'s scratch: LANES rows of a block (9 taps x LANES input channels, and LANES spare)
     * and the 9 squares they transpose into.
     */
    private static final int STAGE_ROW = 10 * LANES;
    private static final int STAGE = LANES * STAGE_ROW + 9 * LANES * LANES;
    /**
     * loadStripWindows: whether a vector holds whole strips of MR tiles and their 2 MR + 2 columns fit in two; per
     * number of tiles per tile row in a strip (1, 2, 4, .., MR: index log2) and column s, the shuffle taking lane l to
     * its window's column s in a pair of loaded rows, and per pair of tile rows, its lanes; per channel group, its
     * lanes.
     */
    private static final boolean ROW_STRIPS = LANES % MR == 0 && 2 * LANES >= 2 * MR + 2
            && Integer.bitCount(MR) == 1;
    private static final VectorShuffle<Float>[][] STRIP_COLUMNS = stripColumns();
    private static final VectorMask<Float>[][] STRIP_PAIRS = stripPairs();
    private static final VectorMask<Float>[] GROUPS = groups();
    /** Fewest tiles in a batch for this path (batch 16 at 4 px; batch 1 from 16 px). */
    static final int MIN_TILES = 64;
    /** Floats of the transformed input per chunk of tiles: a few MB, so that chunks stay in the L3 cache. */
    private static final long BUFFER_LIMIT = 1L << 20;

    private final CpuDevice device;
    private final long bufferLimit;
    private float[] transformed = new float[0];
    private float[] filters = new float[0];
    private float[] products = new float[0];
    private int[] offsets = new int[0];
    private int[] columnBases = new int[0];
    /** Per tile of a chunk: its image and the row and column of its top-left output cell. */
    private int[] tileCoords = new int[0];

    WinogradConv(CpuDevice device) {
        this(device, BUFFER_LIMIT);
    }

    /** {@code bufferLimit}: floats of the transformed input per chunk of tiles. */
    WinogradConv(CpuDevice device, long bufferLimit) {
        this.device = device;
        this.bufferLimit = bufferLimit;
    }

    /**
     * Whether this path takes the convolution: 3x3, padding 1, enough channels, and enough tiles in the batch to
     * repay the filters' transform (16 values per filter, as many bytes as a 4x4 batch of 64 tiles' products).
     */
    static boolean handles(int batch, int inC, int outC, int h, int w, int ksize, int pad) {
        return ksize == 3 && pad == 1 && Math.min(inC, outC) >= MIN_CHANNELS && SquareTranspose.SUPPORTED
                && (long) batch * tilesPerImage(h, w) >= MIN_TILES;
    }

    private static int tilesPerImage(int h, int w) {
        return (h + 1) / 2 * ((w + 1) / 2);
    }

    /** Tiles per chunk: whole register strips, as many as keep 16 values per tile and channel within the limit. */
    private int chunk(int inC, int outC) {
        long perTile = (long) POINTS * Math.max(roundUp(inC, NR), roundUp(outC, NR));
        return (int) Math.max(MR, bufferLimit / perTile / MR * MR);
    }

    /** y = conv(x, w) * wScale; x [N, C, H, W], w [K, C, 3, 3], y [N, K, H, W]. */
    synchronized void forward(float[] x, float[] w, float wScale, float[] y, int batch, int inC, int h, int wd,
                              int outC) {
        convolve(x, w, false, wScale, y, batch, inC, h, wd, outC);
    }

    /** dx = conv(dy, flip(w)^T) * wScale (overwrites dx); dy [N, K, H, W], w [K, C, 3, 3], dx [N, C, H, W]. */
    synchronized void backwardInput(float[] dy, float[] w, float wScale, float[] dx, int batch, int inC, int h,
                                    int wd, int outC) {
        convolve(dy, w, true, wScale, dx, batch, outC, h, wd, inC);
    }

    /**
     * out = scale * conv(in, g) with g[o, i] = w[o, i] or, transposed and flipped, w[i, o] rotated by 180 degrees;
     * in has inCh channels, out outCh. Chunk by chunk of tiles, so the transformed input and the products stay
     * within the limit (and in the cache).
     */
    private void convolve(float[] in, float[] w, boolean transposeFlip, float scale, float[] out, int batch,
                          int inCh, int h, int wd, int outCh) {
        int outPadded = roundUp(outCh, NR);
        int allTiles = batch * tilesPerImage(h, wd);
        // Few tiles: one chunk, each filter block transformed where the products use it. Many: the filters
        // transformed once, for every chunk.
        boolean fused = allTiles <= FUSED_CHUNKS * chunk(inCh, outCh);
        int chunk = fused ? allTiles : chunk(inCh, outCh);
        int filterStride = inCh * outPadded;
        if (!fused) {
            filters = grow(filters, POINTS * filterStride);
            transformFilters(w, transposeFlip, inCh, outCh, outPadded, filters, filterStride);
            offsets = stripOffsets(offsets, inCh);
        }
        for (int t0 = 0; t0 < allTiles; t0 += chunk) {
            int tiles = Math.min(chunk, allTiles - t0);
            int tilesPadded = roundUp(tiles, MR);
            // A_p = V_p [tiles, inCh] in strips of MR tiles.
            int inputStride = tilesPadded * inCh;
            transformed = grow(transformed, POINTS * inputStride);
            transformTiles(in, t0, tiles, inCh, h, wd, false, true, MR, transformed, inputStride);
            int productStride = tilesPadded * outPadded;
            products = grow(products, POINTS * productStride);
            if (fused) {
                fusedProducts(transformed, inputStride, tiles, inCh, w, transposeFlip, outCh, outPadded, products,
                        productStride);
            } else {
                columnBases = stripBases(columnBases, outPadded, inCh);
                PackedGemm.gemm(device, POINTS, transformed, inputStride, tiles, inCh, filters, filterStride,
                        offsets, columnBases, products, productStride, outPadded, false);
            }
            transformOutput(products, productStride, outPadded, tiles, outCh, h, wd, scale, out);
        }
    }

    /**
     * M_p = V_p U_p for all 16 points, U transformed block by block as it is used: work items are halves (by tiles)
     * of strips of NR output channels, and a thread takes a strip's halves together where it has both; per block of
     * {@link #FUSED_CHANNELS} input channels the strip's transformed filters (all 16 points) go to a thread's buffer,
     * and every tile's register strip passes them there. Halves balance the threads where the strips are few and
     * odd in number (11 at 512 channels); the strip split between two threads is transformed by both. The products
     * sum over the input channels in order, as {@link PackedGemm#gemm}'s do.
     */
    private void fusedProducts(float[] a, int aStride, int tiles, int inCh, float[] w, boolean transposeFlip,
                               int outCh, int outPadded, float[] product, int productStride) {
        int tilesPadded = roundUp(tiles, MR);
        int half = tilesPadded / MR / 2 * MR;
        // Points a few floats more than a block apart, so that their rows do not share cache sets.
        int pointStride = FUSED_CHANNELS * NR + LANES;
        offsets = stripOffsets(offsets, FUSED_CHANNELS);
        int[] blockOffsets = offsets;
        device.parallelFor(2 * (outPadded / NR), (long) tilesPadded * NR * inCh * POINTS / 2, (begin, end) -> {
            float[] stage = new float[STAGE];
            float[] block = new float[POINTS * pointStride];
            for (int strip = begin / 2; strip < (end + 1) / 2; strip++) {
                int o0 = strip * NR;
                int m0 = 2 * strip < begin ? half : 0;
                int m1 = 2 * strip + 1 < end ? tilesPadded : half;
                for (int j0 = 0; j0 < inCh; j0 += FUSED_CHANNELS) {
                    int jn = Math.min(FUSED_CHANNELS, inCh - j0);
                    for (int i0 = j0; i0 < j0 + jn; i0 += LANES) {
                        for (int v = 0; v < NR; v += LANES) {
                            transformFilterBlock(w, transposeFlip, inCh, outCh, o0 + v, i0, Math.min(LANES,
                                    j0 + jn - i0), stage, block, (i0 - j0) * NR + v, pointStride);
                        }
                    }
                    for (int p = 0; p < POINTS; p++) {
                        for (int m = m0; m < m1; m += MR) {
                            PackedGemm.tile(a, p * aStride + (m / MR * inCh + j0) * MR, block, blockOffsets, 0, jn,
                                    p * pointStride, p * pointStride + LANES, p * pointStride + 2 * LANES, product,
                                    p * productStride + m * outPadded + o0, outPadded, j0 == 0);
                        }
                    }
                }
            }
        });
    }

    /**
     * dw[k, c, ry, rx] += wScale * sum_{n, oy, ox} dy[n, k, oy, ox] * x[n, c, oy+ry-1, ox+rx-1]; x [N, C, H, W],
     * dy [N, K, H, W], dw [K, C, 3, 3]. The 16 products sum over the tiles chunk by chunk, in order.
     */
    synchronized void backwardWeight(float[] x, float[] dy, float wScale, float[] dw, int batch, int inC, int h,
                                     int wd, int outC) {
        int inPadded = roundUp(inC, NR);
        int outRows = roundUp(outC, MR);
        int productStride = outRows * inPadded;
        products = grow(products, POINTS * productStride);
        int allTiles = batch * tilesPerImage(h, wd);
        int chunk = chunk(inC, outC);
        for (int t0 = 0; t0 < allTiles; t0 += chunk) {
            int tiles = Math.min(chunk, allTiles - t0);
            int tilesPadded = roundUp(tiles, MR);
            // A_p = Yhat_p^T [outC, tiles] in strips of MR output channels; B_p = V_p [tiles, inC] in strips of NR
            // input channels. The filters' buffer holds A: it is free here.
            int gradientStride = outRows * tilesPadded;
            filters = grow(filters, POINTS * gradientStride);
            transformTiles(dy, t0, tiles, outC, h, wd, true, false, MR, filters, gradientStride);
            int inputStride = inPadded * tilesPadded;
            transformed = grow(transformed, POINTS * inputStride);
            transformTiles(x, t0, tiles, inC, h, wd, false, false, NR, transformed, inputStride);
            offsets = stripOffsets(offsets, tilesPadded);
            columnBases = stripBases(columnBases, inPadded, tilesPadded);
            PackedGemm.gemm(device, POINTS, filters, gradientStride, outC, tilesPadded, transformed, inputStride,
                    offsets, columnBases, products, productStride, inPadded, t0 > 0);
        }
        accumulateFilterGradient(products, productStride, inPadded, inC, outC, wScale, dw);
    }

    /**
     * U_p = G g G^T for every (input channel i, output channel o), into dst[p * stride + ...] as B operands: strips
     * of NR output channels, element (i, o) at ((o / NR) * inCh + i) * NR + o % NR; padding channels o >= outCh
     * are zero. Work items: blocks of LANES output x LANES input channels ({@link #transformFilterBlock}).
     */
    private void transformFilters(float[] w, boolean transposeFlip, int inCh, int outCh, int outPadded, float[] dst,
                                  int stride) {
        int inBlocks = (inCh + LANES - 1) / LANES;
        device.parallelFor(outPadded / LANES * inBlocks, (long) LANES * LANES * POINTS, (begin, end) -> {
            float[] stage = new float[STAGE];
            for (int item = begin; item < end; item++) {
                int o0 = item / inBlocks * LANES;
                int i0 = item % inBlocks * LANES;
                transformFilterBlock(w, transposeFlip, inCh, outCh, o0, i0, Math.min(LANES, inCh - i0), stage, dst,
                        (o0 / NR * inCh + i0) * NR + o0 % NR, stride);
            }
        });
    }

    /**
     * U_p = G g G^T for output channels [o0, o0 + LANES) and input channels [i0, i0 + inputs), into dst[at +
     * p * stride + (i - i0) * NR + o - o0] (output channels past outCh zero). g[o, i] is w[o, i] or, transposed and
     * flipped, w[i, o] rotated by 180 degrees. Row o of the block, the 9 taps of each of its input channels in turn,
     * is a run of w (w[o, i]) or is copied together from runs of 9 (w[i, o]); squares of LANES x LANES of the rows
     * are transposed ({@link SquareTranspose#transpose}), which puts each (input channel, tap) into a vector with one
     * output channel per lane, ready for the transform.
     */
    private static void transformFilterBlock(float[] w, boolean transposeFlip, int inCh, int outCh, int o0, int i0,
                                             int inputs, float[] stage, float[] dst, int at, int stride) {
        int outputs = Math.max(0, Math.min(LANES, outCh - o0));
        float[] rows = w;
        int rowsAt = (o0 * inCh + i0) * 9;
        int rowStride = inCh * 9;
        if (transposeFlip || outputs < LANES || inputs < LANES) {
            rows = stage;
            rowsAt = 0;
            rowStride = STAGE_ROW;
            for (int r = 0; r < LANES; r++) {
                int row = r * STAGE_ROW;
                int run = r < outputs && !transposeFlip ? 9 * inputs : 0;
                for (int k = 0; k < 9 * LANES; k += LANES) {
                    (run > k ? FloatVector.fromArray(SPECIES, w, ((o0 + r) * inCh + i0) * 9 + k,
                            SPECIES.indexInRange(k, run)) : FloatVector.zero(SPECIES)).intoArray(stage, row + k);
                }
                for (int i = 0; transposeFlip && r < outputs && i < inputs; i++) {
                    // Runs of 9 in order, each store's tail overwritten by the next run (rows end in LANES spare).
                    for (int k = 0; k < 9; k += LANES) {
                        FloatVector.fromArray(SPECIES, w, ((i0 + i) * outCh + o0 + r) * 9 + k,
                                SPECIES.indexInRange(k, 9)).intoArray(stage, row + i * 9 + k);
                    }
                }
            }
        }
        int squares = LANES * STAGE_ROW;
        for (int k = 0; k < 9; k++) {
            SquareTranspose.transpose(rows, rowsAt + k * LANES, rowStride, stage, squares + k * LANES * LANES, LANES);
        }
        // Now stage[squares + q * LANES + r] holds float q of row r: tap q % 9 of input channel i0 + q / 9.
        for (int i = 0; i < inputs; i++) {
            int taps = squares + i * 9 * LANES;
            filterTransform(stage, transposeFlip ? taps + 8 * LANES : taps, transposeFlip ? -LANES : LANES, dst,
                    at + i * NR, stride);
        }
    }

    /**
     * For tiles [t0, t0 + tiles) of src [N, channels, H, W] (numbered along rows, then down, then through the
     * images) and every channel c, the 16 values of B^T d B (input windows) or, with {@code gradient}, A dY A^T
     * (the tile's 2x2 output gradient), into dst[p * stride + j] with j = ((t / P) * channels + c) * P + t % P
     * ({@code stripTiles}: strips of P = MR tiles) or ((c / P) * tilesPadded + t) * P + c % P (strips of P
     * channels). Tiles past the chunk's and channels past `channels` (up to whole strips) are zero. Work items: runs
     * of LANES consecutive j, whose windows are gathered into lanes (or loaded as image rows where strips of tiles
     * lie along a row, {@link #loadStripWindows}), transformed a vector at a time and stored as vectors.
     */
    private void transformTiles(float[] src, int firstTile, int tiles, int channels, int h, int w, boolean gradient,
                                boolean stripTiles, int strip, float[] dst, int stride) {
        int tilesPadded = roundUp(tiles, MR);
        int perPoint = tilesPadded * (stripTiles ? channels : roundUp(channels, strip));
        int[] coords = tileCoordinates(firstTile, tiles, h, w);
        // The input window starts one cell above and left of the tile (padding 1); the gradient's is the tile.
        int origin = gradient ? 0 : -1;
        int size = gradient ? 2 : 4;
        int stripLength = stripTiles ? strip * channels : strip * tilesPadded;
        // Input windows in strips of MR tiles that lie along one tile row, or fill pairs of whole tile rows of up to
        // LANES / 2 - 1 tiles: loaded as rows, see loadStripWindows.
        int tileCols = (w + 1) / 2;
        boolean rowStrips = !gradient && stripTiles && ROW_STRIPS && firstTile % MR == 0 && (tileCols % MR == 0
                || MR % (2 * tileCols) == 0 && 2 * tileCols + 2 <= LANES);
        device.parallelFor((perPoint + LANES - 1) / LANES, (long) LANES * POINTS, (begin, end) -> {
            float[] d = new float[POINTS * LANES];
            for (int run = begin; run < end; run++) {
                int j0 = run * LANES;
                if (rowStrips && j0 + LANES <= perPoint
                        && loadStripWindows(src, j0, stripLength, tiles, channels, coords, h, w, tileCols, d)) {
                    inputTransform(d);
                    for (int p = 0; p < POINTS; p++) {
                        FloatVector.fromArray(SPECIES, d, p * LANES).intoArray(dst, p * stride + j0);
                    }
                    continue;
                }
                for (int l = 0; l < LANES; l++) {
                    int j = j0 + l;
                    int within = j % stripLength;
                    int t = stripTiles ? j / stripLength * strip + within % strip : within / strip;
                    int c = stripTiles ? within / strip : j / stripLength * strip + within % strip;
                    if (j >= perPoint || t >= tiles || c >= channels) {
                        for (int q = 0; q < POINTS; q++) {
                            d[q * LANES + l] = 0f;
                        }
                        continue;
                    }
                    int y = coords[3 * t + 1] + origin;
                    int x = coords[3 * t + 2] + origin;
                    loadWindow(src, ((coords[3 * t] * channels + c) * h + y) * w + x, y, x, size, h, w, d, l);
                }
                if (gradient) {
                    gradientTransform(d);
                } else {
                    inputTransform(d);
                }
                VectorMask<Float> inRange = SPECIES.indexInRange(j0, perPoint);
                for (int p = 0; p < POINTS; p++) {
                    FloatVector.fromArray(SPECIES, d, p * LANES).intoArray(dst, p * stride + j0, inRange);
                }
            }
        });
    }

    /**
     * The 4x4 input windows of a run of LANES consecutive j in strips of MR tiles (lane l: channel group l / MR, tile
     * l % MR of a strip), when every strip's MR tiles are valid and lie along one tile row or fill pairs of whole tile
     * rows. Along one row, window column s of tile i is column 2i + s of the strip's 2 MR + 2 columns, two vector
     * loads of an image row; in whole rows (small images), tile i of a row is at column 2i + s of the row's 2 (w + 1)
     * / 2 + 2 columns, one vector load per tile row, two rows at a time. Loads are masked to the image (zero outside
     * it) and each column is one two-vector shuffle per pair, instead of a scalar gather per lane and cell. Returns
     * false, leaving d alone, where a strip is cut short.
     */
    private static boolean loadStripWindows(float[] src, int j0, int stripLength, int tiles, int channels,
                                            int[] coords, int h, int w, int tileCols, float[] d) {
        for (int group = 0; group < LANES / MR; group++) {
            int t = (j0 + group * MR) / stripLength * MR;
            if (t + MR > tiles) {
                return false;
            }
        }
        int perRow = Math.min(tileCols, MR);
        VectorShuffle<Float>[] columns = STRIP_COLUMNS[Integer.numberOfTrailingZeros(perRow)];
        VectorMask<Float>[] pairs = STRIP_PAIRS[Integer.numberOfTrailingZeros(perRow)];
        for (int group = 0; group < LANES / MR; group++) {
            int j = j0 + group * MR;
            int c = j % stripLength / MR;
            for (int pair = 0; pair < pairs.length; pair++) {
                // The pair's two loads: the strip's row in two halves, or the first tiles of two tile rows.
                int low = j / stripLength * MR + 2 * pair * perRow;
                int high = perRow == MR ? low : low + perRow;
                int lowX = coords[3 * low + 2] - 1;
                int highX = perRow == MR ? lowX + LANES : coords[3 * high + 2] - 1;
                VectorMask<Float> lowInside = columnsInside(lowX, w);
                VectorMask<Float> highInside = columnsInside(highX, w);
                VectorMask<Float> lanes = pairs[pair].and(GROUPS[group]);
                boolean first = group == 0 && pair == 0;
                for (int r = 0; r < 4; r++) {
                    FloatVector lowRow = imageRow(src, coords, low, channels, c, r, lowX, lowInside, h, w);
                    FloatVector highRow = imageRow(src, coords, high, channels, c, r, highX, highInside, h, w);
                    for (int col = 0; col < 4; col++) {
                        int cell = (r * 4 + col) * LANES;
                        FloatVector v = lowRow.rearrange(columns[col], highRow);
                        (first ? v : FloatVector.fromArray(SPECIES, d, cell).blend(v, lanes)).intoArray(d, cell);
                    }
                }
            }
        }
        return true;
    }

    /**
     * Row r of tile t's input window (image row oy - 1 + r of its channel c), LANES columns from x, loaded under the
     * mask of those inside the image; zero where the row is outside.
     */
    private static FloatVector imageRow(float[] src, int[] coords, int t, int channels, int c, int r, int x,
                                        VectorMask<Float> inside, int h, int w) {
        int y = coords[3 * t + 1] - 1 + r;
        if (y < 0 || y >= h) {
            return FloatVector.zero(SPECIES);
        }
        return FloatVector.fromArray(SPECIES, src, ((coords[3 * t] * channels + c) * h + y) * w + x, inside);
    }

    /** Lanes k with 0 <= first + k < w: a vector load's columns inside the image. */
    private static VectorMask<Float> columnsInside(int first, int w) {
        int from = Math.max(0, -first);
        int to = Math.min(LANES, w - first);
        return VectorMask.fromLong(SPECIES, to <= from ? 0L : ((1L << (to - from)) - 1) << from);
    }

    /** (n, oy, ox) of tiles [t0, t0 + tiles), at 3 * (t - t0). */
    private int[] tileCoordinates(int t0, int tiles, int h, int w) {
        int tileCols = (w + 1) / 2;
        int perImage = tilesPerImage(h, w);
        tileCoords = growInts(tileCoords, 3 * tiles);
        for (int t = 0; t < tiles; t++) {
            tileCoords[3 * t] = (t0 + t) / perImage;
            tileCoords[3 * t + 1] = (t0 + t) % perImage / tileCols * 2;
            tileCoords[3 * t + 2] = (t0 + t) % tileCols * 2;
        }
        return tileCoords;
    }

    /**
     * Lane l of d's 4x4 rows of LANES floats: d[(r * 4 + s) * LANES + l] = src[base + r * w + s] for the size x size
     * window at (y, x), zero outside the h x w plane.
     */
    private static void loadWindow(float[] src, int base, int y, int x, int size, int h, int w, float[] d, int l) {
        boolean inside = y >= 0 && x >= 0 && y + size <= h && x + size <= w;
        for (int r = 0; r < size; r++) {
            boolean rowInside = inside || (y + r >= 0 && y + r < h);
            for (int s = 0; s < size; s++) {
                d[(r * 4 + s) * LANES + l] = inside || (rowInside && x + s >= 0 && x + s < w)
                        ? src[base + r * w + s] : 0f;
            }
        }
    }

    /**
     * out[n, o, 2ty + u, 2tx + v] = scale * (A^T M A)[u, v] with M[p] = product_p[t, o] (row length `columns`, a
     * multiple of LANES) for every tile t = (n, ty, tx) of the chunk and output channel o; the tile's cells past the
     * image are dropped. LANES channels at a time, loaded and transformed as vectors, stored lane by lane. Work
     * items: strips of MR tiles, each going through the channels, so a strip's 16 x MR rows stay in cache.
     */
    private void transformOutput(float[] product, int stride, int columns, int tiles, int outCh, int h, int w,
                                 float scale, float[] out) {
        int[] coords = tileCoords;
        device.parallelFor((tiles + MR - 1) / MR, (long) MR * outCh * POINTS, (begin, end) -> {
            float[] y = new float[4 * LANES];
            for (int item = begin; item < end; item++) {
                for (int o0 = 0; o0 < outCh; o0 += LANES) {
                    for (int t = item * MR; t < Math.min(tiles, item * MR + MR); t++) {
                        outputTransform(product, stride, t * columns + o0, scale, y);
                        int oy = coords[3 * t + 1];
                        int ox = coords[3 * t + 2];
                        boolean right = ox + 1 < w;
                        boolean below = oy + 1 < h;
                        for (int l = 0; l < Math.min(LANES, outCh - o0); l++) {
                            int at = ((coords[3 * t] * outCh + o0 + l) * h + oy) * w + ox;
                            out[at] = y[l];
                            if (right) {
                                out[at + 1] = y[LANES + l];
                            }
                            if (below) {
                                out[at + w] = y[2 * LANES + l];
                                if (right) {
                                    out[at + w + 1] = y[3 * LANES + l];
                                }
                            }
                        }
                    }
                }
            }
        });
    }

    /**
     * dw[o, i, :, :] += scale * G^T W G with W[p] = product_p[o, i] (row length `columns`, a multiple of LANES):
     * LANES input channels at a time, loaded as vectors and transformed, one channel per lane; the 9 taps' vectors
     * are transposed ({@link SquareTranspose#transpose}, in squares of LANES taps) into one row of taps per channel,
     * the rows laid end to end as dw holds them (9 per channel, each store's tail overwritten by the next), and added
     * to dw a vector at a time.
     */
    private void accumulateFilterGradient(float[] product, int stride, int columns, int inC, int outC, float scale,
                                          float[] dw) {
        int vectors = (inC + LANES - 1) / LANES;
        int tapSquares = (9 + LANES - 1) / LANES;
        int square = LANES * LANES;
        device.parallelFor(outC * vectors, (long) LANES * POINTS, (begin, end) -> {
            float[] m = new float[POINTS * LANES];
            float[] taps = new float[tapSquares * square];
            float[] channels = new float[tapSquares * square];
            float[] runs = new float[10 * LANES];
            for (int item = begin; item < end; item++) {
                int o = item / vectors;
                int i0 = item % vectors * LANES;
                int inputs = Math.min(LANES, inC - i0);
                for (int p = 0; p < POINTS; p++) {
                    FloatVector.fromArray(SPECIES, product, p * stride + o * columns + i0).intoArray(m, p * LANES);
                }
                filterGradientTransform(m);
                for (int tap = 0; tap < 9; tap++) {
                    FloatVector.fromArray(SPECIES, m, ((tap / 3) * 4 + tap % 3) * LANES).mul(scale)
                            .intoArray(taps, tap * LANES);
                }
                for (int sq = 0; sq < tapSquares; sq++) {
                    SquareTranspose.transpose(taps, sq * square, LANES, channels, sq * square, LANES);
                }
                for (int i = 0; i < inputs; i++) {
                    for (int sq = 0; sq < tapSquares; sq++) {
                        FloatVector.fromArray(SPECIES, channels, sq * square + i * LANES)
                                .intoArray(runs, i * 9 + sq * LANES);
                    }
                }
                int at = (o * inC + i0) * 9;
                for (int k = 0; k < 9 * inputs; k += LANES) {
                    VectorMask<Float> inRange = SPECIES.indexInRange(k, 9 * inputs);
                    FloatVector.fromArray(SPECIES, dw, at + k, inRange).add(FloatVector.fromArray(SPECIES, runs, k))
                            .intoArray(dw, at + k, inRange);
                }
            }
        });
    }

    /**
     * Per tiles per row k = 1, 2, 4, .., MR (index log2 k) and column s: lane l's tile i = l % MR of the strip sits in
     * tile row i / k at column 2 (i % k) + s of its loaded row; rows come in pairs, the second from lane LANES on.
     * With k = MR the one row spans both loads.
     */
    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[][] stripColumns() {
        VectorShuffle<Float>[][] shuffles = new VectorShuffle[Integer.numberOfTrailingZeros(MR) + 1][4];
        for (int log = 0; log < shuffles.length; log++) {
            int perRow = 1 << log;
            for (int col = 0; col < 4; col++) {
                int[] from = new int[LANES];
                for (int l = 0; l < LANES; l++) {
                    int i = l % MR;
                    from[l] = i / perRow % 2 * LANES + 2 * (i % perRow) + col;
                }
                shuffles[log][col] = VectorShuffle.fromArray(SPECIES, from, 0);
            }
        }
        return shuffles;
    }

    /** Per tiles per row k (index log2 k) and pair p of tile rows: the lanes whose tile is in rows 2p and 2p + 1. */
    @SuppressWarnings("unchecked")
    private static VectorMask<Float>[][] stripPairs() {
        VectorMask<Float>[][] masks = new VectorMask[Integer.numberOfTrailingZeros(MR) + 1][];
        for (int log = 0; log < masks.length; log++) {
            int perRow = 1 << log;
            masks[log] = new VectorMask[Math.max(1, MR / perRow / 2)];
            for (int pair = 0; pair < masks[log].length; pair++) {
                boolean[] in = new boolean[LANES];
                for (int l = 0; l < LANES; l++) {
                    in[l] = l % MR / perRow / 2 == pair;
                }
                masks[log][pair] = VectorMask.fromArray(SPECIES, in, 0);
            }
        }
        return masks;
    }

    @SuppressWarnings("unchecked")
    private static VectorMask<Float>[] groups() {
        VectorMask<Float>[] masks = new VectorMask[Math.max(1, LANES / MR)];
        for (int g = 0; g < masks.length; g++) {
            masks[g] = VectorMask.fromLong(SPECIES, ((1L << MR) - 1) << (g * MR));
        }
        return masks;
    }

    // The transforms, written out: each is a 1-D transform of the columns, then of the rows.

    /** d = B^T d B, lane by lane, in place: d holds 4x4 rows of LANES floats. */
    private static void inputTransform(float[] d) {
        for (int s = 0; s < 4; s++) {
            FloatVector d0 = FloatVector.fromArray(SPECIES, d, s * LANES);
            FloatVector d1 = FloatVector.fromArray(SPECIES, d, (4 + s) * LANES);
            FloatVector d2 = FloatVector.fromArray(SPECIES, d, (8 + s) * LANES);
            FloatVector d3 = FloatVector.fromArray(SPECIES, d, (12 + s) * LANES);
            d0.sub(d2).intoArray(d, s * LANES);
            d1.add(d2).intoArray(d, (4 + s) * LANES);
            d2.sub(d1).intoArray(d, (8 + s) * LANES);
            d1.sub(d3).intoArray(d, (12 + s) * LANES);
        }
        for (int r = 0; r < 16; r += 4) {
            FloatVector t0 = FloatVector.fromArray(SPECIES, d, r * LANES);
            FloatVector t1 = FloatVector.fromArray(SPECIES, d, (r + 1) * LANES);
            FloatVector t2 = FloatVector.fromArray(SPECIES, d, (r + 2) * LANES);
            FloatVector t3 = FloatVector.fromArray(SPECIES, d, (r + 3) * LANES);
            t0.sub(t2).intoArray(d, r * LANES);
            t1.add(t2).intoArray(d, (r + 1) * LANES);
            t2.sub(t1).intoArray(d, (r + 2) * LANES);
            t1.sub(t3).intoArray(d, (r + 3) * LANES);
        }
    }

    /**
     * u = G g G^T, lane by lane: tap t (row-major 3x3) of g is the vector at g[gAt + t * tapStep] (a negative step
     * reads the filter rotated by 180 degrees); point p goes to u[uAt + p * stride].
     */
    private static void filterTransform(float[] g, int gAt, int tapStep, float[] u, int uAt, int stride) {
        FloatVector half = FloatVector.broadcast(SPECIES, 0.5f);
        FloatVector g0 = FloatVector.fromArray(SPECIES, g, gAt);
        FloatVector g1 = FloatVector.fromArray(SPECIES, g, gAt + tapStep);
        FloatVector g2 = FloatVector.fromArray(SPECIES, g, gAt + 2 * tapStep);
        FloatVector g3 = FloatVector.fromArray(SPECIES, g, gAt + 3 * tapStep);
        FloatVector g4 = FloatVector.fromArray(SPECIES, g, gAt + 4 * tapStep);
        FloatVector g5 = FloatVector.fromArray(SPECIES, g, gAt + 5 * tapStep);
        FloatVector g6 = FloatVector.fromArray(SPECIES, g, gAt + 6 * tapStep);
        FloatVector g7 = FloatVector.fromArray(SPECIES, g, gAt + 7 * tapStep);
        FloatVector g8 = FloatVector.fromArray(SPECIES, g, gAt + 8 * tapStep);
        // G g: rows g0-g2, (g0 + g1 + g2) / 2 and (g0 - g1 + g2) / 2 of the filter's rows, and g6-g8.
        FloatVector outer0 = g0.add(g6);
        FloatVector outer1 = g1.add(g7);
        FloatVector outer2 = g2.add(g8);
        filterTransformRow(g0, g1, g2, half, u, uAt, stride, 0);
        filterTransformRow(outer0.add(g3).mul(half), outer1.add(g4).mul(half), outer2.add(g5).mul(half), half, u,
                uAt, stride, 4);
        filterTransformRow(outer0.sub(g3).mul(half), outer1.sub(g4).mul(half), outer2.sub(g5).mul(half), half, u,
                uAt, stride, 8);
        filterTransformRow(g6, g7, g8, half, u, uAt, stride, 12);
    }

    /** One row (h0, h1, h2) of G g times G^T: points p0..p0 + 3. */
    private static void filterTransformRow(FloatVector h0, FloatVector h1, FloatVector h2, FloatVector half, float[] u,
                                           int uAt, int stride, int p0) {
        FloatVector outer = h0.add(h2);
        h0.intoArray(u, uAt + p0 * stride);
        outer.add(h1).mul(half).intoArray(u, uAt + (p0 + 1) * stride);
        outer.sub(h1).mul(half).intoArray(u, uAt + (p0 + 2) * stride);
        h2.intoArray(u, uAt + (p0 + 3) * stride);
    }

    /** d = A dY A^T, lane by lane, in place: dY is the 2x2 at rows 0, 1, 4, 5 of d's 4x4 rows of LANES floats. */
    private static void gradientTransform(float[] d) {
        for (int s = 0; s < 2; s++) {
            FloatVector y0 = FloatVector.fromArray(SPECIES, d, s * LANES);
            FloatVector y1 = FloatVector.fromArray(SPECIES, d, (4 + s) * LANES);
            y0.add(y1).intoArray(d, (4 + s) * LANES);
            y0.sub(y1).intoArray(d, (8 + s) * LANES);
            y1.neg().intoArray(d, (12 + s) * LANES);
        }
        for (int r = 0; r < 16; r += 4) {
            FloatVector u0 = FloatVector.fromArray(SPECIES, d, r * LANES);
            FloatVector u1 = FloatVector.fromArray(SPECIES, d, (r + 1) * LANES);
            u0.add(u1).intoArray(d, (r + 1) * LANES);
            u0.sub(u1).intoArray(d, (r + 2) * LANES);
            u1.neg().intoArray(d, (r + 3) * LANES);
        }
    }

    /**
     * y = scale * A^T M A, lane by lane: M[p] is the vector at m[p * stride + at]; y holds the 2x2 result as rows
     * (u * 2 + v) of LANES floats.
     */
    private static void outputTransform(float[] m, int stride, int at, float scale, float[] y) {
        FloatVector m0 = row(m, stride, at, 0);
        FloatVector m1 = row(m, stride, at, 1);
        FloatVector m2 = row(m, stride, at, 2);
        FloatVector m3 = row(m, stride, at, 3);
        FloatVector m4 = row(m, stride, at, 4);
        FloatVector m5 = row(m, stride, at, 5);
        FloatVector m6 = row(m, stride, at, 6);
        FloatVector m7 = row(m, stride, at, 7);
        FloatVector m8 = row(m, stride, at, 8);
        FloatVector m9 = row(m, stride, at, 9);
        FloatVector m10 = row(m, stride, at, 10);
        FloatVector m11 = row(m, stride, at, 11);
        // A^T M: rows 0-2 summed, and row 1 - row 2 - row 3, per column.
        FloatVector r00 = m0.add(m4).add(m8);
        FloatVector r01 = m1.add(m5).add(m9);
        FloatVector r02 = m2.add(m6).add(m10);
        FloatVector r03 = m3.add(m7).add(m11);
        FloatVector r10 = m4.sub(m8).sub(row(m, stride, at, 12));
        FloatVector r11 = m5.sub(m9).sub(row(m, stride, at, 13));
        FloatVector r12 = m6.sub(m10).sub(row(m, stride, at, 14));
        FloatVector r13 = m7.sub(m11).sub(row(m, stride, at, 15));
        r00.add(r01).add(r02).mul(scale).intoArray(y, 0);
        r01.sub(r02).sub(r03).mul(scale).intoArray(y, LANES);
        r10.add(r11).add(r12).mul(scale).intoArray(y, 2 * LANES);
        r11.sub(r12).sub(r13).mul(scale).intoArray(y, 3 * LANES);
    }

    /** Point p's vector of the products at {@code at}. */
    private static FloatVector row(float[] m, int stride, int at, int p) {
        return FloatVector.fromArray(SPECIES, m, p * stride + at);
    }

    /** m = G^T m G, lane by lane: m holds 4x4 rows of LANES floats; the 3x3 result is left at rows 4r + s. */
    private static void filterGradientTransform(float[] m) {
        FloatVector half = FloatVector.broadcast(SPECIES, 0.5f);
        for (int s = 0; s < 4; s++) {
            FloatVector m0 = FloatVector.fromArray(SPECIES, m, s * LANES);
            FloatVector m1 = FloatVector.fromArray(SPECIES, m, (4 + s) * LANES);
            FloatVector m2 = FloatVector.fromArray(SPECIES, m, (8 + s) * LANES);
            FloatVector m3 = FloatVector.fromArray(SPECIES, m, (12 + s) * LANES);
            FloatVector inner = m1.add(m2).mul(half);
            m0.add(inner).intoArray(m, s * LANES);
            m1.sub(m2).mul(half).intoArray(m, (4 + s) * LANES);
            inner.add(m3).intoArray(m, (8 + s) * LANES);
        }
        for (int r = 0; r < 12; r += 4) {
            FloatVector e0 = FloatVector.fromArray(SPECIES, m, r * LANES);
            FloatVector e1 = FloatVector.fromArray(SPECIES, m, (r + 1) * LANES);
            FloatVector e2 = FloatVector.fromArray(SPECIES, m, (r + 2) * LANES);
            FloatVector e3 = FloatVector.fromArray(SPECIES, m, (r + 3) * LANES);
            FloatVector inner = e1.add(e2).mul(half);
            e0.add(inner).intoArray(m, r * LANES);
            e1.sub(e2).mul(half).intoArray(m, (r + 1) * LANES);
            inner.add(e3).intoArray(m, (r + 2) * LANES);
        }
    }
}
