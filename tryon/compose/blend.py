"""Composition: the warped garment onto the person, keeping what must not change.

Steps: (1) decide what the new garment replaces (the old clothes of its category);
(2) fill what the old garment covered and the new one does not (skin inside the body's
shape, background outside it); (3) carry the photo's folds and light onto the new garment;
(4) paste face, hair and hands back on top; (5) blend with a feathered mask so there is
no hard seam.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from tryon import masks as M
from tryon.compose.shading import shading_map
from tryon.perception import BodyAnalysis
from tryon.perception.estimate import ARM_RADIUS
from tryon.warp import WarpedGarment


@dataclass(frozen=True)
class Composite:
    image: np.ndarray  # (H, W, 3) uint8
    changed: np.ndarray  # (H, W) float32: how much each pixel changed (0 = original pixel)
    replaced: np.ndarray  # (H, W) bool: the old clothes that were replaced
    filled: np.ndarray  # (H, W) bool: uncovered old-garment area that was filled in
    shading: np.ndarray  # (H, W) float32 shading carried onto the garment


def compose(person: np.ndarray, body: BodyAnalysis, warped: WarpedGarment, category: str) -> Composite:
    """Put the warped garment on the person.

    Only the box around the old and the new garment can change, so the work is done there and
    the rest of the photo is copied as it is.
    """
    h, w = person.shape[:2]
    old = _old_garment(body, category)
    touched = (old > 0.5) | (warped.alpha > 0)
    if not touched.any():
        return Composite(image=person.copy(), changed=np.zeros((h, w), np.float32), replaced=np.zeros((h, w), bool),
                         filled=np.zeros((h, w), bool), shading=np.ones((h, w), np.float32))  # fmt: skip
    ys, xs = np.nonzero(touched)
    margin = int(0.2 * body.skeleton.shoulder_width) + 8
    x0, y0 = max(0, xs.min() - margin), max(0, ys.min() - margin)
    x1, y1 = min(w, xs.max() + 1 + margin), min(h, ys.max() + 1 + margin)
    box = (slice(y0, y1), slice(x0, x1))
    part = _compose_box(
        np.ascontiguousarray(person[box]),
        body.crop(x0, y0, x1, y1),
        WarpedGarment(
            colour=warped.colour[box],
            alpha=warped.alpha[box],
            parts={name: a[box] for name, a in warped.parts.items()},
            sleeveless=warped.sleeveless,
            long_sleeves=warped.long_sleeves,
        ),
        category,
    )
    image = person.copy()
    image[box] = part.image
    full = {}
    for name, fill_value, dtype in (("changed", 0, np.float32), ("replaced", False, bool), ("filled", False, bool),
                                    ("shading", 1, np.float32)):  # fmt: skip
        canvas = np.full((h, w), fill_value, dtype)
        canvas[box] = getattr(part, name)
        full[name] = canvas
    return Composite(image=image, **full)


def _old_garment(body: BodyAnalysis, category: str) -> np.ndarray:
    if category == "upper":
        return body.upper_clothes
    if category == "lower":
        return body.lower_clothes
    return np.maximum(body.upper_clothes, body.lower_clothes)


def _compose_box(person: np.ndarray, body: BodyAnalysis, warped: WarpedGarment, category: str) -> Composite:
    h, w = person.shape[:2]
    S = body.skeleton.shoulder_width
    # 1. What is replaced: the old garment, with the holes its parsing left (a print whose colours
    # pass for skin) closed, or they stay as patches of the old garment.
    old_b = M.fill_holes(M.close(_old_garment(body, category) > 0.5, max(1, int(0.02 * S))))
    protect = np.maximum.reduce([body.face, body.hair, body.hands, body.feet])
    radii = arm_radii(body, legs=category != "upper")
    alpha = _arms_over_body(body, warped, category, radii) * (1 - protect)
    if category != "lower":
        alpha = alpha * (1 - _bare_neck(body))
    if category == "lower":
        # A top hangs over the waistband: the new bottom goes under the current top.
        alpha = alpha * (1 - body.upper_clothes)
    colour = warped.colour
    if category != "lower" and not warped.sleeveless and len(warped.parts) > 1:
        colour, alpha = _reach_old_shoulders(body, old_b, colour, alpha, protect)
    # 2. Fill the old garment where the new one does not reach.
    uncovered = old_b & (alpha < 0.5)
    uncovered = M.open_(uncovered, 1)
    # Grow into the old garment's anti-aliased rim, or its outline stays as a faint halo; and under the
    # new garment's feathered edge, which would otherwise blend with the old garment (a thin line of it).
    uncovered = M.dilate(uncovered, max(1, int(S / 100))) & (alpha < 0.98) & (protect < 0.5)
    # The old garment's shadow and anti-aliased outline on the backdrop next to it go too, or its
    # shape stays as a ghost beside the new one.
    if uncovered.any():
        uncovered |= M.dilate(uncovered, max(2, int(0.04 * S))) & (body.person < 0.3) & (alpha < 0.5)
    base = person.astype(np.float32)
    # 3. Shading: the photo's low-frequency light on the region the old garment covered.
    shading = shading_map(person, old_b, S)
    if uncovered.any():
        hidden = _inside_new_bottoms(body, alpha, radii) if category == "lower" else None
        base = _fill(base, body, uncovered, category, radii, hidden)
        # The filled skin takes the broad light the old garment had there (a lit side, a shadowed
        # one), not its folds: without it an arm drawn where a sleeve was is a flat strip.
        skin_fill = uncovered & body_shape(body, category, radii)
        win = _window(skin_fill, reach=int(0.1 * S))
        if win is not None:
            broad = cv2.GaussianBlur(shading[win], (0, 0), max(1.0, 0.06 * S))
            lit = 1 + (np.clip(broad, 0.88, 1.12) - 1) * M.feather(skin_fill[win], max(1.0, S / 120))
            base[win] *= lit[..., None]
        # The fill is feathered; what must not change (face, hair, hands, feet) gets its pixels back.
        keep = protect[..., None]
        base = base * (1 - keep) + person.astype(np.float32) * keep
    garment = colour * shading[..., None]
    # 4 + 5. Blend; the protected regions keep their pixels because alpha is zero there.
    a = alpha[..., None]
    out = base * (1 - a) + garment * a
    image = np.clip(out + 0.5, 0, 255).astype(np.uint8)
    diff = cv2.absdiff(image, person)
    changed = np.clip(cv2.max(cv2.max(diff[..., 0], diff[..., 1]), diff[..., 2]) * (8 / 255.0), 0, 1)
    changed = np.maximum(changed, alpha).astype(np.float32)
    changed[changed < 1e-3] = 0
    return Composite(image=image, changed=changed, replaced=old_b, filled=uncovered,
                     shading=shading.astype(np.float32))  # fmt: skip


def _bare_neck(body: BodyAnalysis) -> np.ndarray:
    """The neck the photo shows bare, above the shoulders' line: no top covers it (soft mask).

    A product photo shows the back of the collar, the inside of the back and its label above the
    front neckline; worn, the neck hides them. Drawn over the wearer's neck they read as a patch
    with a label under the chin. (A turtleneck's collar is cut to the old neckline too.)
    """
    sk, S = body.skeleton, body.skeleton.shoulder_width
    c = sk.shoulder_center
    rows, cols = np.arange(body.size[0])[:, None], np.arange(body.size[1])[None, :]
    zone = (rows < c[1] + 0.02 * S) & (np.abs(cols - c[0]) < 0.3 * S)
    neck = (body.skin > 0.5) & (body.face < 0.5) & zone
    return M.feather(M.open_(neck, 1), max(1.0, S / 150))


def _reach_old_shoulders(body: BodyAnalysis, old: np.ndarray, colour: np.ndarray, alpha: np.ndarray,
                         protect: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Let a top with sleeves cover the thin strip of old top left around each shoulder.

    A garment with sleeves sits on the shoulders as the old top did, but its warped outline rarely
    meets the old one exactly: a strip of the old top's shoulder was left, filled with skin and
    backdrop, which read as a cut-out notch at every shoulder. Within a small reach of the new
    garment and near the shoulder joints, the old top's pixels take the new garment's colours.
    """
    S = body.skeleton.shoulder_width
    reach = max(2, int(0.07 * S))
    sk = body.skeleton
    h, w = body.size
    across = sk["left_shoulder"] - sk["right_shoulder"]
    across = across / max(float(np.linalg.norm(across)), 1e-6)
    colour, alpha = colour.copy(), alpha.copy()
    for side in ("left", "right"):
        # A window around the shoulder joint (0.4 S), plus room for the colour spread.
        cx, cy = sk[f"{side}_shoulder"]
        pad = int(0.4 * S) + 3 * reach
        win = (slice(max(0, int(cy) - pad), min(h, int(cy) + pad + 1)),
               slice(max(0, int(cx) - pad), min(w, int(cx) + pad + 1)))  # fmt: skip
        if win[0].stop <= win[0].start or win[1].stop <= win[1].start:
            continue
        yy, xx = np.mgrid[win[0], win[1]]
        # Only the outer shoulder: near the neck, the new neckline is the garment's own, not the old one's.
        zone = (xx - cx) ** 2 + (yy - cy) ** 2 <= (0.4 * S) ** 2
        zone &= np.abs((xx - sk.shoulder_center[0]) * across[0] + (yy - sk.shoulder_center[1]) * across[1]) > 0.35 * S
        a = alpha[win]
        solid = a > 0.5
        strip = old[win] & ~solid & (protect[win] < 0.5) & zone & M.dilate(solid, reach)
        if strip.sum() < 20:
            continue
        weight = np.clip(a, 0, 1) * solid
        num = cv2.GaussianBlur(colour[win] * weight[..., None], (0, 0), reach / 2)
        den = cv2.GaussianBlur(weight, (0, 0), reach / 2)
        add = strip & (den > 0.02)
        colour[win][add] = (num / np.maximum(den, 1e-4)[..., None])[add]
        # Over the garment's own feathered rim too, or the old top shows along the joint as a line.
        cover = M.dilate(add, 2)
        a[cover] = np.maximum(a[cover], M.feather(cover, 1.0)[cover])
    return colour, alpha


def _arms_over_body(body: BodyAnalysis, warped: WarpedGarment, category: str, radii: dict[str, float]) -> np.ndarray:
    """The garment's coverage, with the arms in front of its body part.

    Arms hang beside (or cross in front of) the torso: below the shoulder, the body of a top or
    dress never covers them, only its sleeves do. Without this, a loose sleeveless top is drawn
    over the arms like a cape. The arm is the bare arm along the arm's line; for a sleeveless
    garment also the old sleeves there (the fill then draws the arm).
    """
    torso = warped.parts.get("torso")
    if category == "lower" or torso is None or warped.long_sleeves:
        # (Long sleeves cover the arms; where a strip misses an arm, the body covers it rather than a
        # bare forearm showing through the garment.)
        return warped.alpha
    sk = body.skeleton
    arms = np.zeros(body.size, bool)
    for side in ("left", "right"):
        shoulder, elbow, wrist = sk[f"{side}_shoulder"], sk[f"{side}_elbow"], sk[f"{side}_wrist"]
        line = [shoulder + 0.3 * (elbow - shoulder), elbow, wrist]
        r = radii[side]
        arms |= M.tapered_band(body.size, line, [1.1 * r, r, 0.85 * r])
    visible = (body.skin > 0.5) | (body.hands > 0.5)
    if warped.sleeveless:
        # Sleeveless: the arms under the old sleeves are in front of the new body too.
        visible |= _old_garment(body, category) > 0.5
    arms &= visible
    if not arms.any():
        return warped.alpha
    arms_soft = M.feather(arms.astype(np.float32), max(1.0, body.skeleton.shoulder_width / 150))
    others = np.zeros(body.size, np.float32)
    for name, a in warped.parts.items():
        if name != "torso":
            others = others + a * (1 - others)
    body_part = torso * (1 - arms_soft)
    return np.minimum(warped.alpha, body_part + others * (1 - body_part))


def body_shape(body: BodyAnalysis, category: str, radii: dict[str, float] | None = None) -> np.ndarray:
    """Where bare body would be under clothes: torso, neck, arms (and legs), drawn from the skeleton."""
    sk = body.skeleton
    S = sk.shoulder_width
    size = body.size
    across = sk["left_shoulder"] - sk["right_shoulder"]
    across = across / np.linalg.norm(across)
    # Generous: the silhouette (intersected below) gives the real outline of shoulders and waist.
    up = np.array([across[1], -across[0]]) if across[0] >= 0 else np.array([-across[1], across[0]])
    torso = np.array([
        sk["right_shoulder"] - across * 0.1 * S + up * 0.18 * S,
        sk["left_shoulder"] + across * 0.1 * S + up * 0.18 * S,
        sk["left_shoulder"] + across * 0.12 * S,
        sk["left_hip"] + across * 0.35 * S,
        sk["right_hip"] - across * 0.35 * S,
        sk["right_shoulder"] - across * 0.12 * S,
    ])  # fmt: skip
    shape = M.polygon(size, torso)
    neck_c = sk.shoulder_center
    shape |= M.band(size, [neck_c, neck_c - np.array([0, 0.45 * S])], 0.17 * S)
    for side in ("left", "right"):
        arm = [sk[f"{side}_shoulder"], sk[f"{side}_elbow"], sk[f"{side}_wrist"]]
        r = radii[side] if radii else limb_radius(body, arm)
        # An upper arm is thicker at the shoulder (the deltoid) than at the elbow.
        shape |= M.tapered_band(size, arm, [1.2 * r, r, 0.85 * r])
        if category != "upper":
            # Legs taper: thigh, knee, ankle (shoulder widths measured on the full-body photos).
            shape |= _leg(body, side, (radii or {}).get(f"{side}_leg"))
    return shape & (body.person > 0.5)


def arm_radii(body: BodyAnalysis, legs: bool = False) -> dict[str, float]:
    """Each arm's half-width (see `limb_radius`), measured once per photo; with `legs`, each leg's
    half-width at the knee too (keys `left_leg`, `right_leg`), measured on the bare calf."""
    sk = body.skeleton
    radii = {side: limb_radius(body, [sk[f"{side}_shoulder"], sk[f"{side}_elbow"], sk[f"{side}_wrist"]])
             for side in ("left", "right")}  # fmt: skip
    if legs:
        for side in ("left", "right"):
            calf = [sk[f"{side}_knee"], sk[f"{side}_ankle"]]
            radii[f"{side}_leg"] = limb_radius(body, calf, KNEE_RADIUS * body.skeleton.shoulder_width)
    return radii


KNEE_RADIUS = 0.12  # half a leg's width at the knee, in shoulder widths (measured on the full-body photos)


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


def _leg(body: BodyAnalysis, side: str, knee: float | None = None) -> np.ndarray:
    """A leg's shape: thigh, knee, ankle in the proportions measured on the full-body photos, scaled to
    the knee's half-width `knee` (measured on the bare calf when the photo shows it)."""
    sk, S = body.skeleton, body.skeleton.shoulder_width
    r = KNEE_RADIUS * S if knee is None else knee
    points = [sk[f"{side}_hip"], sk[f"{side}_knee"], sk[f"{side}_ankle"]]
    return M.tapered_band(body.size, points, [1.75 * r, r, 0.67 * r])


def _inside_new_bottoms(body: BodyAnalysis, alpha: np.ndarray, radii: dict[str, float]) -> np.ndarray:
    """Where each leg is inside the new bottoms: its band down to the garment's lowest row on it.

    The old garment (a wide skirt, a dress) hid the legs; beside narrower new trousers there is
    backdrop, not bare thigh. Below the new hem, legs are bare.
    """
    rows = np.arange(body.size[0])[:, None]
    solid = alpha > 0.5
    hidden = np.zeros(body.size, bool)
    for side in ("left", "right"):
        leg = _leg(body, side, radii.get(f"{side}_leg"))
        covered = np.nonzero((leg & solid).any(axis=1))[0]
        if len(covered):
            hidden |= leg & (rows <= covered[-1])
    return hidden


def _fill(person: np.ndarray, body: BodyAnalysis, region: np.ndarray, category: str,
          radii: dict[str, float] | None = None, hidden: np.ndarray | None = None) -> np.ndarray:  # fmt: skip
    """Skin inside the body's shape, background outside it, each continued from its visible neighbours."""
    out = person.astype(np.float32).copy() if person.dtype != np.float32 else person.copy()
    shape = body_shape(body, category, radii)
    if hidden is not None:
        shape = shape & ~hidden
    S = body.skeleton.shoulder_width
    skin_part = region & shape
    bg_part = region & ~shape
    soft_edge = max(1.0, S / 120)
    if bg_part.any():
        # What is behind: the backdrop a few pixels away from the person (the outline's mixed pixels
        # would streak the fill), or, inside the person, the bottoms a top hung over.
        margin = max(2, int(S / 60))
        background = ~M.dilate(body.person > 0.3, margin) & ~region
        if category == "upper":
            background |= M.erode(body.lower_clothes > 0.5, margin) & ~region
        out = _continue_from(out, background, bg_part, soft_edge)
    if skin_part.any():
        skin = (body.skin > 0.5) & (body.face < 0.5) & ~region
        if skin.sum() < 50:
            skin = body.face > 0.5
        out = _continue_from(out, skin, skin_part, soft_edge, fallback=_skin_rgb(body))
        # Round limbs and the neck are darker towards their edges.
        win = _window(skin_part, reach=int(3 * soft_edge) + 2)
        dist = cv2.distanceTransform(shape[win].astype(np.uint8), cv2.DIST_L2, 3)
        # (Relative to the limb's own half-width: the local maximum of the distance to its outline.)
        k = max(3, int(0.15 * S)) | 1
        centre = cv2.dilate(dist, np.ones((k, k), np.uint8))  # (a square: separable, fast)
        roundness = np.clip(dist / np.maximum(centre, 1.0), 0, 1)
        shade = 0.85 + 0.15 * np.sqrt(roundness)
        soft = M.feather(skin_part[win], soft_edge)
        out[win] *= (1 - soft * (1 - shade))[..., None]
        # Where the photo shows the same limb bare (a calf below a long skirt, a forearm below a
        # sleeve), its cross-section is carried along the limb instead: its tone and its shading.
        out = _extrude_limbs(out, body, skin_part, skin & (body.hands < 0.5), category, radii or {}, soft_edge)
    return out


def _limb_lines(body: BodyAnalysis, category: str, radii: dict[str, float]):
    """Each limb's centre line and half-widths at its points (as `body_shape` draws them)."""
    sk, S = body.skeleton, body.skeleton.shoulder_width
    for side in ("left", "right"):
        r = radii.get(side, ARM_RADIUS * S)
        yield [sk[f"{side}_shoulder"], sk[f"{side}_elbow"], sk[f"{side}_wrist"]], [1.2 * r, r, 0.85 * r]
        if category != "upper":
            k = radii.get(f"{side}_leg", KNEE_RADIUS * S)
            yield [sk[f"{side}_hip"], sk[f"{side}_knee"], sk[f"{side}_ankle"]], [1.75 * k, k, 0.67 * k]


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


def _extrude_limbs(out: np.ndarray, body: BodyAnalysis, fill: np.ndarray, bare: np.ndarray, category: str,
                   radii: dict[str, float], soft_edge: float) -> np.ndarray:  # fmt: skip
    """Paint filled limb pixels with the limb's nearest bare cross-section, carried along its line."""
    S = body.skeleton.shoulder_width
    bins = 15
    for line, widths in _limb_lines(body, category, radii):
        band = M.tapered_band(body.size, line, widths)
        target = fill & band
        if target.sum() < 30:
            continue
        seen = bare & band
        if seen.sum() < 30:
            continue
        ty, tx = np.nonzero(target)
        sy, sx = np.nonzero(seen)
        t_fill, u_fill = _along(np.stack([tx, ty], 1).astype(float), line, widths)
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
        inside = np.abs(u_fill) <= 1.0
        j = np.clip(((u_fill[inside] + 1) / 2 * bins).astype(int), 0, bins - 1)
        region = np.zeros(body.size, bool)
        region[ty[inside], tx[inside]] = True
        win = _window(region, reach=int(3 * soft_edge) + 2)
        if win is None:
            continue
        painted = out[win].copy()
        painted[ty[inside] - win[0].start, tx[inside] - win[1].start] = profile[j]
        soft = (M.feather(region[win], soft_edge) * region[win])[..., None]
        out[win] = out[win] * (1 - soft) + painted * soft
    return out


def _window(region: np.ndarray, reach: int) -> tuple[slice, slice] | None:
    """The bounding box of `region` grown by `reach` pixels (clipped), or None when it is empty."""
    ys, xs = np.nonzero(region.any(axis=1))[0], np.nonzero(region.any(axis=0))[0]
    if len(ys) == 0:
        return None
    h, w = region.shape
    return (slice(max(0, ys[0] - reach), min(h, ys[-1] + reach + 1)),
            slice(max(0, xs[0] - reach), min(w, xs[-1] + reach + 1)))  # fmt: skip


def _mean_colour(image: np.ndarray, source: np.ndarray) -> np.ndarray:
    """The mean colour of the source pixels (what a fill far from any of them falls back to)."""
    if not source.any():
        return image.reshape(-1, 3).mean(axis=0).astype(np.float32)
    return image[source].mean(axis=0).astype(np.float32)


def _skin_rgb(body: BodyAnalysis) -> np.ndarray:
    mean_lab = np.clip(body.skin_colour.mean, 0, 255).astype(np.uint8).reshape(1, 1, 3)
    return cv2.cvtColor(mean_lab, cv2.COLOR_LAB2RGB).reshape(3).astype(np.float32)


def _continue_from(image: np.ndarray, source: np.ndarray, region: np.ndarray, soft_edge: float,
                   fallback: np.ndarray | None = None) -> np.ndarray:  # fmt: skip
    """Fill `region` with the colours of `source` pixels, spread smoothly outwards (push-pull).

    Coarse-to-fine normalised convolution: every filled pixel takes a weighted mean of the
    nearest source pixels, so a neck continues its own tone and shading into a neckline and a
    studio backdrop continues its gradient, without the streaks of diffusion inpainting.
    """
    window = _window(region, reach=160)
    if (
        window is not None
        and (window[0].stop - window[0].start) * (window[1].stop - window[1].start) < 0.8 * region.size
    ):
        # Only the neighbourhood of the region matters (the spread reaches ~128 px): work there.
        part = _continue_from(np.ascontiguousarray(image[window]), source[window], region[window], soft_edge,
                              fallback if fallback is not None else _mean_colour(image, source))  # fmt: skip
        out = image.copy()
        out[window] = part
        return out
    h, w = region.shape
    k = 4  # work at a quarter resolution; the fill is smooth anyway
    sw, sh = max(1, w // k), max(1, h // k)
    src = cv2.resize(source.astype(np.float32), (sw, sh), interpolation=cv2.INTER_AREA)
    src = (src > 0.6).astype(np.float32)
    col = cv2.resize(image, (sw, sh), interpolation=cv2.INTER_AREA) * src[..., None]
    filled = np.zeros((sh, sw, 3), np.float32)
    have = np.zeros((sh, sw), bool)
    for sigma in (1.0, 2.0, 4.0, 8.0, 16.0, 32.0):
        # Wide blurs on a smaller copy: the same result at a fraction of the cost.
        f = max(1, int(sigma // 4))
        if f > 1:
            small = (max(1, sw // f), max(1, sh // f))
            num = cv2.resize(cv2.GaussianBlur(cv2.resize(col, small, interpolation=cv2.INTER_AREA), (0, 0), sigma / f),
                             (sw, sh), interpolation=cv2.INTER_LINEAR)  # fmt: skip
            den = cv2.resize(cv2.GaussianBlur(cv2.resize(src, small, interpolation=cv2.INTER_AREA), (0, 0), sigma / f),
                             (sw, sh), interpolation=cv2.INTER_LINEAR)  # fmt: skip
        else:
            num = cv2.GaussianBlur(col, (0, 0), sigma)
            den = cv2.GaussianBlur(src, (0, 0), sigma)
        ok = (den > 1e-3) & ~have
        filled[ok] = num[ok] / den[ok, None]
        have |= ok
        if have.all():
            break
    if fallback is None:
        fallback = col.sum(axis=(0, 1)) / max(float(src.sum()), 1.0)
    filled[~have] = fallback
    up = cv2.resize(filled.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
    soft = M.feather(region, soft_edge)[..., None]
    return image * (1 - soft) + up * soft
