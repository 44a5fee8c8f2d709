#!/usr/bin/env python3
"""Reference values for atelier's multi-scale sliced Wasserstein distance (SWD), from an independent numpy port of
the definition in the PGAN paper's code (tkarras/progressive_growing_of_gans, metrics/sliced_wasserstein.py):

  - images as uint8 levels 0..255 (float32), a Laplacian pyramid from full resolution down to 16 px: pyr_down
    filters with the 5x5 binomial kernel [1,4,6,4,1]^2/256 under scipy.ndimage.convolve(mode="mirror") and keeps
    every second sample, pyr_up puts zeros between the samples and filters with 4 times the kernel; here the
    filter is a plain 2-D convolution over numpy.pad(mode="reflect"), which pads exactly as scipy's "mirror";
  - per level, 128 neighbourhoods of 7x7x3 per image at random centres x, y in [3, R - 4], each one laid out
    [channel, x offset, y offset] as the paper's code gathers it;
  - per level and set, each channel normalized to mean 0, std 1 over all descriptors (float32, as there);
  - per repeat, unit directions [147, D]; projections sorted per direction; mean |sorted A - sorted B|; mean over
    repeats; times 1000.

The random centres and directions are drawn here and stored, so that atelier's Java side uses the very same ones.
To keep the file small it uses 2 repeats of 16 directions (the metric's 4 x 128 only changes how many there are).

Writes tests/src/test/resources/fixtures/swd.safetensors:
  a, b                   two sets of 2 RGB images of 64 x 64 in [-1, 1], exactly on the 8-bit grid
  a.pyramid.L            the Laplacian pyramid of a's 0..255 levels, L = 0 (64 px), 1 (32 px), 2 (16 px)
  a.centre_x.L, ...      the neighbourhood centres of set a (and b) at level L, [2 * 128]
  directions.L.R         repeat R's unit directions at level L, stored as [D, 147] (one row per direction)
  swd                    the SWD x 1e3 per level

Run: /usr/bin/python3 tests/python/make_swd_fixture.py   (numpy; torch only for the shared safetensors writer)
"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import read_safetensors, write_safetensors  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "fixtures",
                   "swd.safetensors")
IMAGES, RESOLUTION, LEVELS = 2, 64, 3
NEIGHBOURHOODS, SIZE = 128, 7
REPEATS, DIRECTIONS = 2, 16
BINOMIAL = np.float32([1, 4, 6, 4, 1])
KERNEL = np.outer(BINOMIAL, BINOMIAL) / np.float32(256)


def binomial_filter(x, gain):
    """scipy.ndimage.convolve(x, gain * KERNEL, mode="mirror") over the last two axes, accumulated in float64."""
    h, w = x.shape[2:]
    padded = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (2, 2), (2, 2)), mode="reflect")
    out = np.zeros(x.shape, np.float64)
    for i in range(5):
        for j in range(5):
            out += float(KERNEL[i, j]) * gain * padded[:, :, i:i + h, j:j + w]
    return out.astype(np.float32)


def pyramid_down(x):
    return binomial_filter(x, 1.0)[:, :, ::2, ::2]


def pyramid_up(x):
    n, c, h, w = x.shape
    spread = np.zeros((n, c, 2 * h, 2 * w), np.float32)
    spread[:, :, ::2, ::2] = x
    return binomial_filter(spread, 4.0)


def laplacian_pyramid(images, levels):
    gaussian = [images.astype(np.float32)]
    for _ in range(1, levels):
        gaussian.append(pyramid_down(gaussian[-1]))
    return [g - pyramid_up(coarser) for g, coarser in zip(gaussian, gaussian[1:])] + [gaussian[-1]]


def neighbourhoods(level, cx, cy):
    """[N * 128, 3, 7, 7]: desc[k, c, a, b] = level[k // 128, c, cy[k] + b - 3, cx[k] + a - 3]."""
    half = SIZE // 2
    k = np.arange(len(cx))[:, None, None, None]
    c = np.arange(3)[None, :, None, None]
    a = np.arange(-half, half + 1)[None, None, :, None]
    b = np.arange(-half, half + 1)[None, None, None, :]
    return level[k // NEIGHBOURHOODS, c, cy[:, None, None, None] + b, cx[:, None, None, None] + a]


def normalized(desc):
    desc = desc - np.mean(desc, axis=(0, 2, 3), keepdims=True)
    desc = desc / np.std(desc, axis=(0, 2, 3), keepdims=True)
    return desc.reshape(desc.shape[0], -1)


def sliced_distance(a, b, repeats):
    per_repeat = []
    for directions in repeats:            # [147, D]
        proj_a = np.sort(a @ directions, axis=0)
        proj_b = np.sort(b @ directions, axis=0)
        per_repeat.append(np.mean(np.abs(proj_a - proj_b)))
    return np.mean(per_repeat)


def main():
    rng = np.random.RandomState(2017)
    yy, xx = np.mgrid[0:RESOLUTION, 0:RESOLUTION]
    a = np.empty((IMAGES, 3, RESOLUTION, RESOLUTION))
    for i in range(IMAGES):
        for c in range(3):
            phase, fx, fy = rng.uniform(0, 6.3), rng.uniform(3, 9), rng.uniform(3, 9)
            a[i, c] = 128 + 90 * np.sin(xx / fx + phase) * np.cos(yy / fy) + 25 * rng.randn(RESOLUTION, RESOLUTION)
    a = np.clip(np.round(a), 0, 255).astype(np.float32)                       # smooth waves with grain
    b = rng.randint(0, 256, size=a.shape).astype(np.float32)                  # white noise

    tensors = {"a": a / np.float32(127.5) - 1, "b": b / np.float32(127.5) - 1}
    pyramids = {"a": laplacian_pyramid(a, LEVELS), "b": laplacian_pyramid(b, LEVELS)}
    for level, values in enumerate(pyramids["a"]):
        tensors[f"a.pyramid.{level}"] = values
    descriptors = {}
    for name, pyramid in pyramids.items():
        descriptors[name] = []
        for level, values in enumerate(pyramid):
            size = values.shape[-1]
            cx = rng.randint(SIZE // 2, size - SIZE // 2, size=IMAGES * NEIGHBOURHOODS)
            cy = rng.randint(SIZE // 2, size - SIZE // 2, size=IMAGES * NEIGHBOURHOODS)
            tensors[f"{name}.centre_x.{level}"] = cx.astype(np.float32)
            tensors[f"{name}.centre_y.{level}"] = cy.astype(np.float32)
            descriptors[name].append(normalized(neighbourhoods(values, cx, cy)))
    swd = []
    for level in range(LEVELS):
        repeats = []
        for r in range(REPEATS):
            directions = rng.randn(3 * SIZE * SIZE, DIRECTIONS)
            directions /= np.sqrt(np.sum(np.square(directions), axis=0, keepdims=True))
            directions = directions.astype(np.float32)
            repeats.append(directions)
            tensors[f"directions.{level}.{r}"] = np.ascontiguousarray(directions.T)
        swd.append(1e3 * sliced_distance(descriptors["a"][level], descriptors["b"][level], repeats))
    tensors["swd"] = np.float32(swd)
    write_safetensors(OUT, {k: torch.from_numpy(np.ascontiguousarray(v, np.float32)) for k, v in tensors.items()},
                      {"generator": "tests/python/make_swd_fixture.py", "numpy": np.__version__})
    read_safetensors(OUT)
    print("wrote swd.safetensors: SWD x 1e3 per level", ", ".join(f"{v:.4f}" for v in swd))


if __name__ == "__main__":
    main()
