package atelier.core.kernels;

/**
 * Minibatch standard deviation (PGAN discriminator), as pytorch_GAN_zoo computes it: the batch of N samples is
 * cut into G = N / S groups of S consecutive samples; for every feature f = (c, h, w) the group's unbiased
 * standard deviation std[g,f] = sqrt(var_s x[g*S+s, f] + 1e-8) is taken, averaged over features to one statistic
 * per group, and appended to each sample as an extra constant channel. x is [N, C, plane], y is [N, C+1, plane],
 * F = C * plane. With S = 1 the extra channel is zero and carries no gradient.
 *
 * <p>The forward is three launches: {@link #groupStats}, then {@link Reduce#blockSums} of std rows scaled by 1/F
 * (the per-group statistic), then {@link #forward}. The backward is {@link #statGrad} then {@link #backward}.
 *
 * <p>Gradient penalties differentiate the backward itself. With b = dxBar (the cotangent of dx), d = x - mean,
 * s = std and a[g] = dStat[g] / (F (S - 1)), the backward's second term is a[g] * sum_f sum_s b d / s, so the
 * second-order pass needs, per (g, f): dot = sum_s b d and bMean = mean_s b ({@link #secondOrderStats}); per group
 * the cotangent u of dStat ({@link #secondOrderStatCotangent}); then dyBar, the cotangent of dy
 * ({@link #secondOrderOutput}), and xBar, the cotangent of x ({@link #secondOrderInput}).
 */
public final class MinibatchStddev {
    /** Added to the variance before the square root, as in the reference. */
    public static final float EPS = 1e-8f;

    private MinibatchStddev() {
    }

    /**
     * mean[g,f] = mean_s x[g*S+s, f];   std[g,f] = sqrt(sum_s (x[g*S+s, f] - mean)^2 / (S - 1) + eps)
     * Work item: one (group, feature).
     */
    public static void groupStats(int begin, int end, float[] x, float[] mean, float[] std, int features,
                                  int groupSize) {
        for (int i = begin; i < end; i++) {
            int f = i % features;
            int first = (i / features) * groupSize;
            float sum = 0f;
            for (int s = 0; s < groupSize; s++) {
                sum += x[(first + s) * features + f];
            }
            float m = sum / groupSize;
            float sumSq = 0f;
            for (int s = 0; s < groupSize; s++) {
                float d = x[(first + s) * features + f] - m;
                sumSq += d * d;
            }
            mean[i] = m;
            std[i] = (float) Math.sqrt(sumSq / (groupSize - 1) + EPS);
        }
    }

    /**
     * y[n,c,p] = x[n,c,p] for c < C;   y[n,C,p] = stat[n / S]
     * Work item: one element of y.
     */
    public static void forward(int begin, int end, float[] x, float[] stat, float[] y, int channels, int plane,
                               int groupSize) {
        int outPlanes = channels + 1;
        for (int i = begin; i < end; i++) {
            int p = i % plane;
            int c = (i / plane) % outPlanes;
            int n = i / (plane * outPlanes);
            y[i] = c < channels ? x[(n * channels + c) * plane + p] : stat[n / groupSize];
        }
    }

    /**
     * dStat[g] = sum_{s,p} dy[g*S+s, C, p]   (the gradient reaching each group's statistic)
     * Work item: one group (dStat overwritten).
     */
    public static void statGrad(int begin, int end, float[] dy, float[] dStat, int channels, int plane,
                                int groupSize) {
        for (int g = begin; g < end; g++) {
            float acc = 0f;
            for (int s = 0; s < groupSize; s++) {
                int base = ((g * groupSize + s) * (channels + 1) + channels) * plane;
                for (int p = 0; p < plane; p++) {
                    acc += dy[base + p];
                }
            }
            dStat[g] = acc;
        }
    }

