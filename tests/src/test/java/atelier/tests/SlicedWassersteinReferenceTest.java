package atelier.tests;

import atelier.core.Tensor;
import atelier.core.device.CpuDevice;
import atelier.gan.metrics.SlicedWasserstein;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static atelier.tests.Fixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The multi-scale SWD against an independent numpy port of the PGAN paper's code (tests/python/make_swd_fixture.py)
 * on the same images, neighbourhood centres and directions: the Laplacian pyramid and the distance per level.
 */
class SlicedWassersteinReferenceTest {
    private static final String FILE = "swd.safetensors";
    private static final Map<String, Tensor> REF = Fixtures.load(FILE);
    private static final CpuDevice CPU = new CpuDevice(2);

    @AfterAll
    static void close() {
        CPU.close();
    }

    private static Tensor ref(String name) {
        return Fixtures.tensor(FILE, REF, name);
    }

    @Test
    void laplacianPyramidMatchesNumpy() {
        SlicedWasserstein swd = new SlicedWasserstein(CPU, 64);
        Tensor levels = ref("a").zerosLike();
        CPU.toPixelLevels(ref("a"), levels);
        Tensor[] pyramid = swd.laplacianPyramid(levels);
        assertEquals(3, pyramid.length);
        for (int l = 0; l < pyramid.length; l++) {
            assertClose("level " + l, ref("a.pyramid." + l), pyramid[l], 1e-6, 1);
        }
    }

    @Test
    void distancePerLevelMatchesNumpy() {
        SlicedWasserstein swd = new SlicedWasserstein(CPU, 64);
        int levels = swd.levelResolutions().length;
        List<List<Tensor>> directions = new ArrayList<>();
        for (int l = 0; l < levels; l++) {
            directions.add(List.of(ref("directions." + l + ".0"), ref("directions." + l + ".1")));
        }
        SlicedWasserstein.Descriptors a = describe(swd, "a", levels);
        SlicedWasserstein.Descriptors b = describe(swd, "b", levels);
        SlicedWasserstein.Result result = swd.compare(a, b, directions, done -> {
        });
        Tensor expected = ref("swd");
        assertClose("SWD x 1e3 per level", expected, Tensor.of(toFloat(result.levels()), levels), 1e-5);
        assertEquals((expected.data()[0] + expected.data()[1] + expected.data()[2]) / 3, result.average(), 1e-3);
    }

    private static SlicedWasserstein.Descriptors describe(SlicedWasserstein swd, String set, int levels) {
        Tensor images = ref(set);
        int[][] cx = new int[levels][];
        int[][] cy = new int[levels][];
        for (int l = 0; l < levels; l++) {
            cx[l] = toInt(ref(set + ".centre_x." + l).data());
            cy[l] = toInt(ref(set + ".centre_y." + l).data());
        }
        SlicedWasserstein.Descriptors d = swd.descriptors(images.dim(0));
        d.add(images, cx, cy);
        return d;
    }

    private static int[] toInt(float[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (int) values[i];
        }
        return out;
    }

    private static float[] toFloat(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }
}
