package atelier.core.kernels;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;
import java.util.function.Supplier;

import static atelier.core.kernels.GradCheck.assertGradient;
import static atelier.core.kernels.GradCheck.randn;

/**
 * The second-order kernels of minibatch stddev (used by gradient penalties) differentiate its backward:
 * for phi(x, dy) = sum(dxBar * backward(x, dy)), dphi/ddy must equal dyBar and dphi/dx must equal xBar.
 */
class MinibatchStddevSecondOrderTest {
    private static final KernelTwin TWIN = KernelTwin.get();

    @ParameterizedTest(name = "N={0} C={1} {2}x{3} S={4}")
    @CsvSource({"8, 3, 2, 3, 4", "6, 2, 3, 1, 3", "4, 2, 2, 2, 4"})
    void secondOrderMatchesFiniteDifferencesOfTheBackward(int n, int c, int h, int w, int groupSize) {
        Random rng = new Random(n * 100 + c * 10 + groupSize);
        int plane = h * w;
        int features = c * plane;
        int groups = n / groupSize;
        double[] x = randn(rng, n * features);
        double[] dy = randn(rng, n * (c + 1) * plane);
        double[] dxBar = randn(rng, n * features);
        double[] one = {1.0};

        // The backward as a function of (x, dy); its output paired with dxBar gives phi.
        Supplier<double[]> backward = () -> {
            double[] mean = new double[groups * features];
            double[] std = new double[groups * features];
            double[] dStat = new double[groups];
            double[] dx = new double[n * features];
            TWIN.call("MinibatchStddev", "groupStats", 0, groups * features, x, mean, std, features, groupSize);
            TWIN.call("MinibatchStddev", "statGrad", 0, groups, dy, dStat, c, plane, groupSize);
            TWIN.call("MinibatchStddev", "backward", 0, n * features, x, mean, std, dy, dStat, dx, c, plane, groupSize);
            return dx;
        };
        Supplier<double[]> phi = () -> new double[] {GradCheck.dot(dxBar, backward.get())};

        double[] mean = new double[groups * features];
        double[] std = new double[groups * features];
        double[] dStat = new double[groups];
        TWIN.call("MinibatchStddev", "groupStats", 0, groups * features, x, mean, std, features, groupSize);
        TWIN.call("MinibatchStddev", "statGrad", 0, groups, dy, dStat, c, plane, groupSize);
        double[] dot = new double[groups * features];
        double[] bMean = new double[groups * features];
        double[] u = new double[groups];
        double[] dyBar = new double[dy.length];
        double[] xBar = new double[x.length];
        TWIN.call("MinibatchStddev", "secondOrderStats", 0, groups * features, x, mean, dxBar, dot, bMean, features, groupSize);
        TWIN.call("MinibatchStddev", "secondOrderStatCotangent", 0, groups, dot, std, u, features, groupSize);
        TWIN.call("MinibatchStddev", "secondOrderOutput", 0, dy.length, dxBar, u, dyBar, c, plane, groupSize);
        TWIN.call("MinibatchStddev", "secondOrderInput", 0, x.length, x, mean, std, dxBar, dot, bMean, dStat, xBar, c,
                plane, groupSize);

        assertGradient("mbstd second order: dyBar", dy, phi, one, dyBar);
        assertGradient("mbstd second order: xBar", x, phi, one, xBar);
    }
}
