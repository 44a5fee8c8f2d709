package atelier.tools.image;

import atelier.core.Tensor;
import atelier.nn.io.AtomicFile;
import org.apache.commons.imaging.PixelDensity;
import org.apache.commons.imaging.formats.png.PngImageParser;
import org.apache.commons.imaging.formats.png.PngImagingParameters;
import org.apache.commons.imaging.formats.tiff.TiffImageParser;
import org.apache.commons.imaging.formats.tiff.TiffImagingParameters;
import org.apache.commons.imaging.formats.tiff.constants.TiffConstants;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
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
                    out.setRGB(x0 + x, y0 + y, rgb(d, base + y * w + x, plane));
                }
            }
        }
        return out;
    }

    /** Image {@code index} of [N, 3, H, W] in [-1, 1] as an RGB image of its size, written straight into its pixels. */
    public static BufferedImage image(Tensor images, int index) {
        images.requireRank("images", 4);
        if (images.dim(1) != 3) {
            throw new IllegalArgumentException("images must have 3 channels, got " + images.dim(1));
        }
        int h = images.dim(2);
        int w = images.dim(3);
        int plane = h * w;
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] pixels = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
        float[] d = images.data();
        int base = index * 3 * plane;
        for (int p = 0; p < plane; p++) {
            pixels[p] = rgb(d, base + p, plane);
        }
        return out;
    }

    /** The packed 0xRRGGBB of the pixel at {@code p} of a channel plane of size {@code plane}. */
    private static int rgb(float[] d, int p, int plane) {
        return (toByte(d[p]) << 16) | (toByte(d[p + plane]) << 8) | toByte(d[p + 2 * plane]);
    }

    /** [-1, 1] to 0..255, rounded and clamped. */
    static int toByte(float v) {
        return (int) Math.max(0, Math.min(255, Math.round((v + 1f) * 127.5f)));
    }

    /** Writes a PNG atomically (temp file + rename). */
    public static void writePng(BufferedImage image, Path file) throws IOException {
        AtomicFile.write(file, out -> new PngImageParser().writeImage(image, out, new PngImagingParameters()));
    }

    /** File formats for prints: both record the resolution, so a print shop sees the intended size. */
    public enum PrintFormat {
        PNG("png"), TIFF("tif");

        private final String extension;

        PrintFormat(String extension) {
            this.extension = extension;
        }

        public String extension() {
            return extension;
        }
    }

    /**
     * Writes an image atomically with its resolution in dots per inch recorded: PNG in the pHYs chunk (pixels per
     * metre), TIFF (LZW-compressed, lossless) in XResolution/YResolution with ResolutionUnit inch.
     */
    public static void writeWithDpi(BufferedImage image, Path file, PrintFormat format, double dpi)
            throws IOException {
        PixelDensity density = PixelDensity.createFromPixelsPerInch(dpi, dpi);
        AtomicFile.write(file, out -> {
            switch (format) {
                case PNG -> new PngImageParser().writeImage(image, out,
                        new PngImagingParameters().setPixelDensity(density));
                case TIFF -> new TiffImageParser().writeImage(image, out, new TiffImagingParameters()
                        .setCompression(TiffConstants.COMPRESSION_LZW).setPixelDensity(density));
            }
        });
    }
}
