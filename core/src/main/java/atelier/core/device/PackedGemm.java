package atelier.core.device;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The CPU device's matrix product, shared by the convolutions ({@link FastConv}, {@link WinogradConv}): a batch of
 * c = A x B with A packed in strips of MR rows and B read through per-row offsets, as a cache-blocked loop around
 * one MR x NR register tile of Vector API FMAs.
 *
 * <p>Determinism: each output's sum runs over the reduction index in order, in fixed blocks of KC (constants, not
 * derived from the thread count), so results are bit-identical for any thread count.
 */
final class PackedGemm {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    // Block sizes were measured on a 2-core Zen 5 (AVX-512) with bench conv; 8 x 3 vectors beat 4x4, 6x4, 12x2, 8x4.
    /** Rows of a register tile: 8 broadcasts and 3 vector loads per 24 FMAs. */
    static final int MR = 8;
    /** Columns of a register tile: three vectors. */
    static final int NR = 3 * LANES;
    /** Reduction indices per pass of a register tile before its sums go back to memory. */
    private static final int KC = 256;
    /** Rows and columns of one work item. */
    private static final int M_BLOCK = 32 * MR;
    private static final int Q_BLOCK = 4 * NR;

    private PackedGemm() {
    }

    static int roundUp(int value, int multiple) {
        return (value + multiple - 1) / multiple * multiple;
    }

    /** The buffer if it holds {@code length} floats, else a new one: operand buffers are kept between calls. */
    static float[] grow(float[] buffer, int length) {
        return buffer.length >= length ? buffer : new float[length];
    }

    static int[] growInts(int[] buffer, int length) {
        return buffer.length >= length ? buffer : new int[length];
    }

    /** B's row offsets for strips of NR columns (see {@link #gemm}): off[j] = j * NR for j < rows, in the buffer. */
    static int[] stripOffsets(int[] buffer, int rows) {
        return rowOffsets(buffer, rows, NR);
    }

    /** Row offsets of B read in place from a row-major array: off[j] = j * stride for j < rows, in the buffer. */
    static int[] rowOffsets(int[] buffer, int rows, int stride) {
        int[] off = growInts(buffer, rows);
        for (int j = 0; j < rows; j++) {
            off[j] = j * stride;
        }
        return off;
    }

    /**
     * B's column bases (see {@link #gemm}) for strips of NR columns, each [rows, NR] contiguous from strip * NR * rows:
     * base[v] = (v / 3) * NR * rows + (v % 3) * LANES for column vector v. With rows = 1, columns lie along B's rows.
     */
    static int[] stripBases(int[] buffer, int columns, int rows) {
        int[] base = growInts(buffer, columns / LANES);
        for (int v = 0; v < columns / LANES; v++) {
            base[v] = (v / 3) * NR * rows + v % 3 * LANES;
        }
        return base;
    }

    /**
     * The product below with rows of c of {@code columns} contiguous floats: c[p][m, q] = c[p * cStride + m * columns
     * + q].
     */
    static void gemm(CpuDevice device, int batches, float[] a, int aStride, int rows, int width,
                     float[] b, int bStride, int[] off, int[] base, float[] c, int cStride, int columns,
                     boolean accumulate) {
        gemm(device, batches, a, aStride, rows, width, b, bStride, off, base, c, cStride, null, columns, columns,
                accumulate);
    }

