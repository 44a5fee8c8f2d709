package atelier.core.kernels;

/**
 * 2-D convolution (cross-correlation, as in PyTorch), stride 1, zero padding {@code pad} on every side.
 * x is [N, C, H, W], w is [K, C, R, R], y is [N, K, H + 2*pad - R + 1, W + 2*pad - R + 1].
 * {@code wScale} multiplies the weights at run time (equalized learning rate: w is stored ~N(0, 1) and scaled by
 * gain / sqrt(fan_in)); pass 1 for a plain convolution. 1x1 (pad 0), 3x3 (pad 1) and 4x4 valid (pad 0) are the
 * PGAN cases. Bias is a separate kernel ({@link Bias}).
 */
public final class Conv2d {
    private Conv2d() {
    }

    /**
     * y[n,k,oy,ox] = wScale * sum_{c,ry,rx} w[k,c,ry,rx] * x[n,c,oy+ry-pad,ox+rx-pad]   (x is 0 outside the image)
     * Work item: one element of y.
     */
    public static void forward(int begin, int end, float[] x, float[] w, float wScale, float[] y,
                               int batch, int inC, int inH, int inW, int outC, int ksize, int pad) {
        int outH = inH + 2 * pad - ksize + 1;
        int outW = inW + 2 * pad - ksize + 1;
        for (int i = begin; i < end; i++) {
            int ox = i % outW;
            int oy = (i / outW) % outH;
            int k = (i / (outW * outH)) % outC;
            int n = i / (outW * outH * outC);
            float acc = 0f;
            for (int c = 0; c < inC; c++) {
                int xPlane = (n * inC + c) * inH * inW;
                int wKernel = (k * inC + c) * ksize * ksize;
                for (int ry = 0; ry < ksize; ry++) {
                    int iy = oy + ry - pad;
                    if (iy < 0 || iy >= inH) {
                        continue;
                    }
                    for (int rx = 0; rx < ksize; rx++) {
                        int ix = ox + rx - pad;
                        if (ix >= 0 && ix < inW) {
                            acc += w[wKernel + ry * ksize + rx] * x[xPlane + iy * inW + ix];
                        }
                    }
                }
            }
            y[i] = wScale * acc;
        }
    }

    /**
     * dx[n,c,iy,ix] = wScale * sum_{k,ry,rx} dy[n,k,iy-ry+pad,ix-rx+pad] * w[k,c,ry,rx]   (terms inside y only)
     * Work item: one element of dx (overwritten).
     */
    public static void backwardInput(int begin, int end, float[] dy, float[] w, float wScale, float[] dx,
                                     int batch, int inC, int inH, int inW, int outC, int ksize, int pad) {
        int outH = inH + 2 * pad - ksize + 1;
        int outW = inW + 2 * pad - ksize + 1;
        for (int i = begin; i < end; i++) {
            int ix = i % inW;
            int iy = (i / inW) % inH;
            int c = (i / (inW * inH)) % inC;
            int n = i / (inW * inH * inC);
            float acc = 0f;
            for (int k = 0; k < outC; k++) {
                int yPlane = (n * outC + k) * outH * outW;
                int wKernel = (k * inC + c) * ksize * ksize;
                for (int ry = 0; ry < ksize; ry++) {
                    int oy = iy - ry + pad;
                    if (oy < 0 || oy >= outH) {
                        continue;
                    }
                    for (int rx = 0; rx < ksize; rx++) {
                        int ox = ix - rx + pad;
                        if (ox >= 0 && ox < outW) {
                            acc += dy[yPlane + oy * outW + ox] * w[wKernel + ry * ksize + rx];
                        }
                    }
                }
            }
            dx[i] = wScale * acc;
        }
    }

    /**
     * dw[k,c,ry,rx] += wScale * sum_{n,oy,ox} dy[n,k,oy,ox] * x[n,c,oy+ry-pad,ox+rx-pad]
     * Work item: one element of dw (accumulated).
     */
    public static void backwardWeight(int begin, int end, float[] x, float[] dy, float wScale, float[] dw,
                                      int batch, int inC, int inH, int inW, int outC, int ksize, int pad) {
        int outH = inH + 2 * pad - ksize + 1;
        int outW = inW + 2 * pad - ksize + 1;
        for (int i = begin; i < end; i++) {
            int rx = i % ksize;
            int ry = (i / ksize) % ksize;
            int c = (i / (ksize * ksize)) % inC;
            int k = i / (ksize * ksize * inC);
            // Output rows/columns whose tap (ry, rx) lands inside the input.
            int oyBegin = Math.max(0, pad - ry);
            int oyEnd = Math.min(outH, inH + pad - ry);
            int oxBegin = Math.max(0, pad - rx);
            int oxEnd = Math.min(outW, inW + pad - rx);
            float acc = 0f;
            for (int n = 0; n < batch; n++) {
                int yPlane = (n * outC + k) * outH * outW;
                int xPlane = (n * inC + c) * inH * inW;
                for (int oy = oyBegin; oy < oyEnd; oy++) {
                    int yRow = yPlane + oy * outW;
                    int xRow = xPlane + (oy + ry - pad) * inW + rx - pad;
                    for (int ox = oxBegin; ox < oxEnd; ox++) {
                        acc += dy[yRow + ox] * x[xRow + ox];
                    }
                }
            }
            dw[i] += wScale * acc;
        }
    }
}
