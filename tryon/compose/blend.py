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
from tryon.compose.coverage import arms_over_body, neck_opening, old_garment, pocketed_hands, reach_old_shoulders
from tryon.compose.fill import fill_uncovered
from tryon.compose.limbs import body_shape, inside_new_bottoms, limb_measures
from tryon.compose.shading import shading_map
from tryon.perception import BodyAnalysis
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
    old = old_garment(body, category)
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


def _compose_box(person: np.ndarray, body: BodyAnalysis, warped: WarpedGarment, category: str) -> Composite:
    h, w = person.shape[:2]
    S = body.skeleton.shoulder_width
    # 1. What is replaced: the old garment, with the holes its parsing left (a print whose colours
    # pass for skin) closed, or they stay as patches of the old garment.
    old_b = _one_piece(old_garment(body, category), S)
    hands = body.hands
    pocketed = None
    if category != "lower":
        # (A hand in a pocket of the bottoms goes under a top that now covers the pocket.)
        pocketed = pocketed_hands(body) & (warped.alpha > 0.5)
        hands = np.where(pocketed, 0.0, hands).astype(np.float32)
    protect = np.maximum.reduce([body.face, body.hair, hands, body.feet])
    radii = limb_measures(body, legs=category != "upper")
    alpha = arms_over_body(body, warped, category, radii, hidden=pocketed) * (1 - protect)
    if category != "lower":
        alpha = alpha * (1 - neck_opening(body))
    if category == "lower":
        # A top hangs over the waistband: the new bottom goes under the current top.
        # (The top as one piece: the bottoms seen through the holes its parsing left drew dots on it.)
        alpha = alpha * (1 - np.maximum(body.upper_clothes, _one_piece(body.upper_clothes, S).astype(np.float32)))
    colour = warped.colour
    if category != "lower" and not warped.sleeveless and len(warped.parts) > 1:
        colour, alpha = reach_old_shoulders(body, old_b, colour, alpha, protect)
    # 2. Fill the old garment where the new one does not reach.
    uncovered = old_b & (alpha < 0.5)
    # Specks go; thin parts joined to a real region stay (a strap is 2 px wide in a small photo and
    # would show as a dark line across the filled neckline).
    uncovered = M.components_touching(uncovered, M.open_(uncovered, 1)) | _long_parts(uncovered, 0.08 * S)
    # (Not a thin line of it between bare skin and the backdrop: the mixed pixels of a bare arm's
    # outline parsed as the old top; filled, they left light specks along the arm.)
    uncovered &= ~_outline_sliver(body, old_b, S)
    # Grow into the old garment's anti-aliased rim, or its outline stays as a faint halo; and under the
    # new garment's feathered edge, which would otherwise blend with the old garment (a thin line of it).
    # (The parsing's soft outline reaches a little past its 0.5 line: the mixed pixels there, still
    # tinted with the old colour, would stay as a thin line of it along the old neckline.)
    rim = M.dilate(uncovered, max(1, int(S / 100)))
    # (Only towards skin: elsewhere a low probability is as often hair over a shoulder.)
    rim |= M.dilate(uncovered, max(2, int(S / 40))) & (old_garment(body, category) > OLD_RIM) & (body.skin > 0.3)
    uncovered = rim & (alpha < 0.98) & (protect < 0.5)
    # The old garment's shadow and anti-aliased outline on the backdrop next to it go too, or its
    # shape stays as a ghost beside the new one.
    if uncovered.any():
        uncovered |= M.dilate(uncovered, max(2, int(0.04 * S))) & (body.person < 0.3) & (alpha < 0.5)
    base = person.astype(np.float32)
    # 3. Shading: the photo's low-frequency light on the region the old garment covered.
    shading = shading_map(person, old_b, S)
    if uncovered.any():
        shape = body_shape(body, category, radii)
        if category == "lower":
            shape &= ~inside_new_bottoms(body, alpha, radii)
        base = fill_uncovered(base, body, uncovered, category, radii, shape, light=shading)
        # The fill is feathered; what must not change (face, hair, hands, feet) gets its pixels back.
        # (The per-pixel blends by cv2: numpy's, over the box's three channels, cost ten times more.)
        keep = np.ascontiguousarray(protect, np.float32)
        base = cv2.blendLinear(np.ascontiguousarray(base), person.astype(np.float32), 1 - keep, keep)
    garment = cv2.multiply(np.ascontiguousarray(colour, np.float32), cv2.merge([shading.astype(np.float32)] * 3))
    if uncovered.any():
        base = _contact_shadow(base, alpha, warped.alpha, uncovered & shape, S)
    # 4 + 5. Blend; the protected regions keep their pixels because alpha is zero there.
    a = np.ascontiguousarray(alpha, np.float32)
    image = cv2.convertScaleAbs(cv2.blendLinear(garment, np.ascontiguousarray(base, np.float32), a, 1 - a))
    diff = cv2.absdiff(image, person)
    changed = np.clip(cv2.max(cv2.max(diff[..., 0], diff[..., 1]), diff[..., 2]) * (8 / 255.0), 0, 1)
    changed = np.maximum(changed, alpha).astype(np.float32)
    changed[changed < 1e-3] = 0
    return Composite(image=image, changed=changed, replaced=old_b, filled=uncovered,
                     shading=shading.astype(np.float32))  # fmt: skip


