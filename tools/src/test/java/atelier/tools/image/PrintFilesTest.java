package atelier.tools.image;

import atelier.core.Tensor;
import org.apache.commons.imaging.ImageInfo;
import org.apache.commons.imaging.Imaging;
import org.apache.commons.imaging.formats.tiff.TiffImageMetadata;
import org.apache.commons.imaging.formats.tiff.constants.TiffTagConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Node;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Print sizes, DPI written into PNG and TIFF and read back by commons-imaging, and the looping GIF. */
class PrintFilesTest {
    @TempDir
    Path dir;

    @Test
    void printSizesInInchesCentimetresAndPixels() {
        assertEquals(new PrintSize("20x20in", 6000, 6000, 300), PrintSize.parse("--print", "20x20in", 300));
        assertEquals(5906, PrintSize.parse("--print", "50x50cm", 300).width(), "50 / 2.54 * 300 = 5905.5");
        assertEquals(new PrintSize("6000x4000px", 6000, 4000, 72), PrintSize.parse("--print", "6000x4000px", 72));
        assertEquals(150, PrintSize.parse("--print", "1.5x1.5in", 100).height());
    }

    @Test
    void badPrintSizesAreOneLineErrors() {
        assertEquals("--print 20x20ft: expected WIDTHxHEIGHT with a unit in, cm or px (e.g. 20x20in, 50x50cm, "
                + "6000x6000px)", assertThrows(IllegalArgumentException.class,
                        () -> PrintSize.parse("--print", "20x20ft", 300)).getMessage());
        assertEquals("--print 0.001x1in at 300 dpi is under one pixel", assertThrows(IllegalArgumentException.class,
                () -> PrintSize.parse("--print", "0.001x1in", 300)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PrintSize.parse("--print", "200x200in", 300))
                .getMessage().startsWith("--print 200x200in at 300 dpi is 60000x60000 px, above the 715827882 pixels"));
        assertEquals("--dpi must be a number above 0 (e.g. 300), got 0.0", assertThrows(
                IllegalArgumentException.class, () -> PrintSize.parse("--print", "1x1in", 0)).getMessage());
    }

    /** A 3-pixel-wide image: red, green, blue at known levels. */
    private static Tensor pixels() {
        Tensor t = Tensor.zeros(1, 3, 2, 3);
        float[] d = t.data();
        for (int p = 0; p < 6; p++) {
            d[p] = p / 5f * 2 - 1;
            d[6 + p] = -d[p];
            d[12 + p] = 0.5f;
        }
        return t;
    }

    @Test
    void dpiRoundTripsThroughPngAndTiff() throws IOException {
        BufferedImage image = ImageFiles.image(pixels(), 0);
        assertEquals((255 << 16) | 0x00bf, image.getRGB(2, 1) & 0xffffff, "last pixel: red 1 -> 255, green -1 -> 0");
        for (ImageFiles.PrintFormat format : ImageFiles.PrintFormat.values()) {
            for (double dpi : new double[] {300, 72, 1200}) {
                Path file = dir.resolve("print-" + (int) dpi + "." + format.extension());
                ImageFiles.writeWithDpi(image, file, format, dpi);
                ImageInfo info = Imaging.getImageInfo(file.toFile());
                assertEquals(3, info.getWidth());
                assertEquals(2, info.getHeight());
                assertEquals((int) dpi, info.getPhysicalWidthDpi(), format + " at " + dpi);
                assertEquals((int) dpi, info.getPhysicalHeightDpi(), format + " at " + dpi);
                BufferedImage back = Imaging.getBufferedImage(file.toFile());
                for (int y = 0; y < 2; y++) {
                    for (int x = 0; x < 3; x++) {
                        assertEquals(image.getRGB(x, y), back.getRGB(x, y), format + " pixel " + x + "," + y);
                    }
                }
                if (format == ImageFiles.PrintFormat.TIFF) {
                    TiffImageMetadata tiff = (TiffImageMetadata) Imaging.getMetadata(file.toFile());
                    assertEquals(2, tiff.findField(TiffTagConstants.TIFF_TAG_RESOLUTION_UNIT).getIntValue(), "inch");
                    assertEquals(dpi, tiff.findField(TiffTagConstants.TIFF_TAG_XRESOLUTION).getDoubleValue(), 1e-9);
                    assertEquals(dpi, tiff.findField(TiffTagConstants.TIFF_TAG_YRESOLUTION).getDoubleValue(), 1e-9);
                }
            }
        }
    }

    @Test
    void gifLoopsForeverThroughItsFrames() throws IOException {
        Path file = dir.resolve("loop.gif");
        int[] colours = {0xff0000, 0x00ff00, 0x0000ff, 0xffffff};
        try (GifAnimation gif = GifAnimation.begin(file, 5)) {
            for (int c : colours) {
                gif.add(TestImages.solid(4, 4, c, false));
            }
            gif.finish();
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
            reader.setInput(in);
            assertEquals(colours.length, reader.getNumImages(true));
            for (int i = 0; i < colours.length; i++) {
                assertEquals(colours[i], reader.read(i).getRGB(1, 1) & 0xffffff, "frame " + i);
                IIOMetadataNode root = (IIOMetadataNode) reader.getImageMetadata(i)
                        .getAsTree("javax_imageio_gif_image_1.0");
                assertEquals("5", ((IIOMetadataNode) root.getElementsByTagName("GraphicControlExtension").item(0))
                        .getAttribute("delayTime"));
                if (i == 0) {
                    IIOMetadataNode loop = (IIOMetadataNode) root.getElementsByTagName("ApplicationExtension").item(0);
                    assertEquals("NETSCAPE", loop.getAttribute("applicationID"));
                    assertEquals("2.0", loop.getAttribute("authenticationCode"));
                    assertArrayEquals(new byte[] {1, 0, 0}, (byte[]) loop.getUserObject(), "loop count 0: forever");
                }
            }
        }
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left");
        }
    }

    @Test
    void unfinishedGifLeavesNothing() throws IOException {
        Path file = dir.resolve("half.gif");
        try (GifAnimation gif = GifAnimation.begin(file, 5)) {
            gif.add(TestImages.solid(4, 4, 0xff0000, false));
        }
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }
}
