#!/usr/bin/env python3
"""The machine's practical single-precision GEMM peak as PyTorch reaches it: GFLOP/s of torch.mm on square float32
matrices (2*N^3 FLOPs per product), best of several sizes. Prints one JSON object.

Run: /usr/bin/python3 tools/python/sgemm_peak.py --threads 2
PyTorch's matmul uses the system BLAS (Debian: reference BLAS unless OpenBLAS is selected); to measure OpenBLAS
without changing the system, extract Debian's libopenblas0-pthread package and put its directory first:
  apt-get download libopenblas0-pthread && dpkg -x libopenblas0-pthread_*.deb /tmp/openblas
  LD_LIBRARY_PATH=/tmp/openblas/usr/lib/x86_64-linux-gnu/openblas-pthread /usr/bin/python3 tools/python/sgemm_peak.py
"""
import argparse
import json
import time

import torch

import timing


def gflops(n, min_time):
    a = torch.randn(n, n)
    b = torch.randn(n, n)
    c = torch.empty(n, n)
    torch.mm(a, b, out=c)
    start = time.perf_counter()
    runs = timing.run_for(min_time, lambda: torch.mm(a, b, out=c))
    return 2.0 * n ** 3 * runs / (time.perf_counter() - start) / 1e9


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--min-time", type=float, default=1.0)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    best = {n: gflops(n, args.min_time) for n in (1024, 2048, 4096)}
    print(json.dumps({"sgemm_gflops": max(best.values()), "by_size": best, "threads": args.threads,
                      "torch": torch.__version__}))


if __name__ == "__main__":
    main()
