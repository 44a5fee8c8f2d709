package atelier.tools.data;

import atelier.core.Rng;
import atelier.core.Tensor;
import atelier.core.device.Device;
import atelier.core.device.Filter;

import java.util.HashMap;
import java.util.Map;

/**
 * The built-in dataset, so that training runs with no data at all: abstract compositions of a colour gradient
 * and a few soft discs, bars and rings in a random palette. Images are generated once at full resolution from a
 * seed; lower resolutions are area-downsampled copies, as a prepared dataset stores them.
 */
public final class SyntheticArt extends ImagePyramid {
    private final int resolution;
    private final int count;
    private final Map<Integer, Tensor> pyramid = new HashMap<>();

    public SyntheticArt(Device device, int count, int resolution, long seed) {
        if (Integer.bitCount(resolution) != 1 || resolution < 4) {
            throw new IllegalArgumentException("resolution must be a power of two >= 4, got " + resolution);
        }
        this.resolution = resolution;
        this.count = count;
        Rng rng = new Rng(seed);
        Tensor full = Tensor.zeros(count, 3, resolution, resolution);
        for (int i = 0; i < count; i++) {
            paint(full.data(), i * 3 * resolution * resolution, resolution, rng);
        }
        pyramid.put(resolution, full);
        for (int r = resolution / 2; r >= 4; r /= 2) {
            Tensor above = pyramid.get(r * 2);
            Tensor below = Tensor.zeros(count, 3, r, r);
            device.downsample(above, Filter.area(2), below);
            pyramid.put(r, below);
        }
        device.toHost(pyramid.values().toArray(Tensor[]::new));   // batches are copied out on the host
    }

    private static void paint(float[] img, int base, int size, Rng rng) {
        int plane = size * size;
        float[][] palette = new float[4][3];
        for (float[] colour : palette) {
            for (int c = 0; c < 3; c++) {
                colour[c] = (float) (rng.nextDouble() * 2 - 1);
            }
        }
        double angle = rng.nextDouble() * Math.PI * 2;
        double dx = Math.cos(angle);
        double dy = Math.sin(angle);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double t = ((x + 0.5) / size - 0.5) * dx + ((y + 0.5) / size - 0.5) * dy + 0.5;
                for (int c = 0; c < 3; c++) {
                    img[base + c * plane + y * size + x] = (float) (palette[0][c] * (1 - t) + palette[1][c] * t);
                }
            }
        }
        int shapes = 2 + rng.nextInt(3);
        for (int s = 0; s < shapes; s++) {
            float[] colour = palette[2 + rng.nextInt(2)];
            int kind = rng.nextInt(3);
            double cx = rng.nextDouble();
            double cy = rng.nextDouble();
            double radius = 0.1 + 0.25 * rng.nextDouble();
            double tilt = rng.nextDouble() * Math.PI;
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    double px = (x + 0.5) / size - cx;
                    double py = (y + 0.5) / size - cy;
                    double d = switch (kind) {
                        case 0 -> Math.hypot(px, py) - radius;                                   // disc
                        case 1 -> Math.abs(px * Math.cos(tilt) + py * Math.sin(tilt)) - radius / 3; // bar
                        default -> Math.abs(Math.hypot(px, py) - radius) - radius / 4;             // ring
                    };
                    double cover = Math.max(0, Math.min(1, 0.5 - d * size / 1.5)); // soft, antialiased edge
                    for (int c = 0; c < 3; c++) {
                        int at = base + c * plane + y * size + x;
                        img[at] = (float) (img[at] * (1 - cover) + colour[c] * cover);
                    }
                }
            }
        }
    }

    @Override
    protected void copyImage(int index, int res, float[] dst, int offset) {
        int sample = 3 * res * res;
        System.arraycopy(pyramid.get(res).data(), index * sample, dst, offset, sample);
    }

    @Override
    public int resolution() {
        return resolution;
    }

    @Override
    public int count() {
        return count;
    }
}
