"""Restyle a real product photo: new colour and pattern, same folds, shading and outline."""

from __future__ import annotations

import colorsys
from dataclasses import dataclass

import numpy as np

from tryon import masks as M
from tryon.catalog.render import GarmentDesign, pattern_amount
from tryon.compose.shading import shading_map
from tryon.garment import garment_mask


@dataclass(frozen=True)
class RestyleResult:
    image: np.ndarray  # (H, W, 3) uint8
    mask: np.ndarray  # (H, W) bool, the garment


def restyle(image: np.ndarray, hue: float, saturation: float, lightness: float, pattern: str = "solid",
            pattern_scale: float = 0.5, strength: float = 1.0) -> RestyleResult:  # fmt: skip
    """Recolour (and pattern) the garment in a product photo (H, W, 3 uint8), keeping its light and folds.

    The garment's own colours are albedo; `shading_map` keeps only the light on it. The new albedo
    is the chosen colour (and pattern, laid out over the garment's box) times that shading.
    `strength` in [0, 1] blends from the original (0) to the full restyle (1).

    Raises:
        GarmentNotFoundError: no garment separable from the background.
    """
    design = GarmentDesign(
        hue=hue, saturation=saturation, lightness=lightness, pattern=pattern, pattern_scale=pattern_scale
    )  # fmt: skip (checks the values)
    if not 0 <= strength <= 1:
        raise ValueError(f"strength={strength}; expected a value in [0, 1]")
    mask = garment_mask(image)
    ys, xs = np.nonzero(mask)
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    size = float(max(x1 - x0, 1))
    # Light: relative to each colour cluster of the old garment (prints do not show through).
    # A product photo is sharp and its folds are the point: keep fine detail and full contrast.
    shade = shading_map(image, mask, size, detail=0.004, strength=1.0)
    # Overall brightness of the photo's garment is light too: a dark garment photographed in soft
    # light still has its folds; keep their contrast but let the chosen lightness set the level.
    colour = _hls_rgb(design.hue, design.lightness, design.saturation)
    light2 = float(np.clip(0.08 + 0.84 * design.lightness + (0.38 if design.lightness < 0.56 else -0.42), 0.04, 0.95))
    second = np.array(colorsys.hls_to_rgb(design.hue, light2, design.saturation * 0.6)) * 255
    amount = np.zeros(mask.shape, np.float32)
    amount[y0:y1, x0:x1] = pattern_amount(design, y1 - y0, x1 - x0)
    albedo = colour[None, None] * (1 - amount[..., None]) + second[None, None] * amount[..., None]
    new = np.clip(albedo * shade[..., None], 0, 255)
    alpha = M.feather(M.erode(mask, 1), 1.0)[..., None] * strength
    out = image.astype(np.float32) * (1 - alpha) + new * alpha
    return RestyleResult(image=np.clip(out + 0.5, 0, 255).astype(np.uint8), mask=mask)


def _hls_rgb(hue: float, lightness: float, saturation: float) -> np.ndarray:
    r, g, b = colorsys.hls_to_rgb(hue, 0.08 + 0.84 * lightness, saturation)
    return np.array([r, g, b], np.float32) * 255
