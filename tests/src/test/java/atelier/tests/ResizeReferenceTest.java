package atelier.tests;

import atelier.core.Tensor;
import atelier.core.device.CpuDevice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static atelier.tests.Fixtures.assertClose;

/**
 * Device.resize and resizeBackward against PyTorch's antialiased bicubic interpolate
 * (tests/python/make_resize_fixture.py).
 */
class ResizeReferenceTest {
    private static final Map<String, Tensor> REF = Fixtures.load("resize.safetensors");
    private static final CpuDevice CPU = new CpuDevice(2);
    private static final double TOL = 2e-6;

    @AfterAll
    static void close() {
        CPU.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"down4", "down_odd", "down16", "up", "mixed", "same", "pixels"})
    void resizeMatchesPyTorch(String c) {
        Tensor y = REF.get(c + ".y").zerosLike();
        CPU.resize(REF.get(c + ".x"), y);
        assertClose(c + " y", REF.get(c + ".y"), y, TOL);
        Tensor dx = REF.get(c + ".x").zerosLike();
        CPU.resizeBackward(REF.get(c + ".dy"), dx);
        assertClose(c + " dx", REF.get(c + ".dx"), dx, TOL);
    }
}