    /**
     * For each of {@code batches} products p: c[p][m, q] = sum_{j < width} A[p][m, j] * B[p][j, q] for
     * m < roundUp(rows, MR) and q < columns (a multiple of NR), where
     * <ul>
     *   <li>A[p][m, j] = a[p * aStride + ((m / MR) * width + j) * MR + m % MR]: strips of MR rows, so a tile's MR
     *       broadcasts come from one sequential stream (rows past `rows` repeat or pad; their outputs are
     *       garbage);</li>
     *   <li>B[p][j, q] = b[p * bStride + off[j] + base[q / LANES] + q % LANES]: row j at off[j], each vector of
     *       columns at its own base ({@link #stripBases}: rows of a grid at arbitrary offsets, or strips of NR
     *       columns, each [width, NR] contiguous; or any other placement of whole vectors);</li>
     *   <li>c[p][m, q] = c[p * cStride + m * ldc + cBase[q / NR] + q % NR] (cBase null: q), each register tile's
     *       NR columns at their own base, overwritten or, with {@code accumulate}, added to.</li>
     * </ul>
     * Work items: products x blocks of rows x blocks of columns, the blocks smaller where there would be fewer items
     * than two per thread (the blocks do not change any sum's order).
     */
    static void gemm(CpuDevice device, int batches, float[] a, int aStride, int rows, int width,
                     float[] b, int bStride, int[] off, int[] base, float[] c, int cStride, int[] cBase, int ldc,
                     int columns, boolean accumulate) {
        int rowsPadded = roundUp(rows, MR);
        int mStrips = rowsPadded / MR;
        int qStrips = columns / NR;
        int mBlock = Math.min(M_BLOCK / MR, mStrips);
        int qBlock = Math.min(Q_BLOCK / NR, qStrips);
        while ((long) batches * ceilDiv(mStrips, mBlock) * ceilDiv(qStrips, qBlock) < 2L * device.threads()
                && qBlock * mBlock > 1) {
            if (qBlock > 1) {
                qBlock = (qBlock + 1) / 2;
            } else {
                mBlock = (mBlock + 1) / 2;
            }
        }
        int mBlocks = ceilDiv(mStrips, mBlock);
        int qBlocks = ceilDiv(qStrips, qBlock);
        int items = mBlocks * qBlocks;
        int mSize = mBlock * MR;
        int qSize = qBlock * NR;
        device.parallelFor(batches * items, (long) mSize * qSize * width, (begin, end) -> {
            for (int item = begin; item < end; item++) {
                int p = item / items;
                int block = item % items;
                int m0 = block / qBlocks * mSize;
                int m1 = Math.min(rowsPadded, m0 + mSize);
                int q0 = block % qBlocks * qSize;
                int q1 = Math.min(columns, q0 + qSize);
                int bp = p * bStride;
                for (int j0 = 0; j0 < width; j0 += KC) {
                    int jn = Math.min(KC, width - j0);
                    // Each B slice (KC x NR) stays in L1 while every row strip of the block passes it.
                    for (int q = q0; q < q1; q += NR) {
                        int v = q / LANES;
                        int cq = p * cStride + (cBase == null ? q : cBase[q / NR]);
                        for (int m = m0; m < m1; m += MR) {
                            tile(a, p * aStride + (m / MR * width + j0) * MR, b, off, j0, jn, bp + base[v],
                                    bp + base[v + 1], bp + base[v + 2], c, cq + m * ldc, ldc, j0 == 0 && !accumulate);
                        }
                    }
                }
            }
        });
    }

    private static int ceilDiv(int value, int divisor) {
        return (value + divisor - 1) / divisor;
    }

