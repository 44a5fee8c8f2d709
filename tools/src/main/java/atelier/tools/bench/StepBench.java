package atelier.tools.bench;

import atelier.core.Rng;
import atelier.core.Tensor;
import atelier.core.device.Device;
import atelier.gan.pgan.Augmentation;
import atelier.gan.pgan.PganShape;
import atelier.gan.pgan.ProgressiveTrainer;
import atelier.gan.pgan.RealImages;
import atelier.gan.pgan.Schedule;
import atelier.gan.pgan.WganGp;
import atelier.nn.optim.Adam;

/**
 * Time of one full PGAN training step ({@link ProgressiveTrainer#step}: discriminator on WGAN-GP + drift with the
 * exact penalty gradient, generator, moving average) with the paper's network at a stabilized level (alpha 1),
 * on random images so that no dataset is needed. The same step as tools/python/pgan_step_bench.py.
 */
public final class StepBench {
    /** Seconds per step and how many steps were timed. */
    public record Result(int resolution, int batch, double secondsPerStep, int steps) {
    }

    /** Random images at any resolution: what the step does does not depend on the pixels. */
    private record NoiseImages(int resolution) implements RealImages {
        @Override
        public Tensor batch(int res, int n, Rng rng) {
            return rng.gaussian(n, 3, res, res);
        }
    }

    private StepBench() {
    }

    /**
     * Untimed steps until {@code warmupSeconds} have passed (at least one: the JIT compiles the kernels, and its
     * compiler threads would otherwise share the cores with timed steps), then timed steps until {@code minSeconds}
     * have passed (at least one).
     */
    public static Result measure(Device device, int resolution, int batch, double warmupSeconds, double minSeconds) {
        PganShape shape = PganShape.paper(resolution);
        int level = shape.levels() - 1;
        Schedule schedule = new Schedule(1_000_000_000L, new int[] {batch});
        ProgressiveTrainer trainer = new ProgressiveTrainer(device, new ProgressiveTrainer.Config(shape, schedule,
                Adam.Config.PGAN, WganGp.Config.PGAN, 0.999f, 1, Augmentation.none()), new NoiseImages(resolution));
        // Past the fade-in of the top level: alpha 1, as the peer.
        trainer.positionAt(level, schedule.start(level) + schedule.imagesPerPhase(), 1);
        TimedLoop.runFor(warmupSeconds, trainer::step);
        long start = System.nanoTime();
        int steps = TimedLoop.runFor(minSeconds, trainer::step);
        return new Result(resolution, batch, (System.nanoTime() - start) / 1e9 / steps, steps);
    }
}
