"""A V-neck's inside back in the light, seen down to the V's point in a product photo.

The shadow under the back collar (`inside_back`) is not there when the inside is lit (a print's, a
lining's): the inside is found by the V's two straight front edges instead, from the neck's corners
to its point, by the change across them (`drop_v_inside`), or, on a pattern that changes everywhere
(stripes), by the inside's lightest parts being greyer than the front's (`drop_shaded_v_inside`).
"""

from __future__ import annotations

import cv2
import numpy as np

from tryon import masks as M
from tryon.garment.inside_back import corners_beside


def drop_v_inside(image: np.ndarray, mask: np.ndarray, kps: dict[str, np.ndarray]):
    """A V-neck's inside back not in shadow (a print's, a lit lining's): cut down to the V's front edges.

    The front's two edges run straight from the neck's sides to the V's point, and the photo changes
    across them all along (the inside's colour against the front's) with its edges running along them.
    Every V (where each edge starts below the collar's corners, where the point is) is scored by the
    weaker edge's median colour change across it; the sharpest V that is deep (a crew neck's front is
    shallow) and along whose edges the photo's own edges run (a print's curves do not) is cut if it
    changes far more sharply than the typical V (the fabric's own texture). Returns (mask, key points),
    unchanged without such a V.
    """
    span = _neck_span(kps)
    if span is None:
        return mask, kps
    xr, xl, width, yc, cx = span
    h, w = mask.shape
    y0, y1 = max(0, int(yc) - 4), min(h, int(yc + V_DEEPEST * width) + 12)
    x0, x1 = max(0, int(xr - 0.1 * width)), min(w, int(xl + 0.1 * width) + 1)
    if y1 - y0 < 16:
        return mask, kps
    box = (slice(y0, y1), slice(x0, x1))
    lab = cv2.GaussianBlur(cv2.cvtColor(np.ascontiguousarray(image[box]), cv2.COLOR_RGB2LAB).astype(np.float32),
                           (0, 0), 1.5)  # fmt: skip
    inside_mask = mask[box]
    offsets = np.array([2.0, 4.0, 6.0]) * max(1.0, width / 200)

    def edges(starts, shifts, depths):
        """Each V's two edges: their points (N, 2 sides, T, 2) and outward normals (N, 2, 2)."""
        s, dx, f = (a.ravel() for a in np.meshgrid(starts, shifts, depths, indexing="ij"))
        bottom = np.stack([cx + dx * width, yc + f * width], axis=-1)
        points, normals = [], []
        for sx, outward in ((xr, -1.0), (xl, 1.0)):
            start = np.stack([np.full_like(s, sx), yc + s * width], axis=-1)
            d = bottom - start
            u = d / np.maximum(np.linalg.norm(d, axis=-1, keepdims=True), 1e-6)
            n = np.stack([-u[:, 1], u[:, 0]], axis=-1)
            normals.append(n * np.where(n[:, 0] * outward < 0, -1.0, 1.0)[:, None])
            points.append(start[:, None] + V_ALONG[None, :, None] * d[:, None])
        return s, dx, f, np.stack(points, axis=1), np.stack(normals, axis=1)

    def change(points, normals):
        """The weaker edge's median colour change across it, and whether both edges lie on the garment."""
        step = offsets[None, None, None, :, None] * normals[:, :, None, None, :]
        ok_out, c_out = _sample(inside_mask, lab, points[:, :, :, None] + step, x0, y0)
        ok_in, c_in = _sample(inside_mask, lab, points[:, :, :, None] - step, x0, y0)
        valid = (ok_out.mean(axis=(2, 3)) > 0.9).all(axis=1) & (ok_in.mean(axis=(2, 3)) > 0.9).all(axis=1)
        across = np.median(np.linalg.norm(c_out.mean(axis=3) - c_in.mean(axis=3), axis=-1), axis=2)
        return across.min(axis=1), valid & (points[:, 0, -1, 1] < y1 - 4)

    s, dx, f, points, normals = edges(np.arange(0, V_LOWEST_START + 0.001, 0.1),
                                      np.arange(-V_ASKEW, V_ASKEW + 0.001, 0.05),
                                      np.arange(0.3, V_DEEPEST + 0.001, 0.1))  # fmt: skip
    score, valid = change(points, normals)
    if valid.sum() < 10:
        return mask, kps
    typical = max(float(np.median(score[valid])), 0.5)
    i = int(np.argmax(np.where(valid, score, -1)))
    if score[i] < 0.8 * max(V_EDGE, V_PEAK * typical):
        return mask, kps  # (not near: the finer grid below moves it by a little only)
    s, dx, f, points, normals = edges(s[i] + np.arange(-0.05, 0.051, 0.025), dx[i] + np.arange(-0.04, 0.041, 0.02),
                                      f[i] + np.arange(-0.08, 0.081, 0.02))  # fmt: skip
    score, valid = change(points, normals)
    # (The sharpest of those whose edges the photo's own edges run along: the sharpest alone may be a
    # few pixels off a slanting edge, or run on through a wrap's crossing below its point.)
    aligned = _aligned(_structure(lab), points - np.array([x0, y0]), normals)
    ok = valid & (f >= V_SHALLOWEST) & (aligned >= V_ALIGNED)
    i = int(np.argmax(np.where(ok, score, -1)))
    if not (ok[i] and score[i] >= max(V_EDGE, V_PEAK * typical)):
        return mask, kps
    return _cut_v(mask, kps, cx + dx[i] * width, yc + f[i] * width, yc + s[i] * width)


