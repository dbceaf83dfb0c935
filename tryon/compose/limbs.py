"""Limbs under a removed garment: where arms and legs are, how wide, and how a filled one looks.

The photo shows limbs only where the old clothes left them bare; under a removed sleeve or skirt
their shape is drawn from the skeleton at the width measured on their bare parts, and their
colour carried from the bare cross-section of the same limb.
"""

from __future__ import annotations

import cv2
import numpy as np

from tryon import masks as M
from tryon.perception import BodyAnalysis
from tryon.perception.estimate import ARM_RADIUS


def body_shape(body: BodyAnalysis, category: str, radii: dict[str, float] | None = None) -> np.ndarray:
    """Where bare body would be under clothes: torso, neck, arms (and legs), drawn from the skeleton."""
    sk = body.skeleton
    S = sk.shoulder_width
    size = body.size
    across = sk["left_shoulder"] - sk["right_shoulder"]
    across = across / np.linalg.norm(across)
    # Generous: the silhouette (intersected below) gives the real outline of shoulders and waist.
    up = np.array([across[1], -across[0]]) if across[0] >= 0 else np.array([-across[1], across[0]])
    # (Above the joints, not beside them: a corner out there drew square shoulders where a boxy old top's
    # were; the arm's round cap at the joint rounds the shoulder instead.)
    torso = np.array([
        sk["right_shoulder"] + up * 0.18 * S,
        sk["left_shoulder"] + up * 0.18 * S,
        sk["left_shoulder"] + across * 0.12 * S,
        sk["left_hip"] + across * 0.35 * S,
        sk["right_hip"] - across * 0.35 * S,
        sk["right_shoulder"] - across * 0.12 * S,
    ])  # fmt: skip
    shape = M.polygon(size, torso)
    neck_c = sk.shoulder_center
    shape |= M.band(size, [neck_c, neck_c - np.array([0, 0.45 * S])], 0.17 * S)
    for side in ("left", "right"):
        arm = arm_line(body, side, radii or {})
        r = radii[side] if radii else limb_radius(body, arm)
        # An upper arm is thicker at the shoulder (the deltoid) than at the elbow.
        shape |= M.tapered_band(size, arm, [1.2 * r, r, 0.85 * r])
        if category != "upper":
            # Legs taper: thigh, knee, ankle (shoulder widths measured on the full-body photos).
            shape |= leg_shape(
                body, side, (radii or {}).get(f"{side}_leg"), (radii or {}).get(f"{side}_leg_shift", 0.0)
            )
    return shape & (body.person > 0.5)


def arm_radii(body: BodyAnalysis, legs: bool = False) -> dict[str, float]:
    """Each arm's half-width (see `limb_radius`), measured once per photo; with `legs`, each leg's
    half-width at the knee too (keys `left_leg`, `right_leg`), measured on the bare calf, and how far
    the bare calf's centre lies across from the skeleton's line (`left_leg_shift`, `right_leg_shift`)."""
    sk = body.skeleton
    radii = {side: limb_radius(body, [sk[f"{side}_shoulder"], sk[f"{side}_elbow"], sk[f"{side}_wrist"]])
             for side in ("left", "right")}  # fmt: skip
    for side in ("left", "right"):
        # (Where the arm shows bare: its centre, as the legs' below.)
        for part, (a, b) in (("upper", ("shoulder", "elbow")), ("fore", ("elbow", "wrist"))):
            radii[f"{side}_{part}arm_shift"] = bare_shift(body, [sk[f"{side}_{a}"], sk[f"{side}_{b}"]], radii[side])
    if legs:
        for side in ("left", "right"):
            calf = [sk[f"{side}_knee"], sk[f"{side}_ankle"]]
            radii[f"{side}_leg"] = limb_radius(body, calf, KNEE_RADIUS * body.skeleton.shoulder_width)
            radii[f"{side}_leg_shift"] = bare_shift(body, calf, radii[f"{side}_leg"])
    return radii


def arm_line(body: BodyAnalysis, side: str, measures: dict[str, float]) -> list[np.ndarray]:
    """An arm's centre line (shoulder, elbow, wrist), moved across to the bare arm's centre where the
    photo shows it (`arm_radii`'s shifts; an upper arm in a sleeve takes its forearm's)."""
    sk = body.skeleton
    points = [np.asarray(sk[f"{side}_{j}"], float) for j in ("shoulder", "elbow", "wrist")]
    upper = measures.get(f"{side}_upperarm_shift", 0.0)
    fore = measures.get(f"{side}_forearm_shift", 0.0)
    upper = upper if upper else fore
    fore = fore if fore else upper
    if not (upper or fore):
        return points
    moved = []
    for (a, b), shift in ((points[:2], upper), (points[1:], fore)):
        axis = (b - a) / max(float(np.linalg.norm(b - a)), 1e-6)
        moved.append(np.array([-axis[1], axis[0]]) * shift)
    return [points[0] + moved[0], points[1] + (moved[0] + moved[1]) / 2, points[2] + moved[1]]


