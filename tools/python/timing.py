"""The peers' timing loop, shared by conv_bench.py, pgan_step_bench.py and sgemm_peak.py."""
import time


def run_for(seconds, fn):
    """Calls fn() until seconds have passed, at least once; returns how many times it ran."""
    runs, start = 0, time.perf_counter()
    while True:
        fn()
        runs += 1
        if time.perf_counter() - start >= seconds:
            return runs
