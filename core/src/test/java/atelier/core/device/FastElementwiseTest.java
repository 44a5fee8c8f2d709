package atelier.core.device;

import atelier.core.Tensor;
import atelier.core.kernels.Activation;
import atelier.core.kernels.PixelNorm;
import atelier.core.kernels.Resample;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static atelier.core.device.ConvCheck.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CPU device's vector passes ({@link FastElementwise}) against the plain kernels run over the whole range on
 * one thread: equal to the bit (up to the sign of zero), for 1-3 threads, on sizes with ragged ends (planes and
 * element counts that are not multiples of the vector or of a sign-mask float), in place where the layers run so.
 */
class FastElementwiseTest {
    private static final float SLOPE = 0.2f;
    private static final float EPS = 1e-8f;

    @ParameterizedTest(name = "N={0} C={1} {2}x{3}")
    @CsvSource({
            "1, 1, 1, 1",
            "2, 3, 5, 7",      // planes of 35: vectors and a ragged end in each image
            "3, 16, 4, 4",     // planes of 16: images end on a vector
            "2, 64, 18, 18",   // many channels, planes of 324
    })
    void pixelNormMatchesThePlainKernel(int n, int c, int h, int w) {
        Random rng = new Random(11L * n + c + h * 7L + w);
        int plane = h * w;
        float[] x = randn(rng, n * c * plane);
        float[] dy = randn(rng, x.length);
        float[] y = new float[x.length];
        float[] scale = new float[n * plane];
        PixelNorm.forward(0, n * plane, x, y, scale, c, plane, EPS);
        float[] dx = new float[x.length];
        PixelNorm.backward(0, n * plane, y, scale, dy, dx, c, plane);
        for (int threads = 1; threads <= 3; threads++) {
            try (CpuDevice cpu = new CpuDevice(threads)) {
                Tensor yFast = Tensor.of(x.clone(), n, c, h, w);
                Tensor scaleFast = Tensor.zeros(n, plane);
                cpu.pixelNorm(yFast, EPS, yFast, scaleFast);   // in place, as the layer runs it
                assertArrayEquals(y, yFast.data(), 0f, "forward, " + threads + " threads");
                assertArrayEquals(scale, scaleFast.data(), 0f, "scale, " + threads + " threads");
                Tensor dxFast = Tensor.of(dy.clone(), n, c, h, w);
                cpu.pixelNormBackward(yFast, scaleFast, dxFast, dxFast);
                assertArrayEquals(dx, dxFast.data(), 0f, "backward, " + threads + " threads");
            }
        }
    }

    @ParameterizedTest(name = "{0} elements")
    @CsvSource({"1", "15", "16", "33", "4096", "40007"})
    void leakyReluMatchesThePlainKernel(int elements) {
        Random rng = new Random(elements);
        float[] x = randn(rng, elements);
        x[0] = 0f;   // zero is not positive
        float[] dy = randn(rng, elements);
        int floats = Activation.signFloats(elements);
        float[] y = new float[elements];
        float[] signs = new float[floats];
        Activation.leakyRelu(0, floats, x, y, signs, elements, SLOPE);
        float[] dx = new float[elements];
        Activation.leakyReluBackward(0, elements, signs, dy, dx, SLOPE);
        for (int threads = 1; threads <= 3; threads++) {
            try (CpuDevice cpu = new CpuDevice(threads)) {
                Tensor yFast = Tensor.of(x.clone(), 1, elements);
                Tensor signsFast = Tensor.zeros(floats);
                cpu.leakyRelu(yFast, SLOPE, yFast, signsFast);
                assertArrayEquals(y, yFast.data(), 0f, "forward, " + threads + " threads");
                assertArrayEquals(signs, signsFast.data(), 0f, "signs, " + threads + " threads");
                Tensor dxFast = Tensor.of(dy.clone(), 1, elements);
                cpu.leakyReluBackward(signsFast, dxFast, SLOPE, dxFast);
                assertArrayEquals(dx, dxFast.data(), 0f, "backward, " + threads + " threads");
            }
        }
    }

    @ParameterizedTest(name = "planes={0} {1}x{2}")
    @CsvSource({"1, 2, 2", "3, 4, 6", "5, 10, 2", "4, 64, 130"})
    void averagePoolingMatchesThePlainKernel(int planes, int h, int w) {
        Filter area = Filter.area(2);
        assertTrue(FastElementwise.isAveragePool2(area));
        Random rng = new Random(planes * 31L + h + w);
        float[] x = randn(rng, planes * h * w);
        float[] dy = randn(rng, x.length / 4);
        float[] y = new float[dy.length];
        Resample.downsample(0, y.length, x, y, h, w, 2, area.taps(), 2, 0);
        float[] dx = new float[x.length];
        Resample.downsampleBackward(0, dx.length, dy, dx, h, w, 2, area.taps(), 2, 0);
        for (int threads = 1; threads <= 3; threads++) {
            try (CpuDevice cpu = new CpuDevice(threads)) {
                Tensor yFast = Tensor.zeros(1, planes, h / 2, w / 2);
                cpu.downsample(Tensor.of(x, 1, planes, h, w), area, yFast);
                assertArrayEquals(y, yFast.data(), 0f, "forward, " + threads + " threads");
                Tensor dxFast = Tensor.zeros(1, planes, h, w);
                cpu.downsampleBackward(Tensor.of(dy, 1, planes, h / 2, w / 2), area, dxFast);
                assertArrayEquals(dx, dxFast.data(), 0f, "backward, " + threads + " threads");
            }
        }
    }
}
