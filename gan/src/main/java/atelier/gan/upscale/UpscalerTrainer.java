package atelier.gan.upscale;

import atelier.core.Rng;
import atelier.core.Tensor;
import atelier.core.device.Device;
import atelier.core.device.Filter;
import atelier.gan.pgan.RealImages;
import atelier.nn.Parameter;
import atelier.nn.optim.Adam;

import java.util.Random;

/**
 * Trains an {@link Upscaler} with no image above the dataset's resolution: random crops of the dataset's images
 * are the targets, and their area-downsampled copies (the fixed filter {@link Filter#area}(factor)) the inputs.
 * The upscaler's loss, per step on a batch of crops x with inputs d(x):
 * <pre>
 *   L_G = w_rec * mean |G(d(x)) - x|                     reconstruction (L1)
 *       + w_con * mean |d(G(d(x))) - d(x)|               consistency: the output downscales back to the input
 *       + w_adv * mean softplus(-D(G(d(x))))             adversarial, non-saturating
 *   L_D = mean softplus(-D(x)) + mean softplus(D(G(d(x))))
 * </pre>
 * The discriminator's loss is the non-saturating logistic one (Goodfellow et al. 2014) rather than WGAN-GP: it
 * needs no second-order pass (the crop discriminator would have to support the penalty's reverse backward, a
 * third of the step's cost), and with a small weight it only sharpens what L1 leaves blurred.
 */
public final class UpscalerTrainer {
    /** Loss weights. */
    public record Weights(float reconstruction, float consistency, float adversarial) {
        public static final Weights DEFAULT = new Weights(1f, 1f, 0.01f);

        public Weights {
            if (!(reconstruction >= 0 && consistency >= 0 && adversarial >= 0)) {
                throw new IllegalArgumentException("loss weights must be >= 0, got reconstruction " + reconstruction
                        + ", consistency " + consistency + ", adversarial " + adversarial);
            }
        }
    }

    /**
     * Everything that defines a run: the network, crops of {@code crop} px (of the dataset's full-resolution
     * images) in batches of {@code batch}, the discriminator's first {@code discriminatorChannels}, the loss
     * weights, Adam for both networks, the crops to show in all and the seed.
     */
    public record Config(UpscalerShape shape, int crop, int batch, int discriminatorChannels, Weights weights,
                         Adam.Config adam, long images, long seed) {
        public static final Adam.Config ADAM = new Adam.Config(5e-4, 0.9, 0.99, 1e-8);

        public Config {
            if (crop % shape.factor() != 0 || crop / shape.factor() < 1) {
                throw new IllegalArgumentException("crop " + crop + " must be a multiple of the factor "
                        + shape.factor());
            }
            if (batch < 1 || discriminatorChannels < 1 || images < 1) {
                throw new IllegalArgumentException("batch, discriminator channels and images must be >= 1");
            }
        }
    }

    /** What one step did: images shown after it and the loss parts (unweighted means). */
    public record Step(long imagesShown, float reconstruction, float consistency, float adversarial,
                       float discriminator) {
        /** The upscaler's weighted loss. */
        public float generatorLoss(Weights w) {
            return w.reconstruction() * reconstruction + w.consistency() * consistency + w.adversarial() * adversarial;
        }
    }

    private final Device device;
    private final Config config;
    private final RealImages data;
    private final Filter filter;
    private final Upscaler upscaler;
    private final CropDiscriminator discriminator;
    private final Adam upscalerAdam;
    private final Adam discriminatorAdam;
    private Rng rng;
    private long shown;

    public UpscalerTrainer(Device device, Config config, RealImages data) {
        if (data.resolution() < config.crop()) {
            throw new IllegalArgumentException("the data's resolution " + data.resolution() + " is below the crop "
                    + config.crop());
        }
        this.device = device;
        this.config = config;
        this.data = data;
        this.filter = Filter.area(config.shape().factor());
        Random init = new Random(config.seed());
        this.upscaler = new Upscaler(device, config.shape(), init);
        this.discriminator = new CropDiscriminator(device, config.crop(), config.discriminatorChannels(), init);
        this.upscalerAdam = new Adam(device, config.adam(), upscaler.parameters());
        this.discriminatorAdam = new Adam(device, config.adam(), discriminator.parameters());
        this.rng = new Rng(config.seed() ^ 0x5DEECE66DL);
    }

    public boolean finished() {
        return shown >= config.images();
    }

