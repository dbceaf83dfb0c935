"""Separating light from colour: the shading of a photographed garment without its print."""

from __future__ import annotations

import cv2
import numpy as np

from tryon import masks as M

# Lab lightness (0-255) at which a fabric's shading is not trusted at all / fully, and the least trust.
DARK, FULL, MIN_TRUST = 30.0, 100.0, 0.3
# Cluster centres closer than this (weighted Lab) are one colour in different light.
MERGE = 14.0


def shading_map(person: np.ndarray, region: np.ndarray, S: float, detail: float = 0.03,
                strength: float = 0.7) -> np.ndarray:  # fmt: skip
    """Folds and light as a multiplier around 1, from the photo's luminance inside `region`.

    `S` sets the scale of what counts as a fold (the blur is `detail` times it; the shoulder width
    for a person, the garment's width for a product photo).

    The old garment's own colours (its print, logo, stripes) are albedo, not light: the
    region's colours are clustered, and each pixel's luminance is taken relative to its own
    cluster's mean. A white logo on a black top then has the shading of the top around it,
    not a bright patch. A light blur removes the cluster edges.
    """
    h, w = region.shape
    if region.sum() < 50:
        return np.ones((h, w), np.float32)
    if min(h, w) >= 256 and detail * S >= 4:
        # The map is smooth (folds are blurred over `detail * S` pixels): work at half size.
        half = (max(1, w // 2), max(1, h // 2))
        small = shading_map(cv2.resize(person, half, interpolation=cv2.INTER_AREA),
                            cv2.resize(region.astype(np.uint8), half, interpolation=cv2.INTER_NEAREST) > 0,
                            S / 2, detail, strength)  # fmt: skip
        return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    lab = cv2.cvtColor(person, cv2.COLOR_RGB2LAB).astype(np.float32)
    pixels = lab[region]
    rng = np.random.default_rng(0)
    sample = pixels[rng.choice(len(pixels), size=min(3000, len(pixels)), replace=False)]
    k = 4 if len(sample) >= 40 else 1
    weights = np.array([0.35, 1.0, 1.0], np.float32)  # cluster mostly by chroma: shading changes L
    if k > 1:
        criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 12, 1.0)
        _, _, centres = cv2.kmeans(sample * weights, k, None, criteria, 2, cv2.KMEANS_PP_CENTERS)
        d = ((pixels[:, None, :] * weights - centres[None]) ** 2).sum(-1)
        label = d.argmin(1)
        # k-means always makes k clusters: a plain fabric's folds (a continuum of lightness) are cut
        # into bands, each normalised by itself, and the folds are lost. Clusters that close are one
        # colour under different light, merged.
        label = _merge_close(centres, MERGE)[label]
    else:
        label = np.zeros(len(pixels), int)
    lum = pixels[:, 0] + 6.0
    rel = np.ones(len(pixels), np.float32)
    for c in range(k):
        sel = label == c
        if sel.any():
            med = float(np.median(lum[sel]))
            # A dark fabric's light is mostly noise, sheen and compression: its relative changes are
            # large, and on a light garment they read as grey smudges. They count less the darker it is.
            trust = float(np.clip((med - DARK) / (FULL - DARK), MIN_TRUST, 1.0))
            rel[sel] = 1 + (lum[sel] / max(med, 1.0) - 1) * trust
    ratio = np.ones((h, w), np.float32)
    ratio[region] = rel
    m = region.astype(np.float32)
    sigma = max(1.0, detail * S)
    num = cv2.GaussianBlur(ratio * m, (0, 0), sigma)
    den = cv2.GaussianBlur(m, (0, 0), sigma)
    smooth = num / np.maximum(den, 1e-3)
    smooth = np.clip(smooth, 0.45, 1.35) ** strength
    soft = M.feather(region, max(1.5, 0.03 * S))
    return (1 + (smooth - 1) * soft).astype(np.float32)


def _merge_close(centres: np.ndarray, distance: float) -> np.ndarray:
    """For each cluster centre, the index of its group: centres linked by gaps under `distance`."""
    k = len(centres)
    group = np.arange(k)
    for i in range(k):
        for j in range(i + 1, k):
            if np.linalg.norm(centres[i] - centres[j]) < distance:
                group[group == group[j]] = group[i]
    return group
