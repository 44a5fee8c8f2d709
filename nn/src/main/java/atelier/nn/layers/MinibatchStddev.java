package atelier.nn.layers;

import atelier.core.Tensor;
import atelier.core.device.Device;
import atelier.nn.TwiceDifferentiable;

/**
 * Appends the minibatch standard deviation as one extra channel (PGAN discriminator, group size 4). As in
 * pytorch_GAN_zoo, the group is min(groupSize, N), or the whole batch when that does not divide N.
 */
public final class MinibatchStddev implements TwiceDifferentiable {
    public static final int PGAN_GROUP_SIZE = 4;

    private final Device device;
    private final int groupSize;
    private Tensor input;
    private int group;
    private Tensor mean;
    private Tensor std;
    private Tensor statGrad;

    public MinibatchStddev(Device device, int groupSize) {
        if (groupSize < 1) {
            throw new IllegalArgumentException("minibatch stddev group size must be >= 1, got " + groupSize);
        }
        this.device = device;
        this.groupSize = groupSize;
    }

    /** The group size used for a batch of n samples. */
    public int groupFor(int n) {
        int s = Math.min(n, groupSize);
        return n % s == 0 ? s : n;
    }

    @Override
    public Tensor forward(Tensor x) {
        input = x;
        int n = x.dim(0);
        group = groupFor(n);
        int features = x.numel() / n;
        mean = Tensor.zeros(n / group, features);
        std = Tensor.zeros(n / group, features);
        Tensor y = Tensor.zeros(n, x.dim(1) + 1, x.dim(2), x.dim(3));
        device.minibatchStddev(x, group, mean, std, Tensor.zeros(n / group), y);
        return y;
    }

    @Override
    public Tensor backwardRetaining(Tensor dy) {
        Tensor x = ForwardCache.require(input, "MinibatchStddev");
        Tensor dx = x.zerosLike();
        statGrad = Tensor.zeros(x.dim(0) / group);
        device.minibatchStddevBackward(x, mean, std, dy, group, statGrad, dx);
        return dx;
    }

    /** The backward depends on x through the group statistics, so this layer returns an xBar. */
    @Override
    public SecondOrder backwardOfBackward(Tensor dxBar) {
        Tensor x = ForwardCache.require(input, "MinibatchStddev");
        Tensor dStat = ForwardCache.require(statGrad, "MinibatchStddev");
        Tensor dyBar = Tensor.zeros(x.dim(0), x.dim(1) + 1, x.dim(2), x.dim(3));
        Tensor xBar = x.zerosLike();
        device.minibatchStddevSecondOrder(x, mean, std, dStat, dxBar, group, mean.zerosLike(), mean.zerosLike(),
                dStat.zerosLike(), dyBar, xBar);
        return new SecondOrder(dyBar, group > 1 ? xBar : null);
    }

    @Override
    public void release() {
        input = null;
        mean = null;
        std = null;
        statGrad = null;
    }
}
