"""Painting filled limbs: the cross-section of the same limb where the photo shows it bare, carried
along the limb's line; without one, a limb shaded round."""

from __future__ import annotations

import numpy as np

from tryon import masks as M
from tryon.compose.limbs import KNEE_RADIUS, arm_line, leg_line
from tryon.perception import BodyAnalysis
from tryon.perception.estimate import ARM_RADIUS


def _shade_round(out: np.ndarray, ys: np.ndarray, xs: np.ndarray, u: np.ndarray, nx: np.ndarray,
                 weight: np.ndarray, light: float = 0.0) -> None:  # fmt: skip
    """Shade filled limb pixels (in place) as a lit cylinder: `u` is the offset across the limb (-1..1),
    `nx` how much that offset points to the image's right (-1..1), `weight` how fully (0..1) each pixel
    takes the shading, `light` the light's angle from the front (radians, > 0 from the image's right).

    A fill continued from the skin around is one flat tone; an arm drawn that way reads as a strip
    pasted on. Seen from the front, a limb's surface turns away towards its sides and darkens, more on
    the side away from the light.
    """
    facing = u * nx * np.sin(light) + np.sqrt(np.clip(1 - u * u, 0.0, 1.0)) * np.cos(light)
    brightest = np.sqrt((nx * np.sin(light)) ** 2 + np.cos(light) ** 2)
    shade = LIMB_AMBIENT + (1 - LIMB_AMBIENT) * np.clip(facing, 0.0, None) / np.maximum(brightest, 1e-6)
    out[ys, xs] *= (1 - weight * (1 - shade))[:, None]


def _light_angle(image: np.ndarray, body: BodyAnalysis) -> float:
    """The key light's angle from the front (radians, > 0 from the image's right), from how much
    brighter one half of the face is than the other; 0 without a face."""
    if body.face_box is None:
        return 0.0
    h, w = body.size
    x0, y0, x1, y1 = body.face_box
    box = (slice(max(0, int(y0)), min(h, int(y1) + 1)), slice(max(0, int(x0)), min(w, int(x1) + 1)))
    face = body.face[box] > 0.5
    right = face & (np.arange(box[1].start, box[1].stop)[None, :] >= (x0 + x1) / 2)
    left = face & ~right
    if right.sum() < 20 or left.sum() < 20:
        return 0.0
    light = image[box].mean(axis=-1)
    r, l_ = float(light[right].mean()), float(light[left].mean())
    return float(np.clip(LIGHT_GAIN * (r - l_) / max(r + l_, 1.0), -LIGHT_MAX, LIGHT_MAX))


LIGHT_GAIN = 4.0  # radians of light angle per unit of the face's half-to-half contrast
LIGHT_MAX = 0.8  # the most the light is taken to come from a side (radians)
LIMB_AMBIENT = 0.65  # a limb's brightness where it turns away from the light, relative to where it faces it


def _limb_lines(body: BodyAnalysis, category: str, radii: dict[str, float]):
    """Each limb's centre line and half-widths at its points (as `body_shape` draws them)."""
    sk, S = body.skeleton, body.skeleton.shoulder_width
    for side in ("left", "right"):
        r = radii.get(side, ARM_RADIUS * S)
        yield arm_line(body, side, radii), [1.2 * r, r, 0.85 * r]
        if category != "upper":
            k = radii.get(f"{side}_leg", KNEE_RADIUS * S)
            yield leg_line(sk, side, k, radii.get(f"{side}_leg_shift", 0.0))


def _along(points: np.ndarray, line: list[np.ndarray], widths: list[float]):
    """For pixels (N, 2) as (x, y): position along the polyline (arc length), and the offset across
    it relative to the half-width there (-1 .. 1 inside the limb)."""
    best_d = np.full(len(points), np.inf)
    t_out = np.zeros(len(points))
    u_out = np.zeros(len(points))
    nx_out = np.zeros(len(points))
    start = 0.0
    for (a, b), (ra, rb) in zip(zip(line[:-1], line[1:], strict=False), zip(widths[:-1], widths[1:], strict=False),
                                strict=False):  # fmt: skip
        a, b = np.asarray(a, float), np.asarray(b, float)
        seg = b - a
        length = max(float(np.linalg.norm(seg)), 1e-6)
        axis = seg / length
        normal = np.array([-axis[1], axis[0]])
        rel = points - a
        t = np.clip(rel @ axis, 0, length)
        across = rel @ normal
        along_err = rel @ axis - t
        d = np.hypot(across, along_err)
        better = d < best_d
        r = ra + (rb - ra) * (t / length)
        best_d[better] = d[better]
        t_out[better] = start + t[better]
        u_out[better] = across[better] / np.maximum(r[better], 1.0)
        nx_out[better] = normal[0]
        start += length
    return t_out, u_out, nx_out