    /** One discriminator step and one upscaler step on a fresh batch of crops. */
    public Step step() {
        int n = config.batch();
        Tensor real = crops(n, rng);
        Tensor input = downscale(real);
        Tensor fake = upscaler.forward(input);

        discriminatorAdam.zeroGrad();
        float dLoss = logisticStep(discriminator.forward(real), -1f) + logisticStep(discriminator.forward(fake), 1f);
        discriminatorAdam.step();

        upscalerAdam.zeroGrad();
        int pixels = fake.numel();
        Tensor grad = fake.zerosLike();
        float reconstruction = device.l1Distance(fake, real) / pixels;
        device.l1DistanceBackward(fake, real, config.weights().reconstruction() / pixels, grad);

        Tensor reduced = downscale(fake);
        float consistency = device.l1Distance(reduced, input) / input.numel();
        Tensor dReduced = reduced.zerosLike();
        device.l1DistanceBackward(reduced, input, config.weights().consistency() / input.numel(), dReduced);
        Tensor dFromReduced = fake.zerosLike();
        device.downsampleBackward(dReduced, filter, dFromReduced);
        device.add(grad, dFromReduced, grad);

        Tensor scores = discriminator.forward(fake);
        float adversarial = 0f;
        Tensor dScores = scores.zerosLike();
        for (int i = 0; i < n; i++) {
            float s = scores.data()[i];
            adversarial += softplus(-s) / n;
            dScores.data()[i] = -config.weights().adversarial() * sigmoid(-s) / n;
        }
        // The discriminator's input gradient only: its weight gradients would be zeroed before they are used.
        device.add(grad, Parameter.withoutGradients(discriminator.parameters(), () -> discriminator.backward(dScores)),
                grad);
        upscaler.backward(grad);
        upscalerAdam.step();

        shown += n;
        return new Step(shown, reconstruction, consistency, adversarial, dLoss);
    }

    /**
     * Accumulates the discriminator's gradient of mean softplus(sign * s) over the scores s of the last forward
     * (sign -1 for real crops, +1 for upscaled ones) and returns that mean.
     */
    private float logisticStep(Tensor scores, float sign) {
        int n = scores.dim(0);
        Tensor dScores = scores.zerosLike();
        float loss = 0f;
        for (int i = 0; i < n; i++) {
            float s = sign * scores.data()[i];
            loss += softplus(s) / n;
            dScores.data()[i] = sign * sigmoid(s) / n;
        }
        discriminator.backward(dScores);
        return loss;
    }

    /** log(1 + e^x) without overflow. */
    static float softplus(float x) {
        return (float) (Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))));
    }

    static float sigmoid(float x) {
        return (float) (1 / (1 + Math.exp(-x)));
    }

    /**
     * The fixed degradation that makes inputs from targets, and that the consistency loss applies to outputs:
     * area averaging of factor x factor blocks ({@link Filter#area}).
     */
    public static Tensor downscale(Device device, Tensor images, int factor) {
        Tensor low = Tensor.zeros(images.dim(0), images.dim(1), images.dim(2) / factor, images.dim(3) / factor);
        device.downsample(images, Filter.area(factor), low);
        return low;
    }

    /** {@link #downscale(Device, Tensor, int)} by this run's factor. */
    public Tensor downscale(Tensor images) {
        return downscale(device, images, filter.factor());
    }

    /** n random crops of random images at the data's full resolution, drawn with {@code rng}; one image is held at a time. */
    public Tensor crops(int n, Rng rng) {
        int size = config.crop();
        int res = data.resolution();
        Tensor out = Tensor.zeros(n, 3, size, size);
        for (int i = 0; i < n; i++) {
            float[] image = data.batch(res, 1, rng).data();
            int top = rng.nextInt(res - size + 1);
            int left = rng.nextInt(res - size + 1);
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < size; y++) {
                    System.arraycopy(image, (c * res + top + y) * res + left, out.data(),
                            ((i * 3 + c) * size + y) * size, size);
                }
            }
        }
        return out;
    }

    public Upscaler upscaler() {
        return upscaler;
    }

    public CropDiscriminator discriminator() {
        return discriminator;
    }

    public Config config() {
        return config;
    }

    public long imagesShown() {
        return shown;
    }

    /** The optimizers: upscaler first, then discriminator. */
    Adam[] optimizers() {
        return new Adam[] {upscalerAdam, discriminatorAdam};
    }

    Rng rng() {
        return rng;
    }

    /** Puts the trainer where a saved run stood; the caller then loads weights and optimizer moments. */
    void restorePosition(long imagesShown, long rngState) {
        shown = imagesShown;
        rng = new Rng(rngState);
    }
}