    /**
     * One MR x NR register tile: c[r, v * LANES + l] (+)= sum_{jj < jn} a[aBase + jj*MR + r] * b[off[j0 + jj] + bv + l]
     * for its three column vectors v at bases b0, b1, b2, in order of jj (a packed as {@link #gemm} says);
     * {@code first} starts from zero instead of the stored partial sum.
     * Unrolled by hand: C2 keeps each named vector in a register, an array of vectors would live in memory.
     */
    static void tile(float[] a, int aBase, float[] b, int[] off, int j0, int jn, int b0, int b1, int b2, float[] c,
                     int cBase, int cStride, boolean first) {
        FloatVector c00, c01, c02, c10, c11, c12, c20, c21, c22, c30, c31, c32, c40, c41, c42, c50, c51, c52, c60, c61,
                c62, c70, c71, c72;
        if (first) {
            c00 = FloatVector.zero(SPECIES);
            c01 = c02 = c10 = c11 = c12 = c20 = c21 = c22 = c00;
            c30 = c31 = c32 = c40 = c41 = c42 = c50 = c51 = c00;
            c52 = c60 = c61 = c62 = c70 = c71 = c72 = c00;
        } else {
            c00 = FloatVector.fromArray(SPECIES, c, cBase);
            c01 = FloatVector.fromArray(SPECIES, c, cBase + LANES);
            c02 = FloatVector.fromArray(SPECIES, c, cBase + 2 * LANES);
            c10 = FloatVector.fromArray(SPECIES, c, cBase + cStride);
            c11 = FloatVector.fromArray(SPECIES, c, cBase + cStride + LANES);
            c12 = FloatVector.fromArray(SPECIES, c, cBase + cStride + 2 * LANES);
            c20 = FloatVector.fromArray(SPECIES, c, cBase + 2 * cStride);
            c21 = FloatVector.fromArray(SPECIES, c, cBase + 2 * cStride + LANES);
            c22 = FloatVector.fromArray(SPECIES, c, cBase + 2 * cStride + 2 * LANES);
            c30 = FloatVector.fromArray(SPECIES, c, cBase + 3 * cStride);
            c31 = FloatVector.fromArray(SPECIES, c, cBase + 3 * cStride + LANES);
            c32 = FloatVector.fromArray(SPECIES, c, cBase + 3 * cStride + 2 * LANES);
            c40 = FloatVector.fromArray(SPECIES, c, cBase + 4 * cStride);
            c41 = FloatVector.fromArray(SPECIES, c, cBase + 4 * cStride + LANES);
            c42 = FloatVector.fromArray(SPECIES, c, cBase + 4 * cStride + 2 * LANES);
            c50 = FloatVector.fromArray(SPECIES, c, cBase + 5 * cStride);
            c51 = FloatVector.fromArray(SPECIES, c, cBase + 5 * cStride + LANES);
            c52 = FloatVector.fromArray(SPECIES, c, cBase + 5 * cStride + 2 * LANES);
            c60 = FloatVector.fromArray(SPECIES, c, cBase + 6 * cStride);
            c61 = FloatVector.fromArray(SPECIES, c, cBase + 6 * cStride + LANES);
            c62 = FloatVector.fromArray(SPECIES, c, cBase + 6 * cStride + 2 * LANES);
            c70 = FloatVector.fromArray(SPECIES, c, cBase + 7 * cStride);
            c71 = FloatVector.fromArray(SPECIES, c, cBase + 7 * cStride + LANES);
            c72 = FloatVector.fromArray(SPECIES, c, cBase + 7 * cStride + 2 * LANES);
        }
        for (int jj = 0; jj < jn; jj++) {
            int bi = off[j0 + jj];
            FloatVector v0 = FloatVector.fromArray(SPECIES, b, bi + b0);
            FloatVector v1 = FloatVector.fromArray(SPECIES, b, bi + b1);
            FloatVector v2 = FloatVector.fromArray(SPECIES, b, bi + b2);
            int ai = aBase + jj * MR;
            FloatVector av = FloatVector.broadcast(SPECIES, a[ai]);
            c00 = av.fma(v0, c00);
            c01 = av.fma(v1, c01);
            c02 = av.fma(v2, c02);
            av = FloatVector.broadcast(SPECIES, a[ai + 1]);
            c10 = av.fma(v0, c10);
            c11 = av.fma(v1, c11);
            c12 = av.fma(v2, c12);
            av = FloatVector.broadcast(SPECIES, a[ai + 2]);
            c20 = av.fma(v0, c20);
            c21 = av.fma(v1, c21);
            c22 = av.fma(v2, c22);
            av = FloatVector.broadcast(SPECIES, a[ai + 3]);
            c30 = av.fma(v0, c30);
            c31 = av.fma(v1, c31);
            c32 = av.fma(v2, c32);
            av = FloatVector.broadcast(SPECIES, a[ai + 4]);
            c40 = av.fma(v0, c40);
            c41 = av.fma(v1, c41);
            c42 = av.fma(v2, c42);
            av = FloatVector.broadcast(SPECIES, a[ai + 5]);
            c50 = av.fma(v0, c50);
            c51 = av.fma(v1, c51);
            c52 = av.fma(v2, c52);
            av = FloatVector.broadcast(SPECIES, a[ai + 6]);
            c60 = av.fma(v0, c60);
            c61 = av.fma(v1, c61);
            c62 = av.fma(v2, c62);
            av = FloatVector.broadcast(SPECIES, a[ai + 7]);
            c70 = av.fma(v0, c70);
            c71 = av.fma(v1, c71);
            c72 = av.fma(v2, c72);
        }
        c00.intoArray(c, cBase);
        c01.intoArray(c, cBase + LANES);
        c02.intoArray(c, cBase + 2 * LANES);
        c10.intoArray(c, cBase + cStride);
        c11.intoArray(c, cBase + cStride + LANES);
        c12.intoArray(c, cBase + cStride + 2 * LANES);
        c20.intoArray(c, cBase + 2 * cStride);
        c21.intoArray(c, cBase + 2 * cStride + LANES);
        c22.intoArray(c, cBase + 2 * cStride + 2 * LANES);
        c30.intoArray(c, cBase + 3 * cStride);
        c31.intoArray(c, cBase + 3 * cStride + LANES);
        c32.intoArray(c, cBase + 3 * cStride + 2 * LANES);
        c40.intoArray(c, cBase + 4 * cStride);
        c41.intoArray(c, cBase + 4 * cStride + LANES);
        c42.intoArray(c, cBase + 4 * cStride + 2 * LANES);
        c50.intoArray(c, cBase + 5 * cStride);
        c51.intoArray(c, cBase + 5 * cStride + LANES);
        c52.intoArray(c, cBase + 5 * cStride + 2 * LANES);
        c60.intoArray(c, cBase + 6 * cStride);
        c61.intoArray(c, cBase + 6 * cStride + LANES);
        c62.intoArray(c, cBase + 6 * cStride + 2 * LANES);
        c70.intoArray(c, cBase + 7 * cStride);
        c71.intoArray(c, cBase + 7 * cStride + LANES);
        c72.intoArray(c, cBase + 7 * cStride + 2 * LANES);
    }
}
