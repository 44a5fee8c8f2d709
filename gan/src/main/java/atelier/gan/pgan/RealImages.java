package atelier.gan.pgan;

import atelier.core.Rng;
import atelier.core.Tensor;

/** Training images: batches at any level's resolution, drawn with the trainer's random generator. */
public interface RealImages {
    /** A batch [n, channels, R, R] at {@code resolution} (a power of two no larger than the data's). */
    Tensor batch(int resolution, int n, Rng rng);

    /** The resolution of the stored images. */
    int resolution();
}
