"""Place a garment on a body: key-point targets, then a spline for the body and strips for limbs."""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from tryon import masks as M
from tryon.garment import GarmentAnalysis
from tryon.perception import BodyAnalysis
from tryon.perception.estimate import ARM_RADIUS, LEG_RADIUS
from tryon.warp.maps import Strip, fit_tps, sample_mask, strip_map, tps_map


@dataclass(frozen=True)
class WarpedGarment:
    """The garment drawn in the person photo's frame."""

    colour: np.ndarray  # (H, W, 3) float32 RGB, meaningful where alpha > 0
    alpha: np.ndarray  # (H, W) float32 coverage in [0, 1]
    parts: dict[str, np.ndarray] = field(default_factory=dict)  # part name -> its alpha (torso, left_sleeve...)
    targets: dict[str, np.ndarray] = field(default_factory=dict)  # garment key point -> body position
    sleeveless: bool = False  # the garment surely has no sleeves (its armholes leave the arms bare)
    long_sleeves: bool = False  # its sleeves reach past the elbows (they, not the bare arm, are seen there)


class _Frame:
    """The body's own axes: `across` towards the person's left, `down` along the spine."""

    def __init__(self, body: BodyAnalysis):
        sk = body.skeleton
        self.S = sk.shoulder_width
        # "Down" follows the spine (shoulder centre to hip centre): a shrug tilts the shoulder line,
        # not the body, and a frame square to the shoulders would push the hem sideways.
        spine = sk.hip_center - sk.shoulder_center
        if np.linalg.norm(spine) < 1e-6:
            spine = np.array([0.0, 1.0])
        down = spine / np.linalg.norm(spine)
        across = np.array([down[1], -down[0]])
        if across @ (sk["left_shoulder"] - sk["right_shoulder"]) < 0:
            across = -across
        self.across, self.down = across, down
        self.sk = sk

    def at(self, origin: np.ndarray, x: float, y: float) -> np.ndarray:
        return origin + self.across * x + self.down * y


def warp_garment(garment: GarmentAnalysis, body: BodyAnalysis) -> WarpedGarment:
    """Warp the analysed garment onto the analysed body."""
    if garment.category == "lower":
        return _warp_lower(garment, body)
    return _warp_top(garment, body)


