package atelier.tests;

import atelier.core.device.CpuDevice;
import atelier.gan.pgan.Augmentation;
import atelier.gan.pgan.PganShape;
import atelier.gan.pgan.ProgressiveTrainer;
import atelier.gan.pgan.Schedule;
import atelier.gan.pgan.WganGp;
import atelier.nn.optim.Adam;
import atelier.tools.data.Dataset;
import atelier.tools.data.DatasetWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A folder of images, prepared, trains the progressive GAN through every level and fade-in. */
class PrepareAndTrainTest {
    @TempDir
    Path tmp;

    @Test
    void preparedDatasetFeedsTheProgressiveTrainer() throws IOException {
        Path in = Files.createDirectories(tmp.resolve("images"));
        Random rng = new Random(5);
        for (int i = 0; i < 6; i++) {
            BufferedImage image = new BufferedImage(30 + i, 20 + 2 * i, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < image.getHeight(); y++) {
                for (int x = 0; x < image.getWidth(); x++) {
                    image.setRGB(x, y, rng.nextInt(1 << 24));
                }
            }
            ImageIO.write(image, "png", in.resolve("art" + i + ".png").toFile());
        }
        Path out = tmp.resolve("data");
        try (CpuDevice cpu = new CpuDevice(2)) {
            DatasetWriter.prepare(new DatasetWriter.Settings(in, out, 8, 200_000_000L, 16), cpu,
                    new PrintWriter(new StringWriter()));
            try (Dataset data = Dataset.open(out)) {
                PganShape shape = new PganShape(8, 8, 8, 4, 3);
                ProgressiveTrainer.Config config = new ProgressiveTrainer.Config(shape, new Schedule(8, new int[] {4}),
                        Adam.Config.PGAN, WganGp.Config.PGAN, 0.9f, 1, Augmentation.defaults());
                ProgressiveTrainer trainer = new ProgressiveTrainer(cpu, config, data);
                int steps = 0;
                while (!trainer.finished()) {
                    ProgressiveTrainer.Step s = trainer.step();
                    assertTrue(Float.isFinite(s.generatorLoss()), "step " + steps);
                    steps++;
                }
                assertEquals(config.schedule().end(shape.levels() - 1), trainer.imagesShown());
                assertTrue(steps > 1);
            }
        }
    }
}
