#!/usr/bin/env python3
"""PyTorch reference values for atelier's kernel tests, and safetensors files for the format's interop tests.

Writes (deterministically: fixed seeds, one thread):
  tests/src/test/resources/fixtures/ops.safetensors      inputs, outputs and autograd gradients of every op
  tests/src/test/resources/fixtures/interop.safetensors  a small fixed file that atelier must read, and write
                                                         byte for byte the same
Forward values and gradients are computed in float64 from float32 inputs and stored as float32, so they are
exact to float32 rounding. Tensor names are "<case>.<field>" (x, w, b, y, dy, dx, dw, db, ...).

Run:     /usr/bin/python3 tests/python/make_fixtures.py
Verify:  /usr/bin/python3 tests/python/make_fixtures.py --verify FILE   (reads a safetensors file strictly and
         prints a JSON summary; exit 1 with one line "error: ..." on any format violation)
Needs Debian's python3-torch (apt-get install python3-torch).
"""
import json
import math
import os
import struct
import sys

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "src", "test", "resources", "fixtures")


# ---- safetensors, canonical layout ----------------------------------------------------------------------------
# 8-byte little-endian header length N, N bytes of JSON, then the data buffer. Canonical (atelier writes the same
# bytes): compact JSON, "__metadata__" first with sorted keys, tensors sorted by name with keys dtype, shape,
# data_offsets; data in the same order; the header padded with spaces to a multiple of 8.

def canonical_header(tensors, metadata):
    header = {"__metadata__": {k: metadata[k] for k in sorted(metadata)}}
    offset = 0
    for name in sorted(tensors):
        t = tensors[name]
        size = t.numel() * 4
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + size]}
        offset += size
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return text + b" " * (-len(text) % 8)


def write_safetensors(path, tensors, metadata):
    header = canonical_header(tensors, metadata)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(header)))
        f.write(header)
        for name in sorted(tensors):
            f.write(tensors[name].detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes())


def read_safetensors(path):
    """Strict reader: returns (tensors, metadata) or raises ValueError naming what is wrong."""
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 8:
        raise ValueError(f"{path}: {len(blob)} bytes, shorter than the 8-byte header length")
    (n,) = struct.unpack("<Q", blob[:8])
    if n > len(blob) - 8 or n > 100_000_000:
        raise ValueError(f"{path}: header length {n} exceeds the file ({len(blob)} bytes)")
    try:
        header = json.loads(blob[8:8 + n].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"{path}: header is not valid JSON ({e})")
    if not isinstance(header, dict):
        raise ValueError(f"{path}: header is not a JSON object")
    metadata = header.pop("__metadata__", {})
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
        raise ValueError(f"{path}: __metadata__ must map strings to strings")
    data = blob[8 + n:]
    tensors, expected = {}, 0
    for name, entry in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0]):
        if entry.get("dtype") != "F32":
            raise ValueError(f"{path}: tensor {name} has dtype {entry.get('dtype')}, only F32 is supported")
        begin, end = entry["data_offsets"]
        count = math.prod(entry["shape"])
        if begin != expected or end - begin != 4 * count:
            raise ValueError(f"{path}: tensor {name} offsets {begin}..{end} do not fit shape {entry['shape']}")
        tensors[name] = torch.frombuffer(bytearray(data[begin:end]), dtype=torch.float32).reshape(entry["shape"])
        expected = end
    if expected != len(data):
        raise ValueError(f"{path}: data buffer has {len(data)} bytes, tensors cover {expected}")
    return tensors, metadata


# ---- reference cases -------------------------------------------------------------------------------------------

def randn(*shape):
    return torch.randn(*shape, dtype=torch.float32)


def record(out, case, inputs, fn, params=()):
    """Stores inputs, fn's float64 output y, a random dy and the float64 gradients of every input and param."""
    doubles = {k: v.double().requires_grad_(True) for k, v in inputs.items()}
    y = fn(**doubles)
    dy = randn(*y.shape)
    y.backward(dy.double())
    for k, v in inputs.items():
        out[f"{case}.{k}"] = v
        if k in params or k == "x":
            out[f"{case}.d{k}"] = doubles[k].grad.float()
    out[f"{case}.y"] = y.detach().float()
    out[f"{case}.dy"] = dy


def conv_cases(out):
    for case, (n, c, h, w, k, r, pad) in {
        "conv1x1": (2, 5, 6, 7, 4, 1, 0),
        "conv3x3": (3, 6, 9, 7, 5, 3, 1),
        "conv4x4valid": (2, 8, 4, 4, 3, 4, 0),
    }.items():
        record(out, case, {"x": randn(n, c, h, w), "w": randn(k, c, r, r), "b": randn(k)},
               lambda x, w, b, pad=pad: F.conv2d(x, w, b, padding=pad), params=("w", "b"))
    scale = math.sqrt(2) / math.sqrt(4 * 3 * 3)
    record(out, "conv3x3scaled", {"x": randn(2, 4, 5, 6), "w": randn(3, 4, 3, 3), "b": randn(3)},
           lambda x, w, b: F.conv2d(x, w * scale, b, padding=1), params=("w", "b"))
    out["conv3x3scaled.scale"] = torch.tensor([scale])
    dense_scale = 1 / math.sqrt(10)
    record(out, "dense", {"x": randn(3, 10), "w": randn(7, 10), "b": randn(7)},
           lambda x, w, b: x @ (w * dense_scale).T + b, params=("w", "b"))
    out["dense.scale"] = torch.tensor([dense_scale])


