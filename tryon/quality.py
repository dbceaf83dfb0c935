"""Measurements of a try-on result shared by the tests and the benchmarks."""

from __future__ import annotations

import cv2
import numpy as np

from tryon.pipeline import TryOnResult


def torso_between_shoulders(result: TryOnResult, bottom_y: float | None = None) -> np.ndarray:
    """The torso below the shoulder line, between the shoulders, down to `bottom_y` (default 1.2
    shoulder widths below them), minus what must stay (face, hair, hands)."""
    sk = result.body.skeleton
    S = sk.shoulder_width
    h, w = result.image.shape[:2]
    x0 = int(min(sk["right_shoulder"][0], sk["left_shoulder"][0]) + 0.15 * S)
    x1 = int(max(sk["right_shoulder"][0], sk["left_shoulder"][0]) - 0.15 * S)
    y0 = int(sk.shoulder_center[1] + 0.25 * S)
    y1 = int(min(h, sk.shoulder_center[1] + 1.2 * S if bottom_y is None else bottom_y))
    region = np.zeros((h, w), bool)
    region[max(0, y0) : max(0, y1), max(0, x0) : max(0, x1)] = True
    keep = (result.body.face > 0.5) | (result.body.hair > 0.5) | (result.body.hands > 0.5)
    return region & ~keep


def lab(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_RGB2LAB).astype(np.float32)


def garment_colour_share(image: np.ndarray, region: np.ndarray, rgb: np.ndarray) -> float:
    """Share of `region` whose chroma is the garment's (lightness may vary with shading)."""
    target = lab(rgb.reshape(1, 1, 3).clip(0, 255).astype(np.uint8))[0, 0]
    pixels = lab(image)[region]
    chroma = np.linalg.norm(pixels[:, 1:] - target[1:], axis=1)
    light = np.abs(pixels[:, 0] - target[0])
    return float(np.mean((chroma < 14) & (light < 60)))
