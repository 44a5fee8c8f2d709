package atelier.tools.image;

import atelier.core.Tensor;
import atelier.core.device.CpuDevice;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BandResizerTest {

    /** An image fed in bands (of uneven heights) comes out as the whole image's resize, in order. */
    @ParameterizedTest(name = "{0}x{1} -> {2}x{3}, bands of {4}")
    @CsvSource({"40, 24, 37, 30, 8", "24, 16, 61, 13, 5", "64, 64, 15, 15, 7", "20, 10, 20, 17, 20", "9, 9, 30, 30, 1"})
    void bandsGiveTheWholeResize(int inH, int inW, int outH, int outW, int band) throws IOException {
        Random rng = new Random(inH * 31L + outH);
        Tensor image = Tensor.zeros(1, 3, inH, inW);
        for (int i = 0; i < image.numel(); i++) {
            image.data()[i] = (float) rng.nextGaussian();
        }
        try (CpuDevice cpu = new CpuDevice(2)) {
            Tensor whole = Tensor.zeros(1, 3, outH, outW);
            cpu.resize(image, whole);
            Tensor streamed = whole.zerosLike();
            int[] next = {0};
            BandResizer resizer = new BandResizer(cpu, inH, outH, outW, (rows, first) -> {
                assertEquals(next[0], first, "bands in order");
                int r = rows.dim(2);
                for (int c = 0; c < 3; c++) {
                    System.arraycopy(rows.data(), c * r * outW, streamed.data(), (c * outH + first) * outW, r * outW);
                }
                next[0] += r;
            });
            for (int top = 0, k = 0; top < inH; k++) {
                int rows = Math.min(inH - top, band + k % 3); // uneven bands
                Tensor part = Tensor.zeros(1, 3, rows, inW);
                for (int c = 0; c < 3; c++) {
                    System.arraycopy(image.data(), (c * inH + top) * inW, part.data(), c * rows * inW, rows * inW);
                }
                resizer.accept(part, top);
                top += rows;
            }
            assertEquals(outH, next[0]);
            for (int i = 0; i < whole.numel(); i++) {
                assertEquals(whole.data()[i], streamed.data()[i], 1e-6, "element " + i);
            }
        }
    }
}