def _combine(size, image, layers, limits: dict | None = None):
    """Draw the parts (first = bottom) with one remap of the garment photo.

    Each part contributes its own backward map and mask. Where an upper part covers, its map
    wins; so the garment photo is sampled once per output pixel, not once per part.
    Returns the colour (float32), the total alpha and each part's alpha.
    """
    h, w = size
    map_x = np.full((h, w), -1.0, np.float32)
    map_y = np.full((h, w), -1.0, np.float32)
    alpha = np.zeros((h, w), np.float32)
    parts = {}
    for name, (mask, (mx, my)) in layers:
        a = np.zeros((h, w), np.float32)
        parts[name] = a
        # Only the box where the part's map lands is sampled (a sleeve covers a small part of the photo).
        valid = mx >= 0
        rows, cols = np.flatnonzero(valid.any(axis=1)), np.flatnonzero(valid.any(axis=0))
        if len(rows) == 0:
            continue
        box = (slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1))
        a[box] = sample_mask(mask, (mx[box], my[box]))
        limit = (limits or {}).get(name.split("_")[-1])
        if limit is not None:
            a[box] *= limit[box]
        ab, alpha_b = a[box], alpha[box]
        wins = (ab > 0) & ((ab >= 0.5) | (alpha_b < 0.5))
        np.copyto(map_x[box], mx[box], where=wins)
        np.copyto(map_y[box], my[box], where=wins)
        alpha_b += ab * (1 - alpha_b)
    # A garment photo shrunk by the warp (a 1024-px product photo on a torso 200 px wide) is sampled
    # from a copy shrunk as much first: sampled directly, every output pixel takes one of several
    # photo pixels, and prints and knits alias into jagged lines and moire.
    shrink_x, shrink_y = _minification(map_x, map_y, alpha > 0.5)
    if max(shrink_x, shrink_y) > MINIFIED:
        size_small = (
            max(1, round(image.shape[1] / max(shrink_x, 1.0))),
            max(1, round(image.shape[0] / max(shrink_y, 1.0))),
        )
        small = cv2.resize(image, size_small, interpolation=cv2.INTER_AREA)
        fx, fy = small.shape[1] / image.shape[1], small.shape[0] / image.shape[0]
        # (Pixel centres: x in the photo is (x + 0.5) * f - 0.5 in the copy.)
        colour = cv2.remap(small, (map_x + 0.5) * fx - 0.5, (map_y + 0.5) * fy - 0.5, cv2.INTER_LINEAR,
                           borderMode=cv2.BORDER_REPLICATE)  # fmt: skip
    else:
        colour = cv2.remap(image, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return colour.astype(np.float32), alpha, parts


MINIFIED = 1.5  # from how many photo pixels per output pixel (along a side) the photo is shrunk first


def _minification(map_x: np.ndarray, map_y: np.ndarray, where: np.ndarray) -> tuple[float, float]:
    """How many photo pixels across and down a step of one output pixel across and down moves over,
    typically (the medians on every other row and column, where `where`); (1, 1) without enough."""
    mx, my, ok = map_x[::2, ::2], map_y[::2, ::2], where[::2, ::2]
    across = ok[:, 1:] & ok[:, :-1]
    down = ok[1:] & ok[:-1]
    if across.sum() < 20 or down.sum() < 20:
        return 1.0, 1.0
    return (float(np.median(np.abs(np.diff(mx, axis=1))[across])) / 2,
            float(np.median(np.abs(np.diff(my, axis=0))[down])) / 2)  # fmt: skip


def _sim(points: dict, frame: _Frame, g_origin: np.ndarray, b_origin: np.ndarray, r: float):
    """Garment point -> body point by a similarity (garment x/y become across/down)."""
    return {k: frame.at(b_origin, (p[0] - g_origin[0]) * r, (p[1] - g_origin[1]) * r) for k, p in points.items()}


def _warp_top(garment: GarmentAnalysis, body: BodyAnalysis) -> WarpedGarment:
    g = garment.keypoints
    f = _Frame(body)
    S, sk = f.S, f.sk
    size = body.size
    has_sleeves = bool(garment.sleeves)
    # 1. Scale: the garment's chest (armpit to armpit) onto the body's chest, about 1.15 shoulder widths;
    # with sleeves, the shoulder seams onto the shoulder edges too, when the two agree.
    b_ls = f.at(sk["left_shoulder"], 0.1 * S, -0.03 * S)
    b_rs = f.at(sk["right_shoulder"], -0.1 * S, -0.03 * S)
    r = 1.15 * S / max(np.linalg.norm(g["left_armpit"] - g["right_armpit"]), 1)
    if has_sleeves:
        # The shoulder seams are the better anchor (loose tops have wide chests), within reason.
        r_shoulders = np.linalg.norm(b_ls - b_rs) / max(np.linalg.norm(g["left_shoulder"] - g["right_shoulder"]), 1)
        r = float(np.clip(r_shoulders, 0.8 * r, 1.35 * r))
    g_mid = (g["left_shoulder"] + g["right_shoulder"]) / 2
    b_mid = (b_ls + b_rs) / 2
    t = _sim(g, f, g_mid, b_mid, r)
    centre = b_mid
    # The frame follows the spine; a top's shoulders and neckline lie along the shoulders' line. On a
    # body leaning sideways the two differ by several degrees, and the garment's shoulders came out
    # tilted against the wearer's (one lifted far to the outline, the neckline sheared between them).
    line = sk["left_shoulder"] - sk["right_shoulder"]
    tilt = float(np.arctan2(line @ f.down, line @ f.across))
    for names, share in ((("neck_left", "neck_right", "neck_front", "left_shoulder", "right_shoulder"), 1.0),
                         (("left_armpit", "right_armpit"), 0.5)):  # fmt: skip
        c, s_ = np.cos(tilt * share), np.sin(tilt * share)
        for name in names:
            x, y = float((t[name] - centre) @ f.across), float((t[name] - centre) @ f.down)
            t[name] = f.at(centre, c * x - s_ * y, s_ * x + c * y)

    def half(p):  # signed offset across the body from the centre line
        return float((p - centre) @ f.across)

    def place(p, min_half, max_half=np.inf):
        h_off = half(p)
        sign = 1.0 if h_off >= 0 else -1.0
        h_new = sign * min(max(abs(h_off), min_half), max_half)
        return p + f.across * (h_new - h_off)

    # 2. Targets: shoulders on the shoulders; armpits, hem and neck never narrower than the body.
    if has_sleeves:
        t["left_shoulder"], t["right_shoulder"] = b_ls, b_rs
    hip_half = body.hip_half_width
    if garment.category == "upper":
        # Product photos (ghost mannequins, flat lays) show tops longer, relative to their chest, than
        # they hang when worn; a top ends by the top of the thighs, not below them.
        longest = float((sk.hip_center - centre) @ f.down) + 0.35 * S
        for side in ("left", "right"):
            drop = float((t[f"{side}_hem"] - centre) @ f.down)
            if drop > longest:
                t[f"{side}_hem"] = t[f"{side}_hem"] - f.down * (drop - longest)
        # A top a little shorter than the old one (the scale from a product photo is uncertain by that
        # much) is worn down to where the old one ended, not with a band of bare belly above the bottoms.
        old_end = float((np.array([centre[0], body.waist_y]) - centre) @ f.down)
        for side in ("left", "right"):
            drop = float((t[f"{side}_hem"] - centre) @ f.down)
            if 0 < old_end - drop < HEM_REACH * S and old_end < longest:
                t[f"{side}_hem"] = t[f"{side}_hem"] + f.down * (old_end - drop + 0.03 * S)
    # The shoulder seams lie on the shoulders' outline, which is about 0.15 S above the joints: lower, the
    # old top's shoulders stay visible above the new one and are filled with skin (an off-shoulder look).
    lifts = [_shoulder_lift(body, t[f"{side}_shoulder"], S) for side in ("left", "right")]
    found = [v for v in lifts if v is not None]
    neck_lift = float(np.mean(found)) if found else 0.0
    for side, lift in zip(("left", "right"), lifts, strict=True):
        t[f"{side}_shoulder"] = t[f"{side}_shoulder"] - f.down * (neck_lift if lift is None else lift)
    for name in ("neck_left", "neck_right", "neck_front"):
        t[name] = t[name] - f.down * neck_lift
    for side in ("left", "right"):
        t[f"{side}_armpit"] = place(t[f"{side}_armpit"], 0.58 * S)  # the side seam reaches under the arm
        t[f"{side}_hem"] = place(t[f"{side}_hem"], hip_half * (1.05 if garment.category == "upper" else 1.1))
        # A neck opening found as wide as the garment's body (a product photo's wide scoop, or shoulder
        # points found at the armpits' line) would open the top down to the shoulders: at most a boat neck.
        t[f"neck_{side}"] = place(t[f"neck_{side}"], 0.2 * S, NECK_MAX_HALF * S)
    names = ["neck_left", "neck_right", "neck_front", "left_shoulder", "right_shoulder", "left_armpit",
             "right_armpit", "left_hem", "right_hem"]  # fmt: skip
    src = np.array([t[n] for n in names])
    dst = np.array([g[n] for n in names])
    # Extra anchors keep the middle of the garment from bulging: the hem centre and the chest centre.
    # (Not the chest centre when it is not below the neckline's front: a tank's armpit points, at the
    # top of its deep armholes, can lie above it. Lifted with the shoulders, the neckline then came
    # out below the chest anchor: the spline folded it into waves.)
    extra_g = [(g["left_hem"] + g["right_hem"]) / 2]
    extra_b = [(t["left_hem"] + t["right_hem"]) / 2]
    chest_g = (g["left_armpit"] + g["right_armpit"]) / 2
    if chest_g[1] >= g["neck_front"][1] + CHEST_BELOW_NECK * np.linalg.norm(g["left_armpit"] - g["right_armpit"]):
        extra_g.append(chest_g)
        extra_b.append((t["left_armpit"] + t["right_armpit"]) / 2)
    src = np.vstack([src, extra_b])
    dst = np.vstack([dst, extra_g])
    params = fit_tps(src, dst)
    region = _box(src, size, pad=0.25 * S)
    torso_mask = garment.mask.copy()
    for sleeve in garment.sleeves.values():
        torso_mask[sleeve] = 0
    torso_map = tps_map(params, size, region)
    if garment.category == "upper":
        armpit_y = max(float(t["left_armpit"][1]), float(t["right_armpit"][1]))
        torso_map = _fit_sides_to_body(torso_map, torso_mask, body, f, centre, armpit_y)
    layers = [("torso", (torso_mask, torso_map))]
    # 3. Sleeves follow the arms.
    long_sleeves = False
    for side, sign in (("left", 1.0), ("right", -1.0)):
        if side not in garment.sleeves or f"{side}_cuff" not in g:
            continue
        g_root = g[f"{side}_sleeve_root"]
        g_half = garment.sleeve_half_widths[side]
        # The strip starts a little above the shoulder joint (the sleeve cap); the body's own outline
        # then rounds the cap, instead of a square flap standing out from the shoulder.
        arm = sk[f"{side}_elbow"] - sk[f"{side}_shoulder"]
        arm = arm / max(np.linalg.norm(arm), 1e-6)
        b_root = sk[f"{side}_shoulder"] - arm * 0.12 * S
        length = np.linalg.norm(g[f"{side}_cuff"] - g_root) * r + 0.12 * S
        upper_arm = float(np.linalg.norm(sk[f"{side}_elbow"] - sk[f"{side}_shoulder"]))
        # A sleeve longer than the arm bunches up to its cuff at the wrist: drawn on past it, along the
        # forearm's line, it hung beyond the hand in pieces.
        whole_arm = 0.12 * S + upper_arm + float(np.linalg.norm(sk[f"{side}_wrist"] - sk[f"{side}_elbow"]))
        length = min(length, whole_arm + PAST_WRIST * S)
        long_sleeves = long_sleeves or length > 1.3 * upper_arm
        strip = Strip(
            root=g_root,
            end=g[f"{side}_cuff"],
            half_width=g_half,
            body_line=[b_root, sk[f"{side}_elbow"], sk[f"{side}_wrist"]],
            length=length,
            body_half_width=float(np.clip(g_half * r * 0.7, 1.2 * ARM_RADIUS * S, 2.0 * ARM_RADIUS * S)),
            outer_garment=np.array([sign, 0.0]),
            outer_body=f.across * sign,
        )
        sleeve_mask = np.zeros_like(garment.mask)
        sleeve_mask[garment.sleeves[side]] = garment.mask[garment.sleeves[side]]
        layers.append((f"{side}_sleeve", (sleeve_mask, strip_map(strip, size))))
    # Sleeves (and a top's body) stay close to the wearer's outline.
    near_body = {
        "torso": _near(body.person, 0.12 * S) if garment.category == "upper" else None,
        "sleeve": _near(body.person, 0.05 * S),
    }
    colour, alpha, parts = _combine(size, garment.image, layers, near_body)
    if has_sleeves:
        for side in ("left", "right"):
            if f"{side}_sleeve" in parts:
                _close_seam(colour, alpha, parts[f"{side}_sleeve"], t[f"{side}_shoulder"], S)
    # The top's outline rests on the shoulders: from each neck corner out to the shoulder point (over
    # the shoulder's cap, when sleeves cover it).
    spans = []
    for side, sign in (("left", 1.0), ("right", -1.0)):
        end = t[f"{side}_shoulder"][0]
        if f"{side}_sleeve" in parts:
            end = sk[f"{side}_shoulder"][0] + sign * (f.across[0] * SHOULDER_CAP * S)
        spans.append(sorted((int(t[f"neck_{side}"][0]), int(end))))
    colour, alpha, parts = _lift_to_shoulders(colour, alpha, parts, body, spans)
    return WarpedGarment(colour=colour, alpha=alpha, parts=parts, targets=t, sleeveless=garment.sleeveless,
                         long_sleeves=long_sleeves)  # fmt: skip


PAST_WRIST = 0.08  # how far past the wrist a long sleeve may reach, in shoulder widths


def _close_seam(colour: np.ndarray, alpha: np.ndarray, sleeve: np.ndarray, seam: np.ndarray, S: float) -> None:
    """Close the slit where a sleeve meets the body at the shoulder seam (in place).

    The body and each sleeve are warped separately; at the seam their edges can part by a few pixels,
    which showed as a light notch on every shoulder. Around the seam, the coverage is closed
    morphologically, and the pixels it adds take the colours of the garment around them.
    """
    h, w = alpha.shape
    reach = int(0.3 * S)
    x, y = int(round(seam[0])), int(round(seam[1]))
    y0, y1, x0, x1 = max(0, y - reach), min(h, y + reach), max(0, x - reach), min(w, x + reach)
    if y1 <= y0 or x1 <= x0:
        return
    a = alpha[y0:y1, x0:x1]
    solid = a > 0.5
    r = max(2, int(0.04 * S))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    closed = cv2.morphologyEx(solid.astype(np.uint8), cv2.MORPH_CLOSE, kernel).astype(bool)
    added = closed & ~solid
    if not added.any():
        return
    c = colour[y0:y1, x0:x1]
    weight = np.clip(a, 0, 1) * solid
    num = cv2.GaussianBlur(c * weight[..., None], (0, 0), r)
    den = cv2.GaussianBlur(weight, (0, 0), r)
    fill = num / np.maximum(den, 1e-4)[..., None]
    c[added] = fill[added]
    a[added] = 1.0
    # The slit belongs to the sleeve: its part covers it (arms drawn in front leave it alone).
    sleeve[y0:y1, x0:x1][added] = 1.0


def _fit_sides_to_body(maps, torso_mask: np.ndarray, body: BodyAnalysis, f: _Frame, centre: np.ndarray,
                       armpit_y: float):  # fmt: skip
    """Widen the garment's body, row by row below the armpits, to the wearer's outline.

    A spline through a few key points gives a straight-sided, boxy body; where the wearer (or the old
    top) is wider, the old top would show at the sides and be filled with skin or backdrop. Each half
    of each row is stretched away from the centre line until the garment's side reaches the outline
    (the silhouette without the arms), never more than `MAX_WIDEN` times. A garment wider than the
    body keeps its width (a loose top stays loose).
    """
    h, w = body.size
    S = f.S
    alpha = sample_mask(torso_mask, maps) > 0.5
    ys = np.nonzero(alpha.any(axis=1))[0]
    if len(ys) == 0 or abs(f.down[1]) < 0.5:
        return maps
    arms = np.zeros((h, w), bool)
    for side in ("left", "right"):
        pts = [f.sk[f"{side}_shoulder"], f.sk[f"{side}_elbow"], f.sk[f"{side}_wrist"]]
        arms |= M.band((h, w), pts, ARM_RADIUS * S * 1.1)
    outline = np.zeros((h, w), bool)
    rows = slice(max(0, int(armpit_y)), int(ys[-1]) + 1)
    outline[rows] = (body.person[rows] > 0.5) & ~arms[rows] & (body.hands[rows] < 0.5)
    slope = f.down[0] / f.down[1]  # the centre line's x shift per row
    scale = np.ones((h, 2), np.float32)  # per row: sampling scale left and right of the centre line
    ramp = 0.15 * S
    for y in range(max(0, int(armpit_y)), int(ys[-1]) + 1):
        xc = int(round(centre[0] + (y - centre[1]) * slope))
        if not (0 < xc < w - 1) or not alpha[y, xc]:
            continue
        weight = min(1.0, (y - armpit_y) / ramp)
        for k, (g_row, b_row) in enumerate(((alpha[y, xc::-1], outline[y, xc::-1]), (alpha[y, xc:], outline[y, xc:]))):
            g_len = int(np.argmin(g_row)) if not g_row.all() else len(g_row)
            b_len = int(np.argmin(b_row)) if not b_row.all() else len(b_row)
            if b_len > g_len > 0:
                target = min(b_len, MAX_WIDEN * g_len)
                scale[y, k] = 1 + (g_len / target - 1) * weight
    scale = cv2.GaussianBlur(scale, (1, 0), sigmaX=0, sigmaY=max(1.0, 0.04 * S))
    if np.all(scale > 0.999):
        return maps
    # Only the rows that change are remapped.
    changed = np.nonzero((scale < 0.999).any(axis=1))[0]
    y0, y1 = int(changed[0]), int(changed[-1]) + 1
    yy, xx = np.mgrid[y0:y1, 0:w].astype(np.float32)
    xc_rows = (centre[0] + (yy[:, :1] - centre[1]) * slope).astype(np.float32)
    offset = xx - xc_rows
    src_x = xc_rows + offset * np.where(offset < 0, scale[y0:y1, :1], scale[y0:y1, 1:])
    map_x, map_y = maps[0].copy(), maps[1].copy()
    for m in (map_x, map_y):
        m[y0:y1] = cv2.remap(m, src_x, yy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=-1)
    return map_x, map_y


def _lift_to_shoulders(colour: np.ndarray, alpha: np.ndarray, parts: dict, body: BodyAnalysis, spans: list):
    """The garment's top raised, column by column, to the shoulder's outline above it (at most
    `LIFT_MAX` shoulder widths), in the column `spans` (from each neck corner out over the shoulder).

    A top rests on the shoulders. The spline through the key points lets its top outline sag between
    the neck corner and the shoulder point, and a sleeve's cap sits a little low: the wearer's shoulder
    (or the old top's, filled with skin) showed above it, a notch at the shoulder's top (issue 3: six
    half-body results). Each column's top is stretched up over a ramp below it; columns under the
    neck or the head are left alone, and the lift is smoothed along the shoulder. The colour, alpha and
    parts are changed in place (and returned).
    """
    h, w = body.size
    S = body.skeleton.shoulder_width
    limit, margin = int(LIFT_MAX * S), max(1, int(0.01 * S))
    lo, hi = max(0, min(a for a, _ in spans)), min(w, max(b for _, b in spans) + 1)
    if hi <= lo:
        return colour, alpha, parts
    solid = alpha[:, lo:hi] > 0.5
    has = solid.any(axis=0)
    tops = np.where(has, np.argmax(solid, axis=0), 0)
    # (The shoulder's outline in the spans' columns only: this runs on every try-on.)
    band = (slice(None), slice(lo, hi))
    outline = (body.person[band] > 0.5) & (body.face[band] < 0.5) & (body.hair[band] < 0.5)
    lift = np.zeros(hi - lo, np.float32)
    for a, b in spans:
        for x in range(max(lo, a), min(hi, b + 1)):
            i = x - lo
            y0 = int(tops[i]) - limit
            if not has[i] or y0 < 0 or body.person[y0, x] > 0.5:
                continue  # (the neck or the head above: not a shoulder)
            above = np.flatnonzero(outline[y0 : tops[i], i])
            if len(above):
                lift[i] = max(0, limit - int(above[0]) - margin)
    if not lift.any():
        return colour, alpha, parts
    lift = cv2.GaussianBlur(lift[None], (0, 0), sigmaX=max(1.0, 0.02 * S))[0] * has
    cols = np.flatnonzero(lift > 0.5)
    if not len(cols):
        return colour, alpha, parts
    x0, x1 = lo + int(cols[0]), lo + int(cols[-1]) + 1
    top, lf = tops[None, x0 - lo : x1 - lo].astype(np.float32), lift[None, x0 - lo : x1 - lo]
    # Each column's rows from its new top down to a ramp below the old one sample from its old top down.
    ramp = 0.1 * S
    y0, y1 = int(max(0, (top - lf).min() - 1)), int(min(h, top.max() + ramp + 1))
    yy, xx = np.mgrid[y0:y1, 0 : x1 - x0].astype(np.float32)
    src_y = yy + lf * np.clip((top + ramp - yy) / (ramp + lf), 0, 1) - y0  # (rows y0..y1 read only those)
    for image in (colour, alpha, *parts.values()):
        window = image[y0:y1, x0:x1]
        window[:] = cv2.remap(
            np.ascontiguousarray(window), xx, src_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
        )
    return colour, alpha, parts


SHOULDER_CAP = 0.12  # how far out past the shoulder joint a sleeve's cap rests on the shoulder, in shoulder widths
LIFT_MAX = 0.15  # the most a garment's top is raised to the shoulder's outline, in shoulder widths
CHEST_BELOW_NECK = 0.1  # how far below the neckline's front the chest anchor must lie, in chest widths
NECK_MAX_HALF = 0.4  # the widest a neck opening is worn: half of it, in shoulder widths
HEM_REACH = 0.6  # a top whose hem ends at most this many shoulder widths above the old top's is lengthened to it
MAX_WIDEN = 1.4  # the most a row of the garment's body is widened to reach the wearer's outline


def _shoulder_lift(body: BodyAnalysis, point: np.ndarray, S: float) -> float | None:
    """How far (pixels, >= 0) to raise a garment's shoulder point so that it reaches the top of the body's
    outline (the silhouette without face and hair) above it; None when no outline top is found there."""
    h, w = body.size
    x, y = int(round(point[0])), float(point[1])
    y0, y1 = int(max(0, y - 0.45 * S)), int(min(h, y + 0.1 * S))
    if not 0 <= x < w or y1 <= y0:
        return None
    outline = (body.person[y0:y1, max(0, x - 1) : x + 2] > 0.5) & (body.face[y0:y1, max(0, x - 1) : x + 2] < 0.5)
    outline &= body.hair[y0:y1, max(0, x - 1) : x + 2] < 0.5
    rows = np.nonzero(outline.any(axis=1))[0]
    if not len(rows) or rows[0] == 0:  # an outline that starts above the window is the neck or the head
        return None
    return float(np.clip(y - (y0 + rows[0]) - 0.01 * S, 0.0, 0.35 * S))  # a little inside the outline


NEAR_EDGE = 2.0  # how many pixels a garment's edge cut at the wearer's outline takes to fade out


def _near(person: np.ndarray, margin: float) -> np.ndarray:
    """A mask of the person's silhouette grown by `margin` pixels, with a smooth outline and an edge as
    crisp as a garment's (a soft one blurred the sleeve cut there: worked at quarter size)."""
    h, w = person.shape
    k = 4 if margin >= 8 and min(h, w) >= 64 else 1
    small = cv2.resize(person, (max(1, w // k), max(1, h // k)), interpolation=cv2.INTER_AREA) if k > 1 else person
    grown = M.dilate(small > 0.5, max(1, int(round(margin / k))))
    sigma = max(1.0 / k, margin / 4 / k)
    soft = M.feather(grown, sigma)
    if k > 1:
        soft = cv2.resize(soft, (w, h), interpolation=cv2.INTER_LINEAR)
    # (The blur's half-way line is smooth, where a quarter-size mask's is a staircase; its ramp, about
    # 2.5 sigma wide, is steepened to NEAR_EDGE pixels.)
    gain = max(1.0, 2.5 * sigma * k / NEAR_EDGE)
    soft *= gain  # (in place: full-size arrays)
    soft += 0.5 - 0.5 * gain
    return np.clip(soft, 0.0, 1.0, out=soft)


def _warp_lower(garment: GarmentAnalysis, body: BodyAnalysis) -> WarpedGarment:
    g = garment.keypoints
    f = _Frame(body)
    S, sk = f.S, f.sk
    size = body.size
    hip_c = sk.hip_center
    hip_half = body.hip_half_width
    g_hip_span = max(np.linalg.norm(g["left_hip"] - g["right_hip"]), 1)
    r = 2 * hip_half * 1.04 / g_hip_span
    g_mid = (g["left_waist"] + g["right_waist"]) / 2
    # The waistband sits at the natural waist, or higher when the current bottom starts higher
    # (otherwise a band of the old garment would show between the top and the new bottom).
    waist_drop = min(-0.3 * S, body.waist_y - hip_c[1])
    waist_c = f.at(hip_c, 0, waist_drop)
    t = _sim(g, f, g_mid, waist_c, r)
    names = ["left_waist", "right_waist", "left_hip", "right_hip"]
    g_height = max(p[1] for p in g.values()) - g_mid[1]
    layers = []
    if garment.has_legs:
        crotch_b = f.at(hip_c, 0, 0.3 * S)
        t["crotch"] = crotch_b
        names.append("crotch")
        src = np.array([t[n] for n in names])
        dst = np.array([g[n] for n in names])
        # Anchor points on each leg just below the crotch, so the spline covers the seat.
        for side in ("left", "right"):
            g_root = np.array([(g[f"{side}_hip"][0] + g["crotch"][0]) / 2, g["crotch"][1]])
            b_root = f.at(sk[f"{side}_hip"], 0, 0.3 * S)
            src = np.vstack([src, b_root])
            dst = np.vstack([dst, g_root])
        params = fit_tps(src, dst)
        region = _box(src, size, pad=0.15 * S)
        seat_mask = garment.mask.copy()
        seat_mask[int(g["crotch"][1] + 0.04 * g_height) :] = 0  # overlaps the legs: no gap at the crotch
        layers.append(("seat", (seat_mask, tps_map(params, size, region))))
        for side, sign in (("left", 1.0), ("right", -1.0)):
            g_root = np.array([(g[f"{side}_hip"][0] + g["crotch"][0]) / 2, g["crotch"][1]])
            g_end = (g[f"{side}_hem_out"] + g[f"{side}_hem_in"]) / 2
            g_half = abs(g[f"{side}_hip"][0] - g["crotch"][0]) / 2
            b_root = f.at(sk[f"{side}_hip"], 0, 0.3 * S)
            leg_mask = garment.mask.copy()
            leg_mask[: max(0, int(g["crotch"][1]) - 2)] = 0
            cols = np.arange(leg_mask.shape[1])
            leg_mask[:, (cols - g["crotch"][0]) * sign < 0] = 0
            line = [b_root, sk[f"{side}_knee"], sk[f"{side}_ankle"]]
            length = np.linalg.norm(g_end - g_root) * r
            if g_height / g_hip_span > 2.2:
                # Full-length trousers: the hem reaches the ankle whatever the wearer's leg length.
                to_ankle = sum(np.linalg.norm(b - a) for a, b in zip(line[:-1], line[1:], strict=False))
                length = max(length, to_ankle + 0.1 * S)
            strip = Strip(
                root=g_root,
                end=g_end,
                half_width=g_half,
                body_line=line,
                length=length,
                body_half_width=max(g_half * r, LEG_RADIUS * S),
                outer_garment=np.array([sign, 0.0]),
                outer_body=f.across * sign,
            )
            layers.append((f"{side}_leg", (leg_mask, strip_map(strip, size))))
    else:
        for side in ("left", "right"):
            names.append(f"{side}_hem")
        src = np.array([t[n] for n in names])
        dst = np.array([g[n] for n in names])
        src = np.vstack([src, (t["left_hem"] + t["right_hem"]) / 2])
        dst = np.vstack([dst, (g["left_hem"] + g["right_hem"]) / 2])
        params = fit_tps(src, dst)
        region = _box(src, size, pad=0.15 * S)
        layers.append(("skirt", (garment.mask, tps_map(params, size, region))))
    colour, alpha, parts = _combine(size, garment.image, layers)
    return WarpedGarment(colour=colour, alpha=alpha, parts=parts, targets=t)


def _box(points: np.ndarray, size, pad: float):
    h, w = size
    x0 = int(max(0, points[:, 0].min() - pad))
    y0 = int(max(0, points[:, 1].min() - pad))
    x1 = int(min(w, points[:, 0].max() + pad))
    y1 = int(min(h, points[:, 1].max() + pad))
    return x0, y0, max(x1, x0 + 1), max(y1, y0 + 1)