def bare_shift(body: BodyAnalysis, line: list[np.ndarray], radius: float) -> float:
    """How far (pixels, signed along the line's normal) the bare limb's centre lies from the skeleton's
    line, measured across the limb where the photo shows it bare; 0 where it does not.

    Pose key points sit a little inside a limb's silhouette: a leg filled on the skeleton's line above
    a bare calf met it with a step at the old hem.
    """
    a, b = np.asarray(line[0], float), np.asarray(line[-1], float)
    length = float(np.linalg.norm(b - a))
    if length < 4:
        return 0.0
    axis = (b - a) / length
    normal = np.array([-axis[1], axis[0]])
    h, w = body.size
    skin = (body.skin > 0.5) & (body.hands < 0.5) & (body.face < 0.5)
    offsets = np.arange(-2.5 * radius, 2.5 * radius + 1, 1.0)
    centres = []
    for t in np.linspace(0.1, 0.9, 12):
        pts = (a + (b - a) * t)[None] + offsets[:, None] * normal[None]
        xs, ys = np.round(pts[:, 0]).astype(int), np.round(pts[:, 1]).astype(int)
        if xs.min() < 0 or ys.min() < 0 or xs.max() >= w or ys.max() >= h:
            continue
        on = skin[ys, xs]
        if not on.any():
            continue
        i = int(np.flatnonzero(on)[np.argmin(np.abs(offsets[on]))])
        lo, hi = i, i
        while lo > 0 and on[lo - 1]:
            lo -= 1
        while hi < len(on) - 1 and on[hi + 1]:
            hi += 1
        if lo > 0 and hi < len(on) - 1 and hi - lo >= radius:  # the whole limb, ending on both sides
            centres.append((offsets[lo] + offsets[hi]) / 2)
    if len(centres) < 3:
        return 0.0
    return float(np.clip(np.median(centres), -0.6 * radius, 0.6 * radius))


KNEE_RADIUS = 0.12  # half a leg's width at the knee, in shoulder widths (measured on the full-body photos)
CALF_AT, CALF_RADIUS = 0.3, 1.05  # the calf's widest point: its place from knee to ankle, its half-width in knees


def limb_radius(body: BodyAnalysis, arm: list[np.ndarray], default: float | None = None) -> float:
    """Half the width of a limb (an arm by default), measured on its bare skin where the photo shows it.

    A sleeve is wider than the arm inside it (a skirt than the legs): filling the whole old garment
    with skin draws a limb wider than it is. The radius is the skin's distance to its outline along
    the limb's line (the median over the visible stretch); without enough bare skin, `default`.
    """
    S = body.skeleton.shoulder_width
    default = ARM_RADIUS * S if default is None else default
    h, w = body.size
    skin = ((body.skin > 0.5) & (body.hands < 0.5) & (body.face < 0.5)).astype(np.uint8)
    # (Measured at half size: a radius needs no finer grid.)
    k = 2 if min(h, w) >= 256 else 1
    if k > 1:
        skin = cv2.resize(skin, (w // k, h // k), interpolation=cv2.INTER_NEAREST)
        arm = [np.asarray(p, float) / k for p in arm]
        h, w = skin.shape
        S, default = S / k, default / k
    pts = []
    for a, b in zip(arm[:-1], arm[1:], strict=False):
        n = max(2, int(np.linalg.norm(b - a) / 3))
        pts.append(a + (b - a) * np.linspace(0, 1, n, endpoint=False)[:, None])
    pts = np.round(np.concatenate(pts)).astype(int)
    inside = (pts[:, 0] >= 0) & (pts[:, 0] < w) & (pts[:, 1] >= 0) & (pts[:, 1] < h)
    pts = pts[inside]
    if len(pts) == 0:
        return default * k
    x0, x1 = max(0, pts[:, 0].min() - int(default) * 2), min(w, pts[:, 0].max() + int(default) * 2 + 1)
    y0, y1 = max(0, pts[:, 1].min() - int(default) * 2), min(h, pts[:, 1].max() + int(default) * 2 + 1)
    part = skin[y0:y1, x0:x1]
    if part.sum() == 0:
        return default * k
    dist = cv2.distanceTransform(part, cv2.DIST_L2, 3)
    # The joints are not always on the arm's centre line: look a little to either side.
    reach = max(1, int(0.06 * S))
    dist = cv2.dilate(dist, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * reach + 1, 2 * reach + 1)))
    on_arm = dist[pts[:, 1] - y0, pts[:, 0] - x0]
    on_arm = on_arm[on_arm > 0.03 * S]
    if len(on_arm) < 0.15 * len(pts):
        return default * k
    return float(np.clip(np.median(on_arm) * 1.1, 0.06 * S, default)) * k


def leg_shape(body: BodyAnalysis, side: str, knee: float | None = None, shift: float = 0.0) -> np.ndarray:
    """A leg's shape: thigh, knee, ankle in the proportions measured on the full-body photos, scaled to
    the knee's half-width `knee` (measured on the bare calf when the photo shows it), moved `shift`
    pixels across (see `bare_shift`)."""
    sk, S = body.skeleton, body.skeleton.shoulder_width
    r = KNEE_RADIUS * S if knee is None else knee
    points, radii = _leg_line(sk, side, r, shift)
    return M.tapered_band(body.size, points, radii)


