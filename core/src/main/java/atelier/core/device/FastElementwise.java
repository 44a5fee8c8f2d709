package atelier.core.device;

import atelier.core.kernels.Activation;
import atelier.core.kernels.PixelNorm;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The CPU device's memory-bound passes between convolutions, with the Vector API: pixel norm, leaky ReLU and 2x2
 * average pooling, forward and backward. The same math as the plain kernels ({@link PixelNorm}, {@link Activation},
 * {@link atelier.core.kernels.Resample#downsample}), which stay the reference (and what TornadoVM compiles), in the
 * same order of operations, so results are bit-identical to them. What makes the plain kernels slow on a CPU:
 * pixel norm walks each pixel's channels a plane apart (one pixel per lane here, channels in order); leaky ReLU
 * branches on the sign of every element (a vector compare here); the pooling kernel serves any filter, recomputing
 * the border renormalization per element (a fixed 2x2 sum here).
 *
 * <p>Ragged ends (fewer elements than a vector) run the plain kernel itself on those work items.
 */
final class FastElementwise {
    /** At most 16 lanes: one float of a leaky ReLU sign mask covers 16 elements. */
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED.length() > 16
            ? FloatVector.SPECIES_512 : FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    private static final int SIGNS = Activation.SIGNS_PER_FLOAT;

    private FastElementwise() {
    }

    /** Whether 2x2 average pooling is what {@code filter} computes: area, factor 2. */
    static boolean isAveragePool2(Filter filter) {
        float[] t = filter.taps();
        return filter.factor() == 2 && filter.tapOffset() == 0 && t.length == 2 && t[0] == 1f && t[1] == 1f;
    }

    /**
     * {@link PixelNorm#forward} over pixels [begin, end) of [N, C, plane]: 16 (or LANES) neighbouring pixels at a
     * time, their channels summed in order.
     */
    static void pixelNorm(int begin, int end, float[] x, float[] y, float[] scale, int channels, int plane,
                          float eps) {
        for (int q = begin; q < end; ) {
            int image = q / plane;
            int stop = Math.min(end, (image + 1) * plane);
            // Pixel q = image * plane + p: its channel c is element image*C*plane + c*plane + p = base + c*plane + q.
            int base = image * (channels - 1) * plane;
            for (; q + LANES <= stop; q += LANES) {
                FloatVector sumSq = FloatVector.zero(SPECIES);
                for (int c = 0; c < channels; c++) {
                    FloatVector v = FloatVector.fromArray(SPECIES, x, base + c * plane + q);
                    sumSq = sumSq.add(v.mul(v));
                }
                FloatVector r = FloatVector.broadcast(SPECIES, 1f)
                        .div(sumSq.div(channels).add(eps).lanewise(VectorOperators.SQRT));
                r.intoArray(scale, q);
                for (int c = 0; c < channels; c++) {
                    int at = base + c * plane + q;
                    FloatVector.fromArray(SPECIES, x, at).mul(r).intoArray(y, at);
                }
            }
            PixelNorm.forward(q, stop, x, y, scale, channels, plane, eps);
            q = stop;
        }
    }

    /** {@link PixelNorm#backward} over pixels [begin, end), LANES neighbouring pixels at a time. */
    static void pixelNormBackward(int begin, int end, float[] y, float[] scale, float[] dy, float[] dx,
                                  int channels, int plane) {
        for (int q = begin; q < end; ) {
            int image = q / plane;
            int stop = Math.min(end, (image + 1) * plane);
            int base = image * (channels - 1) * plane;
            for (; q + LANES <= stop; q += LANES) {
                FloatVector dot = FloatVector.zero(SPECIES);
                for (int c = 0; c < channels; c++) {
                    int at = base + c * plane + q;
                    dot = dot.add(FloatVector.fromArray(SPECIES, y, at).mul(FloatVector.fromArray(SPECIES, dy, at)));
                }
                FloatVector r = FloatVector.fromArray(SPECIES, scale, q);
                FloatVector mean = dot.div(channels);
                for (int c = 0; c < channels; c++) {
                    int at = base + c * plane + q;
                    FloatVector g = FloatVector.fromArray(SPECIES, dy, at);
                    r.mul(g.sub(FloatVector.fromArray(SPECIES, y, at).mul(mean))).intoArray(dx, at);
                }
            }
            PixelNorm.backward(q, stop, y, scale, dy, dx, channels, plane);
            q = stop;
        }
    }

    /** {@link Activation#leakyRelu} over mask floats [begin, end): each a vector compare per LANES elements. */
    static void leakyRelu(int begin, int end, float[] x, float[] y, float[] signs, int elements, float slope) {
        int full = Math.min(end, elements / SIGNS);
        int w = begin;
        for (; w < full; w++) {
            long bits = 0;
            for (int lane = 0; lane < SIGNS; lane += LANES) {
                int at = w * SIGNS + lane;
                FloatVector v = FloatVector.fromArray(SPECIES, x, at);
                VectorMask<Float> positive = v.compare(VectorOperators.GT, 0f);
                v.mul(slope).blend(v, positive).intoArray(y, at);
                bits |= positive.toLong() << lane;
            }
            signs[w] = bits;
        }
        Activation.leakyRelu(w, end, x, y, signs, elements, slope);
    }

    /** {@link Activation#leakyReluBackward} over mask floats [begin, end) (16 elements each). */
    static void leakyReluBackward(int begin, int end, float[] signs, float[] dy, float[] dx, int elements,
                                  float slope) {
        int full = Math.min(end, elements / SIGNS);
        int w = begin;
        for (; w < full; w++) {
            long bits = (long) signs[w];
            for (int lane = 0; lane < SIGNS; lane += LANES) {
                int at = w * SIGNS + lane;
                FloatVector g = FloatVector.fromArray(SPECIES, dy, at);
                g.mul(slope).blend(g, VectorMask.fromLong(SPECIES, bits >>> lane)).intoArray(dx, at);
            }
        }
        if (w < end) {
            Activation.leakyReluBackward(w * SIGNS, Math.min(elements, end * SIGNS), signs, dy, dx, slope);
        }
    }

    /**
     * 2x2 average pooling over output rows [begin, end) of [planes, H/2, W/2]:
     * y = ((a + b) + (c + d)) / 4 for the block's rows (a b) and (c d), the plain kernel's order with unit taps.
     */
    static void averagePool2(int begin, int end, float[] x, float[] y, int inW) {
        int outW = inW / 2;
        for (int row = begin; row < end; row++) {
            int top = 2 * row * inW;
            int bottom = top + inW;
            int out = row * outW;
            for (int ox = 0; ox < outW; ox++) {
                int ix = 2 * ox;
                y[out + ox] = ((x[top + ix] + x[top + ix + 1]) + (x[bottom + ix] + x[bottom + ix + 1])) / 4f;
            }
        }
    }

    /**
     * The input gradient of 2x2 average pooling over input rows [begin, end) of [planes, H, W]: each cell gets a
     * quarter of its block's output gradient, as (1/2) * (dy * 1/2), the plain kernel's row and column weights.
     */
    static void averagePool2Backward(int begin, int end, float[] dy, float[] dx, int inW) {
        int outW = inW / 2;
        for (int row = begin; row < end; row++) {
            int from = row / 2 * outW;
            int at = row * inW;
            for (int ix = 0; ix < inW; ix++) {
                dx[at + ix] = 0.5f * (dy[from + ix / 2] * 0.5f);
            }
        }
    }
}
