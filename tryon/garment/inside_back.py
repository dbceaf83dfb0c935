"""The inside of a top's back seen through its neck opening in a product photo.

Product photos on a ghost mannequin show the inside of the garment's back above the front
neckline, in shadow (and with a label). Worn, that is where the neck is; pasted on a person it reads
as a dark patch under the chin. It is found and cut out of the garment's mask. The collar's outline
left around the neck is smoothed (`smooth_collar`).
"""

from __future__ import annotations

import cv2
import numpy as np

from tryon import masks as M


def drop_inside_back(image: np.ndarray, mask: np.ndarray, kps: dict[str, np.ndarray]):
    """Cut the inside of the back (see the module) out of the mask: (mask, key points).

    It is found as a large region, between the collar's corners, much darker than the garment's main
    fabric but of its hue, that starts under the back collar, then grown to where the same lining
    continues. Everything above its lowest row, column by column, is dropped, and the front of the
    neckline (`neck_front`) moves down to where the front begins.
    """
    # The zone: around the centre, as wide as a neck opening can be (the collar's corners are not
    # reliable here: the back collar makes the top edge almost flat).
    cx = int(kps["neck_front"][0])
    half = int(max(abs(kps["neck_left"][0] - kps["neck_right"][0]) / 2,
                   0.3 * (kps["left_shoulder"][0] - kps["right_shoulder"][0])))  # fmt: skip
    xr, xl = max(0, cx - half), min(mask.shape[1] - 1, cx + half)
    if xl - xr < 6:
        return mask, kps
    cols_top = mask[:, xr : xl + 1].any(axis=0)
    if not cols_top.any():
        return mask, kps
    top = int(np.argmax(mask[:, xr : xl + 1].any(axis=1)))
    depth = int(0.9 * (xl - xr))
    y1 = min(mask.shape[0], top + depth)
    box = (slice(top, y1), slice(xr, xl + 1))  # the work is done in the zone's box
    # (The inside is grown in a box a little wider: a wide scoop's inside reaches past the zone, and a
    # sliver of it left beside the opening would be a dark line down the neckline's sides.)
    pad = max(2, (xl - xr) // 8)
    wide = (box[0], slice(max(0, xr - pad), min(mask.shape[1], xl + 1 + pad)))
    zone = mask[box]
    # The garment's main fabric: its median colour (a print's colours are the minority).
    step = max(1, int(np.sqrt(mask.size / 4000)))
    sample = image[::step, ::step][mask[::step, ::step]]
    if len(sample) < 20 or zone.sum() < 20:
        return mask, kps
    fabric = np.median(cv2.cvtColor(sample[None], cv2.COLOR_RGB2LAB)[0].astype(np.float32), axis=0)
    lab_wide = cv2.cvtColor(np.ascontiguousarray(image[wide]), cv2.COLOR_RGB2LAB).astype(np.float32)
    lab = lab_wide[:, xr - wide[1].start : xl + 1 - wide[1].start]
    # The inside is the same fabric in shadow: darker, and with the fabric's hue or greyer (a shadow
    # desaturates), not another colour (a print's dark flowers on a white tee are not the inside).
    ab = lab[..., 1:] - 128.0
    ref = fabric[1:] - 128.0
    along = np.clip((ab @ ref) / max(float(ref @ ref), 1.0), 0.0, 1.0)
    off_hue = np.linalg.norm(ab - along[..., None] * ref, axis=-1)
    dark = zone & (lab[..., 0] < fabric[0] - INSIDE_DARKER) & (off_hue < INSIDE_HUE)
    dark = M.open_(dark, max(1, (xl - xr) // 40))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(dark.astype(np.uint8), connectivity=8)
    inside = np.zeros(mask.shape, bool)
    for i in range(1, n):
        x, y, bw, bh, area = stats[i]
        # Large, wide, starting under the back collar (lower under a shirt's collar band) and ending above
        # the zone's bottom (a print's dark spot, or a dark front below a light collar, is not all of these).
        if area >= 0.06 * zone.sum() and bw >= 0.3 * (xl - xr) and y <= 0.3 * depth and y + bh < y1 - top - 1:
            inside[box] |= labels == i
    if not inside.any():
        return mask, kps
    inside[wide] = _grow_inside(lab_wide, mask[wide], inside[wide], depth)
    cols = np.nonzero(inside.any(axis=0))[0]
    lowest = _smooth_edge(inside.shape[0] - 1 - np.argmax(inside[::-1, cols], axis=0), xl - xr)
    out = mask.copy()
    for x, y_low in zip(cols, lowest, strict=True):
        out[: y_low + 1, x] = False
    out = M.open_(out, 2)
    kps = dict(kps)
    below = np.nonzero(out[:, cx])[0]
    below = below[below > top]
    if len(below):
        kps["neck_front"] = np.array([cx, float(below[0])])
    corners_beside(out, kps, int(cols[0]) - 1, int(cols[-1]) + 1)
    return out, kps


def drop_crew_inside(image: np.ndarray, mask: np.ndarray, kps: dict[str, np.ndarray]):
    """A crew neck's inside back, not in shadow (a white tee's): cut down to its front collar.

    The front collar's top edge is a round arc from one neck corner to the other; it is found as the
    arc (of the depths a crew neck has) along which the photo's lightness changes most sharply, far
    more than along the others. Returns (mask, key points), unchanged without a clear one.
    """
    xr, xl = float(kps["neck_right"][0]), float(kps["neck_left"][0])
    half = (xl - xr) / 2
    if half < 8:
        return mask, kps
    cx, yc = (xl + xr) / 2, (float(kps["neck_right"][1]) + float(kps["neck_left"][1])) / 2
    if float(kps["neck_front"][1]) - yc > CREW_FLAT * 2 * half:
        return mask, kps  # (the front of the neckline is already below the corners: it was found)
    x0, x1 = int(np.ceil(xr)), int(np.floor(xl)) + 1
    y0, y1 = max(0, int(yc) - 4), min(mask.shape[0], int(yc + CREW_DEEPEST * 2 * half) + 6)
    if y1 - y0 < 8:
        return mask, kps
    box = (slice(y0, y1), slice(x0, x1))
    light = cv2.cvtColor(np.ascontiguousarray(image[box]), cv2.COLOR_RGB2LAB)[..., 0].astype(np.float32)
    light = cv2.GaussianBlur(light, (0, 0), 1.5)
    # (The largest vertical change within a few pixels: the arc is only an approximation of the edge.)
    change = cv2.dilate(np.abs(cv2.Sobel(light, cv2.CV_32F, 0, 1, ksize=3)) / 4, np.ones((5, 1), np.uint8))
    xs = np.arange(x0, x1)
    u = (xs - cx) / half
    inner = np.abs(u) < 0.85  # (near the corners every arc meets the outline)
    arc = np.sqrt(np.clip(1 - u * u, 0, 1))
    depths = np.arange(0.1, CREW_DEEPEST + 0.001, 0.01) * 2 * half
    scores = []
    for d in depths:
        ys = np.round(yc + d * arc[inner]).astype(int) - y0
        ok = (ys >= 0) & (ys < y1 - y0)
        scores.append(float(np.median(change[ys[ok], (xs[inner] - x0)[ok]])) if ok.sum() > 4 else 0.0)
    scores = np.array(scores)
    best = int(np.argmax(scores))
    d = float(depths[best])
    if not (scores[best] >= CREW_EDGE and scores[best] >= CREW_PEAK * max(float(np.median(scores)), 0.5)
            and d <= CREW_DEPTH * 2 * half):  # fmt: skip
        return mask, kps
    return _cut_arc(mask, kps, d)


def drop_inside_above_label(mask: np.ndarray, kps: dict[str, np.ndarray], found: np.ndarray | None):
    """A crew neck's inside back that no detector found, but whose label shows: cut down to below it.

    A brand label is sewn on the inside of the back, under the back collar: where one shows between the
    neck's corners, the inside of the back does too, down to the front collar, which is below the label
    (its edge too faint to be found: black on black, white on white). The cut is a crew's round arc
    from one neck corner to the other, just below the label. Returns (mask, key points), unchanged
    without a label there (`found`: the label's pixels, by `find_label`, or None).
    """
    xr, xl = float(kps["neck_right"][0]), float(kps["neck_left"][0])
    width = xl - xr
    if width < 16:
        return mask, kps
    if found is None:
        return mask, kps
    yc = (float(kps["neck_right"][1]) + float(kps["neck_left"][1])) / 2
    ys, xs = np.nonzero(found)
    if abs(xs.mean() - (xl + xr) / 2) > LABEL_OFF_CENTRE * width or ys.min() < yc:
        return mask, kps  # (not between the neck's corners under the back collar: a print)
    d = float(ys.max() - yc) + LABEL_MARGIN * width
    if d > LABEL_DEEPEST * width:
        return mask, kps  # (a crew's front is not that deep: a print on the front)
    return _cut_arc(mask, kps, d)


def _cut_arc(mask: np.ndarray, kps: dict[str, np.ndarray], d: float):
    """The mask above a round arc from one neck corner to the other, `d` deep at its centre, cut out;
    the front of the neckline at its bottom: (mask, key points)."""
    xr, xl = float(kps["neck_right"][0]), float(kps["neck_left"][0])
    cx, half = (xl + xr) / 2, (xl - xr) / 2
    yc = (float(kps["neck_right"][1]) + float(kps["neck_left"][1])) / 2
    xs = np.arange(int(np.ceil(xr)), int(np.floor(xl)) + 1)
    arc = np.sqrt(np.clip(1 - ((xs - cx) / half) ** 2, 0, 1))
    out = mask.copy()
    for x, a in zip(xs, arc, strict=True):
        out[: int(round(yc + d * a)), x] = False
    out = M.open_(out, 2)
    kps = dict(kps)
    kps["neck_front"] = np.array([cx, yc + d])
    return out, kps


LABEL_OFF_CENTRE = 0.15  # how far from the neck's centre a label's centre may be, in neck widths
LABEL_MARGIN = 0.04  # how far below the label the front collar is cut, in neck widths
LABEL_DEEPEST = 0.45  # the deepest crew front cut below a label, in neck widths


def corners_beside(mask: np.ndarray, kps: dict[str, np.ndarray], x_right: int, x_left: int) -> None:
    """The collar's corners (in place): the top of the mask in the columns where a cut opening ends."""
    for name, x in (("neck_right", x_right), ("neck_left", x_left)):
        rows = np.nonzero(mask[:, x])[0] if 0 <= x < mask.shape[1] else []
        if len(rows):
            kps[name] = np.array([float(x), float(rows[0])])


CREW_FLAT = 0.12  # a top outline whose centre dips less (in neck widths) shows the inside of the back
CREW_DEEPEST = 0.7  # the deepest arc looked at, in neck widths
CREW_DEPTH = 0.45  # the deepest a crew neck's front collar is, in neck widths (deeper arcs are a print's)
CREW_EDGE = 3.0  # the least lightness change per pixel along the front collar's edge
CREW_PEAK = 4.0  # how much more it changes along it than along a typical arc


def smooth_collar(mask: np.ndarray, kps: dict[str, np.ndarray]) -> np.ndarray:
    """The top outline between the shoulders without its small bumps (a returned copy).

    Ribbing, a white collar on a white backdrop, the inside's edge: the mask's top edge is ragged by a
    few pixels, and worn, that is the neckline beside the neck. The top row of each column is smoothed
    (`_smooth_edge`), only where it moves by a few pixels: a strap's or a collar's real steps stay.
    """
    x0 = int(max(0, min(kps["right_shoulder"][0], kps["left_shoulder"][0])))
    x1 = int(min(mask.shape[1] - 1, max(kps["right_shoulder"][0], kps["left_shoulder"][0])))
    span = x1 - x0
    if span < 20:
        return mask
    part = mask[:, x0 : x1 + 1]
    has = part.any(axis=0)
    if not has.all():
        return mask
    top = np.argmax(part, axis=0)
    smooth = _smooth_edge(top, span, median=COLLAR_MEDIAN, blur=COLLAR_BLUR)
    small = np.abs(smooth - top) <= max(1, int(COLLAR_REACH * span))
    out = mask.copy()
    cols = np.arange(x0, x1 + 1)[small]
    lo, hi = np.minimum(top, smooth)[small], np.maximum(top, smooth)[small]
    if not len(cols) or hi.max() <= lo.min():
        return out
    y0, y1 = int(lo.min()), int(hi.max())  # (only the rows that can change)
    rows = np.arange(y0, y1)[:, None]
    band = (rows >= lo[None, :]) & (rows < hi[None, :])
    # (Above the smoothed edge the bumps go; below it the dips fill: each column's band of change.)
    out[y0:y1, cols] = np.where(band, rows >= smooth[small][None, :], out[y0:y1, cols])
    return out


COLLAR_MEDIAN = 0.03  # the running median's window along the top outline, in shoulder spans
COLLAR_BLUR = 0.0  # no blur after it: it would lower a strap's top and ruffle the outline beside it
COLLAR_REACH = 0.03  # the most a column's top moves, in shoulder spans (more is a strap or a collar's step)


def _smooth_edge(lowest: np.ndarray, width: int, median: float = 0.08, blur: float = 0.015) -> np.ndarray:
    """An edge given as a row per column (the inside's lowest rows: the front neckline) without the ragged
    steps of a colour threshold: a running median over `median` x `width` columns (which keeps a V's
    point), then a blur of `blur` x `width`."""
    k = max(1, int(median * width)) | 1
    if len(lowest) <= k:
        return lowest
    padded = np.pad(lowest.astype(np.float32), k // 2, mode="edge")
    median = np.median(np.lib.stride_tricks.sliding_window_view(padded, k), axis=1)
    if blur <= 0:
        return np.round(median).astype(int)
    sigma = max(0.5, blur * width)
    taps = np.exp(-0.5 * (np.arange(-int(3 * sigma), int(3 * sigma) + 1) / sigma) ** 2)
    smooth = np.convolve(np.pad(median, len(taps) // 2, mode="edge"), taps / taps.sum(), mode="valid")
    return np.round(smooth).astype(int)


def _grow_inside(lab: np.ndarray, zone: np.ndarray, seed: np.ndarray, depth: int) -> np.ndarray:
    """The whole inside of the back, grown from its darkest part (all in the zone's box).

    In a deep V the inside is lit unevenly: only its upper part, under the back collar, is dark
    enough to be found; below it the same smooth lining continues down to the V's point. It is
    taken in as far as it keeps the seed's colour, unless that leaks out of the zone's bottom
    (then the front has the inside's colour and the seed alone is safer).
    """
    ref = np.median(lab[seed], axis=0)
    near = zone & (np.linalg.norm(lab - ref, axis=-1) < INSIDE_TOLERANCE)
    near = M.open_(near, 2)
    grown = M.components_touching(near, seed) | seed
    rows = np.nonzero(grown.any(axis=1))[0]
    if rows[-1] >= min(depth, zone.shape[0]) - 2 or grown.sum() > 0.45 * zone.sum():
        return seed
    return M.fill_holes(grown)


INSIDE_DARKER = 22  # how much darker than the main fabric (Lab lightness) the inside's shadow is
INSIDE_HUE = 14  # how far off the fabric's hue (Lab a, b) it may be
INSIDE_TOLERANCE = 16.0  # Lab distance to the seed's median colour that is still the inside
