package atelier.tools.cli;

import atelier.core.Tensor;
import atelier.core.device.Device;
import atelier.tools.image.ImageFiles;
import atelier.tools.image.PrintSize;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Images at a print's exact pixel size with its resolution in the file. Until the learned upscaler exists, a
 * model image is resized with the antialiased bicubic resize; the one print-size buffer is reused for every image
 * (a 6000 px RGB image is 432 MB of floats).
 */
final class PrintExport {
    private final Device device;
    private final PrintSize size;
    private final ImageFiles.PrintFormat format;
    private final int modelResolution;
    private Tensor print;

    PrintExport(Device device, PrintSize size, ImageFiles.PrintFormat format, int modelResolution) {
        if (size.width() != size.height()) {
            throw new IllegalArgumentException("--print " + size.text() + " is " + size.width() + "x" + size.height()
                    + " px, but the model's images are square (a non-square print would stretch them)");
        }
        this.device = device;
        this.size = size;
        this.format = format;
        this.modelResolution = modelResolution;
    }

    /** Which path the pixels take, for the log. */
    String describe() {
        int px = size.width();
        String where = String.format(Locale.ROOT, "%s at %s dpi = %dx%d px %s", size.text(), dpiText(), px, px,
                format.name());
        if (px == modelResolution) {
            return where + "; the model's own resolution, no resize";
        }
        if (px < modelResolution) {
            return where + "; downscaled " + modelResolution + " -> " + px + " px with antialiased bicubic";
        }
        return where + "; upscaled " + modelResolution + " -> " + px
                + " px with bicubic; the learned upscaler will take over when available";
    }

    private String dpiText() {
        return size.dpi() == Math.rint(size.dpi()) ? Long.toString((long) size.dpi()) : Double.toString(size.dpi());
    }

    /** Writes one model image [1, 3, R, R] at print size. */
    void write(Tensor image, Path file) throws IOException {
        Tensor out = image;
        if (size.width() != modelResolution) {
            if (print == null) {
                print = Tensor.zeros(1, 3, size.height(), size.width());
            }
            device.resize(image, print);
            out = print;
        }
        ImageFiles.writeWithDpi(ImageFiles.image(out, 0), file, format, size.dpi());
    }
}
