package atelier.tools.cli;

import atelier.core.Tensor;
import atelier.core.device.CpuDevice;
import atelier.gan.pgan.Generator;
import atelier.gan.pgan.PganCheckpoint;
import atelier.gan.sample.Latents;
import atelier.nn.io.Checkpoint;
import atelier.tools.image.GifAnimation;
import atelier.tools.image.ImageFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code atelier interpolate}: a loop through the seeds' latents (slerp, back to the first seed at the end), as
 * a PNG sequence and a looping animated GIF.
 */
@Command(name = "interpolate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Animate a loop through seeds' latents (spherical interpolation) as PNG frames and a GIF.")
public final class InterpolateCommand implements Callable<Integer> {
    @Mixin
    CheckpointOptions model;

    @Mixin
    ThreadsOption threads;

    @Option(names = "--seeds", required = true, paramLabel = "LIST",
            description = "Two or more seeds to pass through in order, e.g. 3,7,12.")
    String seeds;

    @Option(names = "--frames", defaultValue = "60",
            description = "Frames in the whole loop (default: ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--fps", defaultValue = "20", description = "Frames per second of the GIF, 1..100 "
            + "(default: ${DEFAULT-VALUE}).")
    int fps;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Folder for frameNNNN.png and interpolation.gif.")
    Path out;

    @Mixin
    SamplingOptions sampling;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter log = spec.commandLine().getOut();
        long[] seedList = SeedList.parse("--seeds", seeds);
        if (seedList.length < 2) {
            throw new IllegalArgumentException("--seeds " + seeds + ": give at least two seeds to move between");
        }
        if (frames < seedList.length) {
            throw new IllegalArgumentException("--frames must be at least the number of seeds (" + seedList.length
                    + "), got " + frames);
        }
        if (fps < 1 || fps > 100) {
            throw new IllegalArgumentException("--fps must be 1..100, got " + fps);
        }
        try (CpuDevice cpu = threads.device()) {
            Checkpoint checkpoint = model.load(log);
            Generator g = PganCheckpoint.averageGenerator(cpu, checkpoint);
            Renderer renderer = sampling.renderer(cpu, g, checkpoint, log);
            int latent = g.shape().latent();
            Tensor keys = Latents.fromSeeds(seedList, latent);
            log.printf(Locale.ROOT, "%d frames at %d px through seeds %s from %s%n", frames, g.resolution(), seeds,
                    checkpoint.file());
            Path gif = out.resolve("interpolation.gif");
            try (GifAnimation animation = GifAnimation.begin(gif, Math.round(100f / fps))) {
                renderer.render(frames, (start, n) -> {
                    Tensor z = Tensor.zeros(n, latent);
                    for (int i = 0; i < n; i++) {
                        // Frame f sits at t = f * seeds / frames along the loop: segment floor(t), fraction t mod 1.
                        double t = (double) (start + i) * seedList.length / frames;
                        int from = (int) Math.floor(t);
                        float[] row = new float[latent];
                        Latents.slerp(row(keys, from, latent), row(keys, (from + 1) % seedList.length, latent),
                                t - from, row);
                        System.arraycopy(row, 0, z.data(), i * latent, latent);
                    }
                    return z;
                }, (f, image) -> {
                    BufferedImage frame = ImageFiles.image(image, 0);
                    ImageFiles.writePng(frame, out.resolve(String.format(Locale.ROOT, "frame%04d.png", f)));
                    animation.add(frame);
                }, log, "frames");
                animation.finish();
            }
            log.println("frames: " + out.resolve("frame*.png"));
            log.println("animation: " + gif);
        }
        return 0;
    }

    private static float[] row(Tensor t, int i, int length) {
        float[] r = new float[length];
        System.arraycopy(t.data(), i * length, r, 0, length);
        return r;
    }
}
