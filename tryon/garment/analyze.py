"""Garment analysis of an in-shop photo: the garment's mask and its key points.

The photo is assumed to show one garment, front view, on a plain background (a product
shot or a flat lay). The mask comes from `tryon.garment.mask`; the key points come from the
mask's shape: the width profile finds the body and the armpits, the top edge the neckline
and shoulders, and what sticks out of the body the sleeves. The inside of the back seen through
the neck opening (`tryon.garment.inside_back`) and a brand label left there (`tryon.garment.label`)
are taken out of the garment.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from tryon import masks as M
from tryon.garment.inside_back import (
    drop_crew_inside,
    drop_inside_above_label,
    drop_inside_back,
    smooth_collar,
)
from tryon.garment.label import find_label, remove_label
from tryon.garment.mask import bleed_edges, garment_mask_and_fabric
from tryon.garment.vneck import drop_shaded_v_inside, drop_v_inside

CATEGORIES = ("upper", "lower", "dress")


@dataclass(frozen=True)
class GarmentAnalysis:
    """A garment photo, its mask, and named key points (x, y) in its pixels.

    Upper garments and dresses: neck_left, neck_right, neck_front, left/right_shoulder,
    left/right_armpit, left/right_hem, and left/right_sleeve_root and left/right_cuff (the ends of
    each sleeve's centre line) when there are sleeves.
    Lower garments: left/right_waist, left/right_hip, and, for trousers and shorts, crotch and
    left/right_hem_out / hem_in; skirts: left/right_hem.
    "Left" is the wearer's left (the image's right side of a front view).
    """

    image: np.ndarray  # (H, W, 3) uint8: the photo, its garment's edge colours bled over the backdrop
    mask: np.ndarray  # (H, W) float32 in [0, 1]
    category: str
    keypoints: dict[str, np.ndarray]
    sleeves: dict[str, np.ndarray] = field(default_factory=dict)  # side -> bool mask of that sleeve
    sleeve_half_widths: dict[str, float] = field(default_factory=dict)  # side -> half the sleeve's width
    has_legs: bool = False  # trousers or shorts (two legs) rather than a skirt
    sleeveless: bool = False  # straps or armholes, surely no sleeves (not merely sleeves not found)


def analyze_garment(image: np.ndarray, category: str) -> GarmentAnalysis:
    """Find the garment in a product photo (H, W, 3 uint8 RGB) and its key points.

    Raises:
        ValueError: unknown category.
        GarmentNotFoundError: no garment separable from the background.
    """
    if category not in CATEGORIES:
        raise ValueError(f"category={category!r}; expected one of {list(CATEGORIES)}")
    mask, fabric = garment_mask_and_fabric(image)
    # Sample colours from inside the outline only: the edge pixels are mixed with the background
    # and would draw a light halo around the garment.
    inner = M.erode(mask, max(1, int(0.003 * max(mask.shape))))
    photo = image
    if category == "lower":
        kps, has_legs = _lower_keypoints(mask)
        return GarmentAnalysis(image=bleed_edges(photo, mask, fabric), mask=M.feather(inner, 0.8),
                               category=category, keypoints=kps, has_legs=has_legs)  # fmt: skip
    kps, sleeves, half_widths = _upper_keypoints(mask, photo, dress=category == "dress")
    image = bleed_edges(photo, mask, fabric, gaps=_armpit_gaps(mask.shape, kps) if sleeves else None)
    if category == "upper":
        # (After the key points: sleeves hanging against a bodysuit are found on its whole outline.)
        mask, waist = _cut_bodysuit(mask)
        if waist is not None:
            # (Its sides there may include sleeves hanging against it: not wider than the chest.)
            xl, xr = kps["right_armpit"][0], kps["left_armpit"][0]
            pad = 0.15 * abs(xr - xl)
            for side in ("left", "right"):
                x = float(np.clip(waist[side], min(xl, xr) - pad, max(xl, xr) + pad))
                kps[f"{side}_hem"] = np.array([x, waist["y"]], np.float64)
    kps_before = kps
    dropped, kps = drop_inside_back(image, mask, kps)
    in_shadow = bool((mask & ~dropped).any())
    if not in_shadow:
        # (Not in shadow: a crew neck's inside back is found by its front collar instead.)
        dropped, kps = drop_crew_inside(image, dropped, kps)
    # A V's inside back in the light is found by the V's straight front edges: where nothing was found,
    # or where only its top, in shadow under the back collar, was (a wrap's lit lining below it).
    v_cut, v_kps = drop_v_inside(image, mask, kps_before)
    if v_kps is kps_before and not in_shadow:
        # (Nor a V whose edges are sharper than any line: on stripes, one whose inside is in shade, which
        # the shadow's detector, made for plain fabrics, did not find.)
        v_cut, v_kps = drop_shaded_v_inside(image, mask, kps_before)
    width = float(kps_before["neck_left"][0] - kps_before["neck_right"][0])
    if v_kps["neck_front"][1] > kps["neck_front"][1] + V_BEYOND * width:
        dropped, kps = dropped & v_cut, v_kps
    label = find_label(image, dropped, kps["neck_front"])
    if not (mask & ~dropped).any():
        # (Nor a V, but the label sewn inside the back shows: the front collar is below it.)
        dropped, kps = drop_inside_above_label(dropped, kps, label)
    mask = dropped
    mask = smooth_collar(mask, kps)
    # A brand label left inside the back (the inside was not in shadow, or not found) is painted over.
    image = remove_label(image, mask, label)
    inner = M.erode(mask, max(1, int(0.003 * max(mask.shape))))
    return GarmentAnalysis(image=image, mask=M.feather(inner, 0.8), category=category, keypoints=kps,
                           sleeves=sleeves, sleeve_half_widths=half_widths,
                           sleeveless=not sleeves and _armholes(mask))  # fmt: skip


V_BEYOND = 0.15  # how much deeper than the inside found otherwise a V must reach to be cut, in neck widths


def _armpit_gaps(shape: tuple[int, int], kps: dict[str, np.ndarray]) -> np.ndarray:
    """Where the gaps between the sleeves and the body end, around the armpits (see `bleed_edges`)."""
    zone = np.zeros(shape, bool)
    body_w = abs(float(kps["left_armpit"][0] - kps["right_armpit"][0]))
    for side in ("left", "right"):
        x, y = kps[f"{side}_armpit"]
        reach = ARMPIT_GAP * body_w
        zone[max(0, int(y - 2 * reach)) : max(0, int(y + ARMPIT_GAP_BELOW * body_w)),
             max(0, int(x - reach)) : max(0, int(x + reach))] = True  # fmt: skip
    return zone


ARMPIT_GAP = 0.06  # how far (in body widths) around an armpit the tip of its gap is looked for
ARMPIT_GAP_BELOW = 0.5  # and how far below it (sleeves hanging against the body hide the armpit)


def _cut_bodysuit(mask: np.ndarray) -> tuple[np.ndarray, dict | None]:
    """A bodysuit photographed whole, cut at its waist: worn as a top, its brief is inside the bottoms.

    Returns the mask and, for a bodysuit, the waist (row, and the body's sides there) as the new hem.

    A bodysuit's body narrows slowly into a crotch over a long stretch at the bottom centre; a top's
    hem, even a curved one, ends within a few rows. The part of the body below where the narrowing
    starts is removed (sleeves hanging beside it stay).
    """
    h, w = mask.shape
    ys = np.nonzero(mask.any(axis=1))[0]
    if len(ys) < 20:
        return mask, None
    top, bottom = int(ys[0]), int(ys[-1])
    height = bottom - top
    cx = int(np.median(np.nonzero(mask[top + int(0.5 * height)])[0])) if mask[top + int(0.5 * height)].any() else w // 2
    # Per row, the run of garment through the centre column (vectorised over rows).
    left_part = mask[:, : cx + 1][:, ::-1]
    right_part = mask[:, cx:]
    to_left = np.where(left_part.all(axis=1), cx + 1, np.argmin(left_part, axis=1))
    to_right = np.where(right_part.all(axis=1), w - cx, np.argmin(right_part, axis=1))
    lefts, rights = cx - to_left + 1, cx + to_right - 1
    widths = np.where(mask[:, cx], rights - lefts, 0)
    widths[: top + int(0.4 * height)] = 0
    # The body's width (sleeves hanging against it can merge with it higher up: not the maximum).
    widest = float(np.median(widths[top + int(0.45 * height) : top + int(0.7 * height) + 1]))
    if widest <= 0:
        return mask, None
    rows = np.nonzero(widths > 0)[0]
    end = int(rows[-1])
    narrow = np.nonzero((widths < 0.6 * widest) & (np.arange(h) > top + 0.4 * height))[0]
    if len(narrow) == 0:
        return mask, None
    start = int(narrow[0])
    mid = (start + end) // 2
    # (It narrows from a body's width, not in one step to a dangling string or tie.)
    if end - start < 0.12 * height or widths[mid] >= 0.45 * widest or widths[start] < 0.35 * widest:
        return mask, None
    # The waist: where the narrowing begins. Below it, each row's central run goes, unless it is wider
    # than the body (sleeves hanging against it join it there).
    full = np.nonzero((widths >= 0.9 * widest) & (np.arange(h) < start))[0]
    waist = int(full[-1]) + 1 if len(full) else start
    out = mask.copy()
    margin = int(0.05 * widest)
    x_min, x_max = int(lefts[start]) - margin, int(rights[start]) + margin
    for y in range(waist, end + 1):
        if 0 < widths[y] < 0.9 * widest:
            out[y, max(lefts[y], x_min) : min(rights[y], x_max) + 1] = False
    # The hem's corners: the body's sides just above the waist (the wearer's left is the image's right).
    y = max(waist - 1, 0)
    return out, {"y": float(y), "left": float(rights[y]), "right": float(lefts[y])}


def _armholes(mask: np.ndarray) -> bool:
    """True when a top without found sleeves is surely sleeveless.

    Sleeves that hang against the body are not always found. Measured on the real garments: a
    sleeveless top is strappy (its top tenth far narrower than its chest, or two narrow straps at
    the very top) or cut straight (as wide at the top as at the chest, the armholes cut into its
    sides); a top that widens gradually below the shoulders has sleeves hanging along its sides.
    """
    ys = np.nonzero(mask.any(axis=1))[0]
    if len(ys) < 10:
        return False
    top, height = int(ys[0]), int(ys[-1] - ys[0])
    widths = mask.sum(axis=1)
    chest = float(widths[top + int(0.4 * height)])
    if chest <= 0:
        return False
    ratio = float(widths[top + int(0.1 * height)]) / chest
    if ratio < 0.35 or ratio > 0.9:
        return True
    # Or two narrow straps either side of the neck at the very top.
    row = mask[top + int(0.05 * height)].astype(np.int8)
    starts = np.flatnonzero(np.diff(np.concatenate([[0], row, [0]])) == 1)
    ends = np.flatnonzero(np.diff(np.concatenate([[0], row, [0]])) == -1)
    return len(starts) == 2 and bool(np.all(ends - starts < 0.25 * chest))


def _rows_extent(mask: np.ndarray):
    """Per row: leftmost and rightmost mask column (or -1)."""
    any_ = mask.any(axis=1)
    left = np.where(any_, mask.argmax(axis=1), -1)
    right = np.where(any_, mask.shape[1] - 1 - mask[:, ::-1].argmax(axis=1), -1)
    return left, right


def _segments_through(mask: np.ndarray, x: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row: first and last column of the run of mask pixels that contains column x (-1 if none)."""
    w = mask.shape[1]
    on = mask[:, x]
    left_bg = ~mask[:, x::-1]  # looking left from x
    right_bg = ~mask[:, x:]
    left = np.where(left_bg.any(axis=1), x - left_bg.argmax(axis=1) + 1, 0)
    right = np.where(right_bg.any(axis=1), x + right_bg.argmax(axis=1) - 1, w - 1)
    return np.where(on, left, -1), np.where(on, right, -1)


def _segment_around(row: np.ndarray, x: int) -> tuple[int, int] | None:
    """The run of True in `row` that contains column x (or the nearest run)."""
    if not row.any():
        return None
    if not row[x]:
        xs = np.nonzero(row)[0]
        x = int(xs[np.argmin(np.abs(xs - x))])
    left = x
    while left > 0 and row[left - 1]:
        left -= 1
    right = x
    while right < len(row) - 1 and row[right + 1]:
        right += 1
    return left, right


ARMHOLE_DIP = 0.92  # how narrow (in chest widths) a top gets below straps as wide as its body at armholes


def _upper_keypoints(mask: np.ndarray, photo: np.ndarray, dress: bool = False):
    h, w = mask.shape
    ys = np.nonzero(mask.any(axis=1))[0]
    top, bottom = int(ys[0]), int(ys[-1])
    gh = bottom - top + 1
    row_60 = np.nonzero(mask[top + int(0.6 * gh)])[0]
    cx = int(np.round(row_60.mean() if len(row_60) else np.nonzero(mask)[1].mean()))
    left_ext, right_ext = _rows_extent(mask)
    # 1. The body's own width, from the lower part where no sleeve reaches.
    seg_l, seg_r = _segments_through(mask, cx)
    for y in np.nonzero(~mask[top : bottom + 1, cx])[0] + top:
        # Rows where the centre is background (the neck opening): take the nearest piece.
        seg = _segment_around(mask[y], cx)
        if seg:
            seg_l[y], seg_r[y] = seg
    # (The upper quartile: a tie or the crotch of a bodysuit hangs below the hem as a narrow piece.)
    lower = range(top + int(0.55 * gh), bottom - max(2, int(0.03 * gh)))
    widths = [seg_r[y] - seg_l[y] for y in lower if seg_l[y] >= 0]
    body_w = float(np.percentile(widths, 75)) if widths else float(w / 3)
    # 2. Armpits: going down from the top, the end of the first block of rows where the piece around the
    # centre (body and sleeves still joined) is much wider than the body; below it the sleeves separate.
    wide = (seg_r - seg_l) > body_w * 1.25
    armpit_y = top + int(0.3 * gh)
    sleeves_found = False
    hanging = None
    y = top + int(0.05 * gh)
    while y < top + int(0.5 * gh) and not wide[y]:
        y += 1
    if y < top + int(0.5 * gh):
        while y < top + int(0.6 * gh) and wide[y]:
            y += 1
        armpit_y = y
        sleeves_found = True
    else:
        hanging = _hanging_sleeve_edges(mask, cx, top, bottom, left_ext, right_ext)
        if hanging is None:
            hanging = _fused_sleeve_edges(photo, mask, cx, top, bottom, left_ext, right_ext)
        if hanging is not None:
            xl, xr = hanging
            body_w = xr - xl
            sleeves_found = True
    if not sleeves_found:
        # Sleeveless: the armholes end where the garment reaches its full body width.
        mid = [right_ext[y] - left_ext[y] for y in range(top + int(0.35 * gh), top + int(0.65 * gh))]
        chest_w = float(np.median(mid)) if mid else body_w / 0.95
        full = 0.95 * chest_w
        y = top + int(0.05 * gh)
        end = top + int(0.5 * gh)
        # (A muscle tank's straps reach out as far as its body: its armholes are a dip in the width
        # below them, and they end where the width comes back. Its armpits were put at its top. Not
        # on a dress: its waist is such a dip.)
        dip = y
        while dip < end and right_ext[dip] - left_ext[dip] >= full:
            dip += 1
        back = dip
        while back < end and right_ext[back] - left_ext[back] < full:
            back += 1
        widths = right_ext[dip:back] - left_ext[dip:back]
        if y < dip and back < end and not dress and widths.min() < ARMHOLE_DIP * chest_w:
            y = back
        while y < end and right_ext[y] - left_ext[y] < full:
            y += 1
        armpit_y = y
    # Body edges below the armpits: median of the rows there (the widest rows are sleeves or ties).
    below = range(min(bottom, armpit_y + int(0.05 * gh)), min(bottom, armpit_y + int(0.25 * gh)))
    if hanging is not None:
        armpit_y = top + int(0.3 * gh)  # (found below, from the body's width)
    elif sleeves_found:
        xl = float(np.median([seg_l[y] for y in below if seg_l[y] >= 0] or [cx - body_w / 2]))
        xr = float(np.median([seg_r[y] for y in below if seg_r[y] >= 0] or [cx + body_w / 2]))
    else:
        xl = float(np.median([left_ext[y] for y in below if left_ext[y] >= 0] or [cx - body_w / 2]))
        xr = float(np.median([right_ext[y] for y in below if right_ext[y] >= 0] or [cx + body_w / 2]))
    if xr - xl > 1.3 * body_w or xr - xl < 0.6 * body_w:
        xl, xr = cx - body_w / 2, cx + body_w / 2
    if hanging is not None:
        armpit_y = int(top + 0.75 * body_w)
    elif sleeves_found:
        # Mask clean-up closes the narrow tip of the gap between sleeve and body, so the gap is found
        # too low; its true top is where the sleeve's inner edge and the body's side edge meet.
        armpit_y = _refine_armpit(mask, armpit_y, int(xl), int(xr), top, gh)
        # Sleeves that hang close to the body hide the armpit; on garments it sits about 0.7 body
        # widths below the collar, so never accept it much lower than that.
        armpit_y = int(min(armpit_y, top + 0.75 * body_w))
    # 3. Top edge per column: the neckline dips in the middle, the shoulders slope to the sides.
    top_y = np.where(mask.any(axis=0), mask.argmax(axis=0), h)
    span = max(3, int(0.5 * (xr - xl)))
    cols_l = np.arange(max(0, cx - span), cx)
    cols_r = np.arange(cx + 1, min(w, cx + span))
    neck_r_x = _neck_corner(top_y, cols_l, cx - 1, outward=-1)
    neck_l_x = _neck_corner(top_y, cols_r, cx + 1, outward=1)
    neck_front_y = top_y[cx] if top_y[cx] < h else top
    if sleeves_found:
        shoulder_x_r, shoulder_x_l = int(xl), int(xr)
    else:  # sleeveless: the strap's outer edge
        shoulder_x_r = _strap_edge(top_y, neck_r_x, int(max(0, neck_r_x - 0.15 * (xr - xl))), armpit_y)
        shoulder_x_l = _strap_edge(top_y, neck_l_x, int(min(w - 1, neck_l_x + 0.15 * (xr - xl))), armpit_y)
    kps = {
        "neck_right": np.array([neck_r_x, top_y[neck_r_x]], float),
        "neck_left": np.array([neck_l_x, top_y[neck_l_x]], float),
        "neck_front": np.array([cx, neck_front_y], float),
        "right_shoulder": np.array([shoulder_x_r, min(top_y[shoulder_x_r], armpit_y - 2)], float),
        "left_shoulder": np.array([shoulder_x_l, min(top_y[shoulder_x_l], armpit_y - 2)], float),
        "right_armpit": np.array([xl, armpit_y], float),
        "left_armpit": np.array([xr, armpit_y], float),
    }
    # The hem: the lowest row where the body is still at least half its width (ties and tails hang lower).
    hem_y = bottom
    while hem_y > armpit_y and not (seg_l[hem_y] >= 0 and seg_r[hem_y] - seg_l[hem_y] > 0.6 * body_w):
        hem_y -= 1
    kps["right_hem"] = np.array([seg_l[hem_y], hem_y], float)
    kps["left_hem"] = np.array([seg_r[hem_y], hem_y], float)
    # 4. Sleeves: what lies outside the body, above the hem.
    sleeves: dict[str, np.ndarray] = {}
    half_widths: dict[str, float] = {}
    if sleeves_found:
        cols = np.arange(w)[None, :]
        rows = np.arange(h)[:, None]
        margin = 0.02 * body_w
        for side, outside in (("right", cols < xl - margin), ("left", cols > xr + margin)):
            part = mask & outside & (rows < hem_y - 0.05 * gh)
            if part.sum() < 0.002 * mask.sum():
                continue
            part = M.largest_component(part)
            part = _down_to_cuff(mask & outside, part, int(hem_y - 0.05 * gh))
            root, cuff, half = _sleeve_axis(part, kps[f"{side}_shoulder"])
            kps[f"{side}_sleeve_root"] = root
            kps[f"{side}_cuff"] = cuff
            half_widths[side] = half
            sleeves[side] = part
    return kps, sleeves, half_widths


def _down_to_cuff(outside: np.ndarray, part: np.ndarray, cut: int) -> np.ndarray:
    """A sleeve hanging beside the body on past its hem: its part below the row `cut`, in the columns of
    its end above it and joined to it. (Left to the body, its cuff was drawn in pieces beside the hips.)"""
    ys, xs = np.nonzero(part)
    if not len(ys) or cut >= part.shape[0]:
        return part
    low = ys >= ys.max() - SLEEVE_END * max(1, ys.max() - ys.min())
    if ys.max() < cut - 2:
        return part  # (it ends above the cut: nothing hangs on)
    margin = max(2, int(SLEEVE_END * (xs[low].max() - xs[low].min() + 1)))
    below = np.zeros_like(part)
    x0, x1 = max(0, int(xs[low].min()) - margin), int(xs[low].max()) + margin + 1
    below[cut:, x0:x1] = outside[cut:, x0:x1]
    return part | M.components_touching(below, M.dilate(part, 1))


SLEEVE_END = 0.1  # the share of a sleeve's height whose columns its part below the hem may take (and margin)


def _strap_edge(top_y: np.ndarray, neck_x: int, x: int, armpit_y: int) -> int:
    """The column of a sleeveless top's shoulder point, from its neck corner out to `x` at most: the
    strap's outer edge. A camisole's thin strap ends before `x`, where the top outline drops to the
    body's top: the shoulder point there was put on the body, and worn, the body's top was pulled up to
    the shoulders with the straps standing above them (vitonhd_09133)."""
    step = 1 if x > neck_x else -1
    drop = top_y[neck_x] + STRAP_DROP * max(1, armpit_y - top_y[neck_x])
    cols = np.arange(neck_x, x + step, step)
    off = np.nonzero(top_y[cols] > drop)[0]
    return int(cols[off[0] - 1]) if len(off) and off[0] > 0 else x


STRAP_DROP = 0.5  # how far (share of the strap's height) the top outline drops past a strap's outer edge


def _neck_corner(top_y: np.ndarray, cols: np.ndarray, default: int, outward: int) -> int:
    """The column of a neck corner: the highest point of the top outline on one side of the centre.

    A polo's back collar (or a boat neck's back) is a flat top across the centre: its corners are
    the ends of the flat stretch, not its first column from one side (which put one corner at the
    centre and the collar askew on the wearer).
    """
    if not len(cols):
        return default
    best = int(cols[np.argmin(top_y[cols])])
    flat = top_y[cols] <= top_y[best] + NECK_FLAT
    inner = 0 if outward > 0 else len(cols) - 1
    if not flat[inner]:
        return best
    run = np.flatnonzero(~flat[::outward])  # (from the centre outward)
    end = int(cols[::outward][(int(run[0]) if len(run) else len(cols)) - 1])
    return end if (end - best) * outward >= 0 else best


NECK_FLAT = 1  # px: a top outline within this of its highest point is flat


def _hanging_sleeve_edges(mask, cx: int, top: int, bottom: int, left_ext, right_ext):
    """The body's side columns (xl, xr) of a top whose sleeves hang beside the body, or None.

    Such a top has no row where the sleeves stick out past the body, so the width profile cannot
    split them. It differs from a sleeveless top at the shoulders: it is almost at its full width
    just below the collar, where a sleeveless top still has its armholes. The body's sides are the
    inner edges of the gaps between sleeve and body, or of the cuffs just below the body's hem;
    a side where neither shows mirrors the other, and with neither the body takes the usual share.
    """
    gh = bottom - top + 1
    mid = [right_ext[y] - left_ext[y] for y in range(top + int(0.35 * gh), top + int(0.65 * gh))]
    full = float(np.median(mid)) if mid else 0.0
    collar = right_ext[top + int(0.12 * gh)] - left_ext[top + int(0.12 * gh)]
    if full <= 0 or collar < 0.75 * full:
        return None
    inner: dict[int, list[tuple[int, int]]] = {-1: [], 1: []}  # side (-1: image left) -> (row, body edge)
    gap_end = {-1: bottom, 1: bottom}  # last row of a gap between body and sleeve
    for y in range(top + int(0.3 * gh), bottom + 1):
        row = mask[y]
        runs = np.flatnonzero(np.diff(np.concatenate([[0], row.astype(np.int8), [0]])))
        starts, ends = runs[::2], runs[1::2] - 1
        if row[cx]:
            i = int(np.nonzero((starts <= cx) & (ends >= cx))[0][0])
            if i > 0:
                inner[-1].append((y, int(starts[i])))
                gap_end[-1] = y
            if i < len(starts) - 1:
                inner[1].append((y, int(ends[i])))
                gap_end[1] = y
        elif y > top + 0.5 * gh and len(starts):
            # Below the hem: the cuffs alone (their inner edges line up with the body's sides).
            if starts[0] < cx:
                inner[-1].append((y, int(ends[np.nonzero(starts < cx)[0][-1]])))
            if ends[-1] > cx:
                inner[1].append((y, int(starts[np.nonzero(ends > cx)[0][0]])))
    half = {}
    for side, found in inner.items():
        if len(found) < max(3, 0.02 * gh):
            continue
        if gap_end[side] < top + 0.7 * gh:
            return None  # a gap that closes above the hem: a short sleeve over a wider hem (a peplum)
        # The top of each gap (nearest the armpit) is the least disturbed by a flared cuff.
        edge = float(np.median([x for _, x in found[: max(3, len(found) // 4)]]))
        if 0.25 * full <= abs(edge - cx) <= 0.42 * full:
            half[side] = abs(edge - cx)
    if not half:
        return None  # no sign of sleeves: a sleeveless top with wide shoulders, or sleeves fused in the mask
    return cx - half.get(-1, half.get(1)), cx + half.get(1, half.get(-1))


def _fused_sleeve_edges(image: np.ndarray, mask: np.ndarray, cx: int, top: int, bottom: int, left_ext, right_ext):
    """The body's side columns (xl, xr) of a top whose sleeves hang against the body, or None.

    When no gap separates a hanging sleeve from the body (a sweatshirt photographed with its arms
    down), the outline cannot tell them apart; the photo can: the sleeve's inner edge is a line running
    down the garment, found in the same column on most rows and mirrored on the other side.
    """
    gh = bottom - top + 1
    mid = [right_ext[y] - left_ext[y] for y in range(top + int(0.35 * gh), top + int(0.65 * gh))]
    full = float(np.median(mid)) if mid else 0.0
    collar = right_ext[top + int(0.12 * gh)] - left_ext[top + int(0.12 * gh)]
    if full <= 20 or collar < 0.65 * full:
        return None  # a sleeveless top still has its armholes below the collar (sloped shoulders are wider)
    y0, y1 = top + int(0.35 * gh), top + int(0.8 * gh)
    light = cv2.GaussianBlur(cv2.cvtColor(np.ascontiguousarray(image[y0:y1]), cv2.COLOR_RGB2LAB)[..., 0], (0, 0), 1.5)
    across = np.abs(cv2.Sobel(light.astype(np.float32), cv2.CV_32F, 1, 0, ksize=3))
    inside = M.erode(mask[y0:y1], 4)
    if inside.sum() < 100:
        return None
    strong = (across > max(6.0, float(np.percentile(across[inside], 90)))) & inside
    profile = strong.mean(axis=0)  # the share of rows where each column has an edge
    found = {}
    for side in (-1, 1):
        ds = np.arange(int(0.2 * full), int(0.45 * full) + 1)
        xs = np.clip(cx + side * ds, 0, mask.shape[1] - 1)
        p = np.array([profile[max(0, x - 3) : x + 4].max() for x in xs])
        k = int(np.argmax(p))
        if p[k] >= SLEEVE_EDGE_SHARE and p[k] >= 3 * float(np.median(p)) and 0.25 * full <= ds[k] <= 0.42 * full:
            found[side] = int(ds[k])
    if len(found) < 2 or abs(found[-1] - found[1]) > 0.04 * full:
        return None  # one line only, or two that do not mirror each other: a print, a fold
    return cx - found[-1], cx + found[1]


SLEEVE_EDGE_SHARE = 0.35  # a sleeve's inner edge shows on at least this share of the rows


def _sleeve_axis(part: np.ndarray, shoulder: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """A sleeve's centre line (root at the shoulder end, cuff at the far end) and half its width.

    The principal axis of the sleeve's pixels follows the sleeve however it lies (spread out at
    45 degrees or hanging beside the body), unlike the farthest point from the shoulder, which
    picks a corner of the cuff.
    """
    ys, xs = np.nonzero(part)
    pts = np.stack([xs, ys], axis=1).astype(np.float64)
    mean = pts.mean(axis=0)
    cov = np.cov((pts - mean).T)
    eigvals, eigvecs = np.linalg.eigh(cov)
    d = eigvecs[:, -1]
    if d @ (mean - shoulder) < 0:
        d = -d
    proj = (pts - mean) @ d
    lo, hi = np.percentile(proj, [6, 94])
    root = pts[proj <= lo].mean(axis=0)
    cuff = pts[proj >= hi].mean(axis=0)
    across = (pts - mean) @ np.array([-d[1], d[0]])
    q10, q90 = np.percentile(across, [5, 95])
    return root, cuff, float(max(2.0, (q90 - q10) / 2))


def _gap_apex(mask: np.ndarray, y0: int, rows: int, x_guess: int) -> float | None:
    """Top of a wedge-shaped gap in the mask (armpit, crotch) that starts at row y0 near column x_guess.

    Fits straight lines to the gap's two edges over the next `rows` rows and returns the row where
    they meet, or None when the gap cannot be followed.
    """
    h, w = mask.shape
    ys, lefts, rights = [], [], []
    x = x_guess
    for y in range(y0, min(h, y0 + rows)):
        row = mask[y]
        if row[x]:
            # follow the gap: nearest background column
            bg = np.nonzero(~row)[0]
            if not len(bg):
                continue
            x = int(bg[np.argmin(np.abs(bg - x))])
            if abs(x - x_guess) > 0.1 * w:
                break
        left = x
        while left > 0 and not row[left - 1]:
            left -= 1
        right = x
        while right < w - 1 and not row[right + 1]:
            right += 1
        if left == 0 or right == w - 1:
            break
        ys.append(y)
        lefts.append(left)
        rights.append(right)
    if len(ys) < 4:
        return None
    a1, b1 = np.polyfit(ys, lefts, 1)
    a2, b2 = np.polyfit(ys, rights, 1)
    if abs(a1 - a2) < 1e-3:
        return None
    return float((b1 - b2) / (a2 - a1))


def _refine_armpit(mask, armpit_y: int, xl: int, xr: int, top: int, gh: int) -> int:
    found = []
    for x in (xl - 2, xr + 2):
        x = int(np.clip(x, 0, mask.shape[1] - 1))
        apex = _gap_apex(mask, armpit_y + 1, max(6, int(0.08 * gh)), x)
        if apex is not None and max(top + 0.08 * gh, armpit_y - 0.15 * gh) < apex <= armpit_y:
            found.append(apex)
    return int(round(np.mean(found))) if found else armpit_y


def _lower_keypoints(mask: np.ndarray):
    h, w = mask.shape
    ys = np.nonzero(mask.any(axis=1))[0]
    top, bottom = int(ys[0]), int(ys[-1])
    gh = bottom - top + 1
    left_ext, right_ext = _rows_extent(mask)
    y_w = top + max(1, int(0.02 * gh))
    y_h = top + int(0.2 * gh)
    kps = {
        "right_waist": np.array([left_ext[y_w], top], float),
        "left_waist": np.array([right_ext[y_w], top], float),
        "right_hip": np.array([left_ext[y_h], y_h], float),
        "left_hip": np.array([right_ext[y_h], y_h], float),
    }
    cx = int((left_ext[y_w] + right_ext[y_w]) / 2)
    # Legs: below some row, the centre column is background (the crotch).
    col = mask[:, max(0, cx - 1) : cx + 2].all(axis=1)
    below = np.nonzero(~col[top + int(0.15 * gh) : bottom + 1])[0]
    has_legs = False
    if len(below) and below[0] < 0.85 * gh:
        crotch_y = top + int(0.15 * gh) + int(below[0])
        rest = bottom - crotch_y
        # Gap must persist down to the hem to count as legs (not a slit).
        gap_rows = (~mask[crotch_y:bottom, max(0, cx - 1) : cx + 2].all(axis=1)).mean() if rest > 0 else 0
        has_legs = gap_rows > 0.8
    if has_legs:
        apex = _gap_apex(mask, crotch_y + 1, max(6, int(0.1 * gh)), cx)
        if apex is not None and crotch_y - 0.12 * gh < apex <= crotch_y:
            crotch_y = int(round(apex))
        # Legs that touch down the thighs hide the crotch. On trousers the rise is about 0.3 of the length
        # (shorts: about half), so a gap that opens lower than that is the legs parting, not the crotch.
        waist_w = max(1, right_ext[y_w] - left_ext[y_w])
        rise = 0.3 if gh > 1.8 * waist_w else 0.5
        crotch_y = int(min(crotch_y, top + (rise + 0.06) * gh))
        kps["crotch"] = np.array([cx, crotch_y], float)
        y = bottom - max(1, int(0.01 * gh))
        row = mask[y]
        xs = np.nonzero(row)[0]
        right_leg = xs[xs < cx]
        left_leg = xs[xs > cx]
        if len(right_leg) and len(left_leg):
            kps["right_hem_out"] = np.array([right_leg.min(), bottom], float)
            kps["right_hem_in"] = np.array([right_leg.max(), bottom], float)
            kps["left_hem_in"] = np.array([left_leg.min(), bottom], float)
            kps["left_hem_out"] = np.array([left_leg.max(), bottom], float)
        else:
            has_legs = False
            del kps["crotch"]
    if not has_legs:
        y = bottom - max(1, int(0.01 * gh))
        kps["right_hem"] = np.array([left_ext[y], bottom], float)
        kps["left_hem"] = np.array([right_ext[y], bottom], float)
    return kps, has_legs
