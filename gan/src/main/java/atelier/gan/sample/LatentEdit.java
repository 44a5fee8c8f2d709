package atelier.gan.sample;

import atelier.core.Tensor;
import atelier.core.device.Device;
import atelier.gan.pgan.Generator;

import java.util.Map;

/**
 * How seeded latents are steered into images: the style knobs' offset sum_k s_k sigma_k u_k
 * ({@link StyleKnobs#offset}) is added to z, then the truncation trick pulls toward the mean. PGAN has no mapping
 * network, and the mean of z ~ N(0, I) is 0, but pulling z toward 0 is undone by the generator (pixel norms and
 * leaky ReLU are blind to scale). So psi acts one step later, on the first block's features, pulling them toward
 * their mean over random latents ({@link StyleKnobs#meanFeatures}), as StyleGAN pulls w toward the mean w.
 * psi 1 leaves sampling alone; smaller trades variety for typical, cleaner images; 0 gives every seed one image.
 *
 * @param truncation   psi in [0, 1]
 * @param meanFeatures [C, 4, 4], needed when psi is not 1
 * @param offset       [latent] added to every latent, or null for none
 */
public record LatentEdit(float truncation, Tensor meanFeatures, Tensor offset) {
    public LatentEdit {
        if (!(truncation >= 0f && truncation <= 1f)) {
            throw new IllegalArgumentException("truncation psi must be in [0, 1], got " + truncation);
        }
        if (truncation != 1f && meanFeatures == null) {
            throw new IllegalArgumentException("truncation needs the mean features to pull toward");
        }
    }

    /** No truncation, no knobs. */
    public static LatentEdit none() {
        return new LatentEdit(1f, null, null);
    }

    /** Only knobs turned: the offset of {@code strengths} (knob index to strength). */
    public static LatentEdit knobs(StyleKnobs knobs, Map<Integer, Float> strengths) {
        return new LatentEdit(1f, null, knobs.offset(strengths));
    }

    /** Images from latents [N, latent]; z receives the knob offset in place. */
    public Tensor render(Device device, Generator generator, Tensor z) {
        if (offset != null) {
            device.biasAdd(z, offset);
        }
        return generator.sample(z, meanFeatures, truncation);
    }
}
