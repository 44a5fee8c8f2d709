#!/usr/bin/env python3
"""What a fresh page of memory costs on this machine: maps 1 GiB, writes one byte per 4 KiB page, unmaps, four
times, then writes the same pages of a mapping already touched. A program that returns its memory to the system
and allocates it again (PyTorch's CPU tensors through glibc malloc, which unmaps every large block when it is
freed) pays the first figure for every page of every large tensor; one that keeps its memory (the JVM's heap,
jemalloc) pays it once. See docs/PERFORMANCE.md, "The PyTorch peer's allocator".

Run: python3 tools/python/page_fault_cost.py
"""
import mmap
import time

SIZE = 1 << 30
PAGE = 4096


def touch(m):
    start = time.perf_counter()
    for i in range(0, SIZE, PAGE):
        m[i] = 1
    return time.perf_counter() - start


def main():
    for _ in range(4):
        m = mmap.mmap(-1, SIZE)
        seconds = touch(m)
        m.close()
        print(f"1 GiB of fresh pages: {seconds:.3f} s, {seconds / (SIZE // PAGE) * 1e6:.2f} us per 4 KiB page")
    m = mmap.mmap(-1, SIZE)
    touch(m)
    print(f"the same loop over pages already touched: {touch(m):.3f} s")


if __name__ == "__main__":
    main()
