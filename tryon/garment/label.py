"""The brand label sewn inside the back of a top, seen through the neck opening of a product photo.

Worn, the neck hides it; pasted on a person it reads as a tag under the chin, the giveaway of a
pasted garment. It is found as a compact, high-contrast rectangle near the top of the garment,
around its centre line, and painted over with the fabric around it.
"""

from __future__ import annotations

import cv2
import numpy as np

from tryon import masks as M


def remove_label(image: np.ndarray, mask: np.ndarray, found: np.ndarray | None) -> np.ndarray:
    """The photo with the label `found` (by `find_label`) painted over (unchanged without one).

    `mask` is the garment's (bool).
    """
    if found is None or not (found & mask).any():
        return image
    # The fabric around it (on the garment only: above a label there may be the neck opening).
    y0, y1, x0, x1 = _bounds(found)
    pad = max(2, (x1 - x0) // 4)
    win = (slice(max(0, y0 - 3 * pad), y1 + 3 * pad), slice(max(0, x0 - 3 * pad), x1 + 3 * pad))
    hole = M.dilate(found[win], 2)
    ring = M.dilate(hole, pad) & ~hole & mask[win]
    if ring.sum() < 10:
        return image
    out = image.copy()
    fabric = np.median(image[win][ring], axis=0)
    soft = M.feather(hole, 1.5)[..., None]
    out[win] = np.clip(image[win] * (1 - soft) + fabric * soft + 0.5, 0, 255).astype(np.uint8)
    return out


def find_label(image: np.ndarray, mask: np.ndarray, neck_front: np.ndarray) -> np.ndarray | None:
    """The label's pixels (bool mask, filled to its rectangle), or None when there is none."""
    if np.count_nonzero(mask) < 100:
        return None
    # (The garment's extent from its rows and columns: the coordinates of every pixel cost ten times more.)
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    top, gh = int(rows[0]), int(rows[-1] - rows[0] + 1)
    gw = int(cols[-1] - cols[0] + 1)
    cx = int(round(neck_front[0]))
    # Where a label can be: the top of the garment, around its centre line, down to the front of the
    # neckline (a camisole's straps rise far above the back it is sewn on).
    depth = max(LABEL_ZONE_DEPTH * gh, neck_front[1] - top + LABEL_BELOW_NECK * gh)
    y0, y1 = top, min(mask.shape[0], top + int(depth))
    x0, x1 = max(0, cx - int(0.2 * gw)), min(mask.shape[1], cx + int(0.2 * gw) + 1)
    if y1 - y0 < 8 or x1 - x0 < 8:
        return None
    box = (slice(y0, y1), slice(x0, x1))
    lab = cv2.cvtColor(np.ascontiguousarray(image[box]), cv2.COLOR_RGB2LAB)
    garment = mask[box]
    if garment.sum() < 50:
        return None
    # (Off the garment, its median colour: the backdrop must not count as the fabric around.)
    lab[~garment] = np.median(lab[garment], axis=0).astype(np.uint8)
    # Contrast with the fabric around: the difference from a median over a window wider than a label.
    k = min(255, max(5, int(LABEL_WINDOW * gw)) | 1)
    k = min(k, 2 * (min(lab.shape[:2]) // 2) - 1)
    if k < 5:
        return None
    background = np.stack([cv2.medianBlur(np.ascontiguousarray(lab[..., c]), k) for c in range(3)], axis=-1)
    # Among a print, the median around is no fabric colour and everything differs from it: then the
    # contrast is taken against the garment's main fabric (its median colour over the whole garment).
    step = max(1, int(np.sqrt(mask.size / 4000)))  # (a sample is enough for a median)
    sample = image[::step, ::step][mask[::step, ::step]]
    fabric = np.median(cv2.cvtColor(sample[None], cv2.COLOR_RGB2LAB)[0], axis=0)
    inner = M.erode(garment, max(2, int(0.015 * gw)))
    best = None
    for reference in (background, np.broadcast_to(fabric, lab.shape)):
        diff = np.linalg.norm(lab.astype(np.float32) - reference.astype(np.float32), axis=-1)
        # (Away from the garment's outline: the collar's rim against the backdrop is not a label.)
        strong = (diff > LABEL_CONTRAST) & inner
        # A label's print and its edge merge into one blob (closed).
        blob = M.close(strong, max(1, int(0.01 * gw)))
        n, labels, stats, _ = cv2.connectedComponentsWithStats(blob.astype(np.uint8), connectivity=8)
        best = _most_label_like(stats, x0, cx, gw)
        if best is not None:
            break
    if best is None:
        return None
    bx, by, bw, bh, _ = stats[best]
    found = np.zeros(mask.shape, bool)
    found[y0 + by : y0 + by + bh, x0 + bx : x0 + bx + bw] = True
    return found & mask


def _most_label_like(stats: np.ndarray, x0: int, cx: int, gw: int) -> int | None:
    """The largest component (row of `stats`) with a label's size, shape and place; None without one."""
    best, best_area = None, 0
    for i in range(1, len(stats)):
        bx, by, bw, bh, area = stats[i]
        if not (0.015 * gw <= min(bw, bh) and max(bw, bh) <= 0.25 * gw):
            continue  # a speck of print, or a chest print
        if area < 0.45 * bw * bh or max(bw, bh) > 8 * min(bw, bh):
            continue  # not compact: a stroke of a print, a seam (a line of text is, merged)
        if abs(x0 + bx + bw / 2 - cx) > 0.08 * gw:
            continue  # labels sit on the centre line
        if area > best_area:
            best, best_area = i, area
    return best


def _bounds(region: np.ndarray) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(region)
    return int(ys.min()), int(ys.max()) + 1, int(xs.min()), int(xs.max()) + 1


LABEL_ZONE_DEPTH = 0.16  # how far below the garment's top a label can sit, in garment heights
LABEL_BELOW_NECK = 0.03  # how far below the neckline's front a label can reach, in garment heights
LABEL_CONTRAST = 28.0  # Lab distance from the fabric around that a label's pixels have
LABEL_WINDOW = 0.35  # the window the fabric around is taken from (wider than a label), in garment widths
