"""Where a new top covers the wearer: not the neck, not the arms hanging beside it (only its sleeves),
and, with sleeves, the thin strip of old top left around each outer shoulder."""

from __future__ import annotations

import cv2
import numpy as np

from tryon import masks as M
from tryon.compose.limbs import arm_line
from tryon.perception import BodyAnalysis
from tryon.warp import WarpedGarment


def old_garment(body: BodyAnalysis, category: str) -> np.ndarray:
    if category == "upper":
        return body.upper_clothes
    if category == "lower":
        return body.lower_clothes
    return np.maximum(body.upper_clothes, body.lower_clothes)


def neck_opening(body: BodyAnalysis) -> np.ndarray:
    """Where the neck is: no top covers it (soft mask), whatever the photo shows there.

    A product photo shows the back of the collar, the inside of the back and its label above the
    front neckline; worn, the neck hides them. Drawn over the wearer's neck they read as a patch
    with a label under the chin. The opening is the neck's column, rounding at its base into a
    scoop that ends on the shoulders' line (a rectangle there reads as a square notch cut into the
    garment); what the old top covered inside it is filled with skin like any uncovered part.
    """
    sk, S = body.skeleton, body.skeleton.shoulder_width
    c = sk.shoulder_center
    rows, cols = np.arange(body.size[0])[:, None], np.arange(body.size[1])[None, :]
    across = np.abs(cols - c[0]) / (NECK_HALF * S)
    bottom = c[1] + 0.02 * S - NECK_SCOOP * S * across**2
    zone = (across < 1) & (rows < bottom)
    return M.feather(zone, max(1.0, S / 100))


NECK_HALF = 0.27  # the neck opening's half-width where it meets the shoulders, in shoulder widths
NECK_SCOOP = 0.22  # how far the opening's bottom rises from its centre to its sides, in shoulder widths