def drop_shaded_v_inside(image: np.ndarray, mask: np.ndarray, kps: dict[str, np.ndarray]):
    """A V-neck's inside back in shade on a pattern (stripes): cut down to the V's front edges.

    Across a line through stripes the colour changes everywhere, so the V's edges are not sharper than
    any other line. What tells the inside is its light: none of its pixels is as light as the front's
    lightest (a white stripe in shade is grey), while beside the V, on both sides, many are. Every V is
    scored by the share of such light pixels in bands beside its edges less three times their share
    inside it; the best V is cut when its inside has almost none and both bands many. Returns (mask,
    key points), unchanged without such a V.
    """
    span = _neck_span(kps)
    if span is None:
        return mask, kps
    xr, xl, width, yc, cx = span
    h, w = mask.shape
    band = SHADED_V_BAND * width
    y0, y1 = max(0, int(yc) - 4), min(h, int(yc + V_DEEPEST * width) + 12)
    x0, x1 = max(0, int(xr - band) - 2), min(w, int(xl + band) + 3)
    inside_box = mask[y0:y1, x0:x1]
    if inside_box.sum() < 100:
        return mask, kps
    light = cv2.cvtColor(np.ascontiguousarray(image[y0:y1, x0:x1]), cv2.COLOR_RGB2LAB)[..., 0]
    lightest = (light > np.percentile(light[inside_box], 80) - SHADED_V_MARGIN) & inside_box
    # (Most necks are not such a V: the front lit just below the collar, a dark garment's all alike, or
    # an opening with nothing of the garment in it.)
    below = (slice(int(yc + 0.15 * width) - y0, int(yc + 0.45 * width) - y0),
             slice(int(cx - 0.1 * width) - x0, int(cx + 0.1 * width) - x0))  # fmt: skip
    garment = inside_box[below]
    if garment.size == 0 or garment.mean() < 0.8 or lightest[below].sum() > 3 * SHADED_V_INSIDE * garment.sum():
        return mask, kps
    # Counts along each row by prefix sums: any span's count is a difference of two.
    zero = np.zeros((light.shape[0], 1), np.int32)
    n_light = np.hstack([zero, np.cumsum(lightest, axis=1, dtype=np.int32)])
    n_garment = np.hstack([zero, np.cumsum(inside_box, axis=1, dtype=np.int32)])
    rows = np.arange(0, y1 - y0, max(1, int(width / 60)))

    def score(s, dx, f):
        """Each V's score and its light shares inside and beside it (the lesser side's)."""
        bx, by, ys = cx + dx * width, yc + f * width, yc + s * width
        t = (rows[None, :] + y0 - ys[:, None]) / (by - ys)[:, None]
        on = (t >= 0) & (t <= 1)
        a = xr + t * (bx - xr)[:, None] - x0
        b = xl + t * (bx - xl)[:, None] - x0
        r = np.broadcast_to(rows[None, :], a.shape)

        def count(sums, lo, hi):
            lo = np.clip(np.round(lo), 0, sums.shape[1] - 1).astype(int)
            hi = np.clip(np.round(hi), 0, sums.shape[1] - 1).astype(int)
            return np.where(on, sums[r, np.maximum(hi, lo)] - sums[r, lo], 0).sum(axis=1)

        between = np.where(on, np.round(b) - np.round(a), 0).sum(axis=1)  # (the V's own pixels)
        inner, inner_light = count(n_garment, a, b), count(n_light, a, b)
        sides = [(count(n_garment, lo, hi), count(n_light, lo, hi)) for lo, hi in ((a - band, a), (b, b + band))]
        full = on.sum(axis=1) * band
        valid = (inner > 0.5 * between) & (by < y1 - 2) & np.all([g > 0.8 * full for g, _ in sides], axis=0)
        inside = inner_light / np.maximum(inner, 1)
        beside = np.minimum(*[n / np.maximum(g, 1) for g, n in sides])
        return np.where(valid, beside - SHADED_V_PENALTY * inside, -np.inf), inside, beside

    def grid(starts, shifts, depths):
        return (a.ravel() for a in np.meshgrid(starts, shifts, depths, indexing="ij"))

    s, dx, f = grid(np.arange(0, V_LOWEST_START + 0.001, 0.1), np.arange(-V_ASKEW, V_ASKEW + 0.001, 0.05),
                    np.arange(V_SHALLOWEST, V_DEEPEST + 0.001, 0.1))  # fmt: skip
    i = int(np.argmax(score(s, dx, f)[0]))
    s, dx, f = grid(s[i] + np.arange(-0.05, 0.051, 0.025), dx[i] + np.arange(-0.04, 0.041, 0.02),
                    f[i] + np.arange(-0.075, 0.076, 0.025))  # fmt: skip
    keep = (s >= 0) & (s <= V_LOWEST_START + 1e-6) & (np.abs(dx) <= V_ASKEW + 1e-6) & (f >= V_SHALLOWEST - 1e-6)
    value, inside, beside = score(s[keep], dx[keep], f[keep])
    if not len(value):
        return mask, kps
    i = int(np.argmax(value))
    if not (inside[i] <= SHADED_V_INSIDE and beside[i] >= SHADED_V_BESIDE):
        return mask, kps
    s, dx, f = s[keep][i], dx[keep][i], f[keep][i]
    return _cut_v(mask, kps, cx + dx * width, yc + f * width, yc + s * width)


