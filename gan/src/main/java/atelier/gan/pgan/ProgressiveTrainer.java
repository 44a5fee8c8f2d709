package atelier.gan.pgan;

import atelier.core.Rng;
import atelier.core.Tensor;
import atelier.core.device.Device;
import atelier.core.device.Filter;
import atelier.nn.Parameter;
import atelier.nn.optim.Adam;

import java.util.List;
import java.util.Random;

/**
 * Progressive GAN training (Karras et al. 2017): alternating discriminator and generator steps on WGAN-GP + drift,
 * Adam restarted at every new level, new levels faded in (in G, in D, and in the real images, which are blended
 * with their own 2x-downsampled-and-upsampled version), and an exponential moving average of G's weights that
 * is the generator users sample from.
 */
public final class ProgressiveTrainer {
    /** Everything that defines a run. PGAN's defaults: {@link #paper}. */
    public record Config(PganShape shape, Schedule schedule, Adam.Config adam, WganGp.Config loss, float emaBeta,
                         long seed, Augmentation augmentation) {
        public static Config paper(int maxResolution, long seed) {
            return new Config(PganShape.paper(maxResolution), Schedule.paper(), Adam.Config.PGAN, WganGp.Config.PGAN,
                    0.999f, seed, Augmentation.defaults());
        }
    }

    /** What one step did, for progress lines and loss logs. */
    public record Step(int level, float alpha, long imagesShown, WganGp.DiscriminatorLoss discriminator,
                       float generatorLoss) {
    }

    private final Device device;
    private final Config config;
    private final RealImages data;
    private final Generator generator;
    private final Generator average;
    private final Discriminator discriminator;
    private final WganGp losses;
    private Rng rng;
    /** Bytes of activations G and D may keep at once before the generator step recomputes G's forward. */
    long activationBudget = Runtime.getRuntime().maxMemory() / 2;
    private Adam generatorAdam;
    private Adam discriminatorAdam;
    private long shown;

    public ProgressiveTrainer(Device device, Config config, RealImages data) {
        if (data.resolution() < config.shape().maxResolution()) {
            throw new IllegalArgumentException("the data's resolution " + data.resolution()
                    + " is below the model's maximum " + config.shape().maxResolution());
        }
        this.device = device;
        this.config = config;
        this.data = data;
        Random init = new Random(config.seed());
        this.generator = new Generator(device, config.shape(), init);
        this.discriminator = new Discriminator(device, config.shape(), init);
        this.average = new Generator(device, config.shape(), new Random(config.seed()));
        copyNewLevel();
        this.losses = new WganGp(device, config.loss());
        this.rng = new Rng(config.seed() ^ 0x5DEECE66DL);
        restartOptimizers();
    }

    /** True once the schedule up to the maximum resolution has been shown. */
    public boolean finished() {
        return shown >= config.schedule().end(maxLevel());
    }

    /** One discriminator step and one generator step on a batch of the current level. */
    public Step step() {
        int level = config.schedule().level(shown, maxLevel());
        while (generator.level() < level) {
            grow();
        }
        float alpha = setAlpha(level);
        int n = config.schedule().batch(level);
        int latent = config.shape().latent();

        Tensor real = fadeReal(config.augmentation().apply(device, data.batch(generator.resolution(), n, rng), rng),
                alpha, level);
        Tensor fake = generator.sample(rng.gaussian(n, latent));
        WganGp.DiscriminatorLoss dLoss = losses.discriminatorGradients(discriminator, real, fake, rng.uniform(n));
        discriminatorAdam.step();

        generatorAdam.zeroGrad();
        Tensor z = rng.gaussian(n, latent);
        WganGp.GeneratorLoss gLoss;
        if (recomputesGenerator(level, n)) {
            gLoss = losses.generatorLoss(discriminator, generator.sample(z));
            generator.forward(z);
        } else {
            gLoss = losses.generatorLoss(discriminator, generator.forward(z));
        }
        generator.backward(gLoss.imageGradient());
        generatorAdam.step();
        updateAverage();

        shown += n;
        setAlpha(level); // between steps the networks show the fade-in reached, as a resumed trainer does
        return new Step(level, alpha, shown, dLoss, gLoss.loss());
    }

    /**
     * Whether the generator step runs G's forward twice: once without keeping anything for the critic, and again,
     * after the critic's backward, to keep what G's backward needs. Then G's and D's activations are never held
     * together, at the price of one more forward of G: chosen when both would take more than the activation budget
     * (half the heap by default; at 2048-4096 px). The images, and so the training, are the same either way. G and
     * D each keep about three activations of every level (conv inputs), counted here as six.
     */
    private boolean recomputesGenerator(int level, int batch) {
        long oneOfEachLevel = 0;
        for (int l = 0; l <= level; l++) {
            long r = PganShape.resolution(l);
            oneOfEachLevel += 4L * batch * config.shape().channels(l) * r * r;
        }
        return 6 * oneOfEachLevel > activationBudget;
    }

