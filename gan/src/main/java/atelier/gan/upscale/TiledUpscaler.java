package atelier.gan.upscale;

import atelier.core.Tensor;

import java.io.IOException;

/**
 * Upscales an image of any size tile by tile, so memory follows the tile size and not the image: each tile of
 * T x T input pixels is upscaled together with a margin of {@link UpscalerShape#reach()} pixels on every side
 * (where the image has them) and only its own part of the output is kept, so no output pixel sees a tile border:
 * the result equals the whole image's (up to float noise) and has no seams. Output comes out in bands of T*f rows,
 * top to bottom, for the caller to write and forget.
 */
public final class TiledUpscaler {
    /** Receives the output band by band: rows [firstRow, firstRow + R) of the output as [1, 3, R, W*f]. */
    @FunctionalInterface
    public interface Bands {
        void accept(Tensor band, int firstRow) throws IOException;
    }

    /** Bands collected into one whole output [1, 3, H, W] (for writers that need the whole image at once). */
    public static Bands into(Tensor whole) {
        int h = whole.dim(2);
        int w = whole.dim(3);
        return (band, firstRow) -> {
            int rows = band.dim(2);
            for (int c = 0; c < 3; c++) {
                System.arraycopy(band.data(), c * rows * w, whole.data(), (c * h + firstRow) * w, rows * w);
            }
        };
    }

    private final Upscaler upscaler;
    private final int tile;

    public TiledUpscaler(Upscaler upscaler, int tile) {
        if (tile < 1) {
            throw new IllegalArgumentException("tile size must be >= 1, got " + tile);
        }
        this.upscaler = upscaler;
        this.tile = tile;
    }

    /** How many tiles an image of this size takes. */
    public long tiles(int height, int width) {
        return (long) ((height + tile - 1) / tile) * ((width + tile - 1) / tile);
    }

    /** Upscales {@code image} [1, 3, H, W] into {@code out}; {@code tileDone} runs after every tile. */
    public void upscale(Tensor image, Bands out, Runnable tileDone) throws IOException {
        image.requireRank("image", 4);
        if (image.dim(0) != 1 || image.dim(1) != 3) {
            throw new IllegalArgumentException("tiled upscaling takes one RGB image [1, 3, H, W], got " + image);
        }
        int f = upscaler.shape().factor();
        int margin = upscaler.shape().reach();
        int height = image.dim(2);
        int width = image.dim(3);
        for (int top = 0; top < height; top += tile) {
            int rows = Math.min(tile, height - top);
            Tensor band = Tensor.zeros(1, 3, rows * f, width * f);
            for (int left = 0; left < width; left += tile) {
                int cols = Math.min(tile, width - left);
                int y0 = Math.max(0, top - margin);
                int x0 = Math.max(0, left - margin);
                Tensor patch = window(image, y0, Math.min(height, top + rows + margin), x0,
                        Math.min(width, left + cols + margin));
                Tensor up = upscaler.forward(patch);
                copyWindow(up, (top - y0) * f, (left - x0) * f, rows * f, cols * f, band, 0, left * f);
                tileDone.run();
            }
            out.accept(band, top * f);
        }
    }

    /** Rows [y0, y1) and columns [x0, x1) of image [1, 3, H, W]. */
    private static Tensor window(Tensor image, int y0, int y1, int x0, int x1) {
        Tensor out = Tensor.zeros(1, 3, y1 - y0, x1 - x0);
        copyWindow(image, y0, x0, y1 - y0, x1 - x0, out, 0, 0);
        return out;
    }

    /** Copies a rows x cols window of src [1, 3, H, W] at (sy, sx) into dst [1, 3, H', W'] at (dy, dx). */
    private static void copyWindow(Tensor src, int sy, int sx, int rows, int cols, Tensor dst, int dy, int dx) {
        int sh = src.dim(2);
        int sw = src.dim(3);
        int dh = dst.dim(2);
        int dw = dst.dim(3);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < rows; y++) {
                System.arraycopy(src.data(), (c * sh + sy + y) * sw + sx, dst.data(), (c * dh + dy + y) * dw + dx, cols);
            }
        }
    }
}
