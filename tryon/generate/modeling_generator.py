"""A conditional VAE whose decoder draws a product photo from design attributes and a seed.

Why a conditional VAE with a FiLM decoder: a plain cVAE lets its latent carry the whole image
and ignores the sliders. Here the attributes modulate every decoder layer (FiLM), the
pattern and the fabric texture are given as input maps (computed in code from their sliders), the latent is
small (8) with a KL penalty, so it only holds what the attributes do not decide (where the
folds fall). Sampling the latent from a seed gives variations; the same seed gives the same
image.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from huggingface_hub import PyTorchModelHubMixin
from torch import nn

from tryon.catalog.render import GarmentDesign, pattern_amount, texture_map
from tryon.generate.attributes import encode
from tryon.generate.configuration_generator import GeneratorConfig


class FiLMBlock(nn.Module):
    """conv -> norm -> scale/shift from the embedding -> SiLU, twice."""

    def __init__(self, in_ch: int, out_ch: int, embed_dim: int):
        super().__init__()
        self.conv1 = nn.Conv2d(in_ch, out_ch, 3, padding=1)
        self.conv2 = nn.Conv2d(out_ch, out_ch, 3, padding=1)
        self.norm1 = nn.GroupNorm(8, out_ch)
        self.norm2 = nn.GroupNorm(8, out_ch)
        self.film = nn.Linear(embed_dim, 4 * out_ch)

    def forward(self, x: torch.Tensor, e: torch.Tensor) -> torch.Tensor:
        g1, b1, g2, b2 = self.film(e)[:, :, None, None].chunk(4, dim=1)  # each (B, C, 1, 1)
        x = F.silu(self.norm1(self.conv1(x)) * (1 + g1) + b1)
        return F.silu(self.norm2(self.conv2(x)) * (1 + g2) + b2)


class GarmentGenerator(nn.Module, PyTorchModelHubMixin, library_name="tryon-studio", tags=["garment", "cvae"]):
    config_class = GeneratorConfig

    def __init__(self, config: GeneratorConfig | dict):
        super().__init__()
        if isinstance(config, dict):  # from config.json
            config = GeneratorConfig(**config)
        self.config = config
        c = config
        self.embed = nn.Sequential(
            nn.Linear(c.cond_dim + c.latent_dim, c.embed_dim), nn.SiLU(), nn.Linear(c.embed_dim, c.embed_dim)
        )
        self.start_h, self.start_w = c.height // 8, c.width // 8
        # A learned starting canvas (like StyleGAN's constant input); the embedding steers it via FiLM.
        self.start = nn.Parameter(torch.randn(1, c.channels[0], self.start_h, self.start_w) * 0.5)
        extra = 4  # x, y coordinates, the pattern map and the texture map, concatenated at every scale
        self.blocks = nn.ModuleList(
            [FiLMBlock(c.channels[0] + extra, c.channels[0], c.embed_dim)]
            + [FiLMBlock(c.channels[i - 1] + extra, c.channels[i], c.embed_dim) for i in range(1, 4)]
        )
        self.to_rgb = nn.Conv2d(c.channels[-1], 3, 1)
        # Encoder (training only): image + attributes -> latent mean and log-variance.
        self.encoder = nn.Sequential(
            nn.Conv2d(5, 32, 4, 2, 1), nn.SiLU(), nn.Conv2d(32, 64, 4, 2, 1), nn.SiLU(),
            nn.Conv2d(64, 96, 4, 2, 1), nn.SiLU(), nn.Conv2d(96, 128, 4, 2, 1), nn.SiLU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        )  # fmt: skip
        self.to_latent = nn.Linear(128 + c.cond_dim, 2 * c.latent_dim)

    # --- inputs -----------------------------------------------------------------------------
    def condition(self, designs: list[GarmentDesign], device=None) -> tuple[torch.Tensor, torch.Tensor]:
        """Attribute vectors (B, cond_dim) and input maps (B, 2, H, W): pattern, and texture x its slider."""
        h, w = self.config.height, self.config.width
        cond = torch.from_numpy(np.stack([encode(d) for d in designs]))
        grain = texture_map(h, w) * 10  # about unit scale
        maps = np.stack([np.stack([pattern_amount(d, h, w), grain * d.texture]) for d in designs])
        return cond.to(device), torch.from_numpy(maps.astype(np.float32)).to(device)

    def latent_from_seeds(self, seeds: list[int], device=None) -> torch.Tensor:
        """One latent per seed, drawn from N(0, I); the same seed always gives the same latent."""
        z = [torch.randn(self.config.latent_dim, generator=torch.Generator().manual_seed(int(s))) for s in seeds]
        return torch.stack(z).to(device)

    # --- networks -----------------------------------------------------------------------------
    def decode(self, cond: torch.Tensor, z: torch.Tensor, pattern: torch.Tensor) -> torch.Tensor:
        """(B, cond_dim), (B, latent), (B, 2, H, W) maps -> images (B, 3, H, W) in [0, 1]."""
        e = self.embed(torch.cat([cond, z], dim=1))  # (B, E)
        b = cond.shape[0]
        x = self.start.expand(b, -1, -1, -1)  # (B, C, H/8, W/8)
        for i, block in enumerate(self.blocks):
            if i > 0:
                x = F.interpolate(x, scale_factor=2, mode="nearest")
            x = block(torch.cat([x, *self._extras(pattern, x.shape[-2:])], dim=1), e)
        return torch.sigmoid(self.to_rgb(x))

    def encode_image(self, image: torch.Tensor, cond: torch.Tensor, pattern: torch.Tensor):
        h = self.encoder(torch.cat([image, pattern], dim=1))
        mean, logvar = self.to_latent(torch.cat([h, cond], dim=1)).chunk(2, dim=1)
        return mean, logvar.clamp(-8, 4)

    def forward(self, image: torch.Tensor, cond: torch.Tensor, pattern: torch.Tensor):
        """Training pass: reconstruction and the KL term."""
        mean, logvar = self.encode_image(image, cond, pattern)
        z = mean + torch.randn_like(mean) * torch.exp(0.5 * logvar)
        recon = self.decode(cond, z, pattern)
        kl = 0.5 * (mean.pow(2) + logvar.exp() - 1 - logvar).sum(dim=1).mean()
        return recon, kl

    def _extras(self, pattern: torch.Tensor, size) -> list[torch.Tensor]:
        h, w = size
        b = pattern.shape[0]
        ys = torch.linspace(-1, 1, h, device=pattern.device).view(1, 1, h, 1).expand(b, 1, h, w)
        xs = torch.linspace(-1, 1, w, device=pattern.device).view(1, 1, 1, w).expand(b, 1, h, w)
        p = pattern if pattern.shape[-2:] == (h, w) else F.interpolate(pattern, size=(h, w), mode="area")
        return [xs, ys, p]

    # --- public API -------------------------------------------------------------------------
    def sample_designs(self, rng: np.random.Generator, n: int) -> list[GarmentDesign]:
        """Designs for "Surprise me": around the rated-high designs of the prior when there is one."""
        from tryon.generate.attributes import random_design
        from tryon.generate.profile import perturb

        prior = self.config.design_prior
        if not prior:
            return [random_design(rng) for _ in range(n)]
        weights = np.array([a["weight"] for a in prior], float)
        picks = rng.choice(len(prior), size=n, p=weights / weights.sum())
        return [perturb(GarmentDesign(**prior[i]["design"]), rng) for i in picks]

    @torch.inference_mode()
    def generate(self, designs: list[GarmentDesign], seeds: list[int]) -> np.ndarray:
        """Images (B, H, W, 3) uint8 for designs and seeds (deterministic for a given seed)."""
        if len(designs) != len(seeds):
            raise ValueError(f"{len(designs)} designs but {len(seeds)} seeds")
        device = next(self.parameters()).device
        cond, pattern = self.condition(designs, device)
        z = self.latent_from_seeds(seeds, device)
        images = self.decode(cond, z, pattern)
        return (images.permute(0, 2, 3, 1).clamp(0, 1) * 255 + 0.5).to(torch.uint8).cpu().numpy()