def reach_old_shoulders(body: BodyAnalysis, old: np.ndarray, colour: np.ndarray, alpha: np.ndarray,
                         protect: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Let a top with sleeves cover the thin strip of old top left around each shoulder.

    A garment with sleeves sits on the shoulders as the old top did, but its warped outline rarely
    meets the old one exactly: a strip of the old top's shoulder was left, filled with skin and
    backdrop, which read as a cut-out notch at every shoulder. Within a small reach of the new
    garment and near the shoulder joints, the old top's pixels take the new garment's colours.
    """
    sk = body.skeleton
    S = sk.shoulder_width
    reach = max(2, int(REACH * S))
    h, w = body.size
    across = sk["left_shoulder"] - sk["right_shoulder"]
    across = across / max(float(np.linalg.norm(across)), 1e-6)
    colour, alpha = colour.copy(), alpha.copy()
    pad = int(0.4 * S) + 3 * reach  # the windows around the joints (0.4 S), plus room for the colour spread
    # Not the old top seen across the new neckline: it is bare skin under a wider neckline; covered, it
    # drew jagged strips of the garment down the neckline's sides. (Found on the shoulders' band.)
    ys = (sk["left_shoulder"][1], sk["right_shoulder"][1])
    band = slice(max(0, int(min(ys)) - pad), max(0, min(h, int(max(ys)) + pad + 1)))
    enclosed = np.zeros((h, w), bool)
    enclosed[band] = _bare_in_neckline(old[band], alpha[band] > 0.5, int(round(sk.shoulder_center[0])), int(0.45 * S))
    for side in ("left", "right"):
        cx, cy = sk[f"{side}_shoulder"]
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
        # Nor the old top's straps: bare shoulder under the new top's; covered up to the reach, a strap's
        # base stood up from the shoulder as a flap. A strap is a thin part of the old top with skin on
        # both sides; the thin rim of old top left beside the new one at the wearer's outline is covered.
        thin = M.thin_parts(old[win], STRAP_WIDTH * S)
        strip &= ~(thin & ~M.dilate(body.person[win] < 0.5, max(2, int(0.02 * S))))
        if enclosed[win].any():
            # (Nor the old top rising straight above it: the top of an old strap seen in the neckline,
            # covered alone, stood up from the shoulder as a notch.)
            strip &= ~_rising_from(enclosed[win], old[win] & ~solid)
        # Nor a bare arm's outline, its mixed pixels parsed as the old top (never surely: the parsing's
        # probability stays below OUTLINE_SURE) between the arm's skin and the backdrop: beside a sleeve
        # narrower than the arm, it was covered in blobs, a scalloped sleeve edge.
        strip &= ~_unsure_outline(strip, body.upper_clothes[win], body.skin[win] > 0.5, body.person[win] < 0.5)
        if strip.sum() < 20:
            continue
        weight = np.clip(a, 0, 1) * solid
        den = cv2.GaussianBlur(weight, (0, 0), reach / 2)
        add = strip & (den > 0.02)
        # A sliver of skin left between the garment and the old top's strap it now covers would show
        # as a light line down the shoulder: narrow gaps between the two close.
        gap = M.close(solid | add, max(1, int(SHOULDER_GAP * S))) & ~solid & ~add & zone & (protect[win] < 0.5)
        add |= gap & (den > 0.02)
        # Over the garment's own feathered rim too, or the old top shows along the joint as a line;
        # everything whose alpha is raised takes the garment's mirrored colour (outside its outline the
        # warped colour is the product photo's backdrop, which would draw a white line).
        cover = M.dilate(add, 2) & (den > 0.02) & ~solid
        colour[win][cover] = _mirrored(colour[win], solid, cover)
        # (Feathered with the garment it joins: feathered alone, its seam with it let the old top through.)
        a[cover] = np.maximum(a[cover], M.feather(cover | solid, 1.0)[cover])
    return colour, alpha


REACH = 0.07  # how far past its outline a top with sleeves covers the old top at the outer shoulders, in S
STRAP_WIDTH = 0.05  # the widest part of the old top taken for a strap, in shoulder widths
SHOULDER_GAP = 0.015  # the widest gap between the garment and a covered old strap that closes, in shoulder widths


def _unsure_outline(strip: np.ndarray, soft: np.ndarray, skin: np.ndarray, backdrop: np.ndarray) -> np.ndarray:
    """The parts of `strip` whose parsed probability (`soft`) never reaches OUTLINE_SURE, with bare skin
    beside them and the backdrop too."""
    n, labels = cv2.connectedComponents(strip.astype(np.uint8), connectivity=8)
    if n <= 1:
        return np.zeros_like(strip)
    peak = np.zeros(n, np.float32)
    np.maximum.at(peak, labels[strip], soft[strip])
    beside = np.zeros((2, n), bool)
    for k, other in enumerate((skin, backdrop)):
        near = M.dilate(other, 2) & strip
        beside[k, np.unique(labels[near])] = True
    unsure = (peak < OUTLINE_SURE) & beside.all(axis=0)
    unsure[0] = False
    return unsure[labels]


OUTLINE_SURE = 0.9  # a part of the old top parsed at a lower probability everywhere may be a limb's outline


def _mirrored(colour: np.ndarray, solid: np.ndarray, where: np.ndarray) -> np.ndarray:
    """The garment's colours at `where` (pixels beside it): each the colour of its mirror image across the
    nearest solid pixel, so that a print continues as print (its blurred mean was a grey smudge)."""
    _, labels = cv2.distanceTransformWithLabels((~solid).astype(np.uint8), cv2.DIST_L2, 5,
                                                labelType=cv2.DIST_LABEL_PIXEL)  # fmt: skip
    sy, sx = np.nonzero(solid)  # (the labels number the solid pixels in this order, from 1)
    py, px = np.nonzero(where)
    k = labels[py, px] - 1
    qy, qx = sy[k], sx[k]
    h, w = solid.shape
    ry, rx = np.clip(2 * qy - py, 0, h - 1), np.clip(2 * qx - px, 0, w - 1)
    inside = solid[ry, rx]
    return np.where(inside[:, None], colour[ry, rx], colour[qy, qx])


def _bare_in_neckline(old: np.ndarray, solid: np.ndarray, cx: int, half: int) -> np.ndarray:
    """The old top seen in the new top's neck opening: between the centre column and the garment's
    sides, below where both neck sides (within `half` of the centre) begin."""
    h, w = solid.shape
    cx = int(np.clip(cx, 0, w - 1))
    inside = np.zeros((h, w), bool)
    tops = []
    for part in (slice(cx, min(w, cx + half)), slice(max(0, cx - half), cx + 1)):
        rows = np.nonzero(solid[:, part].any(axis=1))[0]
        if not len(rows):
            return inside
        tops.append(int(rows[0]))
    below = np.arange(h)[:, None] > max(tops)
    for part in (slice(cx, None), slice(cx, None, -1) if cx > 0 else slice(0, 1)):
        side = solid[:, part]
        met = np.maximum.accumulate(side, axis=1)  # the garment met between the centre and here
        inside[:, part] = ~met & side.any(axis=1, keepdims=True) & below
    return old & inside


def _rising_from(seed: np.ndarray, free: np.ndarray) -> np.ndarray:
    """`seed` and the `free` pixels straight above it, up each column to the first pixel not free."""
    # (Vectorised: each pixel looks down its column for the first pixel that is seed or not free.)
    up_seed, up_stop = seed[::-1], (~free & ~seed)[::-1]
    rows = np.arange(seed.shape[0])[:, None]
    nearest = np.maximum.accumulate(np.where(up_seed | up_stop, rows, -1), axis=0)
    found = np.take_along_axis(up_seed, np.maximum(nearest, 0), axis=0) & (nearest >= 0)
    return found[::-1] & (free | seed)


def pocketed_hands(body: BodyAnalysis) -> np.ndarray:
    """The hands (and wrists) that go into a pocket of the old bottoms: the arm's line, carried on past
    the wrist, runs into the bottoms. A new top longer than the old one covers the pocket, and the
    hand goes under it; kept in front, the wrist showed as a patch of skin on the top."""
    S = body.skeleton.shoulder_width
    h, w = body.size
    out = np.zeros((h, w), bool)
    hands = body.hands > 0.5
    if not hands.any():
        return out
    for side in ("left", "right"):
        elbow = np.asarray(body.skeleton[f"{side}_elbow"], float)
        wrist = np.asarray(body.skeleton[f"{side}_wrist"], float)
        along = (wrist - elbow) / max(float(np.linalg.norm(wrist - elbow)), 1e-6)
        beyond = [wrist + d * S * along for d in POCKET_BEYOND]
        inside = [0 <= p[1] < h and 0 <= p[0] < w and body.lower_clothes[int(p[1]), int(p[0])] > 0.5 for p in beyond]
        if not any(inside):
            continue
        out |= hands & M.band(body.size, [wrist], POCKET_HAND * S)
    if not out.any():
        return out
    # (With the soft edge of the hands' mask: left protected, it drew the hand's outline on the top.)
    return M.dilate(out, max(2, int(0.02 * S))) & (body.hands > 0)


POCKET_BEYOND = (0.1, 0.15, 0.2)  # where past the wrist the line is looked at, in S (a hand covers that much)
POCKET_HAND = 0.35  # how far from its wrist a hand going into a pocket reaches, in shoulder widths


def arms_over_body(body: BodyAnalysis, warped: WarpedGarment, category: str, radii: dict[str, float],
                   hidden: np.ndarray | None = None) -> np.ndarray:  # fmt: skip
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
    arms = np.zeros(body.size, bool)
    for side in ("left", "right"):
        shoulder, elbow, wrist = arm_line(body, side, radii)
        line = [shoulder + 0.3 * (elbow - shoulder), elbow, wrist]
        r = radii[side]
        arms |= M.tapered_band(body.size, line, [1.1 * r, r, 0.85 * r])
    visible = (body.skin > 0.5) | (body.hands > 0.5)
    if hidden is not None:
        visible &= ~hidden  # (a hand in a pocket the new top covers)
    if warped.sleeveless:
        # Sleeveless: the arms under the old sleeves are in front of the new body too.
        visible |= old_garment(body, category) > 0.5
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