    /** Sets the fade-in of all three networks from the images shown, and returns it. */
    private float setAlpha(int level) {
        float alpha = config.schedule().alpha(shown, level);
        generator.setAlpha(alpha);
        average.setAlpha(alpha);
        discriminator.setAlpha(alpha);
        return alpha;
    }

    /** Real images blended like the networks while a level fades in: lerp(up(down(x)), x, alpha). */
    private Tensor fadeReal(Tensor real, float alpha, int level) {
        if (level == 0 || alpha >= 1f) {
            return real;
        }
        Tensor low = Tensor.zeros(real.dim(0), real.dim(1), real.dim(2) / 2, real.dim(3) / 2);
        device.downsample(real, Filter.area(2), low);
        Tensor blurred = real.zerosLike();
        device.upsampleNearest(low, 2, blurred);
        device.lerp(blurred, real, alpha, blurred);
        return blurred;
    }

    private void grow() {
        generator.grow();
        discriminator.grow();
        average.grow();
        copyNewLevel();
        restartOptimizers();
    }

    /** The average starts each new level from the generator's fresh weights. */
    private void copyNewLevel() {
        List<Parameter> live = generator.parameters();
        List<Parameter> avg = average.parameters();
        for (int i = 0; i < live.size(); i++) {
            if (!avg.get(i).name().equals(live.get(i).name())) {
                throw new IllegalStateException("average generator out of step at " + live.get(i).name());
            }
        }
        int firstNew = live.size() - generator.levelParameterCount(generator.level());
        for (int i = firstNew; i < live.size(); i++) {
            device.copy(live.get(i).value(), avg.get(i).value());
        }
    }

    /** ema = beta * ema + (1 - beta) * live, i.e. lerp(live, ema, beta). */
    private void updateAverage() {
        List<Parameter> live = generator.parameters();
        List<Parameter> avg = average.parameters();
        for (int i = 0; i < live.size(); i++) {
            device.lerp(live.get(i).value(), avg.get(i).value(), config.emaBeta(), avg.get(i).value());
        }
    }

    private void restartOptimizers() {
        generatorAdam = new Adam(device, config.adam(), generator.parameters());
        discriminatorAdam = new Adam(device, config.adam(), discriminator.parameters());
    }

    private int maxLevel() {
        return config.shape().levels() - 1;
    }

    /** The device the networks run on. */
    public Device device() {
        return device;
    }

    public Generator generator() {
        return generator;
    }

    /** The moving average of the generator's weights: the one to sample from. */
    public Generator averageGenerator() {
        return average;
    }

    public Discriminator discriminator() {
        return discriminator;
    }

    public long imagesShown() {
        return shown;
    }

    public Config config() {
        return config;
    }

    /**
     * The first parameter of G, its moving average or D holding a NaN or infinity (its sum of squares is not
     * finite), or null when all are finite: a diverged step must not be saved.
     */
    public String firstNonFiniteParameter() {
        for (List<Parameter> params : List.of(generator.parameters(), average.parameters(),
                discriminator.parameters())) {
            for (Parameter p : params) {
                if (!Float.isFinite(device.sumOfSquares(p.value()))) {
                    return p.name();
                }
            }
        }
        return null;
    }

    /** The optimizers of the current level: generator first, then discriminator. */
    Adam[] optimizers() {
        return new Adam[] {generatorAdam, discriminatorAdam};
    }

    /** The random generator that draws batches, latents and penalty mixes (saved so a resume continues it). */
    Rng rng() {
        return rng;
    }

    /**
     * Puts the trainer at a point of the schedule: grows the networks to {@code level} (the same sequence of
     * growths as a run, so later levels start from the same fresh weights), then sets images shown and the RNG.
     * A resume then loads the saved weights and optimizer moments; a benchmark starts timing steps there.
     */
    public void positionAt(int level, long imagesShown, long rngState) {
        if (level >= config.shape().levels()) {
            throw new IllegalArgumentException("saved level " + level + " (" + PganShape.resolution(level)
                    + " px) is above this model's maximum resolution " + config.shape().maxResolution());
        }
        while (generator.level() < level) {
            grow();
        }
        shown = imagesShown;
        setAlpha(level);
        rng = new Rng(rngState);
    }
}
