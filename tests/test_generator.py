"""The garment generator with a tiny configuration: shapes, determinism, conditioning, training."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from tryon.catalog import GarmentDesign, get_item
from tryon.generate import GarmentGenerator, GeneratorConfig, encode, random_design
from tryon.generate.attributes import COND_DIM

TINY = GeneratorConfig(channels=(16, 16, 8, 8), height=32, width=24, embed_dim=32, latent_dim=4)


@pytest.fixture(scope="module")
def model():
    torch.manual_seed(0)
    return GarmentGenerator(TINY).eval()


def test_output_shape_and_range(model):
    images = model.generate([get_item("tee-red-solid").design] * 3, [1, 2, 3])
    assert images.shape == (3, 32, 24, 3) and images.dtype == np.uint8


def test_same_seed_same_image_and_seeds_differ(model):
    d = get_item("dress-navy-dots").design
    a = model.generate([d, d], [7, 8])
    b = model.generate([d], [7])
    assert np.array_equal(a[0], b[0])
    assert not np.array_equal(a[0], a[1])


def test_attributes_change_the_output(model):
    d = get_item("tee-red-solid").design
    other = dataclasses.replace(d, hue=0.6, pattern="stripes")
    a, b = model.generate([d, other], [1, 1])
    assert np.abs(a.astype(int) - b.astype(int)).mean() > 0.1


def test_encoding_is_complete():
    v = encode(GarmentDesign(kind="dress", hue=0.25, pattern="zigzag"))
    assert v.shape == (COND_DIM,) and v.dtype == np.float32
    assert v[:7].sum() == 1  # one kind


def test_config_is_checked():
    with pytest.raises(ValueError, match="multiples of 8"):
        GeneratorConfig(height=30)


def test_four_training_steps_lower_the_loss():
    from tryon.generate.training import render_dataset

    torch.manual_seed(0)
    model = GarmentGenerator(TINY)
    images, designs = render_dataset(16, TINY, seed=0, progress=False)
    cond, pattern = model.condition(designs)
    target = images.float() / 255
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    losses = []
    for _ in range(4):
        recon, kl = model(target, cond, pattern)
        loss = torch.nn.functional.l1_loss(recon, target) + 1e-4 * kl
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0]


def test_random_designs_cover_every_kind():
    rng = np.random.default_rng(0)
    kinds = {random_design(rng).kind for _ in range(200)}
    assert kinds == {"tee", "longsleeve", "tank", "trousers", "shorts", "skirt", "dress"}
