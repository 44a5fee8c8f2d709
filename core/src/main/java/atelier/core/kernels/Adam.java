package atelier.core.kernels;

/**
 * One Adam step (Kingma and Ba), in the same order of operations as torch.optim.Adam (no weight decay).
 * PGAN uses lr 1e-3, beta1 0, beta2 0.99, eps 1e-8. Scalars that depend only on the hyper-parameters and the
 * step number are computed once per step on the host, in double as PyTorch does: the complements 1 - beta1 and
 * 1 - beta2, stepSize = lr / (1 - beta1^t) and bias2Sqrt = sqrt(1 - beta2^t).
 */
public final class Adam {
    private Adam() {
    }

    /**
     * m = beta1 m + (1 - beta1) g;   v = beta2 v + (1 - beta2) g^2;   p -= stepSize * m / (sqrt(v) / bias2Sqrt + eps)
     * Work item: one parameter.
     */
    public static void update(int begin, int end, float[] p, float[] g, float[] m, float[] v, float beta1,
                              float oneMinusBeta1, float beta2, float oneMinusBeta2, float eps, float stepSize,
                              float bias2Sqrt) {
        for (int i = begin; i < end; i++) {
            float grad = g[i];
            float mi = beta1 * m[i] + oneMinusBeta1 * grad;
            float vi = beta2 * v[i] + oneMinusBeta2 * grad * grad;
            m[i] = mi;
            v[i] = vi;
            p[i] -= stepSize * mi / ((float) Math.sqrt(vi) / bias2Sqrt + eps);
        }
    }
}
