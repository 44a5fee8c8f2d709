#!/usr/bin/env python3
"""PyTorch reference for atelier's WGAN-GP discriminator loss and its exact parameter gradient.

Builds the same small PGAN discriminator as atelier (level 1 fading in at alpha 0.3: fromRGB 1x1 convs, 3x3 convs,
2x2 average pooling, minibatch stddev as in pytorch_GAN_zoo, a 4x4 valid conv and a dense score; equalized
learning rate with gain sqrt(2); leaky ReLU 0.2), with random weights and biases, and computes in float64
    L_D = mean D(G(z)) - mean D(x) + 0.001 mean D(x)^2 + 10 mean (|grad D(x^)| - 1)^2
with the penalty differentiated by double backprop (torch.autograd.grad(create_graph=True)).
Writes tests/src/test/resources/fixtures/wgan_gp.safetensors (batch 4) and wgan_gp_batch1.safetensors: parameters under their atelier names, the inputs
real, fake, eps, the loss parts (loss.real, loss.fake, loss.drift, loss.penalty) and grad.<name> per parameter.

Run: /usr/bin/python3 tests/python/make_gp_fixture.py   (needs Debian's python3-torch)
"""
import math
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import minibatch_stddev, write_safetensors  # noqa: E402

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "fixtures")
CHANNELS = 4
ALPHA = 0.3
LAMBDA, DRIFT, SLOPE = 10.0, 1e-3, 0.2


def conv(params, name, x, pad):
    w = params[name + ".weight"]
    fan_in = w.shape[1] * w.shape[2] * w.shape[3]
    return F.conv2d(x, w * math.sqrt(2.0 / fan_in), params[name + ".bias"], padding=pad)


def discriminator(params, images):
    act = lambda t: F.leaky_relu(t, SLOPE)  # noqa: E731
    new = act(conv(params, "d.level1.fromrgb", images, 0))
    new = act(conv(params, "d.level1.conv0", new, 1))
    new = F.avg_pool2d(act(conv(params, "d.level1.conv1", new, 1)), 2)
    old = act(conv(params, "d.level0.fromrgb", F.avg_pool2d(images, 2), 0))
    h = old + ALPHA * (new - old)
    h = act(conv(params, "d.level0.conv", minibatch_stddev(h), 1))
    h = act(conv(params, "d.level0.conv4x4", h, 0)).flatten(1)
    w = params["d.level0.score.weight"]
    return F.linear(h, w * math.sqrt(2.0 / w.shape[1]), params["d.level0.score.bias"])


def main():
    # Batch 4: minibatch stddev groups of 4, whose input cotangent is carried back through the forward; batch 1
    # (as at 4096 px): a group of one, no carried pass.
    for n, name in ((4, "wgan_gp.safetensors"), (1, "wgan_gp_batch1.safetensors")):
        write_case(n, os.path.join(FIXTURES, name))


def write_case(n, out_file):
    torch.manual_seed(7)
    c = CHANNELS
    shapes = {
        "d.level1.fromrgb": (c, 3, 1, 1), "d.level1.conv0": (c, c, 3, 3), "d.level1.conv1": (c, c, 3, 3),
        "d.level0.fromrgb": (c, 3, 1, 1), "d.level0.conv": (c, c + 1, 3, 3), "d.level0.conv4x4": (c, c, 4, 4),
        "d.level0.score": (1, c),
    }
    tensors = {}
    for name, shape in shapes.items():
        tensors[name + ".weight"] = torch.randn(shape)
        tensors[name + ".bias"] = 0.1 * torch.randn(shape[0])
    tensors["real"] = torch.randn(n, 3, 8, 8)
    tensors["fake"] = torch.randn(n, 3, 8, 8)
    tensors["eps"] = torch.rand(n)

    params = {k: v.double().requires_grad_(k.startswith("d.")) for k, v in tensors.items()}
    real, fake, eps = params["real"], params["fake"], params["eps"]
    mixed = (eps.view(-1, 1, 1, 1) * real + (1 - eps.view(-1, 1, 1, 1)) * fake).requires_grad_(True)
    grad, = torch.autograd.grad(discriminator(params, mixed).sum(), mixed, create_graph=True)
    penalty = LAMBDA * ((grad.flatten(1).norm(dim=1) - 1) ** 2).mean()
    real_scores = discriminator(params, real)
    fake_scores = discriminator(params, fake)
    drift = DRIFT * (real_scores ** 2).mean()
    loss = fake_scores.mean() - real_scores.mean() + drift + penalty
    loss.backward()

    out = dict(tensors)
    out["loss.real"] = real_scores.mean().detach().float().reshape(1)
    out["loss.fake"] = fake_scores.mean().detach().float().reshape(1)
    out["loss.drift"] = drift.detach().float().reshape(1)
    out["loss.penalty"] = penalty.detach().float().reshape(1)
    for name, p in params.items():
        if name.startswith("d."):
            out["grad." + name] = p.grad.float()
    write_safetensors(out_file, out, {"generator": "tests/python/make_gp_fixture.py", "torch": torch.__version__,
                                 "alpha": str(ALPHA), "channels": str(CHANNELS)})
    print("wrote", os.path.normpath(out_file), "penalty", penalty.item(), "loss", loss.item())


if __name__ == "__main__":
    main()