def _neck_span(kps: dict[str, np.ndarray]) -> tuple[float, float, float, float, float] | None:
    """The neck's corners' columns (right, left), the width between them, their mean row and the centre
    column; None when the corners are too close for a V."""
    xr, xl = float(kps["neck_right"][0]), float(kps["neck_left"][0])
    if xl - xr < 16:
        return None
    return xr, xl, xl - xr, (float(kps["neck_right"][1]) + float(kps["neck_left"][1])) / 2, (xl + xr) / 2


def _cut_v(mask: np.ndarray, kps: dict[str, np.ndarray], bx: float, by: float, ys: float):
    """The mask above the V from the collar's corners (at row `ys`) to its point (bx, by) cut away."""
    xr, xl = float(kps["neck_right"][0]), float(kps["neck_left"][0])
    out = mask.copy()
    for x in range(int(np.ceil(xr)), int(np.floor(xl)) + 1):
        a = (x - xr) / max(bx - xr, 1e-6) if x <= bx else (xl - x) / max(xl - bx, 1e-6)
        out[: int(round(ys + a * (by - ys))), x] = False
    out = M.open_(out, 2)
    kps = dict(kps)
    kps["neck_front"] = np.array([bx, by])
    corners_beside(out, kps, int(np.ceil(xr)) - 1, int(np.floor(xl)) + 1)
    return out, kps


