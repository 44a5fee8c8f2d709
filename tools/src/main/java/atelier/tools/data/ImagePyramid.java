package atelier.tools.data;

import atelier.core.Rng;
import atelier.core.Tensor;
import atelier.gan.pgan.RealImages;

/**
 * A set of RGB images kept at every power-of-two resolution from 4 to {@link #resolution()}: batches draw images
 * uniformly with the trainer's random generator, so training is deterministic and resumable.
 */
public abstract class ImagePyramid implements RealImages, AutoCloseable {
    /** How many images there are. */
    public abstract int count();

    /** Writes image {@code index} at {@code resolution} as [3, R, R] in [-1, 1] into {@code dst} at {@code offset}. */
    protected abstract void copyImage(int index, int resolution, float[] dst, int offset);

    /** Throws unless {@code res} is a power of two from 4 to the stored resolution. */
    protected final void requireLevel(int res) {
        if (res < 4 || res > resolution() || Integer.bitCount(res) != 1) {
            throw new IllegalArgumentException("no images at " + res + " px (have powers of two 4.." + resolution() + ")");
        }
    }

    /** Image {@code index} at {@code resolution}, [3, R, R] in [-1, 1]. */
    public Tensor image(int index, int resolution) {
        requireLevel(resolution);
        if (index < 0 || index >= count()) {
            throw new IllegalArgumentException("image " + index + " out of range (have " + count() + ")");
        }
        Tensor out = Tensor.zeros(3, resolution, resolution);
        copyImage(index, resolution, out.data(), 0);
        return out;
    }

    @Override
    public Tensor batch(int resolution, int n, Rng rng) {
        requireLevel(resolution);
        int sample = 3 * resolution * resolution;
        Tensor out = Tensor.zeros(n, 3, resolution, resolution);
        for (int i = 0; i < n; i++) {
            copyImage(rng.nextInt(count()), resolution, out.data(), i * sample);
        }
        return out;
    }

    /** Releases what the images are read from (files); in-memory sets hold nothing to release. */
    @Override
    public void close() {
    }
}
