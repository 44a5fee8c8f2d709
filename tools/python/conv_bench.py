#!/usr/bin/env python3
"""PyTorch peer for `atelier bench conv`: conv3x3 (stride 1, pad 1, C -> C) forward and forward+backward
GFLOP/s on the same shapes, printed as one JSON object per line.

Run: /usr/bin/python3 tools/python/conv_bench.py --batch 16 --threads 2 --shapes 512:4,256:64
Needs Debian's python3-torch (apt-get install python3-torch). FLOPs are counted as atelier counts them:
forward 2*N*C*K*9*H*W, forward+backward three times that (input and weight gradients).
"""
import argparse
import json
import time

import torch
import torch.nn.functional as F

import timing


def timed(fn, min_time):
    """Seconds per call: one warm-up call, then repeat until min_time has passed (at least once)."""
    fn()
    start = time.perf_counter()
    runs = timing.run_for(min_time, fn)
    return (time.perf_counter() - start) / runs


def bench_shape(channels, px, batch, min_time):
    x = torch.randn(batch, channels, px, px, requires_grad=True)
    w = torch.randn(channels, channels, 3, 3, requires_grad=True)
    dy = torch.randn(batch, channels, px, px)
    flops = 2.0 * batch * channels * channels * 9 * px * px

    def forward():
        with torch.no_grad():
            F.conv2d(x, w, padding=1)

    def forward_backward():
        x.grad = None
        w.grad = None
        F.conv2d(x, w, padding=1).backward(dy)

    return {
        "channels": channels,
        "px": px,
        "batch": batch,
        "fwd_gflops": flops / timed(forward, min_time) / 1e9,
        "fwdbwd_gflops": 3 * flops / timed(forward_backward, min_time) / 1e9,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--min-time", type=float, default=1.0, help="seconds of timed runs per measurement")
    parser.add_argument("--shapes", required=True, help="comma-separated CHANNELS:PX pairs")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    for pair in args.shapes.split(","):
        channels, px = (int(v) for v in pair.split(":"))
        result = bench_shape(channels, px, args.batch, args.min_time)
        result["torch"] = torch.__version__
        result["threads"] = torch.get_num_threads()
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
