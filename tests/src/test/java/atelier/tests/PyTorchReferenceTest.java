package atelier.tests;

import atelier.core.Tensor;
import atelier.core.kernels.Activation;
import atelier.core.device.CpuDevice;
import atelier.core.device.DeviceChecks;
import atelier.core.device.Filter;
import atelier.nn.layers.MinibatchStddev;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static atelier.tests.Fixtures.assertClose;

/**
 * Forward outputs and backward gradients of the kernels (through the CPU device and layers) against PyTorch
 * reference values from tests/python/make_fixtures.py (float64 references of float32 inputs).
 */
class PyTorchReferenceTest {
    private static final Map<String, Tensor> REF = Fixtures.load("ops.safetensors");
    private static final CpuDevice CPU = new CpuDevice(2);
    private static final double TOL = 2e-6;

    @AfterAll
    static void close() {
        CPU.close();
    }

    private static Tensor ref(String name) {
        return Fixtures.tensor("ops.safetensors", REF, name);
    }

    @ParameterizedTest
    @CsvSource({"conv1x1, 0", "conv3x3, 1", "conv4x4valid, 0", "conv3x3scaled, 1"})
    void convolution(String c, int pad) {
        Tensor x = ref(c + ".x");
        Tensor w = ref(c + ".w");
        float scale = REF.containsKey(c + ".scale") ? ref(c + ".scale").data()[0] : 1f;
        Tensor y = ref(c + ".y").zerosLike();
        CPU.conv2d(x, w, scale, pad, y);
        CPU.biasAdd(y, ref(c + ".b"));
        assertClose(c + " y", ref(c + ".y"), y, TOL);

        Tensor dy = ref(c + ".dy");
        Tensor dx = x.zerosLike();
        CPU.conv2dBackwardInput(dy, w, scale, pad, dx);
        assertClose(c + " dx", ref(c + ".dx"), dx, TOL);
        Tensor dw = w.zerosLike();
        CPU.conv2dBackwardWeight(x, dy, scale, pad, dw);
        assertClose(c + " dw", ref(c + ".dw"), dw, TOL);
        Tensor db = ref(c + ".b").zerosLike();
        CPU.biasBackward(dy, db);
        assertClose(c + " db", ref(c + ".db"), db, TOL);
    }

    @Test
    void dense() {
        Tensor x = ref("dense.x");
        Tensor w = ref("dense.w");
        float scale = ref("dense.scale").data()[0];
        Tensor y = ref("dense.y").zerosLike();
        CPU.dense(x, w, scale, y);
        CPU.biasAdd(y, ref("dense.b"));
        assertClose("dense y", ref("dense.y"), y, TOL);
        Tensor dy = ref("dense.dy");
        Tensor dx = x.zerosLike();
        CPU.denseBackwardInput(dy, w, scale, dx);
        assertClose("dense dx", ref("dense.dx"), dx, TOL);
        Tensor dw = w.zerosLike();
        CPU.denseBackwardWeight(x, dy, scale, dw);
        assertClose("dense dw", ref("dense.dw"), dw, TOL);
        Tensor db = ref("dense.b").zerosLike();
        CPU.biasBackward(dy, db);
        assertClose("dense db", ref("dense.db"), db, TOL);
    }

    @Test
    void nearestUpsample() {
        Tensor y = ref("upsample2.y").zerosLike();
        CPU.upsampleNearest(ref("upsample2.x"), 2, y);
        assertClose("upsample y", ref("upsample2.y"), y, TOL);
        Tensor dx = ref("upsample2.x").zerosLike();
        CPU.upsampleNearestBackward(ref("upsample2.dy"), 2, dx);
        assertClose("upsample dx", ref("upsample2.dx"), dx, TOL);
    }

    @ParameterizedTest
    @CsvSource({"avgpool2, area, 2", "area4, area, 4", "bilinear2, bilinear, 2", "bilinear3, bilinear, 3",
            "bilinear4, bilinear, 4"})
    void downsampling(String c, String filter, int factor) {
        Filter f = Filter.named(filter, factor);
        Tensor y = ref(c + ".y").zerosLike();
        CPU.downsample(ref(c + ".x"), f, y);
        assertClose(c + " y", ref(c + ".y"), y, TOL);
        Tensor dx = ref(c + ".x").zerosLike();
        CPU.downsampleBackward(ref(c + ".dy"), f, dx);
        assertClose(c + " dx", ref(c + ".dx"), dx, TOL);
    }

    @Test
    void leakyRelu() {
        Tensor y = ref("lrelu.x").zerosLike();
        Tensor signs = Tensor.zeros(Activation.signFloats(y.numel()));
        CPU.leakyRelu(ref("lrelu.x"), 0.2f, y, signs);
        assertClose("lrelu y", ref("lrelu.y"), y, TOL);
        Tensor dx = y.zerosLike();
        CPU.leakyReluBackward(signs, ref("lrelu.dy"), 0.2f, dx);
        assertClose("lrelu dx", ref("lrelu.dx"), dx, TOL);
    }

    @Test
    void pixelNorm() {
        Tensor x = ref("pixelnorm.x");
        Tensor y = x.zerosLike();
        Tensor scale = Tensor.zeros(x.dim(0), DeviceChecks.plane("pixel norm input", x));
        CPU.pixelNorm(x, 1e-8f, y, scale);
        assertClose("pixelnorm y", ref("pixelnorm.y"), y, TOL);
        Tensor dx = x.zerosLike();
        CPU.pixelNormBackward(y, scale, ref("pixelnorm.dy"), dx);
        assertClose("pixelnorm dx", ref("pixelnorm.dx"), dx, TOL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"mbstd8", "mbstd6", "mbstd1"})
    void minibatchStddevAsPytorchGanZoo(String c) {
        MinibatchStddev layer = new MinibatchStddev(CPU, MinibatchStddev.PGAN_GROUP_SIZE);
        assertClose(c + " y", ref(c + ".y"), layer.forward(ref(c + ".x")), TOL);
        assertClose(c + " dx", ref(c + ".dx"), layer.backward(ref(c + ".dy")), TOL);
    }

    /** Hyper-parameters as make_fixtures.py passes them to torch.optim.Adam. */
    @ParameterizedTest
    @CsvSource({"adam, 1e-3, 0.0, 0.99", "adam_b1, 1e-2, 0.9, 0.999"})
    void adamMatchesTorchOptimAdam(String c, double lr, double beta1, double beta2) {
        Tensor p = ref(c + ".p0").copy();
        Tensor m = p.zerosLike();
        Tensor v = p.zerosLike();
        for (int step = 1; step <= 3; step++) {
            CPU.adam(p, ref(c + ".g" + step), m, v, lr, beta1, beta2, 1e-8, step);
        }
        assertClose(c + " p", ref(c + ".p3"), p, 1e-6);
        assertClose(c + " m", ref(c + ".m3"), m, 1e-6);
        assertClose(c + " v", ref(c + ".v3"), v, 1e-6);
    }
}
