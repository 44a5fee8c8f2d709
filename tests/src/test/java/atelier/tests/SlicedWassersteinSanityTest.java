package atelier.tests;

import atelier.core.Rng;
import atelier.core.Tensor;
import atelier.core.device.CpuDevice;
import atelier.gan.metrics.SlicedWasserstein;
import atelier.tools.data.DataSource;
import atelier.tools.data.ImagePyramid;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The metric orders what it should on real images (the built-in synthetic art at 32 px): two disjoint sets of the
 * same data are close, the second set blurred is further (at the finest level above all), uniform noise is far.
 */
class SlicedWassersteinSanityTest {
    private static final int IMAGES = 64;
    private static final int RESOLUTION = 32;

    @Test
    void realSplitIsCloserThanBlurredRealWhichIsCloserThanNoise() throws IOException {
        try (CpuDevice cpu = new CpuDevice(2);
             ImagePyramid data = DataSource.open(cpu, DataSource.SYNTHETIC, RESOLUTION, 11)) {
            Tensor first = images(data, 0);
            Tensor second = images(data, IMAGES);
            // A Gaussian blur: one pyramid step down and back up.
            Tensor coarse = Tensor.zeros(IMAGES, 3, RESOLUTION / 2, RESOLUTION / 2);
            cpu.pyramidDown(second, coarse);
            Tensor blurred = second.zerosLike();
            cpu.pyramidUp(coarse, blurred);
            Tensor noise = new Rng(3).uniform(IMAGES, 3, RESOLUTION, RESOLUTION);
            float[] n = noise.data();
            for (int i = 0; i < n.length; i++) {
                n[i] = 2 * n[i] - 1;
            }

            SlicedWasserstein swd = new SlicedWasserstein(cpu, RESOLUTION);
            SlicedWasserstein.Result split = distance(swd, first, second);
            SlicedWasserstein.Result blur = distance(swd, first, blurred);
            SlicedWasserstein.Result far = distance(swd, first, noise);
            String values = "split " + split + ", blurred " + blur + ", noise " + far;
            // The blur takes away fine detail: the finest level sees it, the 16 px Gaussian level hardly.
            assertTrue(2 * split.levels()[0] < blur.levels()[0] && 2 * blur.levels()[0] < far.levels()[0], values);
            for (int l = 0; l < 2; l++) {
                assertTrue(2 * split.levels()[l] < far.levels()[l] && blur.levels()[l] < far.levels()[l], values);
            }
            assertTrue(3 * split.average() < far.average(), values);
            assertTrue(split.average() < blur.average() && blur.average() < far.average(), values);
        }
    }

    private static Tensor images(ImagePyramid data, int first) {
        Tensor out = Tensor.zeros(IMAGES, 3, RESOLUTION, RESOLUTION);
        int size = 3 * RESOLUTION * RESOLUTION;
        for (int i = 0; i < IMAGES; i++) {
            System.arraycopy(data.image(first + i, RESOLUTION).data(), 0, out.data(), i * size, size);
        }
        return out;
    }

    private static SlicedWasserstein.Result distance(SlicedWasserstein swd, Tensor a, Tensor b) {
        SlicedWasserstein.Descriptors da = swd.descriptors(IMAGES);
        SlicedWasserstein.Descriptors db = swd.descriptors(IMAGES);
        da.add(a, new Rng(1));
        db.add(b, new Rng(2));
        return swd.compare(da, db, new Rng(3));
    }
}
