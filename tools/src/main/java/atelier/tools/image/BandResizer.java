package atelier.tools.image;

import atelier.core.Tensor;
import atelier.core.device.Device;
import atelier.core.device.ResizeAxis;
import atelier.gan.upscale.TiledUpscaler;

import java.io.IOException;

/**
 * Resizes (antialiased bicubic, as {@link Device#resize}) an image that arrives as bands of full-width rows, top to
 * bottom, and passes the result on the same way: each band is resized across at once, and output rows are made as
 * soon as every row they read has arrived. Only the rows still to be read are held, so memory follows the band
 * size and the filter, not the image.
 */
public final class BandResizer implements TiledUpscaler.Bands {
    private final Device device;
    private final int inHeight;
    private final int outHeight;
    private final int outWidth;
    private final ResizeAxis down;
    private final TiledUpscaler.Bands next;
    private Tensor held;
    private int heldFirst;
    private int nextOut;

    /** Resizes inHeight x (any width) rows to outHeight x outWidth, handing the result to {@code next}. */
    public BandResizer(Device device, int inHeight, int outHeight, int outWidth, TiledUpscaler.Bands next) {
        this.device = device;
        this.inHeight = inHeight;
        this.outHeight = outHeight;
        this.outWidth = outWidth;
        this.down = ResizeAxis.bicubic(inHeight, outHeight);
        this.next = next;
    }

    @Override
    public void accept(Tensor band, int firstRow) throws IOException {
        if (firstRow != (held == null ? 0 : heldFirst + held.dim(2))) {
            throw new IllegalStateException("band at row " + firstRow + " out of order");
        }
        Tensor across = Tensor.zeros(1, 3, band.dim(2), outWidth);
        device.resize(band, across); // the same number of rows: the height pass copies them exactly
        held = held == null ? across : stack(held, across);
        int available = heldFirst + held.dim(2);
        int end = nextOut;
        while (end < outHeight && down.start()[end] + down.taps() <= available) {
            end++;
        }
        if (end > nextOut) {
            Tensor rows = Tensor.zeros(1, 3, end - nextOut, outWidth);
            device.resizeRows(held, heldFirst, inHeight, rows, nextOut, outHeight);
            next.accept(rows, nextOut);
            nextOut = end;
        }
        if (nextOut < outHeight && down.start()[nextOut] > heldFirst) {
            int drop = down.start()[nextOut] - heldFirst;
            held = rows(held, drop, held.dim(2) - drop);
            heldFirst += drop;
        }
    }

    /** a's rows then b's, [1, 3, Ra + Rb, W]. */
    private static Tensor stack(Tensor a, Tensor b) {
        int w = a.dim(3);
        int ra = a.dim(2);
        int rb = b.dim(2);
        Tensor out = Tensor.zeros(1, 3, ra + rb, w);
        for (int c = 0; c < 3; c++) {
            System.arraycopy(a.data(), c * ra * w, out.data(), c * (ra + rb) * w, ra * w);
            System.arraycopy(b.data(), c * rb * w, out.data(), (c * (ra + rb) + ra) * w, rb * w);
        }
        return out;
    }

    /** Rows [first, first + count) of x [1, 3, R, W]. */
    private static Tensor rows(Tensor x, int first, int count) {
        int w = x.dim(3);
        int r = x.dim(2);
        Tensor out = Tensor.zeros(1, 3, count, w);
        for (int c = 0; c < 3; c++) {
            System.arraycopy(x.data(), (c * r + first) * w, out.data(), c * count * w, count * w);
        }
        return out;
    }
}
