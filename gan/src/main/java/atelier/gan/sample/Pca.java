package atelier.gan.sample;

import atelier.core.Rng;
import atelier.core.Tensor;
import atelier.core.device.Device;

import java.util.Arrays;

/**
 * The leading principal components of a data matrix [N, D] without forming its D x D covariance (D is 8192 for
 * the paper's 4x4 features): subspace iteration, whose two products X V^T and P^T X run as the device's dense
 * operations, then Rayleigh-Ritz with a cyclic Jacobi eigensolver on the small projected matrix. Every step has a
 * fixed order (the device's kernels are bit-identical for any thread count; the rest is sequential), so the same
 * data and seed give the same components.
 */
public final class Pca {
    /** Extra vectors iterated beside the wanted ones: the gap to the next eigenvalue sets the convergence rate. */
    private static final int OVERSAMPLING = 8;
    private static final int MAX_ITERATIONS = 300;
    /** Iteration stops when no wanted Ritz value moves by more than this fraction of the largest (noise ~1e-8). */
    private static final double TOLERANCE = 1e-7;

    /**
     * @param mean          the data's mean [D]
     * @param components    [k, D], unit rows, ordered by variance (largest first)
     * @param variances     eigenvalues of the covariance (population, divided by N) for each component
     * @param totalVariance the covariance's trace: what the explained-variance ratios are relative to
     * @param coordinates   [N, k]: each sample's centred data projected on the components (uncorrelated)
     */
    public record Result(float[] mean, Tensor components, double[] variances, double totalVariance,
                         double[][] coordinates) {
    }

    /** Reports iterations done out of the maximum (a bound; iteration usually stops earlier). */
    @FunctionalInterface
    public interface Listener {
        void iteration(int done, int maximum);
    }

    private Pca() {
    }

    /** The top {@code k} components of {@code data} [N, D]; {@code data} is centred in place. */
    public static Result fit(Device device, Tensor data, int k, long seed, Listener listener) {
        int n = data.requireRank("PCA data", 2).dim(0);
        int d = data.dim(1);
        if (k < 1 || k > Math.min(d, n - 1)) {
            throw new IllegalArgumentException("cannot take " + k + " principal components of " + n + " samples of "
                    + d + " values (at most " + Math.min(d, n - 1) + ")");
        }
        float[] x = data.data();
        float[] mean = centre(x, n, d);
        double total = 0;
        for (float v : x) {
            total += (double) v * v;
        }
        total /= n;

        int m = Math.min(k + OVERSAMPLING, Math.min(d, n - 1));
        Rng rng = new Rng(seed);
        Tensor basis = rng.gaussian(m, d);
        orthonormalizeRows(basis, rng);
        Tensor projected = Tensor.zeros(n, m);
        Tensor projectedT = Tensor.zeros(m, n);
        Tensor next = Tensor.zeros(m, d);
        double[] previous = new double[m];
        for (int it = 1; it <= MAX_ITERATIONS; it++) {
            // next = (X V^T)^T X = V (X^T X): one multiplication by N times the covariance.
            device.dense(data, basis, 1f, projected);
            transpose(projected, projectedT);
            device.denseBackwardInput(projectedT, data, 1f, next);
            // The Ritz values of the current subspace (eigenvalues of V C V^T): they converge as fast as the
            // subspace does, unlike single vectors, which crawl where eigenvalues lie close together.
            double[][] h = new double[m][m];
            for (int a = 0; a < m; a++) {
                for (int b = 0; b < m; b++) {
                    h[a][b] = dot(basis.data(), a * d, next.data(), b * d, d) / n;
                }
            }
            double[] estimate = jacobiEigen(h, new double[m][m]);
            Arrays.sort(estimate);
            double moved = 0;
            for (int j = m - k; j < m; j++) {
                moved = Math.max(moved, Math.abs(estimate[j] - previous[j]));
            }
            orthonormalizeRows(next, rng);
            Tensor swap = basis;
            basis = next;
            next = swap;
            previous = estimate;
            listener.iteration(it, MAX_ITERATIONS);
            if (it > 1 && moved <= TOLERANCE * Math.abs(estimate[m - 1])) {
                listener.iteration(MAX_ITERATIONS, MAX_ITERATIONS);
                break;
            }
        }
        return rayleighRitz(device, data, basis, k, mean, total);
    }

