package atelier.tests;

import atelier.core.Rng;
import atelier.core.Tensor;
import atelier.core.device.CpuDevice;
import atelier.gan.pgan.Discriminator;
import atelier.gan.pgan.Generator;
import atelier.gan.pgan.PganCheckpoint;
import atelier.gan.pgan.ProgressiveTrainer;
import atelier.gan.pgan.RealImages;
import atelier.gan.train.RunFolder;
import atelier.nn.io.Checkpoint;
import atelier.tools.Main;
import atelier.tools.data.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The main job, small: {@code atelier train} on the synthetic art grows a PGAN to 16 px through the CLI, and the
 * result has learned something. The trained critic is the judge: it must find the trained generator's images
 * much closer to the real ones (a smaller Wasserstein estimate) than the images of an untrained generator of the
 * same shape, and the samples must be finite and varied (no constant image, no collapse to one image).
 */
class TrainEndToEndTest {

    @Test
    void trainingTo16PixelsLearnsTheData(@TempDir Path dir) throws IOException {
        Path run = dir.resolve("run");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), "train", "--data", "synthetic",
                "--out", run.toString(), "--max-resolution", "16", "--latent", "16", "--max-channels", "16",
                "--min-channels", "16", "--images-per-phase", "1000", "--batch", "16", "--ema", "0.9",
                "--checkpoint-every", "2000", "--keep", "2", "--sample-every", "2000", "--samples", "16");
        assertEquals(0, code, err.toString());

        RunFolder folder = new RunFolder(run);
        List<Path> checkpoints = folder.checkpoints();
        assertEquals(2, checkpoints.size(), "keeps the newest 2: " + checkpoints);
        // The schedule ends after 1000 images at 4 px plus fade-in and stabilization at 8 and 16 px: 5000 images,
        // i.e. the step of 16 that crosses it.
        long steps = (5000 + 15) / 16;
        assertEquals(steps * 16, RunFolder.imagesShown(checkpoints.getLast()));
        for (String file : List.of("samples.png", "real.png", "losses.csv", "losses.png")) {
            assertTrue(Files.size(run.resolve(file)) > 0, file);
        }
        assertEquals(steps + 1, Files.readAllLines(run.resolve("losses.csv")).size(), "a header and a row per step");

        try (CpuDevice cpu = new CpuDevice()) {
            Checkpoint checkpoint = PganCheckpoint.load(checkpoints.getLast());
            ProgressiveTrainer.Config config = PganCheckpoint.config(checkpoint);
            RealImages data = DataSource.open(cpu, "synthetic", 16, config.seed());
            ProgressiveTrainer trainer = PganCheckpoint.resume(cpu, checkpoint, data);
            Generator trained = trainer.averageGenerator();
            assertEquals(16, trained.resolution());
            assertEquals(1f, trained.alpha());

            Generator untrained = new Generator(cpu, config.shape(), new Random(12345));
            untrained.grow();
            untrained.grow();
            untrained.setAlpha(1f);

            Rng rng = new Rng(99);
            Discriminator critic = trainer.discriminator();
            Tensor real = data.batch(16, 64, rng);
            Tensor z = rng.gaussian(64, config.shape().latent());
            float wTrained = mean(critic.forward(real)) - mean(critic.forward(trained.forward(z)));
            float wUntrained = mean(critic.forward(real)) - mean(critic.forward(untrained.forward(z)));
            assertTrue(wTrained < 0.5f * wUntrained, "critic's Wasserstein estimate: trained G " + wTrained
                    + ", untrained G " + wUntrained);

            Tensor samples = trained.forward(z);
            int size = 3 * 16 * 16;
            double[] imageMeans = new double[64];
            for (int i = 0; i < 64; i++) {
                double sum = 0;
                double sumSq = 0;
                for (int j = 0; j < size; j++) {
                    float v = samples.data()[i * size + j];
                    assertTrue(Float.isFinite(v), "sample values are finite");
                    sum += v;
                    sumSq += v * v;
                }
                imageMeans[i] = sum / size;
                double std = Math.sqrt(sumSq / size - imageMeans[i] * imageMeans[i]);
                assertTrue(std > 0.05, "image " + i + " is nearly constant (std " + std + ")");
            }
            assertTrue(std(imageMeans) > 0.02, "samples differ from each other (std of means " + std(imageMeans) + ")");
        }
    }

    private static float mean(Tensor t) {
        double sum = 0;
        for (float v : t.data()) {
            sum += v;
        }
        return (float) (sum / t.numel());
    }

    private static double std(double[] values) {
        double mean = 0;
        for (double v : values) {
            mean += v / values.length;
        }
        double var = 0;
        for (double v : values) {
            var += (v - mean) * (v - mean) / values.length;
        }
        return Math.sqrt(var);
    }
}
