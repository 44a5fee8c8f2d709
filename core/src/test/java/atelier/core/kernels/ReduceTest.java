package atelier.core.kernels;

import atelier.core.Tensor;
import atelier.core.device.CpuDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static atelier.core.kernels.GradCheck.assertSplits;
import static atelier.core.kernels.GradCheck.identicalOnAnyThreadCount;
import static atelier.core.kernels.GradCheck.randn;
import static atelier.core.kernels.GradCheck.toFloat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ReduceTest {

    /** Sizes around CpuDevice's 4096-element reduction blocks: one element, one block, a partial last block. */
    @ParameterizedTest(name = "{0} elements")
    @ValueSource(ints = {1, 4096, 4097, 100_003})
    void sumsAreIdenticalForAnyThreadCountAndMatchDoubleSums(int n) {
        if (n > 100_000) {
            assertSplits("sum", (n + 4095) / 4096, 4096);
        }
        float[] x = toFloat(randn(new Random(n), n));
        double sum = 0, sumAbs = 0, sumSq = 0;
        for (float v : x) {
            sum += v;
            sumAbs += Math.abs(v);
            sumSq += (double) v * v;
        }
        float gotSum = identicalOnAnyThreadCount("sum", cpu -> new float[] {cpu.sum(Tensor.of(x, n))})[0];
        float gotSumSq = identicalOnAnyThreadCount("sumOfSquares",
                cpu -> new float[] {cpu.sumOfSquares(Tensor.of(x, n))})[0];
        // Float rounding is relative to the sum of magnitudes, not to the (possibly cancelling) sum itself.
        assertEquals(sum, gotSum, 1e-6 * (1 + sumAbs));
        assertEquals(sumSq, gotSumSq, 1e-5 * (1 + sumSq));
    }

    /** Small integers sum exactly in float (every partial sum stays below 2^24), so any lost or extra term shows. */
    @ParameterizedTest(name = "{0} elements")
    @ValueSource(ints = {1, 4096, 4097, 100_003})
    void sumsOfSmallIntegersAreExact(int n) {
        Random rng = new Random(n);
        float[] x = new float[n];
        long sum = 0, sumSq = 0;
        for (int i = 0; i < n; i++) {
            int v = rng.nextInt(1, 9) * (rng.nextBoolean() ? 1 : -1);
            x[i] = v;
            sum += v;
            sumSq += (long) v * v;
        }
        try (CpuDevice cpu = new CpuDevice(2)) {
            assertEquals((float) sum, cpu.sum(Tensor.of(x, n)));
            assertEquals((float) sumSq, cpu.sumOfSquares(Tensor.of(x, n)));
        }
    }

    @Test
    void anEmptyTensorSumsToZero() {
        try (CpuDevice cpu = new CpuDevice(2)) {
            assertEquals(0f, cpu.sum(Tensor.zeros(0)));
            assertEquals(0f, cpu.sumOfSquares(Tensor.zeros(3, 0)));
        }
    }

    @Test
    void blockSumsCoverFullBlocksThenTheRemainderAndScale() {
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        float[] sums = new float[3];
        Reduce.blockSums(0, 3, x, 10, 4, 0.5f, sums);
        assertArrayEquals(new float[] {5f, 13f, 9.5f}, sums);            // (1+..+4)/2, (5+..+8)/2, (9+10)/2
        float[] squares = new float[3];
        Reduce.blockSumsOfSquares(0, 3, x, 10, 4, 0.5f, squares);
        assertArrayEquals(new float[] {15f, 87f, 90.5f}, squares);       // (1+4+9+16)/2, (25+..+64)/2, (81+100)/2
    }

    @Test
    void blockSumsOfARangeOfBlocksWriteOnlyThoseBlocks() {
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        float[] sums = {-1f, -1f, -1f};
        Reduce.blockSums(1, 2, x, 10, 4, 1f, sums);
        assertArrayEquals(new float[] {-1f, 26f, -1f}, sums);
    }
}
