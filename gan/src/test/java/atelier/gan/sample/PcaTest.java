package atelier.gan.sample;

import atelier.core.Rng;
import atelier.core.Tensor;
import atelier.core.device.CpuDevice;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Subspace iteration PCA against the defining properties of principal components, on data of known spread. */
class PcaTest {
    private static final double[] SPREAD = {5, 3, 2, 1.2, 0.5, 0.3, 0.2, 0.1, 0.1, 0.05, 0.05, 0.02};

    /** N samples of Q diag(SPREAD) g + offset for a random rotation Q and standard normal g. */
    private static Tensor data(int n) {
        int d = SPREAD.length;
        Rng rng = new Rng(11);
        Tensor q = rng.gaussian(d, d);
        Pca.orthonormalizeRows(q, rng);
        Tensor x = Tensor.zeros(n, d);
        for (int i = 0; i < n; i++) {
            double[] g = new double[d];
            for (int j = 0; j < d; j++) {
                g[j] = SPREAD[j] * rng.nextGaussian();
            }
            for (int t = 0; t < d; t++) {
                double s = 3; // an offset the centring must remove
                for (int j = 0; j < d; j++) {
                    s += q.data()[j * d + t] * g[j];
                }
                x.data()[i * d + t] = (float) s;
            }
        }
        return x;
    }

    @Test
    void componentsAreOrderedOrthonormalEigenvectorsOfTheCovariance() {
        int n = 3000;
        int d = SPREAD.length;
        int k = 4;
        Tensor x = data(n);
        Tensor original = x.copy();
        Pca.Result r;
        try (CpuDevice cpu = new CpuDevice(2)) {
            r = Pca.fit(cpu, x, k, 5, (done, max) -> { });
        }
        // The sample covariance, directly, in double.
        double[] mean = new double[d];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < d; t++) {
                mean[t] += original.data()[i * d + t] / n;
            }
        }
        double[][] cov = new double[d][d];
        double trace = 0;
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < d; a++) {
                for (int b = 0; b < d; b++) {
                    cov[a][b] += (original.data()[i * d + a] - mean[a]) * (original.data()[i * d + b] - mean[b]) / n;
                }
            }
        }
        for (int a = 0; a < d; a++) {
            trace += cov[a][a];
            assertEquals(mean[a], r.mean()[a], 1e-4);
        }
        assertEquals(trace, r.totalVariance(), 1e-3 * trace);
        float[] c = r.components().data();
        for (int p = 0; p < k; p++) {
            for (int q = 0; q < k; q++) {
                double dot = 0;
                for (int t = 0; t < d; t++) {
                    dot += (double) c[p * d + t] * c[q * d + t];
                }
                assertEquals(p == q ? 1 : 0, dot, 1e-5, "orthonormal " + p + "," + q);
            }
            // C v = lambda v, and lambda near the population variance it estimates.
            double lambda = r.variances()[p];
            for (int a = 0; a < d; a++) {
                double cv = 0;
                for (int b = 0; b < d; b++) {
                    cv += cov[a][b] * c[p * d + b];
                }
                assertEquals(lambda * c[p * d + a], cv, 1e-4 * lambda, "eigenvector " + p);
            }
            assertEquals(SPREAD[p] * SPREAD[p], lambda, 0.1 * SPREAD[p] * SPREAD[p], "variance " + p);
            if (p > 0) {
                assertTrue(lambda < r.variances()[p - 1], "ordered");
            }
            // Coordinates are the projections, with variance lambda.
            double sumSq = 0;
            for (int i = 0; i < n; i++) {
                double proj = 0;
                for (int t = 0; t < d; t++) {
                    proj += (original.data()[i * d + t] - mean[t]) * c[p * d + t];
                }
                assertEquals(proj, r.coordinates()[i][p], 1e-3);
                sumSq += r.coordinates()[i][p] * r.coordinates()[i][p];
            }
            assertEquals(lambda, sumSq / n, 1e-3 * lambda);
        }
    }

    @Test
    void sameComponentsOnOneTwoAndThreeThreads() {
        float[] expected = null;
        for (int threads = 1; threads <= 3; threads++) {
            try (CpuDevice cpu = new CpuDevice(threads)) {
                float[] c = Pca.fit(cpu, data(500), 3, 5, (done, max) -> { }).components().data();
                if (expected == null) {
                    expected = c;
                } else {
                    assertArrayEquals(expected, c, threads + " threads");
                }
            }
        }
    }

    @Test
    void refusesMoreComponentsThanTheDataHas() {
        try (CpuDevice cpu = new CpuDevice(1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Pca.fit(cpu, data(5), 5, 1, (done, max) -> { }));
            assertEquals("cannot take 5 principal components of 5 samples of 12 values (at most 4)", e.getMessage());
        }
    }

    @Test
    void jacobiDiagonalizesASymmetricMatrix() {
        double[][] a = {{4, 1, 2}, {1, 3, 0.5}, {2, 0.5, 5}};
        double[][] copy = {a[0].clone(), a[1].clone(), a[2].clone()};
        double[][] v = new double[3][3];
        double[] values = Pca.jacobiEigen(copy, v);
        for (int e = 0; e < 3; e++) {
            for (int r = 0; r < 3; r++) {
                double av = 0;
                for (int c = 0; c < 3; c++) {
                    av += a[r][c] * v[c][e];
                }
                assertEquals(values[e] * v[r][e], av, 1e-12);
            }
        }
        assertEquals(12, values[0] + values[1] + values[2], 1e-12, "trace");
    }
}
