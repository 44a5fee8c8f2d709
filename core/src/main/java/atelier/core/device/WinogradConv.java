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
    /** Input channels per work item of the filter transform. */
    private static final int FILTER_BLOCK = 8;
    /**
     * loadStripWindows: whether a vector holds whole strips of MR tiles and their 2 MR + 2 columns fit in two;
     * per column s, the shuffle taking lane l to column 2 (l % MR) + s (of the two vectors); per channel group, its
     * lanes.
     */
    private static final boolean ROW_STRIPS = LANES % MR == 0 && 2 * LANES >= 2 * MR + 2;
    private static final VectorShuffle<Float>[] STRIP_COLUMNS = stripColumns();
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
        return ksize == 3 && pad == 1 && Math.min(inC, outC) >= MIN_CHANNELS
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
        int filterStride = inCh * outPadded;
        filters = grow(filters, POINTS * filterStride);
        transformFilters(w, transposeFlip, inCh, outCh, outPadded, filters, filterStride);
        offsets = stripOffsets(offsets, inCh);
        int allTiles = batch * tilesPerImage(h, wd);
        int chunk = chunk(inCh, outCh);
        for (int t0 = 0; t0 < allTiles; t0 += chunk) {
            int tiles = Math.min(chunk, allTiles - t0);
            int tilesPadded = roundUp(tiles, MR);
            // A_p = V_p [tiles, inCh] in strips of MR tiles.
            int inputStride = tilesPadded * inCh;
            transformed = grow(transformed, POINTS * inputStride);
            transformTiles(in, t0, tiles, inCh, h, wd, false, true, MR, transformed, inputStride);
            int productStride = tilesPadded * outPadded;
            products = grow(products, POINTS * productStride);
            PackedGemm.gemm(device, POINTS, transformed, inputStride, tiles, inCh, filters, filterStride, offsets,
                    inCh, products, productStride, outPadded, false);
            transformOutput(products, productStride, outPadded, tiles, outCh, h, wd, scale, out);
        }
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
            PackedGemm.gemm(device, POINTS, filters, gradientStride, outC, tilesPadded, transformed, inputStride,
                    offsets, tilesPadded, products, productStride, inPadded, t0 > 0);
        }
        accumulateFilterGradient(products, productStride, inPadded, inC, outC, wScale, dw);
    }

    /**
     * U_p = G g G^T for every (input channel i, output channel o), into dst[p * stride + ...] as B operands: strips
     * of NR output channels, element (i, o) at ((o / NR) * inCh + i) * NR + o % NR; padding channels o >= outCh
     * are zero. Work items: LANES output channels x a block of input channels; the filters are gathered into
     * lanes (w read in runs), transformed a vector at a time and stored as vectors.
     */
    private void transformFilters(float[] w, boolean transposeFlip, int inCh, int outCh, int outPadded, float[] dst,
                                  int stride) {
        int inBlocks = (inCh + FILTER_BLOCK - 1) / FILTER_BLOCK;
        int blocksPerStrip = NR / LANES;
        int stripItems = inBlocks * blocksPerStrip;
        device.parallelFor(outPadded / LANES * inBlocks, (long) LANES * FILTER_BLOCK * POINTS, (begin, end) -> {
            float[] g = new float[FILTER_BLOCK * 9 * LANES];
            float[] u = new float[POINTS * LANES];
            for (int item = begin; item < end; item++) {
                // Consecutive items fill one strip's NR output channels for a block of input channels, so each
                // destination run of NR floats is written whole while its cache lines are still held.
                int o0 = item / stripItems * NR + item % blocksPerStrip * LANES;
                int i0 = item % stripItems / blocksPerStrip * FILTER_BLOCK;
                int i1 = Math.min(inCh, i0 + FILTER_BLOCK);
                for (int l = 0; l < LANES; l++) {
                    int o = o0 + l;
                    for (int i = i0; i < i1; i++) {
                        for (int tap = 0; tap < 9; tap++) {
                            g[((i - i0) * 9 + tap) * LANES + l] = o >= outCh ? 0f : transposeFlip
                                    ? w[(i * outCh + o) * 9 + 8 - tap] : w[(o * inCh + i) * 9 + tap];
                        }
                    }
                }
                for (int i = i0; i < i1; i++) {
                    filterTransform(g, (i - i0) * 9 * LANES, u);
                    int at = (o0 / NR * inCh + i) * NR + o0 % NR;
                    for (int p = 0; p < POINTS; p++) {
                        FloatVector.fromArray(SPECIES, u, p * LANES).intoArray(dst, p * stride + at);
                    }
                }
            }
        });
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
        // Input windows in strips of MR tiles that lie along one tile row: loaded as rows, see loadStripWindows.
        boolean rowStrips = !gradient && stripTiles && ROW_STRIPS && firstTile % MR == 0 && (w + 1) / 2 % MR == 0;
        device.parallelFor((perPoint + LANES - 1) / LANES, (long) LANES * POINTS, (begin, end) -> {
            float[] d = new float[POINTS * LANES];
            for (int run = begin; run < end; run++) {
                int j0 = run * LANES;
                if (rowStrips && j0 + LANES <= perPoint
                        && loadStripWindows(src, j0, stripLength, tiles, channels, coords, h, w, d)) {
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
     * l % MR of a strip), when every strip's MR tiles are valid and lie along one tile row: window column s of tile
     * i is column 2i + s of the strip's 2 MR + 2 columns, so each window row is two vector loads of an image row
     * (masked to the image, zero outside it) and one shuffle per column, instead of a scalar gather per lane and
     * cell. Returns false, leaving d alone, where a strip is cut short.
     */
    private static boolean loadStripWindows(float[] src, int j0, int stripLength, int tiles, int channels,
                                            int[] coords, int h, int w, float[] d) {
        for (int group = 0; group < LANES / MR; group++) {
            int t = (j0 + group * MR) / stripLength * MR;
            if (t + MR > tiles) {
                return false;
            }
        }
        for (int group = 0; group < LANES / MR; group++) {
            int j = j0 + group * MR;
            int t = j / stripLength * MR;
            int c = j % stripLength / MR;
            int y = coords[3 * t + 1] - 1;
            int x = coords[3 * t + 2] - 1;
            VectorMask<Float> left = columnsInside(x, w);
            VectorMask<Float> right = columnsInside(x + LANES, w);
            for (int r = 0; r < 4; r++) {
                FloatVector low = FloatVector.zero(SPECIES);
                FloatVector high = low;
                if (y + r >= 0 && y + r < h) {
                    int at = ((coords[3 * t] * channels + c) * h + y + r) * w + x;
                    low = FloatVector.fromArray(SPECIES, src, at, left);
                    high = FloatVector.fromArray(SPECIES, src, at + LANES, right);
                }
                for (int col = 0; col < 4; col++) {
                    int cell = (r * 4 + col) * LANES;
                    FloatVector v = low.rearrange(STRIP_COLUMNS[col], high);
                    (group == 0 ? v : FloatVector.fromArray(SPECIES, d, cell).blend(v, GROUPS[group]))
                            .intoArray(d, cell);
                }
            }
        }
        return true;
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
     * LANES input channels at a time, loaded as vectors, transformed, and added to dw (stride 9) lane by lane.
     */
    private void accumulateFilterGradient(float[] product, int stride, int columns, int inC, int outC, float scale,
                                          float[] dw) {
        int vectors = (inC + LANES - 1) / LANES;
        device.parallelFor(outC * vectors, (long) LANES * POINTS, (begin, end) -> {
            float[] m = new float[POINTS * LANES];
            for (int item = begin; item < end; item++) {
                int o = item / vectors;
                int i0 = item % vectors * LANES;
                for (int p = 0; p < POINTS; p++) {
                    FloatVector.fromArray(SPECIES, product, p * stride + o * columns + i0).intoArray(m, p * LANES);
                }
                filterGradientTransform(m);
                for (int l = 0; l < Math.min(LANES, inC - i0); l++) {
                    int at = (o * inC + i0 + l) * 9;
                    for (int tap = 0; tap < 9; tap++) {
                        dw[at + tap] += scale * m[((tap / 3) * 4 + tap % 3) * LANES + l];
                    }
                }
            }
        });
    }

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] stripColumns() {
        VectorShuffle<Float>[] shuffles = new VectorShuffle[4];
        for (int col = 0; col < 4; col++) {
            int[] from = new int[LANES];
            for (int l = 0; l < LANES; l++) {
                from[l] = 2 * (l % MR) + col;
            }
            shuffles[col] = VectorShuffle.fromArray(SPECIES, from, 0);
        }
        return shuffles;
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

    /** u = G g G^T, lane by lane: g holds 3x3 rows of LANES floats from gAt, u 4x4 rows of LANES floats. */
    private static void filterTransform(float[] g, int gAt, float[] u) {
        FloatVector half = FloatVector.broadcast(SPECIES, 0.5f);
        for (int s = 0; s < 3; s++) {
            FloatVector g0 = FloatVector.fromArray(SPECIES, g, gAt + s * LANES);
            FloatVector g1 = FloatVector.fromArray(SPECIES, g, gAt + (3 + s) * LANES);
            FloatVector g2 = FloatVector.fromArray(SPECIES, g, gAt + (6 + s) * LANES);
            FloatVector outer = g0.add(g2);
            g0.intoArray(u, s * LANES);
            outer.add(g1).mul(half).intoArray(u, (4 + s) * LANES);
            outer.sub(g1).mul(half).intoArray(u, (8 + s) * LANES);
            g2.intoArray(u, (12 + s) * LANES);
        }
        for (int r = 0; r < 16; r += 4) {
            FloatVector h0 = FloatVector.fromArray(SPECIES, u, r * LANES);
            FloatVector h1 = FloatVector.fromArray(SPECIES, u, (r + 1) * LANES);
            FloatVector h2 = FloatVector.fromArray(SPECIES, u, (r + 2) * LANES);
            FloatVector outer = h0.add(h2);
            outer.add(h1).mul(half).intoArray(u, (r + 1) * LANES);
            outer.sub(h1).mul(half).intoArray(u, (r + 2) * LANES);
            h2.intoArray(u, (r + 3) * LANES);
        }
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
