package atelier.tools.bench;

import atelier.core.Tensor;
import atelier.core.device.Device;

import java.util.List;
import java.util.Random;

/**
 * Throughput of the 3x3 convolution (stride 1, pad 1, C -> C channels) at the shapes a PGAN trains: forward, and
 * forward + backward (input and weight gradients). FLOPs count one multiply-add as 2: forward 2*N*C*C*9*H*W,
 * forward + backward three times that.
 */
public final class ConvBench {
    /** One benchmark shape: C channels in and out at px x px. */
    public record Shape(int channels, int px) {
        /** PGAN's conv3x3 shapes: 512 channels up to 32 px, then halving as the resolution doubles. */
        public static final List<Shape> PGAN = List.of(new Shape(512, 4), new Shape(512, 8), new Shape(512, 16),
                new Shape(512, 32), new Shape(256, 64), new Shape(128, 128), new Shape(64, 256), new Shape(32, 512),
                new Shape(16, 1024));

        /** Parses "CHANNELS:PX" or a bare resolution in PGAN's schedule ("64" is 256:64). */
        public static Shape parse(String text) {
            String[] parts = text.trim().split(":");
            try {
                if (parts.length == 2) {
                    return new Shape(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
                }
                int px = Integer.parseInt(parts[0]);
                return PGAN.stream().filter(s -> s.px == px).findFirst().orElseThrow(() -> new IllegalArgumentException(
                        "no PGAN shape at " + px + " px; give CHANNELS:PX (e.g. 64:" + px + ")"));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("shape '" + text + "' is not CHANNELS:PX or a resolution");
            }
        }

        public double forwardFlops(int batch) {
            return 2.0 * batch * channels * channels * 9 * px * px;
        }

        @Override
        public String toString() {
            return channels + ":" + px;
        }
    }

    /** GFLOP/s of one shape. */
    public record Result(Shape shape, int batch, double forwardGflops, double forwardBackwardGflops) {
    }

    private ConvBench() {
    }

    /**
     * Measures one shape: a warm-up call at the given batch (so the JIT has compiled the kernels of the path this
     * shape and batch take), then timed calls, repeated until {@code minSeconds} have passed (at least one call).
     */
    public static Result measure(Device device, Shape shape, int batch, double minSeconds) {
        Random rng = new Random(0);
        Tensor w = randn(rng, shape.channels, shape.channels, 3, 3);
        Tensor dw = w.zerosLike();
        // Outputs are allocated once: at 1024 px each is 1 GB, and allocating it is not the convolution's cost.
        Tensor x = randn(rng, batch, shape.channels, shape.px, shape.px);
        Tensor y = x.zerosLike();
        Tensor dx = x.zerosLike();
        runForwardBackward(device, w, x, y, dx, dw);
        double fwd = secondsPerCall(minSeconds, () -> {
            device.conv2d(x, w, 1f, 1, y);
            device.toHost(y);   // a GPU device runs launches when the host needs their result
        });
        double fwdBwd = secondsPerCall(minSeconds, () -> runForwardBackward(device, w, x, y, dx, dw));
        double flops = shape.forwardFlops(batch);
        return new Result(shape, batch, flops / fwd / 1e9, 3 * flops / fwdBwd / 1e9);
    }

    private static void runForwardBackward(Device device, Tensor w, Tensor x, Tensor y, Tensor dx, Tensor dw) {
        device.conv2d(x, w, 1f, 1, y);
        device.conv2dBackwardInput(y, w, 1f, 1, dx);
        device.conv2dBackwardWeight(x, y, 1f, 1, dw);
        device.toHost(dx, dw);
    }

    private static double secondsPerCall(double minSeconds, Runnable call) {
        long start = System.nanoTime();
        int calls = TimedLoop.runFor(minSeconds, call);
        return (System.nanoTime() - start) / 1e9 / calls;
    }

    private static Tensor randn(Random rng, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) rng.nextGaussian();
        }
        return t;
    }
}
