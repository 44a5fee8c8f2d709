package atelier.gan.pgan;

import atelier.core.Rng;
import atelier.core.Tensor;
import atelier.core.device.Device;

/**
 * Augmentation of real training batches: flips, quarter turns, small rotations (bilinear, reflection fill) and
 * colour jitter (torchvision's brightness, contrast, saturation, hue), each sample drawing its own transform.
 * Probabilities are per sample and per kind; strengths are ranges around the identity.
 *
 * <p>Only real images are augmented, so the generator learns the augmented distribution (it "leaks", Karras et
 * al. 2020): only use transforms whose results are still plausible training images. For abstract paintings
 * orientation and a slightly shifted palette are, which is what {@link #defaults} does.
 *
 * @param hflip       probability of a horizontal flip
 * @param vflip       probability of a vertical flip
 * @param rot90       probability of a quarter turn (then 1, 2 or 3 quarters counter-clockwise, equally likely);
 *                    needs square images
 * @param rotate      probability of a small rotation about the centre, by a uniform angle in [-maxDegrees, maxDegrees]
 * @param maxDegrees  the largest small rotation, in degrees, in [0, 180]
 * @param jitter      probability of colour jitter (all four adjustments together); needs RGB images
 * @param brightness  brightness factor range: uniform in [1 - brightness, 1 + brightness], brightness in [0, 1]
 * @param contrast    contrast factor range, likewise
 * @param saturation  saturation factor range, likewise
 * @param hue         hue shift range in turns: uniform in [-hue, hue], hue in [0, 0.5]
 */
public record Augmentation(double hflip, double vflip, double rot90, double rotate, double maxDegrees, double jitter,
                           double brightness, double contrast, double saturation, double hue) {
    /**
     * Random numbers {@link #apply} draws per sample, whatever the probabilities: changing one probability never
     * shifts the draws of the others, and a run resumed from a saved {@link Rng} state sees the same augmentations.
     */
    public static final int DRAWS_PER_SAMPLE = 11;

    public Augmentation {
        requireIn("hflip", hflip, 1);
        requireIn("vflip", vflip, 1);
        requireIn("rot90", rot90, 1);
        requireIn("rotate", rotate, 1);
        requireIn("maxDegrees", maxDegrees, 180);
        requireIn("jitter", jitter, 1);
        requireIn("brightness", brightness, 1);
        requireIn("contrast", contrast, 1);
        requireIn("saturation", saturation, 1);
        requireIn("hue", hue, 0.5);
    }

    private static void requireIn(String field, double value, double max) {
        if (!(value >= 0 && value <= max)) {
            String bound = max == Math.rint(max) ? Long.toString((long) max) : Double.toString(max);
            throw new IllegalArgumentException(
                    "augmentation " + field + " must be in [0, " + bound + "], got " + value);
        }
    }

    /** No augmentation: {@link #apply} returns a copy of the batch (and still draws its numbers). */
    public static Augmentation none() {
        return new Augmentation(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /**
     * For abstract paintings: mirror half the images, turn or flip vertically a fifth (orientation carries little
     * meaning, but some works do have an up), rotate a fifth by up to 10 degrees, and jitter half the colours by
     * up to 10% with hue shifts of at most 0.02 turns (7 degrees), so the palettes stay the artists'.
     */
    public static Augmentation defaults() {
        return new Augmentation(0.5, 0.2, 0.2, 0.2, 10, 0.5, 0.1, 0.1, 0.1, 0.02);
    }

    /**
     * A new augmented batch; {@code batch} [N, C, H, W] in [-1, 1] is left unchanged. For each sample in order,
     * {@link #DRAWS_PER_SAMPLE} numbers u0 .. u10 = {@link Rng#nextDouble} in this order decide:
     * u0 < hflip: flip horizontally; u1 < vflip: flip vertically; u2 < rot90: turn by 1 + floor(3 u3) quarters;
     * u4 < rotate: rotate by (2 u5 - 1) maxDegrees; u6 < jitter: brightness factor 1 + (2 u7 - 1) brightness,
     * contrast 1 + (2 u8 - 1) contrast, saturation 1 + (2 u9 - 1) saturation, hue shift (2 u10 - 1) hue.
     * The transforms then apply in the order flips, quarter turn, rotation, colour jitter.
     */
    public Tensor apply(Device device, Tensor batch, Rng rng) {
        batch.requireRank("augmentation batch", 4);
        if (rot90 > 0 && batch.dim(2) != batch.dim(3)) {
            throw new IllegalArgumentException("augmentation rot90 needs square images, got " + batch);
        }
        if (jitter > 0 && batch.dim(1) != 3) {
            throw new IllegalArgumentException("augmentation jitter needs RGB images [N, 3, H, W], got " + batch);
        }
        int n = batch.dim(0);
        float[] hflips = new float[n];
        float[] vflips = new float[n];
        float[] quarterTurns = new float[n];
        float[] angles = new float[n];
        float[] brightnessFactors = new float[n];
        float[] contrastFactors = new float[n];
        float[] saturationFactors = new float[n];
        float[] hueShifts = new float[n];
        boolean anyRotation = false;
        boolean anyJitter = false;
        double[] u = new double[DRAWS_PER_SAMPLE];
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < DRAWS_PER_SAMPLE; d++) {
                u[d] = rng.nextDouble();
            }
            hflips[i] = u[0] < hflip ? 1f : 0f;
            vflips[i] = u[1] < vflip ? 1f : 0f;
            quarterTurns[i] = u[2] < rot90 ? 1 + (int) (3 * u[3]) : 0;
            if (u[4] < rotate) {
                angles[i] = (float) Math.toRadians((2 * u[5] - 1) * maxDegrees);
                anyRotation |= angles[i] != 0f;
            }
            boolean jittered = u[6] < jitter;
            anyJitter |= jittered;
            brightnessFactors[i] = jittered ? (float) (1 + (2 * u[7] - 1) * brightness) : 1f;
            contrastFactors[i] = jittered ? (float) (1 + (2 * u[8] - 1) * contrast) : 1f;
            saturationFactors[i] = jittered ? (float) (1 + (2 * u[9] - 1) * saturation) : 1f;
            hueShifts[i] = jittered ? (float) ((2 * u[10] - 1) * hue) : 0f;
        }
        Tensor out = batch.zerosLike();
        device.flipRotate90(batch, perSample(quarterTurns), perSample(hflips), perSample(vflips), out);
        if (anyRotation) {
            Tensor rotated = out.zerosLike();
            device.rotate(out, perSample(angles), rotated);
            out = rotated;
        }
        if (anyJitter) {
            device.colorJitter(out, perSample(brightnessFactors), perSample(contrastFactors),
                    perSample(saturationFactors), perSample(hueShifts), out);
        }
        return out;
    }

    private static Tensor perSample(float[] values) {
        return Tensor.of(values, values.length);
    }
}
