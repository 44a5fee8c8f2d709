package atelier.gan.sample;

import atelier.core.Tensor;
import atelier.core.device.Device;

/**
 * What happens to seeded latents before the generator: the truncation trick, then the style knobs' offset.
 * PGAN has no mapping network, so the mean latent is the mean of z ~ N(0, I), i.e. 0, and truncation with psi
 * scales z toward 0: z' = psi z (psi 1 leaves z alone, smaller trades variety for typical, cleaner images). With a
 * mapping network it would pull w toward the mean w instead. The knob offset sum_k s_k sigma_k u_k
 * ({@link StyleKnobs#offset}) is added after, so a knob moves an image by the same amount whatever psi is.
 *
 * @param truncation psi in [0, 1]
 * @param offset     [latent] added to every latent, or null for none
 */
public record LatentEdit(float truncation, Tensor offset) {
    public static final LatentEdit NONE = new LatentEdit(1f, null);

    public LatentEdit {
        if (!(truncation >= 0f && truncation <= 1f)) {
            throw new IllegalArgumentException("truncation psi must be in [0, 1], got " + truncation);
        }
    }

    /** Edits latents [N, latent] in place. */
    public void apply(Device device, Tensor z) {
        if (truncation != 1f) {
            device.scale(z, truncation, z);
        }
        if (offset != null) {
            device.biasAdd(z, offset);
        }
    }
}