    /** Rotates the converged subspace onto the eigenvectors of the covariance restricted to it. */
    private static Result rayleighRitz(Device device, Tensor data, Tensor basis, int k, float[] mean, double total) {
        int n = data.dim(0);
        int d = data.dim(1);
        int m = basis.dim(0);
        Tensor projected = Tensor.zeros(n, m);
        device.dense(data, basis, 1f, projected);
        double[][] h = new double[m][m];
        float[] p = projected.data();
        for (int a = 0; a < m; a++) {
            for (int b = a; b < m; b++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += (double) p[i * m + a] * p[i * m + b];
                }
                h[a][b] = s / n;
                h[b][a] = s / n;
            }
        }
        double[][] vectors = new double[m][m];
        double[] values = jacobiEigen(h, vectors);
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(values[b], values[a]));

        Tensor components = Tensor.zeros(k, d);
        double[] variances = new double[k];
        double[][] coordinates = new double[n][k];
        for (int c = 0; c < k; c++) {
            int e = order[c];
            variances[c] = values[e];
            for (int j = 0; j < m; j++) {
                double w = vectors[j][e];
                for (int t = 0; t < d; t++) {
                    components.data()[c * d + t] += (float) (w * basis.data()[j * d + t]);
                }
                for (int i = 0; i < n; i++) {
                    coordinates[i][c] += w * p[i * m + j];
                }
            }
        }
        return new Result(mean, components, variances, total, coordinates);
    }

    /** Subtracts each column's mean (summed in double) and returns the means. */
    private static float[] centre(float[] x, int n, int d) {
        double[] sum = new double[d];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < d; t++) {
                sum[t] += x[i * d + t];
            }
        }
        float[] mean = new float[d];
        for (int t = 0; t < d; t++) {
            mean[t] = (float) (sum[t] / n);
        }
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < d; t++) {
                x[i * d + t] -= mean[t];
            }
        }
        return mean;
    }

    private static void transpose(Tensor a, Tensor out) {
        int rows = a.dim(0);
        int cols = a.dim(1);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out.data()[c * rows + r] = a.data()[r * cols + c];
            }
        }
    }

    private static double dot(float[] a, int aOffset, float[] b, int bOffset, int length) {
        double s = 0;
        for (int i = 0; i < length; i++) {
            s += (double) a[aOffset + i] * b[bOffset + i];
        }
        return s;
    }

    /**
     * Modified Gram-Schmidt on the rows, in double, twice (once is not enough in float when the rows are nearly
     * parallel, as they become during iteration). A row with nothing left (the data has lower rank) is replaced
     * by a fresh random one.
     */
    static void orthonormalizeRows(Tensor rows, Rng rng) {
        int m = rows.dim(0);
        int d = rows.dim(1);
        float[] a = rows.data();
        double[] row = new double[d];
        for (int j = 0; j < m; j++) {
            for (int attempt = 0; ; attempt++) {
                for (int t = 0; t < d; t++) {
                    row[t] = a[j * d + t];
                }
                double before = norm(row);
                for (int pass = 0; pass < 2; pass++) {
                    for (int i = 0; i < j; i++) {
                        double s = 0;
                        for (int t = 0; t < d; t++) {
                            s += row[t] * a[i * d + t];
                        }
                        for (int t = 0; t < d; t++) {
                            row[t] -= s * a[i * d + t];
                        }
                    }
                }
                double after = norm(row);
                if (after > 1e-6 * before && after > 0) {
                    for (int t = 0; t < d; t++) {
                        a[j * d + t] = (float) (row[t] / after);
                    }
                    break;
                }
                if (attempt == 3) {
                    throw new IllegalStateException("cannot find " + m + " independent directions in " + d
                            + " dimensions");
                }
                for (int t = 0; t < d; t++) {
                    a[j * d + t] = (float) rng.nextGaussian();
                }
            }
        }
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    /**
     * Eigenvalues of the symmetric matrix {@code a} (destroyed) by cyclic Jacobi rotations; the eigenvectors go
     * to the columns of {@code vectors}. Sweeps until the off-diagonal part is negligible.
     */
    static double[] jacobiEigen(double[][] a, double[][] vectors) {
        int m = a.length;
        for (int i = 0; i < m; i++) {
            Arrays.fill(vectors[i], 0);
            vectors[i][i] = 1;
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            double diag = 0;
            for (int p = 0; p < m; p++) {
                diag += a[p][p] * a[p][p];
                for (int q = p + 1; q < m; q++) {
                    off += a[p][q] * a[p][q];
                }
            }
            if (off <= 1e-30 * diag || off == 0) {
                break;
            }
            for (int p = 0; p < m - 1; p++) {
                for (int q = p + 1; q < m; q++) {
                    if (a[p][q] == 0) {
                        continue;
                    }
                    // The rotation that zeroes a[p][q] (Golub & Van Loan, Algorithm 8.4.1).
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = Math.signum(theta == 0 ? 1 : theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int r = 0; r < m; r++) {
                        double arp = a[r][p];
                        double arq = a[r][q];
                        a[r][p] = c * arp - s * arq;
                        a[r][q] = s * arp + c * arq;
                    }
                    for (int r = 0; r < m; r++) {
                        double apr = a[p][r];
                        double aqr = a[q][r];
                        a[p][r] = c * apr - s * aqr;
                        a[q][r] = s * apr + c * aqr;
                    }
                    for (int r = 0; r < m; r++) {
                        double vrp = vectors[r][p];
                        double vrq = vectors[r][q];
                        vectors[r][p] = c * vrp - s * vrq;
                        vectors[r][q] = s * vrp + c * vrq;
                    }
                }
            }
        }
        double[] values = new double[m];
        for (int i = 0; i < m; i++) {
            values[i] = a[i][i];
        }
        return values;
    }
}
