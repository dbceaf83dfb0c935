"""Training the garment generator on renders of random designs (the project's own data)."""

from __future__ import annotations

import json
import math
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from tryon.catalog.render import render_garment
from tryon.generate.attributes import random_design
from tryon.generate.configuration_generator import GeneratorConfig
from tryon.generate.modeling_generator import GarmentGenerator


def render_dataset(n: int, config: GeneratorConfig, seed: int, progress: bool = True):
    """n random designs rendered at the generator's size: images (N,3,H,W) uint8, designs."""
    rng = np.random.default_rng(seed)
    designs = [random_design(rng) for _ in range(n)]
    images = np.empty((n, config.height, config.width, 3), np.uint8)
    for i, d in enumerate(tqdm(designs, desc="rendering", disable=not progress)):
        images[i] = render_garment(d, (config.height, config.width)).image
    return torch.from_numpy(images).permute(0, 3, 1, 2).contiguous(), designs


def psnr(a: torch.Tensor, b: torch.Tensor) -> float:
    mse = F.mse_loss(a, b).item()
    return 10 * math.log10(1.0 / max(mse, 1e-10))


def train_generator(
    out_dir: str | Path,
    minutes: float = 20.0,
    samples: int = 24000,
    batch_size: int = 32,
    lr: float = 2e-3,
    seed: int = 0,
    config: GeneratorConfig | None = None,
    progress: bool = True,
    init: GarmentGenerator | None = None,
) -> dict:
    """Train for a time budget, then save to `out_dir` in the Hub layout. Returns the metrics."""
    torch.manual_seed(seed)
    config = config or GeneratorConfig()
    model = init or GarmentGenerator(config)
    images, designs = render_dataset(samples, config, seed, progress)
    held_images, held_designs = render_dataset(256, config, seed + 1, progress=False)
    cond_all, pattern_all = model.condition(designs)
    held_cond, held_pattern = model.condition(held_designs)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    start = time.perf_counter()
    budget = minutes * 60
    step = 0
    bar = tqdm(total=int(budget), desc="training (s)", unit="s", disable=not progress)
    last_tick = start
    history = []
    model.train()
    while True:
        elapsed = time.perf_counter() - start
        if elapsed > budget:
            break
        # Cosine decay over the time budget.
        for group in opt.param_groups:
            group["lr"] = lr * 0.5 * (1 + math.cos(math.pi * min(1.0, elapsed / budget)))
        idx = torch.randint(0, samples, (batch_size,))
        target = images[idx].float() / 255
        recon, kl = model(target, cond_all[idx], pattern_all[idx])
        l1 = F.l1_loss(recon, target)
        # Edges matter to the eye more than their pixel count: match image gradients too.
        grad = F.l1_loss(recon[..., 1:, :] - recon[..., :-1, :], target[..., 1:, :] - target[..., :-1, :]) + F.l1_loss(
            recon[..., :, 1:] - recon[..., :, :-1], target[..., :, 1:] - target[..., :, :-1]
        )
        loss = l1 + 0.5 * grad + config.kl_weight * kl / (config.height * config.width)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        step += 1
        now = time.perf_counter()
        if now - last_tick >= 1:
            bar.update(int(now - last_tick))
            last_tick = now
            bar.set_postfix(step=step, l1=f"{l1.item():.4f}", kl=f"{kl.item():.2f}")
        if step % 500 == 0:
            history.append({"step": step, "seconds": round(now - start), "l1": round(l1.item(), 5)})
    bar.close()
    model.eval()
    metrics = evaluate(model, held_images, held_cond, held_pattern)
    metrics.update({"steps": step, "minutes": round((time.perf_counter() - start) / 60, 1), "samples": samples,
                    "batch_size": batch_size, "seed": seed})  # fmt: skip
    save(model, out_dir, metrics, history)
    return metrics


@torch.inference_mode()
def evaluate(model: GarmentGenerator, images, cond, pattern) -> dict:
    target = images.float() / 255
    mean, _ = model.encode_image(target, cond, pattern)
    recon = model.decode(cond, mean, pattern)  # with the encoder's latent: how well the decoder can draw
    z = torch.zeros_like(mean)
    prior = model.decode(cond, z, pattern)  # from the attributes alone (the mean seed)
    return {
        "psnr_reconstruction_db": round(psnr(recon, target), 2),
        "psnr_from_attributes_db": round(psnr(prior, target), 2),
    }


def save(model: GarmentGenerator, out_dir: str | Path, metrics: dict, history: list[dict]) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    (out / "training.json").write_text(json.dumps({"metrics": metrics, "history": history}, indent=1))
    (out / "README.md").write_text(model_card(model.config, metrics))


def model_card(config: GeneratorConfig, metrics: dict) -> str:
    return f"""---
library_name: tryon-studio
license: apache-2.0
tags: [garment, product-image, cvae, tryon-studio]
---

# Garment generator (conditional VAE)

Draws a product photo of a garment (front view, on white) from design attributes (category, sleeve
length, fit, length, neckline, hue, saturation, lightness, pattern, pattern size, fabric texture) and a
seed. Output {config.height}x{config.width};
the app upsamples x3 (Lanczos + unsharp mask) and whitens the backdrop outside the garment, giving
{config.height * 3}x{config.width * 3}.

## Model
Conditional VAE. The decoder starts from a learned canvas and is modulated at every layer by an
embedding of the attributes and an {config.latent_dim}-d latent (FiLM); coordinate channels, the pattern map and the
texture map (computed in code from their sliders) enter at every scale.
The encoder is used in training only.
The small KL-weighted latent carries only what the attributes do not decide (the folds); at generation
the latent is drawn from N(0, I) with the seed, so a seed always gives the same image.
Config: `{json.dumps(asdict(config))}`.

## Data
Renders of random designs by `tryon/catalog/render.py`, the project's procedural garment renderer
({metrics.get("samples", "?")} training samples, 256 held-out). No third-party images.

## Training
`python -m tryon.train generator --out <dir> --minutes <m>`: AdamW, cosine decay over a time budget,
loss = L1 + 0.5 x L1 of image gradients + KL. {metrics.get("steps", "?")} steps in
{metrics.get("minutes", "?")} min on 2 CPU cores, batch {metrics.get("batch_size", "?")},
seed {metrics.get("seed", "?")}.

## Metrics (held-out renders)
- PSNR of reconstructions (encoder latent): {metrics.get("psnr_reconstruction_db")} dB
- PSNR from the attributes alone (latent 0): {metrics.get("psnr_from_attributes_db")} dB
Slider faithfulness is measured by `bench/faithfulness.py` (latency by `bench/generate.py`) and reported
in the README.

## Intended use
Product-image ideas in the Design tab of the try-on studio and garments to try on. Not for
photographs of people. Licence: Apache-2.0 (weights and code).
"""
