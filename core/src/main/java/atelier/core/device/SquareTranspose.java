package atelier.core.device;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Square transposes of LANES x LANES floats held in vector registers, which the convolutions use to turn rows
 * (channels, taps) into lanes and back: {@link WinogradConv}'s filter transform and filter gradient, and
 * {@link FastConv}'s packing of the weight gradient's im2col operand.
 */
final class SquareTranspose {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    /** Widest vectors the register transpose is written for. */
    private static final int MAX_LANES = 16;
    /** Whether this machine's vectors fit {@link #transpose}. */
    static final boolean SUPPORTED = LANES <= MAX_LANES;
    /** Per round k of {@link #transpose}: the two-vector selections giving the lower and upper row. */
    private static final FloatVector[] TRANSPOSE_LOW = transposeSelections(false);
    private static final FloatVector[] TRANSPOSE_HIGH = transposeSelections(true);

    private SquareTranspose() {
    }

    /**
     * Transposes the LANES x LANES square src[srcAt + r * srcStride + c] into dst[dstAt + c * dstStride + r]: round
     * k pairs rows r and r + 2^k (bit k of r clear) and swaps bit k of the row index with bit k of the column index,
     * by two two-vector selections. Unrolled by hand over 16 named rows, so that C2 keeps them in
     * registers (rows and rounds past LANES fold away); a loop over the rounds through memory was 4x slower.
     */
    static void transpose(float[] src, int srcAt, int srcStride, float[] dst, int dstAt, int dstStride) {
        FloatVector x0 = squareRow(src, srcAt, srcStride, 0), x1 = squareRow(src, srcAt, srcStride, 1);
        FloatVector x2 = squareRow(src, srcAt, srcStride, 2), x3 = squareRow(src, srcAt, srcStride, 3);
        FloatVector x4 = squareRow(src, srcAt, srcStride, 4), x5 = squareRow(src, srcAt, srcStride, 5);
        FloatVector x6 = squareRow(src, srcAt, srcStride, 6), x7 = squareRow(src, srcAt, srcStride, 7);
        FloatVector x8 = squareRow(src, srcAt, srcStride, 8), x9 = squareRow(src, srcAt, srcStride, 9);
        FloatVector x10 = squareRow(src, srcAt, srcStride, 10), x11 = squareRow(src, srcAt, srcStride, 11);
        FloatVector x12 = squareRow(src, srcAt, srcStride, 12), x13 = squareRow(src, srcAt, srcStride, 13);
        FloatVector x14 = squareRow(src, srcAt, srcStride, 14), x15 = squareRow(src, srcAt, srcStride, 15);
        FloatVector t;
        if (LANES > 1) {
            FloatVector low = TRANSPOSE_LOW[0], high = TRANSPOSE_HIGH[0];
            t = low.selectFrom(x0, x1); x1 = high.selectFrom(x0, x1); x0 = t;
            t = low.selectFrom(x2, x3); x3 = high.selectFrom(x2, x3); x2 = t;
            t = low.selectFrom(x4, x5); x5 = high.selectFrom(x4, x5); x4 = t;
            t = low.selectFrom(x6, x7); x7 = high.selectFrom(x6, x7); x6 = t;
            t = low.selectFrom(x8, x9); x9 = high.selectFrom(x8, x9); x8 = t;
            t = low.selectFrom(x10, x11); x11 = high.selectFrom(x10, x11); x10 = t;
            t = low.selectFrom(x12, x13); x13 = high.selectFrom(x12, x13); x12 = t;
            t = low.selectFrom(x14, x15); x15 = high.selectFrom(x14, x15); x14 = t;
        }
        if (LANES > 2) {
            FloatVector low = TRANSPOSE_LOW[1], high = TRANSPOSE_HIGH[1];
            t = low.selectFrom(x0, x2); x2 = high.selectFrom(x0, x2); x0 = t;
            t = low.selectFrom(x1, x3); x3 = high.selectFrom(x1, x3); x1 = t;
            t = low.selectFrom(x4, x6); x6 = high.selectFrom(x4, x6); x4 = t;
            t = low.selectFrom(x5, x7); x7 = high.selectFrom(x5, x7); x5 = t;
            t = low.selectFrom(x8, x10); x10 = high.selectFrom(x8, x10); x8 = t;
            t = low.selectFrom(x9, x11); x11 = high.selectFrom(x9, x11); x9 = t;
            t = low.selectFrom(x12, x14); x14 = high.selectFrom(x12, x14); x12 = t;
            t = low.selectFrom(x13, x15); x15 = high.selectFrom(x13, x15); x13 = t;
        }
        if (LANES > 4) {
            FloatVector low = TRANSPOSE_LOW[2], high = TRANSPOSE_HIGH[2];
            t = low.selectFrom(x0, x4); x4 = high.selectFrom(x0, x4); x0 = t;
            t = low.selectFrom(x1, x5); x5 = high.selectFrom(x1, x5); x1 = t;
            t = low.selectFrom(x2, x6); x6 = high.selectFrom(x2, x6); x2 = t;
            t = low.selectFrom(x3, x7); x7 = high.selectFrom(x3, x7); x3 = t;
            t = low.selectFrom(x8, x12); x12 = high.selectFrom(x8, x12); x8 = t;
            t = low.selectFrom(x9, x13); x13 = high.selectFrom(x9, x13); x9 = t;
            t = low.selectFrom(x10, x14); x14 = high.selectFrom(x10, x14); x10 = t;
            t = low.selectFrom(x11, x15); x15 = high.selectFrom(x11, x15); x11 = t;
        }
        if (LANES > 8) {
            FloatVector low = TRANSPOSE_LOW[3], high = TRANSPOSE_HIGH[3];
            t = low.selectFrom(x0, x8); x8 = high.selectFrom(x0, x8); x0 = t;
            t = low.selectFrom(x1, x9); x9 = high.selectFrom(x1, x9); x1 = t;
            t = low.selectFrom(x2, x10); x10 = high.selectFrom(x2, x10); x2 = t;
            t = low.selectFrom(x3, x11); x11 = high.selectFrom(x3, x11); x3 = t;
            t = low.selectFrom(x4, x12); x12 = high.selectFrom(x4, x12); x4 = t;
            t = low.selectFrom(x5, x13); x13 = high.selectFrom(x5, x13); x5 = t;
            t = low.selectFrom(x6, x14); x14 = high.selectFrom(x6, x14); x6 = t;
            t = low.selectFrom(x7, x15); x15 = high.selectFrom(x7, x15); x7 = t;
        }
        storeSquareRow(x0, dst, dstAt, dstStride, 0);
        storeSquareRow(x1, dst, dstAt, dstStride, 1);
        storeSquareRow(x2, dst, dstAt, dstStride, 2);
        storeSquareRow(x3, dst, dstAt, dstStride, 3);
        storeSquareRow(x4, dst, dstAt, dstStride, 4);
        storeSquareRow(x5, dst, dstAt, dstStride, 5);
        storeSquareRow(x6, dst, dstAt, dstStride, 6);
        storeSquareRow(x7, dst, dstAt, dstStride, 7);
        storeSquareRow(x8, dst, dstAt, dstStride, 8);
        storeSquareRow(x9, dst, dstAt, dstStride, 9);
        storeSquareRow(x10, dst, dstAt, dstStride, 10);
        storeSquareRow(x11, dst, dstAt, dstStride, 11);
        storeSquareRow(x12, dst, dstAt, dstStride, 12);
        storeSquareRow(x13, dst, dstAt, dstStride, 13);
        storeSquareRow(x14, dst, dstAt, dstStride, 14);
        storeSquareRow(x15, dst, dstAt, dstStride, 15);
    }

