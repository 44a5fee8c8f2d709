package atelier.gan.pgan;

import atelier.core.Tensor;
import atelier.core.device.Device;
import atelier.nn.Parameter;

/**
 * The PGAN losses: Wasserstein GAN with gradient penalty (Gulrajani et al. 2017) and the drift term of Karras et
 * al. 2017. For a batch of N real images x, generated images G(z), and per-sample uniform eps,
 * <pre>
 *   L_D = mean D(G(z)) - mean D(x) + drift * mean D(x)^2 + lambda * mean_n (|grad_x^ D(x^_n)| - 1)^2,
 *         x^ = eps x + (1 - eps) G(z)
 *   L_G = -mean D(G(z))
 * </pre>
 * The penalty's parameter gradient is exact: its dependence on the input gradient runs the discriminator's
 * backward in reverse ({@link Discriminator#backwardOfBackward}).
 */
public final class WganGp {
    /** Loss weights. PGAN: lambda 10, drift 0.001. */
    public record Config(float lambda, float drift) {
        public static final Config PGAN = new Config(10f, 1e-3f);
    }

    /** The parts of one discriminator loss. */
    public record DiscriminatorLoss(float realScore, float fakeScore, float drift, float penalty) {
        /** The Wasserstein distance estimate, mean D(x) - mean D(G(z)). */
        public float wassersteinDistance() {
            return realScore - fakeScore;
        }

        public float total() {
            return -wassersteinDistance() + drift + penalty;
        }
    }

    private final Device device;
    private final Config config;

    public WganGp(Device device, Config config) {
        this.device = device;
        this.config = config;
    }

    /**
     * Sets the discriminator's parameter gradients to dL_D/dtheta (zeroing them first) and returns the loss.
     * {@code eps} holds one mixing weight in [0, 1] per sample.
     */
    public DiscriminatorLoss discriminatorGradients(Discriminator d, Tensor real, Tensor fake, Tensor eps) {
        int n = real.dim(0);
        for (Parameter p : d.parameters()) {
            device.fill(p.grad(), 0f);
        }
        float penalty = gradientPenalty(d, mix(real, fake, eps));

        Tensor realScores = d.forward(real);
        float realMean = device.sum(realScores) / n;
        float driftTerm = config.drift() * device.sumOfSquares(realScores) / n;
        // d/ds of (-s + drift s^2) / N
        Tensor dReal = realScores.zerosLike();
        device.fill(dReal, -1f / n);
        device.axpy(2f * config.drift() / n, realScores, dReal);
        d.backward(dReal);

        Tensor fakeScores = d.forward(fake);
        float fakeMean = device.sum(fakeScores) / n;
        Tensor dFake = fakeScores.zerosLike();
        device.fill(dFake, 1f / n);
        d.backward(dFake);
        return new DiscriminatorLoss(realMean, fakeMean, driftTerm, penalty);
    }

    /** x^ = eps x + (1 - eps) fake, per sample: lerp(fake, real, eps). */
    private Tensor mix(Tensor real, Tensor fake, Tensor eps) {
        eps.requireShape("penalty mixing weights", real.dim(0));
        Tensor diff = real.zerosLike();
        device.copy(real, diff);
        device.axpy(-1f, fake, diff);
        Tensor mixed = real.zerosLike();
        device.scaleRows(diff, eps, mixed);
        device.add(mixed, fake, mixed);
        return mixed;
    }

    /**
     * lambda * mean_n (|g_n| - 1)^2 with g = grad_x^ sum D(x^). Adds its parameter gradient to d's:
     * dP/dg_n = 2 lambda (|g_n| - 1) / (N |g_n|) g_n, reversed through the backward that produced g (which itself
     * computes no parameter gradients: only g is wanted from it).
     */
    private float gradientPenalty(Discriminator d, Tensor mixed) {
        int n = mixed.dim(0);
        Tensor scores = d.forward(mixed);
        Tensor ones = scores.zerosLike();
        device.fill(ones, 1f);
        Tensor g = Parameter.withoutGradients(d.parameters(), () -> d.backwardRetaining(ones));

        Tensor sumSq = Tensor.zeros(n);
        device.rowSumsOfSquares(g, sumSq);
        device.toHost(sumSq);   // the norms and coefficients are computed on the host
        Tensor coefficient = Tensor.zeros(n);
        double penalty = 0;
        for (int i = 0; i < n; i++) {
            double norm = Math.sqrt(sumSq.data()[i]);
            penalty += (norm - 1) * (norm - 1);
            // The norm's derivative is undefined at 0; PyTorch's autograd gives 0 there too.
            coefficient.data()[i] = norm == 0 ? 0f : (float) (2 * config.lambda() * (norm - 1) / (n * norm));
        }
        device.scaleRows(g, coefficient, g);   // g becomes its own cotangent, gBar
        d.backwardOfBackward(g);
        return (float) (config.lambda() * penalty / n);
    }

    /** L_G and its gradient with respect to the generated images, to feed the generator's backward. */
    public record GeneratorLoss(float loss, Tensor imageGradient) {
    }

    /**
     * L_G = -mean D(fake) and dL_G/dfake. The discriminator's parameter gradients are neither computed nor touched.
     */
    public GeneratorLoss generatorLoss(Discriminator d, Tensor fake) {
        int n = fake.dim(0);
        Tensor scores = d.forward(fake);
        float loss = -device.sum(scores) / n;
        Tensor dScores = scores.zerosLike();
        device.fill(dScores, -1f / n);
        return new GeneratorLoss(loss, Parameter.withoutGradients(d.parameters(), () -> d.backward(dScores)));
    }
}
