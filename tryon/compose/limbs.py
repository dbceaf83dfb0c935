"""Limbs under a removed garment: where arms and legs are and how wide.

The photo shows limbs only where the old clothes left them bare; under a removed sleeve or skirt
their shape is drawn from the skeleton, moved to the centre and at the width measured on their bare
parts (`limb_measures`). How a filled limb is painted is `tryon.compose.extrude`.
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
    # (Its top sloping down from a little inside the joints: a corner above or beside them drew square
    # shoulders where a boxy old top's were; the arm's round cap at the joint rounds the shoulder. And
    # rising beside the neck, the trapezius: flat there, a shoulder filled under a wider neckline met the
    # neck at a right angle, a shelf of skin with backdrop above it.)
    torso = np.array([
        sk["right_shoulder"] + up * SHOULDER_TOP * S,
        sk["right_shoulder"] + across * SHOULDER_TOP_IN * S + up * 0.18 * S,
        sk.shoulder_center - across * TRAPEZIUS_IN * S + up * TRAPEZIUS_TOP * S,
        sk.shoulder_center + across * TRAPEZIUS_IN * S + up * TRAPEZIUS_TOP * S,
        sk["left_shoulder"] - across * SHOULDER_TOP_IN * S + up * 0.18 * S,
        sk["left_shoulder"] + up * SHOULDER_TOP * S,
        sk["left_shoulder"] + across * 0.12 * S,
        sk["left_hip"] + across * 0.35 * S,
        sk["right_hip"] - across * 0.35 * S,
        sk["right_shoulder"] - across * 0.12 * S,
    ])  # fmt: skip
    shape = M.polygon(size, torso)
    # (Not past the arms: arms hanging against the body lie inside the polygon, and the old sleeve
    # beyond them was filled as skin, an arm as wide as the sleeve with its ragged outline.)
    shape &= ~_beyond_arms(body, radii or {})
    neck_c = sk.shoulder_center
    # The neck flares into the shoulders (the trapezius) above their line: a straight band met them at
    # a right angle, a boxy neck with flat backdrop beside it where a collar was.
    up = lambda k: neck_c - np.array([0, k * S])  # noqa: E731
    shape |= M.tapered_band(size, [up(0.45), up(0.2), up(0.08)], [0.17 * S, 0.17 * S, NECK_BASE * S])
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


SHOULDER_TOP_IN = 0.15  # how far in from each shoulder joint the torso's shape has its top corner, in S
TRAPEZIUS_IN = 0.2  # how far from the centre line the torso's shape rises highest beside the neck, in S
TRAPEZIUS_TOP = 0.28  # how high above the shoulders' line it rises there (the trapezius), in S
SHOULDER_TOP = 0.12  # how far above its joint the torso's shape reaches at a shoulder (its cap rounds it)


def limb_measures(body: BodyAnalysis, legs: bool = False) -> dict[str, float]:
    """A photo's limb measures, once per photo: each arm's half-width (keys `left`, `right`; see
    `limb_radius`) and how far the bare upper arm's and forearm's centres lie across from the skeleton's
    line (`left_upperarm_shift`, `left_forearm_shift`, ...; see `bare_shift`); with `legs`, each leg's
    half-width at the knee too (`left_leg`, `right_leg`), measured on the bare calf, and its shift
    (`left_leg_shift`, `right_leg_shift`)."""
    sk = body.skeleton
    radii = {side: limb_radius(body, [sk[f"{side}_shoulder"], sk[f"{side}_elbow"], sk[f"{side}_wrist"]])
             for side in ("left", "right")}  # fmt: skip
    for side in ("left", "right"):
        if radii[side] >= ARM_RADIUS * sk.shoulder_width - 1e-6:
            # No bare skin to measure: the arm in a sleeve is narrower than the sleeve.
            sleeve = _sleeve_half_width(body, [sk[f"{side}_shoulder"], sk[f"{side}_elbow"], sk[f"{side}_wrist"]])
            if sleeve is not None:
                radii[side] = float(min(radii[side], max(ARM_MIN * sk.shoulder_width, ARM_IN_SLEEVE * sleeve)))
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
    photo shows it (`limb_measures`'s shifts; an upper arm in a sleeve takes its forearm's)."""
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