def _outline_sliver(body: BodyAnalysis, old: np.ndarray, S: float) -> np.ndarray:
    """The thin parts of the old garment with bare skin on one side and the backdrop on the other."""
    win = M.bounding_window(old, reach=3)
    out = np.zeros(old.shape, bool)
    if win is None:
        return out
    thin = M.thin_parts(old[win], SLIVER_WIDTH * S)
    if not thin.any():
        return out
    skin = M.dilate(body.skin[win] > 0.5, 2)
    outside = M.dilate(body.person[win] < 0.5, 2)
    out[win] = thin & skin & outside
    return out


SLIVER_WIDTH = 0.03  # the widest line of old garment along a bare limb's outline taken for its mixed pixels, in S


def _contact_shadow(base: np.ndarray, alpha: np.ndarray, behind: np.ndarray, skin: np.ndarray, S: float) -> np.ndarray:
    """Filled skin next to the new garment lies under its edge: a soft shadow below and beside the edge.

    Light comes from above, so the shadow falls below the edge (inside a V, under a sleeve's hem), not on
    a neck above a collar; nor on an arm in front of the garment (`behind`: where the garment would be
    but for what is in front of it).
    """
    reach = max(1.0, CONTACT_REACH * S)
    win = M.bounding_window(skin, reach=int(4 * reach) + 2)
    if win is None:
        return base
    # (All on a smaller copy when the shadow is wide enough: it is smooth, and over a wide fill the full
    # size cost as much as the fill.)
    h, w = win[0].stop - win[0].start, win[1].stop - win[1].start
    k = int(np.clip(reach // 2, 1, 4)) if min(h, w) >= 32 else 1
    size = (max(1, w // k), max(1, h // k))

    def small(m: np.ndarray) -> np.ndarray:
        m = m[win].astype(np.float32)
        return cv2.resize(m, size, interpolation=cv2.INTER_AREA) if k > 1 else m

    near = cv2.GaussianBlur(small(alpha), (0, 0), reach / k)
    drop = int(round(reach / k))  # (the shadow falls: the blur shifted down)
    if drop:
        near = np.vstack([np.repeat(near[:1], drop, axis=0), near[:-drop]])[: near.shape[0]]
    soft = cv2.GaussianBlur(small(skin), (0, 0), max(0.5, S / 120 / k))
    weight = soft * np.clip(2 * near, 0, 1) * np.clip(1 - small(behind), 0, 1)
    factor = 1 - CONTACT_DARK * weight
    if k > 1:
        factor = cv2.resize(factor, (w, h), interpolation=cv2.INTER_LINEAR)
    base[win] *= factor[..., None]  # (in place: `base` is the composition's own copy)
    return base


CONTACT_REACH = 0.03  # the width of the garment's shadow on filled skin (and how far it falls), in S
CONTACT_DARK = 0.25  # how much darker filled skin is right at the garment's edge


OLD_RIM = 0.1  # the old garment's parsed probability down to which its outline's mixed pixels are filled


def _long_parts(mask: np.ndarray, length: float) -> np.ndarray:
    """The connected components of `mask` at least `length` pixels tall or wide (a strap, not a speck)."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    keep = 1 + np.nonzero(np.maximum(stats[1:, cv2.CC_STAT_HEIGHT], stats[1:, cv2.CC_STAT_WIDTH]) >= length)[0]
    return np.isin(labels, keep)


def _one_piece(garment: np.ndarray, S: float) -> np.ndarray:
    """A parsed garment (soft mask) as one piece: its narrow gaps closed and its holes filled."""
    return M.fill_holes(M.close(garment > 0.5, max(1, int(0.02 * S))))