def extrude_limbs(out: np.ndarray, body: BodyAnalysis, fill: np.ndarray, bare: np.ndarray, category: str,
                   radii: dict[str, float], soft_edge: float, depth: np.ndarray) -> np.ndarray:  # fmt: skip
    """Paint filled limb pixels with the limb's nearest bare cross-section, carried along its line.

    Without one, shade them round, lit from the side the face is lit from, fully where `depth` (0 at
    the skin the fill continues) reaches 1."""
    S = body.skeleton.shoulder_width
    bins = 15
    inner = M.erode(bare, max(1, int(round(2 * soft_edge))))
    light = _light_angle(out, body)
    for line, widths in _limb_lines(body, category, radii):
        band = M.tapered_band(body.size, line, widths)
        target = fill & band
        if target.sum() < 30:
            continue
        ty, tx = np.nonzero(target)
        t_fill, u_fill, nx_fill = _along(np.stack([tx, ty], 1).astype(float), line, widths)
        # (Inside the bare limb's outline: the outline's pixels are mixed with the backdrop and gave the
        # filled limb pale grey sides.)
        seen = inner & band
        if seen.sum() < 30:
            # Nothing of this limb bare in the photo: it is at least round, darker towards its sides.
            _shade_round(out, ty, tx, u_fill, nx_fill, depth[ty, tx], light)
            continue
        sy, sx = np.nonzero(seen)
        t_seen, u_seen, _ = _along(np.stack([sx, sy], 1).astype(float), line, widths)
        # The bare stretch nearest (along the limb) to the filled one: a short slice of it, a little
        # into it (right at the old garment's edge the skin is in its shadow).
        # (On either side of the filled stretch; the side whose slice shows more of the limb.)
        t_mid = float(np.median(t_fill))
        near = np.zeros(len(t_seen), bool)
        for inward in (1.0, -1.0):
            side = t_seen[(t_seen - t_mid) * inward > 0]
            if len(side):
                nearest = side[np.argmin(np.abs(side - t_mid))]
                candidate = np.abs(t_seen - (nearest + inward * 0.2 * S)) < 0.1 * S
                if candidate.sum() > near.sum():
                    near = candidate
        if near.sum() < 20:
            _shade_round(out, ty, tx, u_fill, nx_fill, depth[ty, tx], light)
            continue
        # Its profile across the limb (mean colour per band of relative offset).
        idx = np.clip(((u_seen[near] + 1) / 2 * bins).astype(int), 0, bins - 1)
        colours = out[sy[near], sx[near]]
        counts = np.bincount(idx, minlength=bins)
        if (counts > 0).sum() < bins // 2:
            continue
        profile = np.stack([np.bincount(idx, weights=colours[:, c], minlength=bins) for c in range(3)], 1)
        have = counts > 0
        profile[have] /= counts[have, None]
        # Bands the bare slice does not show take the nearest band that it does.
        known = np.nonzero(have)[0]
        for i in np.nonzero(~have)[0]:
            profile[i] = profile[known[np.argmin(np.abs(known - i))]]
        # A limb's shading across is smooth, a cylinder's lit from one side: a quadratic fitted to the bands
        # (a vein or a highlight in the slice, carried along the limb, drew a stripe down it; and read
        # between the bands: in steps, 15 bands drew a fluted limb).
        centres = (np.arange(bins) + 0.5) / bins * 2 - 1
        if have.sum() >= 3:
            basis = np.stack([np.ones(bins), centres, centres**2], 1)
            weight = np.sqrt(counts.astype(np.float64))[:, None]
            coef, *_ = np.linalg.lstsq(basis[have] * weight[have], profile[have] * weight[have], rcond=None)
            fitted = basis @ coef
            # (Outside the bands the slice shows, the fit's ends stay within the colours it does show.)
            profile = np.clip(fitted, profile[have].min(axis=0), profile[have].max(axis=0))
        inside = np.abs(u_fill) <= 1.0
        pos = np.clip((u_fill[inside] + 1) / 2 * bins - 0.5, 0, bins - 1)
        lo = np.floor(pos).astype(int)
        hi = np.minimum(lo + 1, bins - 1)
        frac = (pos - lo)[:, None]
        region = np.zeros(body.size, bool)
        region[ty[inside], tx[inside]] = True
        win = M.bounding_window(region, reach=int(3 * soft_edge) + 2)
        if win is None:
            continue
        painted = out[win].copy()
        painted[ty[inside] - win[0].start, tx[inside] - win[1].start] = profile[lo] * (1 - frac) + profile[hi] * frac
        # (Coming in from the seam with the bare skin it continues: right at an old hem the skin is in
        # its shadow, and the slice's tone, taken further in, drew a step across the leg there.)
        soft = (M.feather(region[win], soft_edge) * region[win] * depth[win])[..., None]
        out[win] = out[win] * (1 - soft) + painted * soft
    return out
