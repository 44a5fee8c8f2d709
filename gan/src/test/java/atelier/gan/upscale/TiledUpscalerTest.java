package atelier.gan.upscale;

import atelier.core.Tensor;
import atelier.core.device.CpuDevice;
import atelier.nn.Parameter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.util.Random;

import static atelier.nn.FloatGradCheck.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TiledUpscalerTest {
    private static final CpuDevice CPU = new CpuDevice(2);

    @AfterAll
    static void close() {
        CPU.close();
    }

    /** An upscaler with random weights everywhere (a fresh one's last convolution is zero). */
    private static Upscaler randomUpscaler(int factor, int convs) {
        Random rng = new Random(factor * 10L + convs);
        Upscaler g = new Upscaler(CPU, new UpscalerShape(factor, 4, convs), rng);
        for (Parameter p : g.parameters()) {
            Tensor r = randn(rng, p.value().shape());
            for (int i = 0; i < r.numel(); i++) {
                p.value().data()[i] = 0.3f * r.data()[i];
            }
        }
        return g;
    }

    /** Small tiles (down to 1 px, and ones that do not divide the image) against the whole image at once. */
    @ParameterizedTest(name = "x{0}, {1} convs, {2} px tiles")
    @CsvSource({"2, 3, 5", "4, 4, 7", "4, 2, 1", "8, 3, 16", "2, 5, 40"})
    void tiledEqualsWholeImage(int factor, int convs, int tile) throws IOException {
        Upscaler g = randomUpscaler(factor, convs);
        int h = 19, w = 23;
        Tensor image = randn(new Random(tile), 1, 3, h, w);
        Tensor whole = g.forward(image);
        Tensor tiled = whole.zerosLike();
        int[] nextRow = {0};
        int[] tiles = {0};
        TiledUpscaler tiler = new TiledUpscaler(g, tile);
        tiler.upscale(image, (band, firstRow) -> {
            assertEquals(nextRow[0], firstRow, "bands come in order");
            int rows = band.dim(2);
            for (int c = 0; c < 3; c++) {
                System.arraycopy(band.data(), c * rows * w * factor, tiled.data(),
                        (c * h * factor + firstRow) * w * factor, rows * w * factor);
            }
            nextRow[0] += rows;
        }, () -> tiles[0]++);
        assertEquals(h * factor, nextRow[0]);
        assertEquals(tiler.tiles(h, w), tiles[0]);
        double worst = 0, scale = 0;
        for (int i = 0; i < whole.numel(); i++) {
            worst = Math.max(worst, Math.abs(whole.data()[i] - tiled.data()[i]));
            scale = Math.max(scale, Math.abs(whole.data()[i]));
        }
        assertTrue(scale > 0.5, "the output is not trivially small: " + scale);
        assertTrue(worst <= 1e-6 * scale, "max difference tiled vs whole " + worst);
    }
}
