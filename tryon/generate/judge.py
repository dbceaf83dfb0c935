"""Attribute estimators: read design attributes back from a product image.

Used to measure slider faithfulness (does moving a slider move its attribute, and only it?).
They are hand-written from garment analysis and colour statistics, and checked against the
renderer's ground truth (`bench/faithfulness.py --check`). Values are on each attribute's own
scale, not calibrated to the sliders: only their order matters for Spearman correlations.
"""

from __future__ import annotations

import colorsys

import cv2
import numpy as np

from tryon.errors import GarmentNotFoundError
from tryon.garment import analyze_garment

ESTIMATED = ("sleeve", "width", "length", "neckline", "hue", "saturation", "lightness", "pattern_scale", "texture")


def estimate_attributes(image: np.ndarray, category: str) -> dict[str, float]:
    """Estimates of the design attributes of a garment image (H, W, 3 uint8) on a plain background."""
    h, w = image.shape[:2]
    try:
        g = analyze_garment(image, category)
    except GarmentNotFoundError:
        return {k: float("nan") for k in ESTIMATED}
    mask = g.mask > 0.5
    k = g.keypoints
    ys, xs = np.nonzero(mask)
    top, bottom = ys.min(), ys.max()
    out: dict[str, float] = {}
    if category == "lower":
        out["width"] = float(np.linalg.norm(k["left_hip"] - k["right_hip"]) / w)
        out["sleeve"] = float("nan")
        out["neckline"] = float("nan")
    else:
        chest = max(float(np.linalg.norm(k["left_armpit"] - k["right_armpit"])), 1.0)
        out["width"] = chest / w
        lengths = [np.linalg.norm(k[f"{s}_cuff"] - k[f"{s}_sleeve_root"]) / chest
                   for s in ("left", "right") if f"{s}_cuff" in k]  # fmt: skip
        out["sleeve"] = float(np.mean(lengths)) if lengths else 0.0
        out["neckline"] = float((k["neck_front"][1] - top) / h)
    out["length"] = float((bottom - top) / h)
    # Colour: the main colour is the larger of two clusters of the garment's pixels.
    pixels = image[mask].astype(np.float32)
    if len(pixels) > 4000:
        pixels = pixels[np.random.default_rng(0).choice(len(pixels), 4000, replace=False)]
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 10, 1.0)
    _, labels, centres = cv2.kmeans(pixels, 2, None, criteria, 2, cv2.KMEANS_PP_CENTERS)
    counts = np.bincount(labels.ravel(), minlength=2)
    main = pixels[labels.ravel() == int(np.argmax(counts))]
    r, gch, b = np.median(main, axis=0) / 255
    hue, light, sat = colorsys.rgb_to_hls(r, gch, b)
    out.update(hue=hue, saturation=sat, lightness=light)
    # Pattern size: the first peak of the autocorrelation of the garment's lightness (rows and columns).
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY).astype(np.float32)
    y0, y1 = int(top + 0.3 * (bottom - top)), int(top + 0.8 * (bottom - top))
    x0, x1 = int(xs.min() + 0.25 * (xs.max() - xs.min())), int(xs.min() + 0.75 * (xs.max() - xs.min()))
    patch = gray[y0:y1, x0:x1]
    out["pattern_scale"] = _period(patch) / h
    detail = gray - cv2.GaussianBlur(gray, (0, 0), 1.0)
    out["texture"] = float(np.abs(detail[mask]).mean())
    return out


def _period(patch: np.ndarray) -> float:
    """The dominant repeat length in pixels along the rows (stripes run across), or nan."""
    if patch.size < 64 or patch.std() < 4:
        return float("nan")
    profile = patch.mean(axis=1) - patch.mean()
    n = len(profile)
    ac = np.correlate(profile, profile, mode="full")[n - 1 :]
    ac = ac / max(ac[0], 1e-6)
    for lag in range(2, n - 1):
        if ac[lag] > ac[lag - 1] and ac[lag] >= ac[lag + 1] and ac[lag] > 0.2:
            return float(lag)
    return float("nan")
