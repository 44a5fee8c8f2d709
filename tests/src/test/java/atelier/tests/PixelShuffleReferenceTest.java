package atelier.tests;

import atelier.core.Tensor;
import atelier.core.device.CpuDevice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static atelier.tests.Fixtures.assertClose;

/** Device.pixelShuffle and its backward against PyTorch's F.pixel_shuffle (tests/python/make_pixel_shuffle_fixture.py). */
class PixelShuffleReferenceTest {
    private static final String FILE = "pixel_shuffle.safetensors";
    private static final Map<String, Tensor> REF = Fixtures.load(FILE);
    private static final CpuDevice CPU = new CpuDevice(2);

    @AfterAll
    static void close() {
        CPU.close();
    }

    @ParameterizedTest
    @CsvSource({"x2, 2", "x3, 3", "x4, 4", "x8, 8"})
    void pixelShuffleMatchesPyTorch(String c, int factor) {
        Tensor expectedY = Fixtures.tensor(FILE, REF, c + ".y");
        Tensor y = expectedY.zerosLike();
        CPU.pixelShuffle(Fixtures.tensor(FILE, REF, c + ".x"), factor, y);
        assertClose(c + " y", expectedY, y, 0);
        Tensor expectedDx = Fixtures.tensor(FILE, REF, c + ".dx");
        Tensor dx = expectedDx.zerosLike();
        CPU.pixelShuffleBackward(Fixtures.tensor(FILE, REF, c + ".dy"), factor, dx);
        assertClose(c + " dx", expectedDx, dx, 0);
    }
}
