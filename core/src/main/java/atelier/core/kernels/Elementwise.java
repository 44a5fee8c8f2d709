package atelier.core.kernels;

/** Element-wise arithmetic on equally sized arrays. Work item: one element. Outputs may alias inputs. */
public final class Elementwise {
    private Elementwise() {
    }

    /** out = a + b */
    public static void add(int begin, int end, float[] a, float[] b, float[] out) {
        for (int i = begin; i < end; i++) {
            out[i] = a[i] + b[i];
        }
    }

    /** out = a * b */
    public static void mul(int begin, int end, float[] a, float[] b, float[] out) {
        for (int i = begin; i < end; i++) {
            out[i] = a[i] * b[i];
        }
    }

    /** out = alpha * x */
    public static void scale(int begin, int end, float[] x, float alpha, float[] out) {
        for (int i = begin; i < end; i++) {
            out[i] = alpha * x[i];
        }
    }

    /** out[i] = rowScale[i / rowSize] * x[i]   (a scale per sample, e.g. the gradient penalty's coefficients) */
    public static void scaleRows(int begin, int end, float[] x, float[] rowScale, int rowSize, float[] out) {
        for (int i = begin; i < end; i++) {
            out[i] = rowScale[i / rowSize] * x[i];
        }
    }

    /** y += alpha * x   (gradient accumulation) */
    public static void axpy(int begin, int end, float alpha, float[] x, float[] y) {
        for (int i = begin; i < end; i++) {
            y[i] += alpha * x[i];
        }
    }

    /** out = a + t * (b - a)   (fade-in blending, EMA of weights: ema = lerp(param, ema, beta)) */
    public static void lerp(int begin, int end, float[] a, float[] b, float t, float[] out) {
        for (int i = begin; i < end; i++) {
            out[i] = a[i] + t * (b[i] - a[i]);
        }
    }

    /** x = value */
    public static void fill(int begin, int end, float[] x, float value) {
        for (int i = begin; i < end; i++) {
            x[i] = value;
        }
    }

    /** dst = src */
    public static void copy(int begin, int end, float[] src, float[] dst) {
        for (int i = begin; i < end; i++) {
            dst[i] = src[i];
        }
    }

    /**
     * out = clamp(round((x + 1) * 127.5), 0, 255): images in [-1, 1] as the 0..255 levels an 8-bit image file
     * holds (rounding half up, as atelier writes PNGs)
     */
    public static void toPixelLevels(int begin, int end, float[] x, float[] out) {
        for (int i = begin; i < end; i++) {
            out[i] = Math.max(0, Math.min(255, Math.round((x[i] + 1f) * 127.5f)));
        }
    }
}
