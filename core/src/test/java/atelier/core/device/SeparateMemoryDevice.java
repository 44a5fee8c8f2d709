package atelier.core.device;

import atelier.core.Tensor;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * A test device with its own memory, as a GPU has: it computes on private copies of the tensors' storage arrays
 * (made at first sight) with a CPU device, and the host sees results only after {@link #toHost} and the device
 * sees host writes only after {@link #fromHost}. Code that misses one of those host points gets stale data here,
 * so running it on this device and on the CPU and comparing catches the omission without a GPU.
 */
public final class SeparateMemoryDevice implements Device {
    private final CpuDevice cpu;
    private final Map<float[], float[]> copies = new IdentityHashMap<>();

    public SeparateMemoryDevice(int threads) {
        this.cpu = new CpuDevice(threads);
    }

    /** The device-side tensor of {@code t}: same shape, over the device copy of its array. */
    private Tensor on(Tensor t) {
        return Tensor.of(copies.computeIfAbsent(t.data(), float[]::clone), t.shape());
    }

    @Override
    public String name() {
        return "separate memory over " + cpu.name();
    }

    @Override
    public void toHost(Tensor... tensors) {
        for (Tensor t : tensors) {
            float[] copy = copies.get(t.data());
            if (copy != null) {
                System.arraycopy(copy, 0, t.data(), 0, copy.length);
            }
        }
    }

    @Override
    public void fromHost(Tensor... tensors) {
        for (Tensor t : tensors) {
            float[] copy = copies.get(t.data());
            if (copy != null) {
                System.arraycopy(t.data(), 0, copy, 0, copy.length);
            }
        }
    }

    @Override
    public void conv2d(Tensor x, Tensor w, float wScale, int pad, Tensor y) {
        cpu.conv2d(on(x), on(w), wScale, pad, on(y));
    }

    @Override
    public void conv2dBackwardInput(Tensor dy, Tensor w, float wScale, int pad, Tensor dx) {
        cpu.conv2dBackwardInput(on(dy), on(w), wScale, pad, on(dx));
    }

    @Override
    public void conv2dBackwardWeight(Tensor x, Tensor dy, float wScale, int pad, Tensor dw) {
        cpu.conv2dBackwardWeight(on(x), on(dy), wScale, pad, on(dw));
    }

    @Override
    public void pixelShuffle(Tensor x, int factor, Tensor y) {
        cpu.pixelShuffle(on(x), factor, on(y));
    }

    @Override
    public void pixelShuffleBackward(Tensor dy, int factor, Tensor dx) {
        cpu.pixelShuffleBackward(on(dy), factor, on(dx));
    }

    @Override
    public void resizeRows(Tensor x, int firstIn, int inRows, Tensor y, int firstOut, int outRows) {
        cpu.resizeRows(on(x), firstIn, inRows, on(y), firstOut, outRows);
    }

    @Override
    public float l1Distance(Tensor a, Tensor b) {
        return cpu.l1Distance(on(a), on(b));
    }

    @Override
    public void l1DistanceBackward(Tensor a, Tensor b, float scale, Tensor grad) {
        cpu.l1DistanceBackward(on(a), on(b), scale, on(grad));
    }

    @Override
    public void dense(Tensor x, Tensor w, float wScale, Tensor y) {
        cpu.dense(on(x), on(w), wScale, on(y));
    }

    @Override
    public void denseBackwardInput(Tensor dy, Tensor w, float wScale, Tensor dx) {
        cpu.denseBackwardInput(on(dy), on(w), wScale, on(dx));
    }

    @Override
    public void denseBackwardWeight(Tensor x, Tensor dy, float wScale, Tensor dw) {
        cpu.denseBackwardWeight(on(x), on(dy), wScale, on(dw));
    }

    @Override
    public void biasAdd(Tensor y, Tensor b) {
        cpu.biasAdd(on(y), on(b));
    }

    @Override
    public void biasBackward(Tensor dy, Tensor db) {
        cpu.biasBackward(on(dy), on(db));
    }

    @Override
    public void upsampleNearest(Tensor x, int factor, Tensor y) {
        cpu.upsampleNearest(on(x), factor, on(y));
    }

    @Override
    public void upsampleNearestBackward(Tensor dy, int factor, Tensor dx) {
        cpu.upsampleNearestBackward(on(dy), factor, on(dx));
    }

    @Override
    public void downsample(Tensor x, Filter filter, Tensor y) {
        cpu.downsample(on(x), filter, on(y));
    }

    @Override
    public void downsampleBackward(Tensor dy, Filter filter, Tensor dx) {
        cpu.downsampleBackward(on(dy), filter, on(dx));
    }

    @Override
    public void resize(Tensor x, Tensor y) {
        cpu.resize(on(x), on(y));
    }

    @Override
    public void resizeBackward(Tensor dy, Tensor dx) {
        cpu.resizeBackward(on(dy), on(dx));
    }

    @Override
    public void pyramidDown(Tensor x, Tensor y) {
        cpu.pyramidDown(on(x), on(y));
    }

    @Override
    public void pyramidUp(Tensor x, Tensor y) {
        cpu.pyramidUp(on(x), on(y));
    }

    @Override
    public void toPixelLevels(Tensor x, Tensor out) {
        cpu.toPixelLevels(on(x), on(out));
    }

    @Override
    public void leakyRelu(Tensor x, float slope, Tensor y, Tensor signs) {
        cpu.leakyRelu(on(x), slope, on(y), on(signs));
    }

    @Override
    public void leakyReluBackward(Tensor signs, Tensor dy, float slope, Tensor dx) {
        cpu.leakyReluBackward(on(signs), on(dy), slope, on(dx));
    }

    @Override
    public void pixelNorm(Tensor x, float eps, Tensor y, Tensor scale) {
        cpu.pixelNorm(on(x), eps, on(y), on(scale));
    }

    @Override
    public void pixelNormBackward(Tensor y, Tensor scale, Tensor dy, Tensor dx) {
        cpu.pixelNormBackward(on(y), on(scale), on(dy), on(dx));
    }

    @Override
    public void minibatchStddev(Tensor x, int groupSize, Tensor mean, Tensor std, Tensor stat, Tensor y) {
        cpu.minibatchStddev(on(x), groupSize, on(mean), on(std), on(stat), on(y));
    }

    @Override
    public void minibatchStddevBackward(Tensor x, Tensor mean, Tensor std, Tensor dy, int groupSize, Tensor dStat,
                                        Tensor dx) {
        cpu.minibatchStddevBackward(on(x), on(mean), on(std), on(dy), groupSize, on(dStat), on(dx));
    }

    @Override
    public void minibatchStddevSecondOrder(Tensor x, Tensor mean, Tensor std, Tensor dStat, Tensor dxBar,
                                           int groupSize, Tensor dot, Tensor bMean, Tensor u, Tensor dyBar,
                                           Tensor xBar) {
        cpu.minibatchStddevSecondOrder(on(x), on(mean), on(std), on(dStat), on(dxBar), groupSize, on(dot), on(bMean),
                on(u), on(dyBar), on(xBar));
    }

    @Override
    public void add(Tensor a, Tensor b, Tensor out) {
        cpu.add(on(a), on(b), on(out));
    }

    @Override
    public void mul(Tensor a, Tensor b, Tensor out) {
        cpu.mul(on(a), on(b), on(out));
    }

    @Override
    public void scale(Tensor x, float alpha, Tensor out) {
        cpu.scale(on(x), alpha, on(out));
    }

    @Override
    public void scaleRows(Tensor x, Tensor rowScale, Tensor out) {
        cpu.scaleRows(on(x), on(rowScale), on(out));
    }

    @Override
    public void axpy(float alpha, Tensor x, Tensor y) {
        cpu.axpy(alpha, on(x), on(y));
    }

    @Override
    public void lerp(Tensor a, Tensor b, float t, Tensor out) {
        cpu.lerp(on(a), on(b), t, on(out));
    }

    @Override
    public void fill(Tensor x, float value) {
        cpu.fill(on(x), value);
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        cpu.copy(on(src), on(dst));
    }

    @Override
    public float sum(Tensor x) {
        return cpu.sum(on(x));
    }

    @Override
    public float sumOfSquares(Tensor x) {
        return cpu.sumOfSquares(on(x));
    }

    @Override
    public void rowSumsOfSquares(Tensor x, Tensor out) {
        cpu.rowSumsOfSquares(on(x), on(out));
    }

    @Override
    public void adam(Tensor p, Tensor g, Tensor m, Tensor v, double lr, double beta1, double beta2, double eps,
                     long step) {
        cpu.adam(on(p), on(g), on(m), on(v), lr, beta1, beta2, eps, step);
    }

    @Override
    public void flipRotate90(Tensor x, Tensor quarterTurns, Tensor hflip, Tensor vflip, Tensor y) {
        cpu.flipRotate90(on(x), on(quarterTurns), on(hflip), on(vflip), on(y));
    }

    @Override
    public void rotate(Tensor x, Tensor angle, Tensor y) {
        cpu.rotate(on(x), on(angle), on(y));
    }

    @Override
    public void colorJitter(Tensor x, Tensor brightness, Tensor contrast, Tensor saturation, Tensor hue, Tensor y) {
        cpu.colorJitter(on(x), on(brightness), on(contrast), on(saturation), on(hue), on(y));
    }

    @Override
    public void close() {
        cpu.close();
    }
}
