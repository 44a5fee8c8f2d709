package atelier.gan.sample;

import atelier.core.Rng;
import atelier.core.Tensor;

/**
 * Latent vectors named by seeds. Seed s always gives the first {@code latent} standard normals of
 * {@code new Rng(s)}, whatever other seeds are drawn with it and however many threads run, so "seed 7" is the same
 * image in a grid, alone, in an interpolation or at print size.
 */
public final class Latents {
    private Latents() {
    }

    /** Latents [seeds.length, latent], row i from seed i. */
    public static Tensor fromSeeds(long[] seeds, int latent) {
        Tensor z = Tensor.zeros(seeds.length, latent);
        for (int i = 0; i < seeds.length; i++) {
            System.arraycopy(new Rng(seeds[i]).gaussian(latent).data(), 0, z.data(), i * latent, latent);
        }
        return z;
    }

    /**
     * Spherical interpolation between latents a and b (Shoemake): along the great circle for the angle between
     * their directions, so the in-between latents keep a typical norm (a straight line would pass near 0, which
     * the generator rarely saw). out = sin((1-t) w)/sin w a + sin(t w)/sin w b, w the angle; nearly parallel
     * latents fall back to the straight line.
     */
    public static void slerp(float[] a, float[] b, double t, float[] out) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        double cos = Math.max(-1, Math.min(1, dot / Math.sqrt(na * nb)));
        double omega = Math.acos(cos);
        double wa = 1 - t;
        double wb = t;
        if (Math.sin(omega) > 1e-6) {
            wa = Math.sin((1 - t) * omega) / Math.sin(omega);
            wb = Math.sin(t * omega) / Math.sin(omega);
        }
        for (int i = 0; i < a.length; i++) {
            out[i] = (float) (wa * a[i] + wb * b[i]);
        }
    }
}
