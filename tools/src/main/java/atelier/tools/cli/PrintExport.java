package atelier.tools.cli;

import atelier.core.Tensor;
import atelier.core.device.Device;
import atelier.gan.upscale.TiledUpscaler;
import atelier.gan.upscale.Upscaler;
import atelier.tools.image.ImageFiles;
import atelier.tools.image.PrintSize;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Images at a print's exact pixel size with its resolution in the file. A model image smaller than the print goes
 * through the learned upscaler when one is given, applied (tile by tile, seamless) as often as it does not overshoot
 * the print, and the antialiased bicubic resize covers the rest; without one, the bicubic resize does it all. The
 * one print-size buffer is reused for every image (a 6000 px RGB image is 432 MB of floats).
 */
final class PrintExport {
    /** Input tile of the learned upscaler: a few hundred KB of activations per tile. */
    private static final int TILE = 128;

    private final Device device;
    private final PrintSize size;
    private final ImageFiles.PrintFormat format;
    private final int modelResolution;
    private final Upscaler upscaler;
    private final String upscalerName;
    private Tensor print;

    /** {@code upscaler} (or null for bicubic alone) and its name for the log. */
    PrintExport(Device device, PrintSize size, ImageFiles.PrintFormat format, int modelResolution, Upscaler upscaler,
                String upscalerName) {
        if (size.width() != size.height()) {
            throw new IllegalArgumentException("--print " + size.text() + " is " + size.width() + "x" + size.height()
                    + " px, but the model's images are square (a non-square print would stretch them)");
        }
        this.device = device;
        this.size = size;
        this.format = format;
        this.modelResolution = modelResolution;
        this.upscaler = upscaler;
        this.upscalerName = upscalerName;
    }

    /** The resolution the learned upscaler reaches from the model's before the bicubic resize takes over. */
    private int learnedResolution() {
        int r = modelResolution;
        if (upscaler != null) {
            int f = upscaler.shape().factor();
            while ((long) r * f <= size.width()) {
                r *= f;
            }
        }
        return r;
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
        int learned = learnedResolution();
        if (learned == modelResolution) {
            return where + "; upscaled " + modelResolution + " -> " + px + " px with bicubic"
                    + (upscaler == null ? " (give --upscaler RUN for the learned upscaler)"
                            : " (the x" + upscaler.shape().factor() + " upscaler would overshoot)");
        }
        return where + "; upscaled " + modelResolution + " -> " + learned + " px with the learned x"
                + upscaler.shape().factor() + " upscaler (" + upscalerName + ")"
                + (learned == px ? "" : ", then " + learned + " -> " + px + " px with bicubic");
    }

    private String dpiText() {
        return size.dpi() == Math.rint(size.dpi()) ? Long.toString((long) size.dpi()) : Double.toString(size.dpi());
    }

    /** Writes one model image [1, 3, R, R] at print size. */
    void write(Tensor image, Path file) throws IOException {
        Tensor out = image;
        for (int r = modelResolution; r < learnedResolution(); r *= upscaler.shape().factor()) {
            out = upscaleWhole(out);
        }
        if (size.width() != out.dim(3)) {
            if (print == null) {
                print = Tensor.zeros(1, 3, size.height(), size.width());
            }
            device.resize(out, print);
            out = print;
        }
        ImageFiles.writeWithDpi(ImageFiles.image(out, 0), file, format, size.dpi());
    }

    /** One pass of the learned upscaler over a whole image, tile by tile, collected into one tensor. */
    private Tensor upscaleWhole(Tensor image) throws IOException {
        int f = upscaler.shape().factor();
        int h = image.dim(2) * f;
        int w = image.dim(3) * f;
        Tensor out = Tensor.zeros(1, 3, h, w);
        new TiledUpscaler(upscaler, TILE).upscale(image, TiledUpscaler.into(out), () -> { });
        return out;
    }
}
