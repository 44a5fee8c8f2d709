package atelier.core.kernels;

/**
 * Deterministic reductions. A sum over n elements is cut into fixed blocks (independent of the thread count), each
 * block summed in order by one work item; a second launch over the block sums finishes it. The same kernel is a
 * row sum of an [rows, cols] matrix with blockSize = cols.
 */
public final class Reduce {
    private Reduce() {
    }

    /**
     * out[j] = scale * sum_{i in [j*blockSize, min(n, (j+1)*blockSize))} x[i]
     * Work item: one block.
     */
    public static void blockSums(int begin, int end, float[] x, int n, int blockSize, float scale, float[] out) {
        for (int j = begin; j < end; j++) {
            int stop = Math.min(n, (j + 1) * blockSize);
            float acc = 0f;
            for (int i = j * blockSize; i < stop; i++) {
                acc += x[i];
            }
            out[j] = scale * acc;
        }
    }

    /**
     * out[j] = scale * sum_{i in block j} x[i]^2
     * Work item: one block.
     */
    public static void blockSumsOfSquares(int begin, int end, float[] x, int n, int blockSize, float scale,
                                          float[] out) {
        for (int j = begin; j < end; j++) {
            int stop = Math.min(n, (j + 1) * blockSize);
            float acc = 0f;
            for (int i = j * blockSize; i < stop; i++) {
                acc += x[i] * x[i];
            }
            out[j] = scale * acc;
        }
    }
}
