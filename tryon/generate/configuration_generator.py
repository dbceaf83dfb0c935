"""Configuration of the garment generator (saved as config.json beside the weights)."""

from __future__ import annotations

from dataclasses import dataclass

from tryon.generate.attributes import COND_DIM


@dataclass
class GeneratorConfig:
    cond_dim: int = COND_DIM  # size of the attribute vector (tryon.generate.attributes.encode)
    latent_dim: int = 8  # the seed's part: fold placement and other variation the sliders do not set
    embed_dim: int = 256  # attributes + latent are embedded once and modulate every layer (FiLM)
    channels: tuple[int, ...] = (128, 64, 32, 16)  # feature channels at 16x12, 32x24, 64x48, 128x96
    height: int = 128  # output size; the app upsamples x3 for display
    width: int = 96
    kl_weight: float = 0.02  # small: the latent only carries what the attributes cannot explain
    # Learned from ratings (python -m tryon.train generator --feedback ...): designs that raters liked,
    # with weights; "Surprise me" samples around them instead of uniformly. None: uniform.
    design_prior: list | None = None

    def __post_init__(self) -> None:
        self.channels = tuple(self.channels)
        if self.height % 8 or self.width % 8:
            raise ValueError(f"height and width must be multiples of 8, got {self.height}x{self.width}")
        if len(self.channels) != 4:
            raise ValueError(f"channels needs 4 entries (one per scale), got {self.channels}")
        if self.latent_dim < 1 or self.cond_dim < 1:
            raise ValueError("cond_dim and latent_dim must be positive")
