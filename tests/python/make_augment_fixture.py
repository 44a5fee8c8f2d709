#!/usr/bin/env python3
"""torch/torchvision reference values for atelier's augmentation kernels (core ColorJitter and Warp).

Writes tests/src/test/resources/fixtures/augment.safetensors (deterministic: fixed seed, one thread). Images are
stored in atelier's range [-1, 1]; the references are computed in float64 from the float32 inputs and stored as
float32. Per case "<case>.x" is the input batch, "<case>.y" the expected output and the other tensors hold one
parameter per sample:
  brightness, contrast, saturation, hue   torchvision.transforms.functional.adjust_* on u = (x + 1) / 2, one call
                                          per sample, mapped back by 2u - 1 (factors / hue shift in "<case>.p")
  jitter                                  brightness, contrast, saturation, then hue ("jitter.b/c/s/h")
  flip_square, flip_wide                  torch.rot90(vflip(hflip(x)), k, dims=(2, 3)) ("<case>.k/.h/.v")
  rotate_square, rotate_wide, rotate_strip
                                          grid_sample(bilinear, padding_mode='reflection', align_corners=False)
                                          on affine_grid of a counter-clockwise rotation about the centre in pixel
                                          units ("<case>.angle", radians)

Run: /usr/bin/python3 tests/python/make_augment_fixture.py   (needs Debian's python3-torch and python3-torchvision)
"""
import math
import os
import sys

import torch
import torch.nn.functional as F
import torchvision.transforms.functional as TF

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import write_safetensors  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "fixtures",
                   "augment.safetensors")


def images(*shape):
    """A float32 batch in [-1, 1]; returned as float64 for the reference maths."""
    return (torch.rand(*shape, dtype=torch.float32) * 2 - 1).to(torch.float64)


def per_sample(x, fn, params):
    """Applies a torchvision function to each [0, 1] sample with its own parameter, in [-1, 1] out."""
    u = (x + 1) / 2
    return torch.stack([fn(u[n], p) for n, p in enumerate(params)]) * 2 - 1


def rotation(x, angles):
    """Counter-clockwise rotation about the centre in pixel units: source = centre + R(a) (out - centre)."""
    n, _, h, w = x.shape
    theta = torch.zeros(n, 2, 3, dtype=torch.float64)
    for i, a in enumerate(angles):
        # affine_grid works in [-1, 1] per axis; h / w rescales so that the rotation is rigid in pixels.
        theta[i] = torch.tensor([[math.cos(a), -math.sin(a) * h / w, 0], [math.sin(a) * w / h, math.cos(a), 0]])
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="reflection", align_corners=False)


def flip_rotate90(x, k, hflip, vflip):
    out = []
    for n in range(x.shape[0]):
        s = x[n:n + 1]
        if hflip[n]:
            s = torch.flip(s, dims=[3])
        if vflip[n]:
            s = torch.flip(s, dims=[2])
        out.append(torch.rot90(s, int(k[n]), dims=(2, 3)))
    return torch.cat(out)


def f32(values):
    """The parameters as atelier sees them: rounded to float32, so that the reference uses the same values."""
    return torch.tensor(values, dtype=torch.float32).tolist()


def vector(values):
    return torch.tensor(values, dtype=torch.float64)


def main():
    torch.manual_seed(2024)
    torch.set_num_threads(1)
    t = {}

    x = images(3, 3, 5, 7)
    colour = {
        "brightness": (TF.adjust_brightness, f32([0.6, 1.0, 1.4])),
        "contrast": (TF.adjust_contrast, f32([0.5, 1.0, 1.7])),
        "saturation": (TF.adjust_saturation, f32([0.0, 1.0, 1.8])),
        "hue": (TF.adjust_hue, f32([-0.3, 0.0, 0.45])),
    }
    for name, (fn, params) in colour.items():
        t[name + ".x"] = x
        t[name + ".p"] = vector(params)
        t[name + ".y"] = per_sample(x, fn, params)

    jx = images(4, 3, 6, 6)
    b, c, s, h = (f32(v) for v in ([0.8, 1.2, 1.0, 1.3], [1.3, 0.7, 1.0, 0.9], [0.4, 1.5, 1.0, 1.1],
                                   [0.1, -0.2, 0.0, 0.5]))
    u = (jx + 1) / 2
    jy = []
    for n in range(jx.shape[0]):
        v = TF.adjust_brightness(u[n], b[n])
        v = TF.adjust_contrast(v, c[n])
        v = TF.adjust_saturation(v, s[n])
        jy.append(TF.adjust_hue(v, h[n]))
    t.update({"jitter.x": jx, "jitter.b": vector(b), "jitter.c": vector(c), "jitter.s": vector(s),
              "jitter.h": vector(h), "jitter.y": torch.stack(jy) * 2 - 1})

    for name, shape, k, hf, vf in [("flip_square", (4, 3, 6, 6), [0, 1, 2, 3], [1, 0, 1, 0], [0, 0, 1, 1]),
                                   ("flip_wide", (2, 2, 5, 7), [2, 0], [1, 1], [0, 1])]:
        fx = images(*shape)
        t.update({name + ".x": fx, name + ".k": vector(k), name + ".h": vector(hf), name + ".v": vector(vf),
                  name + ".y": flip_rotate90(fx, k, hf, vf)})

    for name, shape, angles in [("rotate_square", (3, 3, 8, 8), [0.3, -0.7, 2.5]),
                                ("rotate_wide", (2, 3, 6, 9), [0.2, -1.1]),
                                ("rotate_strip", (1, 2, 3, 12), [1.3])]:
        angles = f32(angles)
        rx = images(*shape)
        t.update({name + ".x": rx, name + ".angle": vector(angles), name + ".y": rotation(rx, angles)})

    write_safetensors(OUT, t, {"source": "tests/python/make_augment_fixture.py", "torch": torch.__version__})
    print(f"wrote {OUT}: {len(t)} tensors")


if __name__ == "__main__":
    main()