def _leg_line(sk, side: str, knee: float, shift: float = 0.0) -> tuple[list[np.ndarray], list[float]]:
    """A leg's centre line and half-widths: hip, knee, the calf's widest point, ankle (the calf bulges
    below the knee: a straight taper to the ankle drew a filled leg narrower than the bare calf below
    an old hem, a step at the seam), moved `shift` pixels along the calf's normal."""
    hip, knee_p, ankle = sk[f"{side}_hip"], sk[f"{side}_knee"], sk[f"{side}_ankle"]
    axis = (ankle - knee_p) / max(float(np.linalg.norm(ankle - knee_p)), 1e-6)
    move = np.array([-axis[1], axis[0]]) * shift
    calf = knee_p + CALF_AT * (ankle - knee_p)
    return [hip + move, knee_p + move, calf + move, ankle + move], [1.75 * knee, knee, CALF_RADIUS * knee, 0.67 * knee]


def inside_new_bottoms(body: BodyAnalysis, alpha: np.ndarray, radii: dict[str, float]) -> np.ndarray:
    """Where each leg is inside the new bottoms: its band down to the garment's lowest row on it.

    The old garment (a wide skirt, a dress) hid the legs; beside narrower new trousers there is
    backdrop, not bare thigh. Below the new hem, legs are bare.
    """
    rows = np.arange(body.size[0])[:, None]
    solid = alpha > 0.5
    hidden = np.zeros(body.size, bool)
    for side in ("left", "right"):
        leg = leg_shape(body, side, radii.get(f"{side}_leg"), radii.get(f"{side}_leg_shift", 0.0))
        covered = np.nonzero((leg & solid).any(axis=1))[0]
        if len(covered):
            hidden |= leg & (rows <= covered[-1])
    return hidden


def _shade_round(out: np.ndarray, ys: np.ndarray, xs: np.ndarray, u: np.ndarray, weight: np.ndarray) -> None:
    """Shade filled limb pixels (in place) as a lit cylinder: `u` is the offset across the limb (-1..1),
    `weight` how fully (0..1) each pixel takes the shading.

    A fill continued from the skin around is one flat tone; an arm drawn that way reads as a strip
    pasted on. Seen from the front, a limb's surface turns away towards its sides and darkens.
    """
    shade = LIMB_AMBIENT + (1 - LIMB_AMBIENT) * np.sqrt(np.clip(1 - u * u, 0.0, 1.0))
    out[ys, xs] *= (1 - weight * (1 - shade))[:, None]


LIMB_AMBIENT = 0.78  # a limb's brightness at its outline relative to its middle (soft studio light)


def _limb_lines(body: BodyAnalysis, category: str, radii: dict[str, float]):
    """Each limb's centre line and half-widths at its points (as `body_shape` draws them)."""
    sk, S = body.skeleton, body.skeleton.shoulder_width
    for side in ("left", "right"):
        r = radii.get(side, ARM_RADIUS * S)
        yield arm_line(body, side, radii), [1.2 * r, r, 0.85 * r]
        if category != "upper":
            k = radii.get(f"{side}_leg", KNEE_RADIUS * S)
            yield _leg_line(sk, side, k, radii.get(f"{side}_leg_shift", 0.0))


def _along(points: np.ndarray, line: list[np.ndarray], widths: list[float]):
    """For pixels (N, 2) as (x, y): position along the polyline (arc length), and the offset across
    it relative to the half-width there (-1 .. 1 inside the limb)."""
    best_d = np.full(len(points), np.inf)
    t_out = np.zeros(len(points))
    u_out = np.zeros(len(points))
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
        start += length
    return t_out, u_out


def extrude_limbs(out: np.ndarray, body: BodyAnalysis, fill: np.ndarray, bare: np.ndarray, category: str,
                   radii: dict[str, float], soft_edge: float, depth: np.ndarray) -> np.ndarray:  # fmt: skip
    """Paint filled limb pixels with the limb's nearest bare cross-section, carried along its line.

    Without one, shade them round, fully where `depth` (0 at the skin the fill continues) reaches 1."""
    S = body.skeleton.shoulder_width
    bins = 15
    inner = M.erode(bare, max(1, int(round(2 * soft_edge))))
    for line, widths in _limb_lines(body, category, radii):
        band = M.tapered_band(body.size, line, widths)
        target = fill & band
        if target.sum() < 30:
            continue
        ty, tx = np.nonzero(target)
        t_fill, u_fill = _along(np.stack([tx, ty], 1).astype(float), line, widths)
        # (Inside the bare limb's outline: the outline's pixels are mixed with the backdrop and gave the
        # filled limb pale grey sides.)
        seen = inner & band
        if seen.sum() < 30:
            # Nothing of this limb bare in the photo: it is at least round, darker towards its sides.
            _shade_round(out, ty, tx, u_fill, depth[ty, tx])
            continue
        sy, sx = np.nonzero(seen)
        t_seen, u_seen = _along(np.stack([sx, sy], 1).astype(float), line, widths)
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
            _shade_round(out, ty, tx, u_fill, depth[ty, tx])
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