def _structure(lab: np.ndarray) -> np.ndarray:
    """The colour structure tensor (xx, xy, yy) of a Lab image: its edges' strength and direction."""
    gx = [cv2.Sobel(lab[..., c], cv2.CV_32F, 1, 0, ksize=3) for c in range(3)]
    gy = [cv2.Sobel(lab[..., c], cv2.CV_32F, 0, 1, ksize=3) for c in range(3)]
    xx = cv2.GaussianBlur(sum(a * a for a in gx), (0, 0), 1.0)
    xy = cv2.GaussianBlur(sum(a * b for a, b in zip(gx, gy, strict=True)), (0, 0), 1.0)
    yy = cv2.GaussianBlur(sum(b * b for b in gy), (0, 0), 1.0)
    return np.stack([xx, xy, yy], axis=-1)


def _aligned(tensor: np.ndarray, points: np.ndarray, normals: np.ndarray) -> np.ndarray:
    """Each V's share of its weaker edge along which the photo's edges run along it (points (N, 2, T, 2)
    and normals (N, 2, 2) in the box's coordinates): where the structure tensor's energy lies across it."""
    everywhere = np.ones(tensor.shape[:2], bool)
    n = normals[:, :, None, :]
    best = np.zeros(points.shape[:-1])
    for o in (-2.0, 0.0, 2.0):  # (the straight edge is within a few pixels of the photo's)
        _, t = _sample(everywhere, tensor, points + o * n, 0, 0)
        across = t[..., 0] * n[..., 0] ** 2 + 2 * t[..., 1] * n[..., 0] * n[..., 1] + t[..., 2] * n[..., 1] ** 2
        total = t[..., 0] + t[..., 2]
        best = np.maximum(best, np.where(total > V_GRADIENT, across / np.maximum(total, 1e-6), 0.0))
    return (best > 0.8).mean(axis=-1).min(axis=-1)


def _sample(mask: np.ndarray, values: np.ndarray, points: np.ndarray, x0: int, y0: int):
    """Nearest-pixel samples of a box's mask and values at points (..., 2) given in the photo's coordinates."""
    h, w = mask.shape
    ix = np.clip(np.round(points[..., 0] - x0).astype(int), 0, w - 1)
    iy = np.clip(np.round(points[..., 1] - y0).astype(int), 0, h - 1)
    return mask[iy, ix], values[iy, ix]


V_ALONG = np.linspace(0.12, 0.88, 14)  # where along each edge the change across it is measured
V_DEEPEST = 1.6  # the deepest V looked for, in neck widths (corner to corner)
V_SHALLOWEST = 0.6  # a V cut is at least this deep, in neck widths (a crew neck's front is shallower)
V_LOWEST_START = 0.4  # how far below the collar's corners an edge of the V may start, in neck widths
V_ASKEW = 0.15  # how far off the centre the V's point may be, in neck widths (a wrap's is)
V_EDGE = 10.0  # the least median colour change across each edge (Lab units)
V_PEAK = 3.5  # how much more than across the typical V
V_ALIGNED = 0.6  # the least share of each edge along which the photo's edges run along it
V_GRADIENT = 200.0  # the structure tensor's least trace for an edge to have a direction
SHADED_V_BAND = 0.12  # the width of the bands beside a V's edges whose light is compared, in neck widths
SHADED_V_MARGIN = 12  # a pixel is as light as the front's lightest within this of its 80th percentile (Lab L)
SHADED_V_PENALTY = 3.0  # how much the light inside a V counts against it
SHADED_V_INSIDE = 0.02  # the most share of light pixels inside a shaded V
SHADED_V_BESIDE = 0.35  # the least share of light pixels beside each of its edges
