package atelier.core.kernels;

/**
 * The L1 distance sum_i |a_i - b_i| (the upscaler's reconstruction and consistency losses) and its gradient. The
 * sum is blocked like {@link Reduce}: one work item per fixed block, a second launch sums the blocks.
 */
public final class L1 {
    private L1() {
    }

    /**
     * out[j] = sum_{i in [j*blockSize, min(n, (j+1)*blockSize))} |a[i] - b[i]|
     * Work item: one block.
     */
    public static void blockSums(int begin, int end, float[] a, float[] b, int n, int blockSize, float[] out) {
        for (int j = begin; j < end; j++) {
            int stop = Math.min(n, (j + 1) * blockSize);
            float acc = 0f;
            for (int i = j * blockSize; i < stop; i++) {
                acc += Math.abs(a[i] - b[i]);
            }
            out[j] = acc;
        }
    }

    /**
     * g[i] = d(scale * sum |a - b|)/da[i] = scale * sign(a[i] - b[i])   (0 where a == b, as PyTorch's sign)
     * Work item: one element (g overwritten).
     */
    public static void backward(int begin, int end, float[] a, float[] b, float scale, float[] g) {
        for (int i = begin; i < end; i++) {
            float d = a[i] - b[i];
            g[i] = d > 0f ? scale : d < 0f ? -scale : 0f;
        }
    }
}