def resample_cases(out):
    record(out, "upsample2", {"x": randn(2, 3, 5, 4)}, lambda x: F.interpolate(x, scale_factor=2, mode="nearest"))
    record(out, "avgpool2", {"x": randn(2, 3, 6, 8)}, lambda x: F.avg_pool2d(x, 2))
    record(out, "area4", {"x": randn(2, 3, 12, 16)}, lambda x: F.interpolate(x, size=(3, 4), mode="area"))
    for f, shape in {2: (2, 3, 12, 24), 3: (2, 3, 12, 21), 4: (1, 2, 16, 20)}.items():
        size = (shape[2] // f, shape[3] // f)
        record(out, f"bilinear{f}", {"x": randn(*shape)},
               lambda x, size=size: F.interpolate(x, size=size, mode="bilinear", align_corners=False, antialias=True))


def minibatch_stddev(x, group=4):
    """pytorch_GAN_zoo's miniBatchStdDev (models/networks/custom_layers.py)."""
    size = x.size()
    group = min(size[0], group)
    if size[0] % group != 0:
        group = size[0]
    groups = size[0] // group
    if group > 1:
        y = x.view(-1, group, size[1], size[2], size[3])
        y = torch.sqrt(torch.var(y, 1) + 1e-8).view(groups, -1)
        y = torch.mean(y, 1).view(groups, 1)
        y = y.expand(groups, size[2] * size[3]).view((groups, 1, 1, size[2], size[3]))
        y = y.expand(groups, group, -1, -1, -1).contiguous().view((-1, 1, size[2], size[3]))
    else:
        y = torch.zeros(x.size(0), 1, x.size(2), x.size(3), dtype=x.dtype)
    return torch.cat([x, y], dim=1)


def normalization_cases(out):
    record(out, "lrelu", {"x": randn(2, 3, 4, 5)}, lambda x: F.leaky_relu(x, 0.2))
    record(out, "pixelnorm", {"x": randn(3, 6, 4, 5)},
           lambda x: x / torch.sqrt(torch.mean(x * x, dim=1, keepdim=True) + 1e-8))
    for case, shape in {"mbstd8": (8, 5, 3, 3), "mbstd6": (6, 4, 2, 3), "mbstd1": (1, 3, 2, 2)}.items():
        record(out, case, {"x": randn(*shape)}, minibatch_stddev)


def adam_case(out, case, lr, betas):
    """torch.optim.Adam in float32, three steps."""
    p = torch.nn.Parameter(randn(37))
    out[f"{case}.p0"] = p.detach().clone()
    opt = torch.optim.Adam([p], lr=lr, betas=betas, eps=1e-8)
    for step in (1, 2, 3):
        g = randn(37)
        out[f"{case}.g{step}"] = g
        p.grad = g.clone()
        opt.step()
    state = opt.state[p]
    out[f"{case}.p3"] = p.detach().clone()
    out[f"{case}.m3"] = state["exp_avg"].clone()
    out[f"{case}.v3"] = state["exp_avg_sq"].clone()


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--verify":
        try:
            tensors, metadata = read_safetensors(sys.argv[2])
        except (ValueError, OSError, KeyError, TypeError) as e:
            print(f"error: {e}", file=sys.stderr)
            sys.exit(1)
        print(json.dumps({"ok": True, "metadata": metadata, "tensors": {
            k: {"shape": list(v.shape), "sum": float(v.double().sum()), "first": float(v.flatten()[0]) if v.numel() else None}
            for k, v in tensors.items()}}))
        return
    torch.manual_seed(0)
    torch.set_num_threads(1)
    os.makedirs(FIXTURES, exist_ok=True)
    out = {}
    conv_cases(out)
    resample_cases(out)
    normalization_cases(out)
    adam_case(out, "adam", 1e-3, (0.0, 0.99))
    adam_case(out, "adam_b1", 1e-2, (0.9, 0.999))
    write_safetensors(os.path.join(FIXTURES, "ops.safetensors"), out,
                      {"generator": "tests/python/make_fixtures.py", "torch": torch.__version__})
    interop = {
        "alpha": torch.arange(6, dtype=torch.float32).reshape(2, 3) * 0.5 - 1,
        "beta": torch.tensor([1e-8, -3.25, 65504.0, 1.0 / 3.0]),
        "gamma.weight": torch.linspace(-1, 1, 24).reshape(2, 3, 2, 2),
    }
    write_safetensors(os.path.join(FIXTURES, "interop.safetensors"), interop,
                      {"format": "atelier-interop", "note": "written by tests/python/make_fixtures.py \u2713"})
    for name in ("ops.safetensors", "interop.safetensors"):
        tensors, _ = read_safetensors(os.path.join(FIXTURES, name))
        print(f"wrote {name}: {len(tensors)} tensors")


if __name__ == "__main__":
    main()
