package atelier.gan.sample;

import atelier.core.Rng;
import atelier.core.Tensor;
import atelier.core.device.Device;
import atelier.gan.pgan.Generator;
import atelier.nn.io.Checkpoint;
import atelier.nn.io.CheckpointException;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Interpretable latent directions of a trained generator, found as GANSpace does for networks without a mapping
 * network (Härkönen et al. 2020, for BigGAN): PCA of an early layer's activations (here the pixel-normalized 4x4
 * features of level 0) over many random latents, then each component taken back to latent space by regressing the
 * latents on the samples' PCA coordinates. Knob k is the unit latent direction u_k with sigma_k, the spread of
 * the latents along it; {@code z + s * sigma_k * u_k} turns knob k to strength s. Knobs are ordered by the
 * variance of the features they explain. The features' mean is kept too: the truncation trick pulls toward it
 * ({@link Generator#forward(Tensor, Tensor, float)}).
 *
 * <p>Knobs depend only on the checkpoint and the sample count (fixed seeds), and are stored beside the
 * checkpoint ({@code images-N.knobs.safetensors}) with JSON metadata naming the checkpoint file and the CRC-32
 * of its data, so knobs of an overwritten checkpoint are never applied to the new one.
 */
public final class StyleKnobs {
    public static final String KIND = "pgan-knobs";
    public static final int DEFAULT_COUNT = 8;
    public static final int DEFAULT_SAMPLES = 2048;
    private static final long SAMPLE_SEED = 0x6B6E6F6273L;
    private static final long PCA_SEED = 0x706361L;
    private static final int BATCH = 256;

    /** Progress of a computation: a stage name ("samples", "pca") and work done in it. */
    @FunctionalInterface
    public interface Listener {
        void progress(String stage, long done, long total);
    }

    private final Tensor directions;
    private final Tensor meanFeatures;
    private final float[] sigma;
    private final float[] explained;
    private final int samples;
    private final String checkpointName;
    private final String checkpointChecksum;

    private StyleKnobs(Tensor directions, Tensor meanFeatures, float[] sigma, float[] explained, int samples,
                       String checkpointName, String checkpointChecksum) {
        this.directions = directions;
        this.meanFeatures = meanFeatures;
        this.sigma = sigma;
        this.explained = explained;
        this.samples = samples;
        this.checkpointName = checkpointName;
        this.checkpointChecksum = checkpointChecksum;
    }

    /** Where the knobs of a checkpoint file are kept: beside it, "images-N.knobs.safetensors". */
    public static Path fileFor(Path checkpoint) {
        String name = checkpoint.getFileName().toString();
        String stem = name.endsWith(".safetensors") ? name.substring(0, name.length() - ".safetensors".length()) : name;
        return checkpoint.resolveSibling(stem + ".knobs.safetensors");
    }

    /**
     * The checkpoint's stored knobs if they belong to it, hold at least {@code count} knobs and came from
     * {@code samples} samples (null: any; {@link #DEFAULT_SAMPLES} when computing); otherwise computes and stores
     * them. {@code log} hears which it was.
     */
    public static StyleKnobs obtain(Device device, Generator generator, Checkpoint checkpoint, int count,
                                    Integer samples, Listener listener, Consumer<String> log) throws IOException {
        Path file = fileFor(checkpoint.file());
        if (Files.exists(file)) {
            try {
                StyleKnobs stored = load(file);
                if (stored.checkpointChecksum.equals(checkpoint.checksum()) && stored.count() >= count
                        && (samples == null || stored.samples == samples)) {
                    log.accept("knobs: " + file);
                    return stored;
                }
            } catch (CheckpointException e) {
                log.accept("recomputing unusable knobs: " + e.getMessage());
            }
        }
        int n = samples == null ? DEFAULT_SAMPLES : samples;
        log.accept(String.format(Locale.ROOT, "computing %d knobs from %d samples (PCA of the 4x4 features)",
                count, n));
        StyleKnobs knobs = compute(device, generator, checkpoint, count, n, listener);
        knobs.save(file);
        log.accept("knobs: " + file);
        return knobs;
    }

    /** Computes {@code count} knobs of {@code generator} (the checkpoint's) from {@code samples} random latents. */
    public static StyleKnobs compute(Device device, Generator generator, Checkpoint checkpoint, int count, int samples,
                                     Listener listener) {
        int latent = generator.shape().latent();
        if (count < 1 || count > latent) {
            throw new IllegalArgumentException("the number of knobs must be 1.." + latent
                    + " (the latent size), got " + count);
        }
        if (samples <= count) {
            throw new IllegalArgumentException("knobs need more samples (" + samples + ") than knobs (" + count + ")");
        }
        Tensor z = new Rng(SAMPLE_SEED).gaussian(samples, latent);
        Tensor features = null;
        int[] featureShape = null;
        for (int start = 0; start < samples; start += BATCH) {
            int n = Math.min(BATCH, samples - start);
            Tensor batch = Tensor.zeros(n, latent);
            System.arraycopy(z.data(), start * latent, batch.data(), 0, n * latent);
            Tensor f = generator.baseFeatures(batch);
            int size = f.numel() / n;
            if (features == null) {
                features = Tensor.zeros(samples, size);
                featureShape = new int[] {f.dim(1), f.dim(2), f.dim(3)};
            }
            System.arraycopy(f.data(), 0, features.data(), start * size, n * size);
            listener.progress("samples", start + n, samples);
        }
        Pca.Result pca = Pca.fit(device, features, count, PCA_SEED,
                (done, max) -> listener.progress("pca", done, max));

        Tensor directions = Tensor.zeros(count, latent);
        float[] sigma = new float[count];
        float[] explained = new float[count];
        for (int k = 0; k < count; k++) {
            double variance = pca.variances()[k];
            if (!(variance > 1e-12 * pca.totalVariance())) {
                throw new IllegalStateException("the generator's 4x4 features vary along only " + k
                        + " directions; ask for fewer knobs");
            }
            // The coordinates are uncorrelated with variance lambda_k (Rayleigh-Ritz makes them so), so the
            // least-squares regression z ~ sum_k x_k u_k separates: u_k = sum_i x_ik z_i / (N lambda_k).
            double[] u = new double[latent];
            for (int i = 0; i < samples; i++) {
                double x = pca.coordinates()[i][k];
                for (int j = 0; j < latent; j++) {
                    u[j] += x * z.data()[i * latent + j];
                }
            }
            double norm = 0;
            int largest = 0;
            for (int j = 0; j < latent; j++) {
                norm += u[j] * u[j];
                largest = Math.abs(u[j]) > Math.abs(u[largest]) ? j : largest;
            }
            // A component's sign is arbitrary; fixing it makes "+" mean the same on every machine.
            norm = Math.sqrt(norm) * Math.signum(u[largest]);
            double sum = 0;
            double sumSq = 0;
            for (int j = 0; j < latent; j++) {
                u[j] /= norm;
                directions.data()[k * latent + j] = (float) u[j];
            }
            for (int i = 0; i < samples; i++) {
                double s = 0;
                for (int j = 0; j < latent; j++) {
                    s += u[j] * z.data()[i * latent + j];
                }
                sum += s;
                sumSq += s * s;
            }
            double mean = sum / samples;
            sigma[k] = (float) Math.sqrt(Math.max(0, sumSq / samples - mean * mean));
            explained[k] = (float) (variance / pca.totalVariance());
        }
        return new StyleKnobs(directions, Tensor.of(pca.mean(), featureShape), sigma, explained, samples,
                checkpoint.file().getFileName().toString(), checkpoint.checksum());
    }

    /** Writes the knobs atomically as a safetensors file with JSON metadata naming their checkpoint. */
    public void save(Path file) throws IOException {
        JsonObject info = new JsonObject();
        info.addProperty("kind", KIND);
        info.addProperty("checkpoint", checkpointName);
        info.addProperty("checkpoint_crc32", checkpointChecksum);
        info.addProperty("layer", "g.level0 output (pixel-normalized 4x4 features)");
        info.addProperty("samples", samples);
        info.addProperty("count", count());
        Checkpoint.save(file, Map.of("directions", directions, "mean_features", meanFeatures,
                "sigma", Tensor.of(sigma.clone(), sigma.length),
                "explained_variance", Tensor.of(explained.clone(), explained.length)), info);
    }

    /** Reads a knobs file; anything else or anything inconsistent is a one-line error naming the file. */
    public static StyleKnobs load(Path file) throws IOException {
        Checkpoint c = Checkpoint.load(file);
        JsonObject info = c.info();
        if (!KIND.equals(string(info, "kind"))) {
            throw new CheckpointException("file " + file + " is not a knobs file (kind " + info.get("kind") + ")");
        }
        Tensor directions = c.tensor("directions");
        Tensor sigma = c.tensor("sigma");
        Tensor explained = c.tensor("explained_variance");
        Tensor meanFeatures = c.tensor("mean_features");
        if (directions.rank() != 2 || sigma.numel() != directions.dim(0) || explained.numel() != directions.dim(0)
                || meanFeatures.rank() != 3) {
            throw new CheckpointException("file " + file + " has knob tensors of inconsistent shapes");
        }
        String checkpoint = string(info, "checkpoint");
        String checksum = string(info, "checkpoint_crc32");
        JsonElement samples = info.get("samples");
        if (checkpoint == null || checksum == null || samples == null || !samples.isJsonPrimitive()) {
            throw new CheckpointException("file " + file + " lacks the checkpoint it belongs to in its metadata");
        }
        return new StyleKnobs(directions, meanFeatures, sigma.data(), explained.data(), samples.getAsInt(), checkpoint,
                checksum);
    }

    private static String string(JsonObject info, String name) {
        JsonElement e = info.get(name);
        return e != null && e.isJsonPrimitive() ? e.getAsString() : null;
    }

    public int count() {
        return directions.dim(0);
    }

    /** The mean [C, 4, 4] of the level-0 features over the samples: where truncation pulls toward. */
    public Tensor meanFeatures() {
        return meanFeatures;
    }

    /** Fraction of the features' variance that knob k explains. */
    public float explainedVariance(int k) {
        return explained[k];
    }

    /** Spread of random latents along knob k: strength 1 moves a latent one sigma_k. */
    public float sigma(int k) {
        return sigma[k];
    }

    /** The latent-space offset sum_k strength_k * sigma_k * u_k for knob indices mapped to strengths. */
    public Tensor offset(Map<Integer, Float> strengths) {
        int latent = directions.dim(1);
        double[] sum = new double[latent];
        for (Map.Entry<Integer, Float> e : new TreeMap<>(strengths).entrySet()) { // a fixed order of the sum
            int k = e.getKey();
            if (k < 0 || k >= count()) {
                throw new IllegalArgumentException("knob " + k + " does not exist: there are " + count()
                        + " (0.." + (count() - 1) + ")");
            }
            for (int j = 0; j < latent; j++) {
                sum[j] += (double) e.getValue() * sigma[k] * directions.data()[k * latent + j];
            }
        }
        Tensor offset = Tensor.zeros(latent);
        for (int j = 0; j < latent; j++) {
            offset.data()[j] = (float) sum[j];
        }
        return offset;
    }
}
