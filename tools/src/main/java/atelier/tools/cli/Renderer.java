package atelier.tools.cli;

import atelier.core.Tensor;
import atelier.core.device.Device;
import atelier.gan.pgan.Generator;
import atelier.gan.sample.LatentEdit;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Arrays;

/**
 * Draws images through a generator in batches, edited latents in, one image at a time out, with a progress line.
 * Each image depends only on its own latent, so the batch size changes speed and memory, never the pixels.
 */
final class Renderer {
    /** The latents [n, latent] of images start .. start + n - 1. */
    @FunctionalInterface
    interface Latents {
        Tensor of(int start, int n);
    }

    /** Receives image {@code index} as [1, 3, R, R]. */
    @FunctionalInterface
    interface Sink {
        void accept(int index, Tensor image) throws IOException;
    }

    private final Device device;
    private final Generator generator;
    private final LatentEdit edit;
    private final int batch;

    Renderer(Device device, Generator generator, LatentEdit edit, int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
        }
        this.device = device;
        this.generator = generator;
        this.edit = edit;
        this.batch = batch;
    }

    float truncation() {
        return edit.truncation();
    }

    void render(int count, Latents latents, Sink sink, PrintWriter log, String unit) throws IOException {
        Progress progress = new Progress(log, unit, count);
        int size = 3 * generator.resolution() * generator.resolution();
        for (int start = 0; start < count; start += batch) {
            int n = Math.min(batch, count - start);
            float[] images = edit.render(device, generator, latents.of(start, n)).data();
            for (int i = 0; i < n; i++) {
                sink.accept(start + i, Tensor.of(Arrays.copyOfRange(images, i * size, (i + 1) * size), 1, 3,
                        generator.resolution(), generator.resolution()));
                progress.update(start + i + 1, generator.resolution() + " px");
            }
        }
    }
}
