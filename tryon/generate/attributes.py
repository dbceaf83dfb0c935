"""Design attributes as sliders and as the generator's conditioning vector."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tryon.catalog.render import KINDS, PATTERNS, GarmentDesign

KIND_LIST = list(KINDS)
CONTINUOUS = ("sleeve", "width", "length", "neckline", "hue", "saturation", "lightness", "pattern_scale", "texture")
COND_DIM = len(KIND_LIST) + 4 + 2 + 2 + len(PATTERNS) + 2  # see encode()


@dataclass(frozen=True)
class Slider:
    name: str
    label: str
    default: float
    info: str = ""


SLIDERS = (
    Slider("sleeve", "Sleeve length", 0.35, "sleeveless - short - long"),
    Slider("width", "Fit", 0.5, "slim - loose"),
    Slider("length", "Length", 0.5, "cropped / mini - long / maxi"),
    Slider("neckline", "Neckline depth", 0.3, "high crew - deep V"),
    Slider("hue", "Colour (hue)", 0.6, "red - yellow - green - blue - purple - red"),
    Slider("saturation", "Colour strength", 0.6, "grey - vivid"),
    Slider("lightness", "Lightness", 0.45, "dark - light"),
    Slider("pattern_scale", "Pattern size", 0.5, "fine - bold"),
    Slider("texture", "Fabric texture", 0.3, "smooth - coarse knit"),
)


def encode(design: GarmentDesign) -> np.ndarray:
    """The conditioning vector (COND_DIM,) float32. Hue is an angle, so it goes in as cos and sin."""
    kind = np.zeros(len(KIND_LIST), np.float32)
    kind[KIND_LIST.index(design.kind)] = 1
    pattern = np.zeros(len(PATTERNS), np.float32)
    pattern[PATTERNS.index(design.pattern)] = 1
    angle = 2 * math.pi * design.hue
    rest = [design.sleeve, design.width, design.length, design.neckline, math.cos(angle), math.sin(angle),
            design.saturation, design.lightness]  # fmt: skip
    tail = [design.pattern_scale, design.texture]
    return np.concatenate([kind, np.array(rest, np.float32), pattern, np.array(tail, np.float32)])


def random_design(rng: np.random.Generator, kind: str | None = None) -> GarmentDesign:
    """A random design covering every slider's range (the training distribution)."""
    kind = kind or KIND_LIST[rng.integers(len(KIND_LIST))]
    sleeve = 0.0 if kind == "tank" else float(rng.uniform(0, 1))
    if kind == "longsleeve":
        sleeve = float(rng.uniform(0.75, 1.0))
    return GarmentDesign(
        kind=kind,
        sleeve=sleeve,
        width=float(rng.uniform(0, 1)),
        length=float(rng.uniform(0, 1)),
        neckline=float(rng.uniform(0, 1)),
        hue=float(rng.uniform(0, 1)),
        saturation=float(rng.uniform(0, 1)),
        lightness=float(rng.uniform(0.05, 0.97)),
        pattern=PATTERNS[rng.integers(len(PATTERNS))],
        pattern_scale=float(rng.uniform(0, 1)),
        texture=float(rng.uniform(0, 1)),
        seed=int(rng.integers(0, 2**31 - 1)),
    )