    /**
     * dx[n,f] = dy[n,f] + dStat[g] / F * (x[n,f] - mean[g,f]) / ((S - 1) * std[g,f])   (the second term for S > 1)
     * from d std[g,f] / d x[n,f] = (x[n,f] - mean[g,f]) / ((S - 1) std[g,f]) and d stat / d std = 1 / F.
     * Work item: one element of dx (overwritten).
     */
    public static void backward(int begin, int end, float[] x, float[] mean, float[] std, float[] dy,
                                float[] dStat, float[] dx, int channels, int plane, int groupSize) {
        int features = channels * plane;
        for (int i = begin; i < end; i++) {
            int f = i % features;
            int n = i / features;
            float grad = dy[n * (features + plane) + f];
            if (groupSize > 1) {
                int gf = (n / groupSize) * features + f;
                grad += dStat[n / groupSize] / features * (x[i] - mean[gf]) / ((groupSize - 1) * std[gf]);
            }
            dx[i] = grad;
        }
    }

    /**
     * dot[g,f] = sum_s dxBar[g*S+s, f] * (x[g*S+s, f] - mean[g,f]);   bMean[g,f] = mean_s dxBar[g*S+s, f]
     * Work item: one (group, feature).
     */
    public static void secondOrderStats(int begin, int end, float[] x, float[] mean, float[] dxBar, float[] dot,
                                        float[] bMean, int features, int groupSize) {
        for (int i = begin; i < end; i++) {
            int f = i % features;
            int first = (i / features) * groupSize;
            float sumBD = 0f;
            float sumB = 0f;
            for (int s = 0; s < groupSize; s++) {
                int at = (first + s) * features + f;
                sumBD += dxBar[at] * (x[at] - mean[i]);
                sumB += dxBar[at];
            }
            dot[i] = sumBD;
            bMean[i] = sumB / groupSize;
        }
    }

    /**
     * u[g] = sum_f dot[g,f] / std[g,f] / ((S - 1) F)   (the cotangent of dStat[g]; every dy[g*S+s, C, p] gets it)
     * Work item: one group.
     */
    public static void secondOrderStatCotangent(int begin, int end, float[] dot, float[] std, float[] u, int features,
                                                int groupSize) {
        for (int g = begin; g < end; g++) {
            float acc = 0f;
            for (int f = 0; f < features; f++) {
                acc += dot[g * features + f] / std[g * features + f];
            }
            u[g] = acc / ((groupSize - 1) * features);
        }
    }

    /**
     * dyBar[n,c,p] = dxBar[n,c,p] for c < C;   dyBar[n,C,p] = u[n / S]
     * Work item: one element of dyBar (overwritten).
     */
    public static void secondOrderOutput(int begin, int end, float[] dxBar, float[] u, float[] dyBar, int channels,
                                         int plane, int groupSize) {
        int outPlanes = channels + 1;
        for (int i = begin; i < end; i++) {
            int p = i % plane;
            int c = (i / plane) % outPlanes;
            int n = i / (plane * outPlanes);
            dyBar[i] = c < channels ? dxBar[(n * channels + c) * plane + p] : u[n / groupSize];
        }
    }

    /**
     * xBar[n,f] += a[g] * ((b - bMean[g,f]) / s - dot[g,f] * d / ((S - 1) s^3))
     * from d/dx_j of sum_s b_s d_s / s: d d_s / d x_j = [s == j] - 1/S and d s / d x_j = d_j / ((S - 1) s).
     * Work item: one element of xBar (accumulated: it joins the cotangent flowing back through the forward).
     */
    public static void secondOrderInput(int begin, int end, float[] x, float[] mean, float[] std, float[] dxBar,
                                        float[] dot, float[] bMean, float[] dStat, float[] xBar, int channels,
                                        int plane, int groupSize) {
        int features = channels * plane;
        for (int i = begin; i < end; i++) {
            int f = i % features;
            int g = (i / features) / groupSize;
            int gf = g * features + f;
            float s = std[gf];
            float a = dStat[g] / (features * (groupSize - 1));
            xBar[i] += a * ((dxBar[i] - bMean[gf]) / s - dot[gf] * (x[i] - mean[gf]) / ((groupSize - 1) * s * s * s));
        }
    }
}
