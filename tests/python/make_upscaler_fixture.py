#!/usr/bin/env python3
"""PyTorch reference for the upscaler's device operations: pixel shuffle (Device.pixelShuffle / pixelShuffleBackward)
against F.pixel_shuffle by 2, 3, 4 and 8, and the L1 distance (Device.l1Distance / l1DistanceBackward) against
F.l1_loss(reduction="sum"), with x (and t, the target), y, dy and dx as make_fixtures.py records them (float64
from float32 inputs, stored as float32).

Writes tests/src/test/resources/fixtures/upscaler.safetensors.
Run: /usr/bin/python3 tests/python/make_upscaler_fixture.py   (needs Debian's python3-torch)
"""
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import randn, read_safetensors, record, write_safetensors  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "fixtures",
                   "upscaler.safetensors")

CASES = {  # name: (input shape [N, C*f*f, H, W], factor f)
    "x2": ((2, 12, 3, 5), 2), "x3": ((1, 18, 4, 3), 3), "x4": ((2, 48, 2, 3), 4), "x8": ((1, 192, 2, 2), 8),
}


def main():
    torch.manual_seed(0)
    torch.set_num_threads(1)
    out = {}
    for case, (shape, factor) in CASES.items():
        record(out, case, {"x": randn(*shape)}, lambda x, f=factor: F.pixel_shuffle(x, f))
    record(out, "l1", {"x": randn(2, 3, 5, 4), "t": randn(2, 3, 5, 4)},
           lambda x, t: F.l1_loss(x, t, reduction="sum").reshape(1))
    write_safetensors(OUT, out, {"generator": "tests/python/make_upscaler_fixture.py",
                                 "torch": torch.__version__})
    tensors, _ = read_safetensors(OUT)
    print(f"wrote upscaler.safetensors: {len(tensors)} tensors")


if __name__ == "__main__":
    main()