    private static FloatVector squareRow(float[] src, int at, int stride, int r) {
        return r < LANES ? FloatVector.fromArray(SPECIES, src, at + r * stride) : FloatVector.zero(SPECIES);
    }

    private static void storeSquareRow(FloatVector row, float[] buf, int at, int stride, int r) {
        if (r < LANES) {
            row.intoArray(buf, at + r * stride);
        }
    }

    /**
     * Index vectors for {@link #transpose}'s round k (bit b = 2^k): lane c of the new lower row (bit k of its
     * index clear) is upper[c] where bit k of c is clear, else lower[c - b]; of the new upper row, upper[c + b] where
     * it is clear, else lower[c]. Indexes from LANES up select from the second vector.
     */
    private static FloatVector[] transposeSelections(boolean high) {
        FloatVector[] selections = new FloatVector[Integer.numberOfTrailingZeros(LANES)];
        for (int k = 0; k < selections.length; k++) {
            int bit = 1 << k;
            float[] index = new float[LANES];
            for (int c = 0; c < LANES; c++) {
                boolean set = (c & bit) != 0;
                index[c] = high ? (set ? LANES + c : c + bit) : (set ? LANES + c - bit : c);
            }
            selections[k] = FloatVector.fromArray(SPECIES, index, 0);
        }
        return selections;
    }
}
