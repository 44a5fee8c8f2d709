package atelier.tests;

import atelier.core.Tensor;
import atelier.core.device.CpuDevice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static atelier.tests.Fixtures.assertClose;

/**
 * The upscaler's device operations against PyTorch (tests/python/make_upscaler_fixture.py): pixel shuffle and its
 * backward against F.pixel_shuffle, the L1 distance and its gradient against F.l1_loss(reduction="sum").
 */
class UpscalerOpsReferenceTest {
    private static final String FILE = "upscaler.safetensors";
    private static final Map<String, Tensor> REF = Fixtures.load(FILE);
    private static final CpuDevice CPU = new CpuDevice(2);

    @AfterAll
    static void close() {
        CPU.close();
    }

    private static Tensor ref(String name) {
        return Fixtures.tensor(FILE, REF, name);
    }

    @ParameterizedTest
    @CsvSource({"x2, 2", "x3, 3", "x4, 4", "x8, 8"})
    void pixelShuffleMatchesPyTorch(String c, int factor) {
        Tensor y = ref(c + ".y").zerosLike();
        CPU.pixelShuffle(ref(c + ".x"), factor, y);
        assertClose(c + " y", ref(c + ".y"), y, 0);
        Tensor dx = ref(c + ".dx").zerosLike();
        CPU.pixelShuffleBackward(ref(c + ".dy"), factor, dx);
        assertClose(c + " dx", ref(c + ".dx"), dx, 0);
    }

    @Test
    void l1DistanceMatchesPyTorch() {
        Tensor x = ref("l1.x");
        Tensor t = ref("l1.t");
        assertClose("l1 y", ref("l1.y"), Tensor.of(new float[] {CPU.l1Distance(x, t)}, 1), 1e-6);
        Tensor dx = x.zerosLike();
        CPU.l1DistanceBackward(x, t, ref("l1.dy").data()[0], dx);
        assertClose("l1 dx", ref("l1.dx"), dx, 1e-6);
    }
}
