package atelier.tools.image;

import atelier.core.Tensor;
import atelier.nn.io.AtomicFile;
import org.apache.commons.imaging.formats.png.PngImageParser;
import org.apache.commons.imaging.formats.png.PngImagingParameters;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Images between tensors and files. Tensors hold RGB in [-1, 1] (the GAN's range); files are written through a
 * temporary file in the same directory and renamed, so a crash never leaves half an image under the real name.
 */
public final class ImageFiles {
    private ImageFiles() {
    }

    /**
     * Lays out images [N, 3, H, W] in [-1, 1] as a grid of {@code columns} columns with a 2-pixel gap.
     */
    public static BufferedImage grid(Tensor images, int columns) {
        images.requireRank("images", 4);
        int n = images.dim(0);
        int h = images.dim(2);
        int w = images.dim(3);
        if (images.dim(1) != 3) {
            throw new IllegalArgumentException("images must have 3 channels, got " + images.dim(1));
        }
        int cols = Math.max(1, Math.min(columns, n));
        int rows = (n + cols - 1) / cols;
        int gap = 2;
        BufferedImage out = new BufferedImage(cols * (w + gap) + gap, rows * (h + gap) + gap, BufferedImage.TYPE_INT_RGB);
        float[] d = images.data();
        int plane = h * w;
        for (int i = 0; i < n; i++) {
            int x0 = gap + (i % cols) * (w + gap);
            int y0 = gap + (i / cols) * (h + gap);
            int base = i * 3 * plane;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int p = base + y * w + x;
                    out.setRGB(x0 + x, y0 + y, (toByte(d[p]) << 16) | (toByte(d[p + plane]) << 8) | toByte(d[p + 2 * plane]));
                }
            }
        }
        return out;
    }

    /** [-1, 1] to 0..255, rounded and clamped. */
    static int toByte(float v) {
        return (int) Math.max(0, Math.min(255, Math.round((v + 1f) * 127.5f)));
    }

    /** Writes a PNG atomically (temp file + rename). */
    public static void writePng(BufferedImage image, Path file) throws IOException {
        AtomicFile.write(file, out -> new PngImageParser().writeImage(image, out, new PngImagingParameters()));
    }
}
