package atelier.gan.pgan;

import atelier.core.Tensor;
import atelier.core.device.CpuDevice;
import atelier.nn.Parameter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static atelier.nn.FloatGradCheck.assertNetworkGradients;
import static atelier.nn.FloatGradCheck.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PganNetworksTest {
    private static final CpuDevice CPU = new CpuDevice(2);
    /** A small network: latent 8, channels 8 .. 4. */
    private static final PganShape SMALL = new PganShape(8, 16, 8, 4, 3);

    @AfterAll
    static void close() {
        CPU.close();
    }

    @Test
    void paperChannelSchedule() {
        PganShape paper = PganShape.paper(4096);
        int[] expected = {512, 512, 512, 512, 256, 128, 64, 32, 16, 16, 16};
        int[] actual = new int[paper.levels()];
        for (int l = 0; l < actual.length; l++) {
            actual[l] = paper.channels(l);
        }
        assertArrayEquals(expected, actual);
        assertEquals(9, PganShape.paper(1024).levels());
        assertThrows(IllegalArgumentException.class, () -> PganShape.paper(1000));
    }

    @ParameterizedTest(name = "level {0}, alpha {1}")
    @CsvSource({"0, 1", "1, 0.3", "2, 1"})
    void generatorGradients(int level, float alpha) {
        Random rng = new Random(10 + level);
        Generator g = new Generator(CPU, SMALL, rng);
        for (int l = 0; l < level; l++) {
            g.grow();
        }
        g.setAlpha(alpha);
        Tensor z = randn(rng, 3, SMALL.latent());
        assertArrayEquals(new int[] {3, 3, g.resolution(), g.resolution()}, g.forward(z).shape());
        assertNetworkGradients(g::forward, dy -> {
            g.backward(dy);
            return null;
        }, g.parameters(), z, rng);
    }

    @ParameterizedTest(name = "level {0}, alpha {1}")
    @CsvSource({"0, 1", "1, 0.3", "2, 1"})
    void discriminatorGradients(int level, float alpha) {
        Random rng = new Random(20 + level);
        Discriminator d = new Discriminator(CPU, SMALL, rng);
        for (int l = 0; l < level; l++) {
            d.grow();
        }
        d.setAlpha(alpha);
        int r = d.resolution();
        Tensor images = randn(rng, 4, 3, r, r);
        assertArrayEquals(new int[] {4, 1}, d.forward(images).shape());
        assertNetworkGradients(d::forward, d::backward, d.parameters(), images, rng);
    }

    /** The generator's loss takes the critic's input gradient alone: the critic's gradients stay as they were. */
    @Test
    void generatorLossLeavesTheCriticsGradientsAlone() {
        Random rng = new Random(30);
        Discriminator d = new Discriminator(CPU, SMALL, rng);
        d.grow();
        Tensor fake = randn(rng, 4, 3, d.resolution(), d.resolution());
        d.forward(fake);
        Tensor dScores = Tensor.zeros(4, 1);
        CPU.fill(dScores, -1f / 4);
        float[] expected = d.backward(dScores).data().clone();
        for (Parameter p : d.parameters()) {
            CPU.fill(p.grad(), 3f);
        }
        WganGp.GeneratorLoss loss = new WganGp(CPU, WganGp.Config.PGAN).generatorLoss(d, fake);
        assertArrayEquals(expected, loss.imageGradient().data(), 0f);
        for (Parameter p : d.parameters()) {
            assertTrue(p.requiresGrad(), p.name());
            for (float v : p.grad().data()) {
                assertEquals(3f, v, p.name());
            }
        }
    }

    @Test
    void growingPastTheMaximumIsAClearError() {
        Generator g = new Generator(CPU, new PganShape(8, 8, 8, 4, 3), new Random(0));
        g.grow();
        IllegalStateException e = assertThrows(IllegalStateException.class, g::grow);
        assertEquals("generator is already at its maximum resolution 8", e.getMessage());
    }
}
