package atelier.tests;

import atelier.core.Tensor;
import atelier.core.device.CpuDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.Map;

import static atelier.tests.Fixtures.assertClose;

/**
 * The augmentation kernels (through the CPU device) against torchvision's adjust_brightness / contrast / saturation
 * / hue, torch.flip + torch.rot90 and grid_sample with reflection padding, from tests/python/make_augment_fixture.py.
 */
class AugmentReferenceTest {
    private static final String FILE = "augment.safetensors";
    private static final Map<String, Tensor> REF = Fixtures.load(FILE);
    private static final double TOL = 2e-6;

    private static Tensor ref(String name) {
        return Fixtures.tensor(FILE, REF, name);
    }

    private static Tensor filled(int n, float value) {
        float[] v = new float[n];
        Arrays.fill(v, value);
        return Tensor.of(v, n);
    }

    /** One colour operation at a time: the others get their identity parameters (factor 1, hue shift 0). */
    @ParameterizedTest
    @ValueSource(strings = {"brightness", "contrast", "saturation", "hue"})
    void colourAdjustmentsMatchTorchvision(String op) {
        Tensor x = ref(op + ".x");
        int n = x.dim(0);
        Tensor p = ref(op + ".p");
        Tensor y = x.zerosLike();
        try (CpuDevice cpu = new CpuDevice(2)) {
            cpu.colorJitter(x, op.equals("brightness") ? p : filled(n, 1f), op.equals("contrast") ? p : filled(n, 1f),
                    op.equals("saturation") ? p : filled(n, 1f), op.equals("hue") ? p : filled(n, 0f), y);
        }
        assertClose(op, ref(op + ".y"), y, TOL);
    }

    @Test
    void colourJitterAppliesBrightnessContrastSaturationThenHueLikeTorchvision() {
        Tensor x = ref("jitter.x");
        Tensor y = x.zerosLike();
        try (CpuDevice cpu = new CpuDevice(2)) {
            cpu.colorJitter(x, ref("jitter.b"), ref("jitter.c"), ref("jitter.s"), ref("jitter.h"), y);
        }
        assertClose("jitter", ref("jitter.y"), y, TOL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"flip_square", "flip_wide"})
    void flipsAndQuarterTurnsMatchTorchFlipAndRot90Exactly(String c) {
        Tensor x = ref(c + ".x");
        Tensor y = x.zerosLike();
        try (CpuDevice cpu = new CpuDevice(2)) {
            cpu.flipRotate90(x, ref(c + ".k"), ref(c + ".h"), ref(c + ".v"), y);
        }
        assertClose(c, ref(c + ".y"), y, 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"rotate_square", "rotate_wide", "rotate_strip"})
    void rotationMatchesGridSampleWithReflectionPadding(String c) {
        Tensor x = ref(c + ".x");
        Tensor y = x.zerosLike();
        try (CpuDevice cpu = new CpuDevice(2)) {
            cpu.rotate(x, ref(c + ".angle"), y);
        }
        assertClose(c, ref(c + ".y"), y, TOL);
    }
}
