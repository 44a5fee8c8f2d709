#!/usr/bin/env python3
"""PyTorch peer for `atelier bench step`: seconds per full PGAN training step (one discriminator step on WGAN-GP
+ drift, one generator step, the moving average of G) at a given resolution, with the network and losses of
pytorch_GAN_zoo's PGAN (equalized learning rate, pixel norm, minibatch stddev, leaky ReLU 0.2, lambda 10, drift
0.001, Adam(1e-3, 0, 0.99)) at the stabilized level (alpha 1). Prints one JSON object per resolution.

Run: /usr/bin/python3 tools/python/pgan_step_bench.py --resolutions 4,8 --batch 16 --threads 2
Needs Debian's python3-torch (apt-get install python3-torch).
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

import sgemm_peak
import timing


def channels(level, max_channels=512, min_channels=16):
    """atelier's PganShape.channels: 512 up to 32 px, halving as the resolution doubles, floored."""
    return max(min_channels, min(max_channels, max_channels * 32 // (4 << level)))


class EqualizedConv(nn.Module):
    def __init__(self, cin, cout, k, pad):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(cout, cin, k, k))
        self.bias = nn.Parameter(torch.zeros(cout))
        self.scale = math.sqrt(2.0 / (cin * k * k))
        self.pad = pad

    def forward(self, x):
        return F.conv2d(x, self.weight * self.scale, self.bias, padding=self.pad)


class EqualizedDense(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(cout, cin))
        self.bias = nn.Parameter(torch.zeros(cout))
        self.scale = math.sqrt(2.0 / cin)

    def forward(self, x):
        return F.linear(x, self.weight * self.scale, self.bias)


def pixel_norm(x):
    return x * torch.rsqrt((x * x).mean(dim=1, keepdim=True) + 1e-8)


def lrelu(x):
    return F.leaky_relu(x, 0.2)


class Generator(nn.Module):
    def __init__(self, levels, latent=512):
        super().__init__()
        c0 = channels(0)
        self.c0 = c0
        self.dense = EqualizedDense(latent, 16 * c0)
        self.conv0 = EqualizedConv(c0, c0, 3, 1)
        self.blocks = nn.ModuleList()
        for level in range(1, levels):
            self.blocks.append(nn.ModuleList([EqualizedConv(channels(level - 1), channels(level), 3, 1),
                                              EqualizedConv(channels(level), channels(level), 3, 1)]))
        self.to_rgb = EqualizedConv(channels(levels - 1), 3, 1, 0)

    def forward(self, z):
        h = self.dense(pixel_norm(z)).view(z.shape[0], self.c0, 4, 4)
        h = pixel_norm(lrelu(h))
        h = pixel_norm(lrelu(self.conv0(h)))
        for conv_a, conv_b in self.blocks:
            h = F.interpolate(h, scale_factor=2, mode="nearest")
            h = pixel_norm(lrelu(conv_a(h)))
            h = pixel_norm(lrelu(conv_b(h)))
        return self.to_rgb(h)


def minibatch_stddev(x, group=4):
    n, c, hgt, wid = x.shape
    g = min(group, n)
    y = x.view(g, -1, c, hgt, wid)
    y = torch.sqrt(((y - y.mean(dim=0)) ** 2).mean(dim=0) + 1e-8).mean(dim=[1, 2, 3])
    y = y.view(-1, 1, 1, 1).repeat(g, 1, hgt, wid)
    return torch.cat([x, y], dim=1)


class Discriminator(nn.Module):
    def __init__(self, levels):
        super().__init__()
        top = levels - 1
        self.from_rgb = EqualizedConv(3, channels(top), 1, 0)
        self.blocks = nn.ModuleList()
        for level in range(top, 0, -1):
            self.blocks.append(nn.ModuleList([EqualizedConv(channels(level), channels(level), 3, 1),
                                              EqualizedConv(channels(level), channels(level - 1), 3, 1)]))
        c0 = channels(0)
        self.conv0 = EqualizedConv(c0 + 1, c0, 3, 1)
        self.conv4 = EqualizedConv(c0, c0, 4, 0)
        self.score = EqualizedDense(c0, 1)

    def forward(self, x):
        h = lrelu(self.from_rgb(x))
        for conv_a, conv_b in self.blocks:
            h = lrelu(conv_b(lrelu(conv_a(h))))
            h = F.avg_pool2d(h, 2)
        h = lrelu(self.conv0(minibatch_stddev(h)))
        h = lrelu(self.conv4(h)).view(x.shape[0], -1)
        return self.score(h)


def train_step(g, d, g_avg, opt_g, opt_d, real, latent):
    n = real.shape[0]
    # Discriminator: WGAN-GP + drift, as pytorch_GAN_zoo's WGANGP loss and epsilon_d.
    opt_d.zero_grad()
    pred_real = d(real)
    loss_d = -pred_real.mean() + 0.001 * (pred_real ** 2).mean()
    with torch.no_grad():
        fake = g(torch.randn(n, latent))
    loss_d = loss_d + d(fake).mean()
    eps = torch.rand(n, 1, 1, 1)
    mixed = (eps * real + (1 - eps) * fake).requires_grad_(True)
    grad = torch.autograd.grad(d(mixed).sum(), mixed, create_graph=True)[0]
    penalty = 10.0 * ((grad.view(n, -1).norm(dim=1) - 1) ** 2).mean()
    (loss_d + penalty).backward()
    opt_d.step()
    # Generator.
    opt_g.zero_grad()
    loss_g = -d(g(torch.randn(n, latent))).mean()
    loss_g.backward()
    opt_g.step()
    with torch.no_grad():
        for p_avg, p in zip(g_avg.parameters(), g.parameters()):
            p_avg.lerp_(p, 1 - 0.999)


def bench(resolution, batch, warmup, min_time, latent):
    levels = int(math.log2(resolution // 4)) + 1
    g, d, g_avg = Generator(levels, latent), Discriminator(levels), Generator(levels, latent)
    g_avg.load_state_dict(g.state_dict())
    opt_g = torch.optim.Adam(g.parameters(), lr=1e-3, betas=(0.0, 0.99), eps=1e-8)
    opt_d = torch.optim.Adam(d.parameters(), lr=1e-3, betas=(0.0, 0.99), eps=1e-8)
    real = torch.randn(batch, 3, resolution, resolution)
    step = lambda: train_step(g, d, g_avg, opt_g, opt_d, real, latent)
    timing.run_for(warmup, step)
    start = time.perf_counter()
    steps = timing.run_for(min_time, step)
    return (time.perf_counter() - start) / steps, steps


def peak_rss_mib():
    """This process's peak resident memory. Not getrusage's ru_maxrss: Linux carries that over exec from the
    process that started us, so a peer started by a large JVM would report the JVM's peak as its own."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM line in /proc/self/status")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resolutions", required=True, help="comma-separated powers of two")
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--latent", type=int, default=512)
    parser.add_argument("--min-time", type=float, default=1.0, help="seconds of timed steps (at least one step)")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of untimed steps first (at least one)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    # The dense layers run on the system BLAS: Debian's default reference BLAS is ~30x slower than OpenBLAS, so
    # every result says which one this PyTorch got (docs/PERFORMANCE.md: OpenBLAS without changing the system).
    blas = sgemm_peak.gflops(1024, 0.3)
    for text in args.resolutions.split(","):
        resolution = int(text)
        seconds, steps = bench(resolution, args.batch, args.warmup, args.min_time, args.latent)
        print(json.dumps({"resolution": resolution, "batch": args.batch, "seconds_per_step": seconds, "steps": steps,
                          "peak_rss_mib": peak_rss_mib(),
                          "torch": torch.__version__, "threads": torch.get_num_threads(), "blas_gflops": blas}),
              flush=True)


if __name__ == "__main__":
    main()
