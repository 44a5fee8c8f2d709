#!/usr/bin/env python3
"""PyTorch reference for atelier's resize (Device.resize / resizeBackward): antialiased bicubic,
F.interpolate(mode="bicubic", antialias=True, align_corners=False), downscaling and upscaling by integer and
non-integer factors, the two axes differing.

Writes tests/src/test/resources/fixtures/resize.safetensors with, per case, x, y, dy and dx as make_fixtures.py
records them (float64 from float32 inputs, stored as float32).

Run: /usr/bin/python3 tests/python/make_resize_fixture.py   (needs Debian's python3-torch)
"""
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import randn, read_safetensors, record, write_safetensors  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "fixtures",
                   "resize.safetensors")

CASES = {  # name: (input shape [N, C, H, W], output size (H', W'))
    "down4": (2, 3, 16, 20), "down_odd": (1, 2, 37, 29), "down16": (1, 1, 64, 64),
    "up": (2, 2, 5, 7), "mixed": (1, 3, 20, 6), "same": (1, 2, 9, 9),
}
SIZES = {"down4": (4, 5), "down_odd": (9, 7), "down16": (4, 4), "up": (13, 16), "mixed": (8, 15), "same": (9, 9)}


def main():
    torch.manual_seed(0)
    torch.set_num_threads(1)
    out = {}
    for case, shape in CASES.items():
        record(out, case, {"x": randn(*shape)}, lambda x, size=SIZES[case]: F.interpolate(
            x, size=size, mode="bicubic", align_corners=False, antialias=True))
    # Pixel values as prepare feeds them: 0..255 with hard edges, where the cubic's overshoot shows.
    pixels = (torch.rand(1, 1, 48, 40) > 0.5).float() * 255
    record(out, "pixels", {"x": pixels}, lambda x: F.interpolate(
        x, size=(16, 16), mode="bicubic", align_corners=False, antialias=True))
    write_safetensors(OUT, out, {"generator": "tests/python/make_resize_fixture.py", "torch": torch.__version__})
    tensors, _ = read_safetensors(OUT)
    print(f"wrote resize.safetensors: {len(tensors)} tensors")


if __name__ == "__main__":
    main()
