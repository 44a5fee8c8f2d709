package atelier.tools.image;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;

/** Image files of every kind the importer reads, with known pixel values, written by the JDK's writers. */
public final class TestImages {
    private TestImages() {
    }

    /** Solid 8-bit RGB(A); {@code argb} as in BufferedImage.setRGB. */
    public static BufferedImage solid(int width, int height, int argb, boolean alpha) {
        BufferedImage image = new BufferedImage(width, height,
                alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, argb);
            }
        }
        return image;
    }

    /** Grey (optionally with alpha) of the given bit depth (8 or 16) with every sample set directly. */
    public static BufferedImage grey(int width, int height, int bits, int grey, int alpha, boolean withAlpha) {
        ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), withAlpha,
                false, withAlpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE,
                bits == 16 ? DataBuffer.TYPE_USHORT : DataBuffer.TYPE_BYTE);
        WritableRaster raster = model.createCompatibleWritableRaster(width, height);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                raster.setSample(x, y, 0, grey);
                if (withAlpha) {
                    raster.setSample(x, y, 1, alpha);
                }
            }
        }
        return new BufferedImage(model, raster, false, null);
    }

    /** 16-bit RGB with every sample set directly. */
    public static BufferedImage rgb16(int width, int height, int r, int g, int b) {
        ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster raster = model.createCompatibleWritableRaster(width, height);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                raster.setPixel(x, y, new int[] {r, g, b});
            }
        }
        return new BufferedImage(model, raster, false, null);
    }

    /** A 4-colour palette image, all pixels palette entry 2 = {@code rgb}. */
    public static BufferedImage palette(int width, int height, int rgb) {
        byte[] r = {0, (byte) 255, (byte) (rgb >> 16), 0};
        byte[] g = {0, (byte) 255, (byte) (rgb >> 8), 0};
        byte[] b = {0, (byte) 255, (byte) rgb, (byte) 255};
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_BINARY,
                new IndexColorModel(2, 4, r, g, b));
        WritableRaster raster = image.getRaster();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                raster.setSample(x, y, 0, 2);
            }
        }
        return image;
    }

    public static Path write(BufferedImage image, String format, Path file) {
        try {
            if (!ImageIO.write(image, format, file.toFile())) {
                throw new IllegalStateException("no " + format + " writer for " + image);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A progressive JPEG (commons-imaging decodes only baseline ones). */
    public static Path writeProgressiveJpeg(BufferedImage image, Path file) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(1f);
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return file;
    }

    /** An animated GIF with the given frames, in order. */
    public static Path writeAnimatedGif(Path file, BufferedImage... frames) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            writer.setOutput(out);
            writer.prepareWriteSequence(null);
            for (BufferedImage frame : frames) {
                ImageTypeSpecifier type = ImageTypeSpecifier.createFromRenderedImage(frame);
                IIOMetadata metadata = writer.getDefaultImageMetadata(type, null);
                String format = metadata.getNativeMetadataFormatName();
                IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree(format);
                IIOMetadataNode control = new IIOMetadataNode("GraphicControlExtension");
                control.setAttribute("disposalMethod", "none");
                control.setAttribute("userInputFlag", "FALSE");
                control.setAttribute("transparentColorFlag", "FALSE");
                control.setAttribute("delayTime", "10");
                control.setAttribute("transparentColorIndex", "0");
                root.appendChild(control);
                metadata.setFromTree(format, root);
                writer.writeToSequence(new IIOImage(frame, null, metadata), null);
            }
            writer.endWriteSequence();
        } finally {
            writer.dispose();
        }
        return file;
    }

    /**
     * A small valid PNG whose header is then rewritten to claim width x height (CRC fixed): a decompression bomb's
     * header, which must be refused before anything is decoded.
     */
    public static Path writePngClaiming(Path file, int width, int height) throws IOException {
        write(solid(4, 4, 0xff000000, false), "png", file);
        byte[] png = Files.readAllBytes(file);
        // Signature (8), IHDR length (4), "IHDR" (4), width (4), height (4), ... 13 data bytes, CRC over type + data.
        ByteBuffer b = ByteBuffer.wrap(png);
        b.putInt(16, width).putInt(20, height);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 17);
        b.putInt(29, (int) crc.getValue());
        Files.write(file, png);
        return file;
    }

    /** The first half of an existing file. */
    public static Path truncate(Path source, Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(source);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        return file;
    }
}