ARM_IN_SLEEVE = 0.6  # an arm's half-width inside a sleeve, at most, as a share of the sleeve's
ARM_MIN = 0.08  # the narrowest an arm is drawn, half its width in shoulder widths
NECK_BASE = 0.26  # the neck's half-width where it flares into the shoulders, in shoulder widths
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


def _beyond_arms(body: BodyAnalysis, radii: dict[str, float]) -> np.ndarray:
    """Where it is outside each arm, away from the body: past its outer edge, along its upper arm and
    forearm."""
    h, w = body.size
    out = np.zeros((h, w), bool)
    centre = body.skeleton.shoulder_center
    for side in ("left", "right"):
        line = arm_line(body, side, radii)
        r = radii[side] if side in radii else limb_radius(body, line)
        for (a, b), half in zip(zip(line[:-1], line[1:], strict=False), (r, 0.85 * r), strict=False):
            length = float(np.linalg.norm(b - a))
            if length < 1:
                continue
            axis = (b - a) / length
            normal = np.array([-axis[1], axis[0]])
            if (centre - a) @ normal > 0:
                normal = -normal  # (away from the body)
            # (In the segment's box only, grown by the reach that matters.)
            pad = int(0.6 * body.skeleton.shoulder_width) + 2
            x0, x1 = int(max(0, min(a[0], b[0]) - pad)), int(min(w, max(a[0], b[0]) + pad + 1))
            y0, y1 = int(max(0, min(a[1], b[1]) - pad)), int(min(h, max(a[1], b[1]) + pad + 1))
            if x1 <= x0 or y1 <= y0:
                continue
            yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
            rx, ry = xx - a[0], yy - a[1]
            t = rx * axis[0] + ry * axis[1]
            off = rx * normal[0] + ry * normal[1]
            out[y0:y1, x0:x1] |= (t >= 0) & (t <= length) & (off > half)
    return out


def _sleeve_half_width(body: BodyAnalysis, arm: list[np.ndarray]) -> float | None:
    """Half the width of the silhouette around an arm's line (a sleeve's, where the arm is covered):
    the median distance to the outline along the line, or None where the arm is against the body."""
    h, w = body.size
    pts = []
    for a, b in zip(arm[:-1], arm[1:], strict=False):
        n = max(2, int(np.linalg.norm(b - a) / 3))
        pts.append(a + (b - a) * np.linspace(0.15, 0.85, n)[:, None])
    pts = np.round(np.concatenate(pts)).astype(int)
    pts = pts[(pts[:, 0] >= 0) & (pts[:, 0] < w) & (pts[:, 1] >= 0) & (pts[:, 1] < h)]
    if len(pts) < 4:
        return None
    S = body.skeleton.shoulder_width
    pad = int(0.4 * S) + 2
    x0, x1 = max(0, pts[:, 0].min() - pad), min(w, pts[:, 0].max() + pad + 1)
    y0, y1 = max(0, pts[:, 1].min() - pad), min(h, pts[:, 1].max() + pad + 1)
    part = (body.person[y0:y1, x0:x1] > 0.5) & (body.upper_clothes[y0:y1, x0:x1] > 0.5)
    dist = cv2.distanceTransform(part.astype(np.uint8), cv2.DIST_L2, 3)
    # (Where the line is off the sleeve's centre, the largest distance a little to either side.)
    reach = max(1, int(0.05 * S))
    dist = cv2.dilate(dist, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * reach + 1, 2 * reach + 1)))
    on = dist[pts[:, 1] - y0, pts[:, 0] - x0]
    if (on <= 0).mean() > 0.3:
        return None
    return float(np.median(on))


def leg_shape(body: BodyAnalysis, side: str, knee: float | None = None, shift: float = 0.0) -> np.ndarray:
    """A leg's shape: thigh, knee, ankle in the proportions measured on the full-body photos, scaled to
    the knee's half-width `knee` (measured on the bare calf when the photo shows it), moved `shift`
    pixels across (see `bare_shift`)."""
    sk, S = body.skeleton, body.skeleton.shoulder_width
    r = KNEE_RADIUS * S if knee is None else knee
    points, radii = leg_line(sk, side, r, shift)
    return M.tapered_band(body.size, points, radii)


def leg_line(sk, side: str, knee: float, shift: float = 0.0) -> tuple[list[np.ndarray], list[float]]:
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
