package atelier.core.device;

import atelier.core.kernels.Resize;

import java.util.Arrays;

/**
 * The gather table of one axis of a resize from {@code in} to {@code out} samples (see {@link Resize#axis}): every
 * output reads {@code taps} inputs from {@code start[j]} with weights {@code weights[j*taps ..]} (zero-padded to
 * the widest row, and each row shifted to stay inside the input), and for the backward every input k is read by
 * outputs {@code firstReader[k] .. firstReader[k] + readers - 1}.
 */
public record ResizeAxis(int in, int out, int taps, int[] start, float[] weights, int[] firstReader, int readers) {

    /**
     * Antialiased bicubic as PyTorch's {@code interpolate(mode="bicubic", antialias=True, align_corners=False)} and
     * PIL's BICUBIC: output j is centred on input coordinate c = s (j + 0.5) with s = in / out; input k weighs
     * cubic((k + 0.5 - c) / max(s, 1)), the Keys cubic with a = -0.5 stretched by the downscale factor (so its
     * support widens from 2 to 2s), over the inputs in [c - support, c + support), normalized to sum 1.
     */
    public static ResizeAxis bicubic(int in, int out) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("resize from " + in + " to " + out + " samples: both must be >= 1");
        }
        double scale = (double) in / out;
        double stretch = Math.max(scale, 1.0);
        double support = 2.0 * stretch;
        int taps = Math.min(in, (int) Math.ceil(support) * 2 + 1);
        int[] start = new int[out];
        float[] weights = new float[out * taps];
        double[] row = new double[taps];
        for (int j = 0; j < out; j++) {
            double centre = scale * (j + 0.5);
            int first = Math.max((int) (centre - support + 0.5), 0);   // truncation, as PyTorch's int64_t cast
            int count = Math.min((int) (centre + support + 0.5), in) - first;
            double total = 0;
            for (int t = 0; t < count; t++) {
                row[t] = cubic((t + first - centre + 0.5) / stretch);
                total += row[t];
            }
            // Rows near the end start earlier so that all taps stay inside the input; the extra taps weigh 0.
            start[j] = Math.min(first, in - taps);
            int shift = first - start[j];
            for (int t = 0; t < count; t++) {
                weights[j * taps + shift + t] = (float) (total != 0 ? row[t] / total : row[t]);
            }
        }
        int[] firstReader = new int[in];
        Arrays.fill(firstReader, -1);
        int[] readerCount = new int[in];
        for (int j = 0; j < out; j++) {
            for (int t = 0; t < taps; t++) {
                int k = start[j] + t;
                if (firstReader[k] < 0) {
                    firstReader[k] = j;
                }
                readerCount[k]++;
            }
        }
        int readers = 0;
        for (int k = 0; k < in; k++) {
            firstReader[k] = Math.max(firstReader[k], 0);
            readers = Math.max(readers, readerCount[k]);
        }
        return new ResizeAxis(in, out, taps, start, weights, firstReader, readers);
    }

    /** Keys' cubic convolution kernel with a = -0.5 (PIL's and PyTorch's antialiased bicubic). */
    static double cubic(double x) {
        double a = -0.5;
        double d = Math.abs(x);
        if (d < 1) {
            return ((a + 2) * d - (a + 3)) * d * d + 1;
        }
        if (d < 2) {
            return (((d - 5) * d + 8) * d - 4) * a;
        }
        return 0;
    }
}
