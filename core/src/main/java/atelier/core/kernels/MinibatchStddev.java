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
}
