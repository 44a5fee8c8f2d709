package atelier.tools.image;

import org.apache.commons.imaging.ImageFormats;
import org.apache.commons.imaging.ImageInfo;
import org.apache.commons.imaging.Imaging;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;

/**
 * Reading the images a dataset is made from: PNG, JPEG, TIFF, BMP and GIF in any bit depth, grey, grey + alpha,
 * RGB(A), palette, 16-bit, CMYK/YCCK JPEG, the first frame of an animated GIF. commons-imaging decodes first;
 * what it cannot (progressive JPEG, some truncated files) falls back to javax.imageio. Two kinds go to javax.imageio
 * first: CMYK/YCCK JPEGs (commons-imaging ignores Adobe's inverted CMYK and returns black) and greyscale images
 * (commons-imaging stores grey through Java's linear grey colour space in 8 bits, which crushes the darkest tones:
 * grey levels 0..6 all become 0). Both are pure Java.
 *
 * <p>Every failure is an {@link UnusableImageException} whose message is a one-line reason.
 */
public final class SourceImages {
    /** File name extensions taken as images; other files in a folder are not images and are ignored. */
    public static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "jpe", "tif", "tiff", "bmp", "gif");

    private SourceImages() {
    }

    /** A file that cannot be imported; the message says why, in one line. */
    public static final class UnusableImageException extends Exception {
        public UnusableImageException(String reason) {
            super(reason);
        }
    }

    /**
     * What a file's header says, read without decoding any pixels; {@code imageIoFirst} for the kinds that
     * javax.imageio decodes better (CMYK/YCCK JPEG, greyscale).
     */
    public record Header(int width, int height, boolean imageIoFirst) {
        public long pixels() {
            return (long) width * height;
        }
    }

    public static boolean hasImageExtension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot >= 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /**
     * Width and height from the header alone (so a decompression bomb can be refused before it is decoded).
     * commons-imaging parses the header first; javax.imageio reads just the leading header of files it refuses
     * as a whole (a truncated PNG), so that those are reported as truncated rather than as not images.
     */
    public static Header header(Path file) throws UnusableImageException {
        try {
            if (Files.size(file) == 0) {
                throw new UnusableImageException("empty file (0 bytes)");
            }
        } catch (IOException e) {
            // The JVM decodes file names in the system's encoding; bytes that are not valid there become U+FFFD,
            // and the name no longer leads back to the file.
            throw new UnusableImageException(file.getFileName().toString().indexOf('\uFFFD') >= 0
                    ? "its name is not valid " + System.getProperty("sun.jnu.encoding") + " and cannot be opened by "
                            + "name; rename the file"
                    : "unreadable (" + oneLine(e) + ")");
        }
        Header header;
        try {
            ImageInfo info = Imaging.getImageInfo(file.toFile());
            ImageInfo.ColorType colour = info.getColorType();
            boolean cmykJpeg = info.getFormat() == ImageFormats.JPEG
                    && (colour == ImageInfo.ColorType.CMYK || colour == ImageInfo.ColorType.YCCK);
            header = new Header(info.getWidth(), info.getHeight(),
                    cmykJpeg || colour == ImageInfo.ColorType.GRAYSCALE);
        } catch (IOException | RuntimeException parseError) {
            header = imageIoHeader(file, parseError);
        }
        if (header.width() < 1 || header.height() < 1) {
            throw new UnusableImageException("header gives an empty size " + header.width() + " x " + header.height());
        }
        return header;
    }

    private static Header imageIoHeader(Path file, Exception parseError) throws UnusableImageException {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new UnusableImageException("not an image (" + oneLine(parseError) + ")");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return new Header(reader.getWidth(0), reader.getHeight(0), false);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            throw new UnusableImageException("unreadable header (" + oneLine(parseError) + ")");
        }
    }

    /** Decodes the first image of the file; a failure names what each decoder said. */
    public static BufferedImage decode(Path file, Header header) throws UnusableImageException {
        if (header.imageIoFirst()) {
            try {
                return decodeWithImageIo(file);
            } catch (IOException | RuntimeException imageIoFailure) {
                try {
                    return sRgb(Imaging.getBufferedImage(file.toFile()));
                } catch (IOException | RuntimeException e) {
                    throw corrupt(imageIoFailure, e);
                }
            }
        }
        try {
            return sRgb(Imaging.getBufferedImage(file.toFile()));
        } catch (IOException | RuntimeException commonsImagingFailure) {
            try {
                return decodeWithImageIo(file);
            } catch (IOException | RuntimeException e) {
                throw corrupt(commonsImagingFailure, e);
            }
        }
    }

    private static UnusableImageException corrupt(Exception first, Exception second) {
        String a = oneLine(first);
        String b = oneLine(second);
        return new UnusableImageException("truncated or corrupt (" + (a.equals(b) ? a : a + "; " + b) + ")");
    }

    private static BufferedImage decodeWithImageIo(Path file) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new IOException("javax.imageio has no decoder for it");
            }
            ImageReader reader = readers.next();
            try {
                // javax.imageio decodes what it can of a damaged file and only warns; such a file is not used.
                StringBuilder warnings = new StringBuilder();
                reader.addIIOReadWarningListener((source, warning) -> warnings.append(warnings.isEmpty() ? "" : "; ")
                        .append(warning));
                reader.setInput(in, true, true);
                BufferedImage image = reader.read(0);
                if (!warnings.isEmpty()) {
                    throw new IOException(warnings.toString());
                }
                return image;
            } finally {
                reader.dispose();
            }
        }
    }

    /**
     * commons-imaging's grey images hold linear-light samples (it fills them through setRGB); their sRGB values,
     * which {@link #centreSquare} reads only from images that are not grey, come from getRGB.
     */
    private static BufferedImage sRgb(BufferedImage image) {
        if (image.getColorModel().getColorSpace().getType() != ColorSpace.TYPE_GRAY) {
            return image;
        }
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_ARGB);
        int[] row = new int[image.getWidth()];
        for (int y = 0; y < image.getHeight(); y++) {
            image.getRGB(0, y, row.length, 1, row, 0, row.length);
            rgb.setRGB(0, y, row.length, 1, row, 0, row.length);
        }
        return rgb;
    }

    /**
     * The centred square of side min(width, height) as RGB planes [3, side, side] with values in 0..255, alpha
     * composited over white (a transparent pixel becomes white). Grey samples are used as they are (not through
     * Java's linear-grey colour conversion) and CMYK is converted without a colour profile, as PIL does:
     * R = 255 (1 - C)(1 - K), and likewise G from M and B from Y.
     */
    public static float[] centreSquare(BufferedImage image) {
        int side = Math.min(image.getWidth(), image.getHeight());
        return rgbPlanes(image, (image.getWidth() - side) / 2, (image.getHeight() - side) / 2, side, side);
    }

    /** As {@link #centreSquare}, for the width x height window at (x0, y0): [3, height, width] in 0..255. */
    public static float[] rgbPlanes(BufferedImage image, int x0, int y0, int width, int height) {
        int plane = width * height;
        float[] rgb = new float[3 * plane];
        ColorModel model = image.getColorModel();
        int space = model.getColorSpace().getType();
        Raster raster = image.getRaster();
        int bands = raster.getNumBands();
        boolean rawGrey = space == ColorSpace.TYPE_GRAY && bands <= 2;
        boolean cmyk = space == ColorSpace.TYPE_CMYK && bands == 4;
        float[] max = new float[bands];
        for (int b = 0; b < bands; b++) {
            max[b] = (1L << raster.getSampleModel().getSampleSize(b)) - 1;
        }
        int[] argb = new int[width];
        float[] samples = new float[width * bands];
        for (int y = 0; y < height; y++) {
            if (rawGrey || cmyk) {
                raster.getPixels(x0, y0 + y, width, 1, samples);
            } else {
                image.getRGB(x0, y0 + y, width, 1, argb, 0, width);
            }
            for (int x = 0; x < width; x++) {
                float r;
                float g;
                float b;
                float alpha = 1f;
                if (rawGrey) {
                    r = g = b = samples[x * bands] * 255f / max[0];
                    if (bands == 2) {
                        alpha = samples[x * bands + 1] / max[1];
                    }
                } else if (cmyk) {
                    float white = 1f - samples[x * 4 + 3] / max[3];
                    r = (255f - samples[x * 4] * 255f / max[0]) * white;
                    g = (255f - samples[x * 4 + 1] * 255f / max[1]) * white;
                    b = (255f - samples[x * 4 + 2] * 255f / max[2]) * white;
                } else {
                    int p = argb[x];
                    alpha = (p >>> 24) / 255f;
                    r = p >> 16 & 0xff;
                    g = p >> 8 & 0xff;
                    b = p & 0xff;
                }
                // Over white: alpha c + (1 - alpha) 255, in 0..255 units so that opaque pixels stay exact.
                int at = y * width + x;
                rgb[at] = alpha * r + (1f - alpha) * 255f;
                rgb[plane + at] = alpha * g + (1f - alpha) * 255f;
                rgb[2 * plane + at] = alpha * b + (1f - alpha) * 255f;
            }
        }
        return rgb;
    }

    private static String oneLine(Exception e) {
        if (e == null) {
            return "no decoder";
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.strip().lines().findFirst().orElse(m);
    }
}
