"""Small mask operations shared by perception, garment analysis and composition.

Masks are float32 (H, W) arrays in [0, 1]; binary masks are bool arrays.
"""

from __future__ import annotations

import cv2
import numpy as np


def feather(mask: np.ndarray, radius: float) -> np.ndarray:
    """Soften a mask's edge over about `radius` pixels (Gaussian)."""
    mask = mask.astype(np.float32)
    if radius <= 0:
        return mask
    # (Only around what is in the mask: beyond the kernel's reach its blur is zero. The same values, a
    # fraction of the cost for a hand or a face in a whole photo.)
    win = bounding_window(mask > 0, reach=int(np.ceil(4 * radius)) + 2)
    if win is None:
        return mask
    if (win[0].stop - win[0].start) * (win[1].stop - win[1].start) > 0.6 * mask.size:
        return cv2.GaussianBlur(mask, (0, 0), sigmaX=radius, sigmaY=radius)
    out = np.zeros_like(mask)
    out[win] = cv2.GaussianBlur(mask[win], (0, 0), sigmaX=radius, sigmaY=radius)
    return out


def band(size: tuple[int, int], points: list[np.ndarray], radius: float) -> np.ndarray:
    """A bool mask of a thick polyline through `points` (e.g. an arm along shoulder, elbow, wrist)."""
    canvas = np.zeros(size, np.uint8)
    thickness = max(1, int(round(2 * radius)))
    for a, b in zip(points[:-1], points[1:], strict=False):
        cv2.line(canvas, _pt(a), _pt(b), 1, thickness=thickness, lineType=cv2.LINE_8)
    for p in points:
        cv2.circle(canvas, _pt(p), int(round(radius)), 1, thickness=-1)
    return canvas.astype(bool)


def tapered_band(size: tuple[int, int], points: list[np.ndarray], radii: list[float]) -> np.ndarray:
    """A bool mask of a limb: a polyline whose half-width changes from `radii[i]` to `radii[i+1]`."""
    canvas = np.zeros(size, np.uint8)
    for (a, b), (ra, rb) in zip(zip(points[:-1], points[1:], strict=False), zip(radii[:-1], radii[1:], strict=False),
                                strict=False):  # fmt: skip
        d = np.asarray(b, float) - np.asarray(a, float)
        n = np.array([-d[1], d[0]]) / max(np.linalg.norm(d), 1e-6)
        quad = np.array([a + n * ra, b + n * rb, b - n * rb, a - n * ra])
        cv2.fillConvexPoly(canvas, np.round(quad).astype(np.int32), 1)
    for p, r in zip(points, radii, strict=False):
        cv2.circle(canvas, _pt(p), int(round(r)), 1, thickness=-1)
    return canvas.astype(bool)


def polygon(size: tuple[int, int], points: np.ndarray) -> np.ndarray:
    """A bool mask of a filled polygon."""
    canvas = np.zeros(size, np.uint8)
    cv2.fillPoly(canvas, [np.round(points).astype(np.int32).reshape(-1, 1, 2)], 1)
    return canvas.astype(bool)


def dilate(mask: np.ndarray, radius: int) -> np.ndarray:
    if radius <= 0:
        return mask.astype(bool)
    if radius > WIDE_RADIUS:
        # (A wide disc by the distance to the mask: its cost does not grow with the radius.)
        away = cv2.distanceTransform((~mask.astype(bool)).astype(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
        return away <= radius
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    return cv2.dilate(mask.astype(np.uint8), kernel).astype(bool)


def erode(mask: np.ndarray, radius: int) -> np.ndarray:
    if radius <= 0:
        return mask.astype(bool)
    if radius > WIDE_RADIUS:
        return ~dilate(~mask.astype(bool), radius)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    return cv2.erode(mask.astype(np.uint8), kernel).astype(bool)


WIDE_RADIUS = 12  # from this radius on, a disc by the distance transform is faster than the kernel


def close(mask: np.ndarray, radius: int) -> np.ndarray:
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    return cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_CLOSE, kernel).astype(bool)


def open_(mask: np.ndarray, radius: int) -> np.ndarray:
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    return cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_OPEN, kernel).astype(bool)


def thin_parts(mask: np.ndarray, width: float) -> np.ndarray:
    """The parts of `mask` narrower than about `width` pixels (a strap, a line along an outline)."""
    return mask & ~dilate(open_(mask, max(1, int(round(width / 2)))), 1)


def fill_holes(mask: np.ndarray) -> np.ndarray:
    """Fill regions not connected to the image border."""
    m = mask.astype(np.uint8)
    h, w = m.shape
    padded = np.zeros((h + 2, w + 2), np.uint8)
    padded[1:-1, 1:-1] = m
    flood = padded.copy()
    ff_mask = np.zeros((h + 4, w + 4), np.uint8)
    cv2.floodFill(flood, ff_mask, (0, 0), 1)
    holes = flood[1:-1, 1:-1] == 0
    return mask.astype(bool) | holes


def largest_component(mask: np.ndarray) -> np.ndarray:
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    if n <= 1:
        return mask.astype(bool)
    best = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    return labels == best


def components_touching(mask: np.ndarray, seed: np.ndarray) -> np.ndarray:
    """The connected components of `mask` that overlap `seed`."""
    n, labels = cv2.connectedComponents(mask.astype(np.uint8), connectivity=8)
    if n <= 1:
        return mask.astype(bool)
    keep = np.unique(labels[seed.astype(bool) & mask.astype(bool)])
    keep = keep[keep > 0]
    return np.isin(labels, keep)


def _pt(p: np.ndarray) -> tuple[int, int]:
    return int(round(float(p[0]))), int(round(float(p[1])))


def bounding_window(region: np.ndarray, reach: int) -> tuple[slice, slice] | None:
    """The bounding box of `region` grown by `reach` pixels (clipped), or None when it is empty."""
    ys, xs = np.nonzero(region.any(axis=1))[0], np.nonzero(region.any(axis=0))[0]
    if len(ys) == 0:
        return None
    h, w = region.shape
    return (slice(max(0, ys[0] - reach), min(h, ys[-1] + reach + 1)),
            slice(max(0, xs[0] - reach), min(w, xs[-1] + reach + 1)))  # fmt: skip
