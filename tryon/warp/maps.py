"""Backward maps: for every output pixel, where to sample the garment photo.

Two kinds, both evaluated on the person photo's pixel grid and applied with ``cv2.remap``:

* a thin-plate spline through matching key points (the garment's body: neckline, shoulders,
  armpits, hem), fitted from person points to garment points so it can be sampled directly;
* a limb strip: a sleeve or trouser leg is a strip around its centre line, and each output
  pixel near the arm (or leg) polyline is located by its distance along the limb and across
  it, then found at the same place along the garment's sleeve axis. That is how a sleeve
  laid flat at 45 degrees bends with an arm that hangs down or is bent at the elbow.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

GRID_STEP = 8  # the spline is evaluated every GRID_STEP pixels and interpolated in between


def _tps_kernel(r2: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        k = r2 * np.log(r2)
    return np.nan_to_num(k)


def fit_tps(src: np.ndarray, dst: np.ndarray, regularization: float = 1e-3):
    """Thin-plate spline mapping points `src` (N, 2) onto `dst` (N, 2). Returns its parameters."""
    n = len(src)
    scale = float(np.ptp(src, axis=0).max() or 1.0)
    s = src / scale
    d2 = ((s[:, None, :] - s[None, :, :]) ** 2).sum(-1)
    K = _tps_kernel(d2) + regularization * np.eye(n)
    P = np.hstack([np.ones((n, 1)), s])
    A = np.zeros((n + 3, n + 3))
    A[:n, :n] = K
    A[:n, n:] = P
    A[n:, :n] = P.T
    b = np.zeros((n + 3, 2))
    b[:n] = dst
    coef = np.linalg.solve(A, b)
    return s, coef, scale


def tps_map(params, size: tuple[int, int], region: tuple[int, int, int, int] | None = None):
    """Evaluate a fitted spline on the pixel grid of `size` (H, W): returns (map_x, map_y) float32.

    `region` (x0, y0, x1, y1) limits the work to a box; pixels outside it map to -1 (nothing).
    """
    s, coef, scale = params
    h, w = size
    x0, y0, x1, y1 = region or (0, 0, w, h)
    gx = np.arange(x0, x1 + GRID_STEP, GRID_STEP, dtype=np.float64)
    gy = np.arange(y0, y1 + GRID_STEP, GRID_STEP, dtype=np.float64)
    X, Y = np.meshgrid(gx, gy)
    pts = np.stack([X.ravel(), Y.ravel()], 1) / scale
    d2 = ((pts[:, None, :] - s[None, :, :]) ** 2).sum(-1)
    U = _tps_kernel(d2)
    n = len(s)
    out = U @ coef[:n] + coef[n] + pts @ coef[n + 1 :]
    mx = out[:, 0].reshape(X.shape).astype(np.float32)
    my = out[:, 1].reshape(X.shape).astype(np.float32)
    bw, bh = x1 - x0, y1 - y0
    full_w = (len(gx) - 1) * GRID_STEP + 1
    full_h = (len(gy) - 1) * GRID_STEP + 1
    mx = cv2.resize(mx, (full_w, full_h), interpolation=cv2.INTER_LINEAR)[:bh, :bw]
    my = cv2.resize(my, (full_w, full_h), interpolation=cv2.INTER_LINEAR)[:bh, :bw]
    map_x = np.full((h, w), -1.0, np.float32)
    map_y = np.full((h, w), -1.0, np.float32)
    map_x[y0:y1, x0:x1] = mx
    map_y[y0:y1, x0:x1] = my
    return map_x, map_y


@dataclass(frozen=True)
class Strip:
    """A limb of the garment (sleeve, trouser leg) and where it goes on the body.

    The garment side is a straight axis from `root` to `end` with half-width `half_width`;
    the body side is a polyline (shoulder/armpit midpoint -> elbow -> wrist) that the strip
    follows for `length` pixels, `body_half_width` pixels on either side of the line.
    `outer_garment` / `outer_body` are unit vectors that say which side is the outside
    (away from the torso), so the strip is not mirrored.
    """

    root: np.ndarray
    end: np.ndarray
    half_width: float
    body_line: list[np.ndarray]
    length: float
    body_half_width: float
    outer_garment: np.ndarray
    outer_body: np.ndarray


def strip_map(strip: Strip, size: tuple[int, int]):
    """Backward map (map_x, map_y) for one limb; -1 where the limb does not reach."""
    h, w = size
    pts = np.array(strip.body_line, dtype=np.float64)
    # Cut the polyline at the limb's length.
    seg_len = np.linalg.norm(np.diff(pts, axis=0), axis=1)
    cum = np.concatenate([[0], np.cumsum(seg_len)])
    keep = [pts[0]]
    for i in range(1, len(pts)):
        if cum[i] >= strip.length:
            t = (strip.length - cum[i - 1]) / max(seg_len[i - 1], 1e-6)
            keep.append(pts[i - 1] + t * (pts[i] - pts[i - 1]))
            break
        keep.append(pts[i])
    else:
        # The limb is longer than the line: extend the last segment.
        extra = strip.length - cum[-1]
        direction = (pts[-1] - pts[-2]) / max(seg_len[-1], 1e-6)
        keep[-1] = pts[-1] + direction * extra
    line = np.array(keep)
    pad = strip.body_half_width * 1.5 + 2
    x0 = int(max(0, line[:, 0].min() - pad))
    x1 = int(min(w, line[:, 0].max() + pad))
    y0 = int(max(0, line[:, 1].min() - pad))
    y1 = int(min(h, line[:, 1].max() + pad))
    map_x = np.full((h, w), -1.0, np.float32)
    map_y = np.full((h, w), -1.0, np.float32)
    if x1 <= x0 or y1 <= y0:
        return map_x, map_y
    Y, X = np.mgrid[y0:y1, x0:x1].astype(np.float64)
    P = np.stack([X, Y], -1)
    best_d = np.full(X.shape, np.inf)
    best_t = np.zeros(X.shape)
    best_s = np.zeros(X.shape)
    offset = 0.0
    for i, (a, b) in enumerate(zip(line[:-1], line[1:], strict=False)):
        ab = b - a
        L = float(np.linalg.norm(ab))
        if L < 1e-6:
            continue
        u = ab / L
        n = np.array([-u[1], u[0]])
        if n @ strip.outer_body < 0:
            n = -n
        rel = P - a
        raw_t = rel @ u
        t = np.clip(raw_t, 0, L)
        closest = a + t[..., None] * u
        d = np.linalg.norm(P - closest, axis=-1)
        if i == 0:
            d[raw_t < 0] = np.inf  # the limb starts flat at its root (no cap above the shoulder)
        s = rel @ n
        # Past the segment's ends (the outside of a bent elbow) the nearest point is the joint: the distance
        # from it is the distance across, so the limb's outline rounds the joint (projected on the
        # segment's normal instead, it ran on straight past the joint and was cut off square).
        beyond = (raw_t < 0) | (raw_t > L)
        s = np.where(beyond, np.copysign(d, s), s)
        better = d < best_d
        best_d = np.where(better, d, best_d)
        best_t = np.where(better, offset + t, best_t)
        best_s = np.where(better, s, best_s)
        offset += L
    inside = (best_d <= strip.body_half_width * 1.2) & (best_t < strip.length - 0.5)
    axis = strip.end - strip.root
    g_len = float(np.linalg.norm(axis))
    g_u = axis / max(g_len, 1e-6)
    g_n = np.array([-g_u[1], g_u[0]])
    if g_n @ strip.outer_garment < 0:
        g_n = -g_n
    frac = best_t / max(strip.length, 1e-6)
    across = best_s / max(strip.body_half_width, 1e-6) * strip.half_width
    gx = strip.root[0] + frac * g_len * g_u[0] + across * g_n[0]
    gy = strip.root[1] + frac * g_len * g_u[1] + across * g_n[1]
    map_x[y0:y1, x0:x1] = np.where(inside, gx, -1).astype(np.float32)
    map_y[y0:y1, x0:x1] = np.where(inside, gy, -1).astype(np.float32)
    return map_x, map_y


def sample_mask(mask: np.ndarray, maps) -> np.ndarray:
    """Sample a garment mask (float32 coverage) through a backward map; 0 where the map is empty."""
    map_x, map_y = maps
    alpha = cv2.remap(mask.astype(np.float32), map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                      borderValue=0)  # fmt: skip
    np.copyto(alpha, 0.0, where=map_x < 0)
    return alpha
