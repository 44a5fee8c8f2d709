package atelier.tests;

import atelier.core.Tensor;
import atelier.core.device.CpuDevice;
import atelier.gan.pgan.Discriminator;
import atelier.gan.pgan.PganShape;
import atelier.gan.pgan.WganGp;
import atelier.nn.Parameter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;
import java.util.Random;

import static atelier.tests.Fixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The discriminator loss of WGAN-GP + drift and its exact parameter gradient (the penalty differentiated through
 * the discriminator's backward), against PyTorch's double backprop on the same weights (make_gp_fixture.py): a
 * level-1 discriminator fading in at alpha 0.3, so both fade paths, minibatch stddev and every layer type count.
 */
class WganGpReferenceTest {
    /** Batch 4 (the stddev group's input cotangent carried back) and batch 1 (a group of one, as at 4096 px). */
    @ParameterizedTest
    @ValueSource(strings = {"wgan_gp.safetensors", "wgan_gp_batch1.safetensors"})
    void lossAndGradientsMatchPytorchDoubleBackprop(String fixture) {
        Map<String, Tensor> ref = Fixtures.load(fixture);
        try (CpuDevice cpu = new CpuDevice(2)) {
            Discriminator d = new Discriminator(cpu, new PganShape(8, 8, 4, 1, 3), new Random(0));
            d.grow();
            d.setAlpha(0.3f);
            for (Parameter p : d.parameters()) {
                cpu.copy(ref.get(p.name()), p.value());
            }
            WganGp.DiscriminatorLoss loss = new WganGp(cpu, WganGp.Config.PGAN)
                    .discriminatorGradients(d, ref.get("real"), ref.get("fake"), ref.get("eps"));

            assertEquals(ref.get("loss.real").data()[0], loss.realScore(), 1e-5);
            assertEquals(ref.get("loss.fake").data()[0], loss.fakeScore(), 1e-5);
            assertEquals(ref.get("loss.drift").data()[0], loss.drift(), 1e-7);
            assertEquals(ref.get("loss.penalty").data()[0], loss.penalty(), 1e-4 * ref.get("loss.penalty").data()[0]);
            assertEquals(14, d.parameters().size());
            // The last layers' bias gradients are -1 + 1 + drift terms, ~1e-4 after cancellation: judged against
            // the size of the cancelling terms (1e-2 floor), the float residue of ~1e-7 is noise, any error is not.
            for (Parameter p : d.parameters()) {
                assertClose("dL/d " + p.name(), ref.get("grad." + p.name()), p.grad(), 1e-4, 1e-2);
            }
        }
    }
}
