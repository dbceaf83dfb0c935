"""Filling what the old garment covered and the new one does not: skin, backdrop, or what is behind."""

from __future__ import annotations

import cv2
import numpy as np

from tryon import masks as M
from tryon.compose.extrude import extrude_limbs
from tryon.compose.limbs import arm_line, body_shape, limb_radius
from tryon.perception import BodyAnalysis


def fill_uncovered(person: np.ndarray, body: BodyAnalysis, region: np.ndarray, category: str,
                   radii: dict[str, float] | None = None, shape: np.ndarray | None = None,
                   light: np.ndarray | None = None) -> np.ndarray:  # fmt: skip
    """Skin inside the body's shape, background outside it, each continued from its visible neighbours.

    `shape` is where bare body would be (`body_shape`, computed here when not given); `light` is the
    photo's shading over the old garment (`shading_map`), whose broad light the filled skin takes.
    """
    out = person.astype(np.float32).copy() if person.dtype != np.float32 else person.copy()
    if shape is None:
        shape = body_shape(body, category, radii)
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
        # (Into the skin part too, by its soft edge's width: the skin fill covers it, and the backdrop's
        # feathered edge against it no longer lets the old garment through, a tinted line along a
        # filled arm's outline.)
        reach = max(1, int(round(2 * soft_edge)))
        out = continue_from(out, background, bg_part, soft_edge, cover=M.dilate(bg_part, reach) & skin_part)
    if not skin_part.any():
        return out
    skin = (body.skin > 0.5) & (body.face < 0.5) & ~region
    if body.face_box is not None:
        # (Above the chin, skin that is not the face is hair taken for skin: blonde hair drew khaki necks.)
        chin = max(0, body.face_box[3] - int(0.05 * S))
        skin[:chin] = False
        # Just below the chin, skin in the chin's shadow (much darker than the face) is not the neck's
        # tone: continued down a neck filled under a turtleneck it drew a grey-khaki column.
        rows = slice(chin, max(chin, body.face_box[3] + int(CHIN_SHADOW * S)))
        band, face = skin[rows], body.face > 0.5
        if band.any() and face.any():
            band_light = np.median(person[rows][band].astype(np.float32).mean(axis=1))
            if band_light < CHIN_DARKER * np.median(person[face].astype(np.float32).mean(axis=1)):
                skin[rows] = False
    ys, xs = np.nonzero(skin)
    if len(ys):
        # Only what is surely skin feeds the fill: a white cord or a beige button parsed as skin, mixed
        # in, greyed it.
        lab = cv2.cvtColor(person[ys, xs][None].astype(np.uint8), cv2.COLOR_RGB2LAB)[0].astype(np.float32)
        skin[ys, xs] = body.skin_colour.distance(lab) < SURE_SKIN
    # The skin right next to the old garment is its edge's mixed pixels (a lace trim's light line):
    # continued into the fill, their tint made it a flat block of another colour. The fill starts a
    # little further in and covers them too.
    setback = max(2, int(SEAM_SETBACK * S))
    edge = np.zeros_like(skin)
    near = M.bounding_window(skin_part, reach=setback + 1)
    edge[near] = M.dilate(skin_part[near], setback) & skin[near]
    if category == "upper" and near is not None and edge[near].any():
        # (Not a bare arm's side against the old top: its shadowed edge is the arm's own outline, and
        # covered, the arm merged with the side filled beside it into one flat block.)
        # (Below the shoulder's cap, where a strap's or an armhole's trim may lie; wide, as the arm's
        # line runs through its bare part, which may be only its outer side.)
        for side in ("left", "right"):
            shoulder, elbow, wrist = arm_line(body, side, radii or {})
            r = (radii or {}).get(side) or limb_radius(body, [shoulder, elbow, wrist])
            below_cap = shoulder + ARM_EDGE_FROM * (elbow - shoulder)
            o = np.array([near[1].start, near[0].start], np.float64)  # (drawn in the window only)
            size = (near[0].stop - near[0].start, near[1].stop - near[1].start)
            edge[near] &= ~M.tapered_band(size, [below_cap - o, elbow - o, wrist - o], [1.5 * r, 1.5 * r, 1.3 * r])
    bare = skin.copy()
    tone = _body_tone(person, bare, body)
    if (skin & ~edge).sum() >= 50:
        skin &= ~edge
        skin_part = skin_part | edge
    if skin.sum() < 50:
        skin = body.face > 0.5
    out = continue_from(out, skin, skin_part, soft_edge, fallback=skin_rgb(body), seam=True)
    win = M.bounding_window(skin_part, reach=int(3 * soft_edge) + 2)
    # Each filled pixel's depth: 0 at the seam with the skin it continues, 1 from SEAM_FADE shoulder
    # widths in. At the seam the fill is that skin's own tone, so the shading below comes in gradually,
    # or the seam shows as a step (a chest filled under a camisole's lace).
    depth = np.zeros(body.size, np.float32)
    away = cv2.distanceTransform((~bare[win]).astype(np.uint8), cv2.DIST_L2, 3)
    depth[win] = np.clip(away / (SEAM_FADE * S), 0, 1)
    # Far from any bare skin (an arm in a long sleeve), the fill drifts to the body's skin tone: the
    # nearest skin may be a neck in the chin's shadow, and carried down a whole arm it greys it.
    # A highlight at the seam (a shoulder's lit top beside an armhole) is not carried in either: the
    # fill's brightness regresses towards the body's tone with depth (its hue stays the nearest skin's).
    # (Both on the filled pixels alone: over the whole window they cost more than the fill.)
    fy, fx = np.nonzero(skin_part[win])
    part = out[win]
    px = part[fy, fx]
    far = np.clip((away[fy, fx] - FAR_FROM * S) / (FAR_FROM * S), 0, 1) * FAR_TONE
    tones = np.broadcast_to(tone, px.shape).copy()
    if category != "lower":
        # (An arm's own tone where its hand shows: the face is often lit far more than the arms.)
        py, pxs = fy + win[0].start, fx + win[1].start
        for side in ("left", "right"):
            hand = _hand_tone(person, body, side)
            if hand is not None:
                line = arm_line(body, side, radii or {})
                r = (radii or {}).get(side) or limb_radius(body, line)
                tones[_near_line(pxs, py, line, [1.5 * r, 1.3 * r, 1.2 * r])] = hand
    px += (tones - px) * far[:, None]
    ratio = np.clip(tones.mean(axis=1) / np.maximum(px.mean(axis=1), 1.0), 0.5, 2.0)
    px *= (1 + (ratio - 1) * TONE_PULL * depth[win][fy, fx])[:, None]
    part[fy, fx] = px
    # Round limbs and the neck are darker towards their edges.
    dist = cv2.distanceTransform(shape[win].astype(np.uint8), cv2.DIST_L2, 3)
    # (Relative to the limb's own half-width: the local maximum of the distance to its outline.)
    k = max(3, int(0.15 * S)) | 1
    centre = cv2.dilate(dist, np.ones((k, k), np.uint8))  # (a square: separable, fast)
    roundness = np.clip(dist / np.maximum(centre, 1.0), 0, 1)
    shade = ROUND_AMBIENT + (1 - ROUND_AMBIENT) * np.sqrt(roundness)
    soft = M.feather(skin_part[win], soft_edge) * depth[win]
    out[win] *= (1 - soft * (1 - shade))[..., None]
    # Where the photo shows the same limb bare (a calf below a long skirt, a forearm below a
    # sleeve), its cross-section is carried along the limb instead: its tone and its shading.
    out = extrude_limbs(out, body, skin_part, skin & (body.hands < 0.5), category, radii or {}, soft_edge, depth)
    if light is not None:
        # The filled skin takes the broad light the old garment had there (a lit side, a shadowed
        # one), not its folds: without it an arm drawn where a sleeve was is a flat strip.
        lit_win = M.bounding_window(skin_part, reach=int(0.1 * S))
        broad = _broad(light[lit_win], max(1.0, 0.06 * S))
        weight = M.feather(skin_part[lit_win], soft_edge) * depth[lit_win]
        out[lit_win] *= (1 + (np.clip(broad, 0.88, 1.12) - 1) * weight)[..., None]
    return out


ROUND_AMBIENT = 0.85  # filled skin's brightness at the body's outline relative to its ridge (a limb turning away)


def _broad(light: np.ndarray, sigma: float) -> np.ndarray:
    """A wide Gaussian blur, done on a quarter-size copy when it is wide enough (the same, cheaper)."""
    h, w = light.shape
    k = 4 if sigma >= 8 and min(h, w) >= 32 else 1
    if k == 1:
        return cv2.GaussianBlur(light, (0, 0), sigma)
    small = cv2.resize(light, (max(1, w // k), max(1, h // k)), interpolation=cv2.INTER_AREA)
    return cv2.resize(cv2.GaussianBlur(small, (0, 0), sigma / k), (w, h), interpolation=cv2.INTER_LINEAR)


FAR_FROM = 0.3  # from how far (and over how much further) a fill drifts to the body's tone, in shoulder widths
FAR_TONE = 0.6  # how much of the body's tone a fill far from any bare skin takes
CHIN_SHADOW = 0.08  # how far below the face box skin may be the chin's shadow, in shoulder widths
CHIN_DARKER = 0.8  # skin there darker than this share of the face's lightness is shadow, not fed to fills
SURE_SKIN = 2.0  # the skin colour model's distance within which a skin pixel feeds a fill
TONE_PULL = 0.5  # how far a fill's brightness regresses towards the body's tone, fully in
ARM_EDGE_FROM = 0.3  # from how far down the upper arm (shoulder to elbow) its edge is kept
SEAM_SETBACK = 0.03  # how far from the old garment the skin a fill continues starts, in shoulder widths
SEAM_FADE = 0.15  # how far in from the skin it continues a fill's shading comes in fully, in shoulder widths


def _body_tone(person: np.ndarray, bare: np.ndarray, body: BodyAnalysis) -> np.ndarray:
    """The body's skin tone: the median colour of the face and the sure bare skin below it together.

    (The skin model's mean is the face's lit core: an arm drawn in that tone was paler than the
    wearer's hands and neck. The face is in it so that a neck in shadow, the only bare skin below the
    chin, does not darken every fill.)"""
    # (On every third row and column: the median is the same and costs a tenth.)
    source = bare[::3, ::3] | (body.face[::3, ::3] > 0.5)
    if source.sum() < MIN_TONE_PIXELS / 9:
        return skin_rgb(body)
    return np.median(person[::3, ::3][source], axis=0).astype(np.float32)


MIN_TONE_PIXELS = 200  # the fewest face and bare skin pixels the body's tone is measured on


def _hand_tone(person: np.ndarray, body: BodyAnalysis, side: str) -> np.ndarray | None:
    """The median colour of one hand's skin, or None where too little of it shows."""
    wrist = np.asarray(body.skeleton[f"{side}_wrist"], float)
    S = body.skeleton.shoulder_width
    reach = int(HAND_REACH * S)
    h, w = body.size
    y0, y1 = max(0, int(wrist[1]) - reach), min(h, int(wrist[1]) + reach + 1)
    x0, x1 = max(0, int(wrist[0]) - reach), min(w, int(wrist[0]) + reach + 1)
    if y1 <= y0 or x1 <= x0:
        return None
    hand = (body.hands[y0:y1, x0:x1] > 0.5) & (body.skin[y0:y1, x0:x1] > 0.5)
    if hand.sum() < MIN_HAND_PIXELS * (S / 100) ** 2:
        return None
    return np.median(person[y0:y1, x0:x1][hand], axis=0).astype(np.float32)


def _near_line(xs: np.ndarray, ys: np.ndarray, line: list[np.ndarray], radii: list[float]) -> np.ndarray:
    """Which of the points (xs, ys) lie within the tapered band along `line` (`M.tapered_band`'s shape,
    for the points alone: drawn over a wide fill's whole window it cost as much as the fill)."""
    inside = np.zeros(xs.shape, bool)
    lo, hi = np.min(line, axis=0) - max(radii), np.max(line, axis=0) + max(radii)
    near = (xs >= lo[0]) & (xs <= hi[0]) & (ys >= lo[1]) & (ys <= hi[1])
    if not near.any():
        return inside
    p = np.stack([xs[near], ys[near]], axis=1).astype(np.float64)
    hit = np.zeros(len(p), bool)
    for k in range(len(line) - 1):
        a, b, ra, rb = np.asarray(line[k], float), np.asarray(line[k + 1], float), radii[k], radii[k + 1]
        ab = b - a
        t = np.clip(((p - a) @ ab) / max(float(ab @ ab), 1e-9), 0, 1)
        d = np.linalg.norm(p - (a + t[:, None] * ab), axis=1)
        hit |= d <= ra + (rb - ra) * t
    inside[near] = hit
    return inside


HAND_REACH = 0.3  # how far from its wrist point a hand's skin is looked for, in shoulder widths
MIN_HAND_PIXELS = 60  # the fewest hand pixels its tone is measured on, for a 100 px shoulder width


def _mean_colour(image: np.ndarray, source: np.ndarray) -> np.ndarray:
    """The mean colour of the source pixels (what a fill far from any of them falls back to)."""
    if not source.any():
        return image.reshape(-1, 3).mean(axis=0).astype(np.float32)
    return image[source].mean(axis=0).astype(np.float32)


def skin_rgb(body: BodyAnalysis) -> np.ndarray:
    mean_lab = np.clip(body.skin_colour.mean, 0, 255).astype(np.uint8).reshape(1, 1, 3)
    return cv2.cvtColor(mean_lab, cv2.COLOR_LAB2RGB).reshape(3).astype(np.float32)


def continue_from(image: np.ndarray, source: np.ndarray, region: np.ndarray, soft_edge: float,
                   fallback: np.ndarray | None = None, seam: bool = False,
                   cover: np.ndarray | None = None) -> np.ndarray:  # fmt: skip
    """Fill `region` with the colours of `source` pixels, spread smoothly outwards (push-pull).

    Coarse-to-fine normalised convolution: every filled pixel takes a weighted mean of the
    nearest source pixels, so a neck continues its own tone and shading into a neckline and a
    studio backdrop continues its gradient, without the streaks of diffusion inpainting. `cover`
    (pixels another fill will paint over) is filled too, so the region's edge against it is not
    feathered; the feather towards anything else stays.
    """
    if cover is not None:
        cover = cover & ~region
        if not cover.any():
            cover = None
    window = M.bounding_window(region if cover is None else region | cover, reach=160)
    if (
        window is not None
        and (window[0].stop - window[0].start) * (window[1].stop - window[1].start) < 0.8 * region.size
    ):
        # Only the neighbourhood of the region matters (the spread reaches ~128 px): work there.
        part = continue_from(np.ascontiguousarray(image[window]), source[window], region[window], soft_edge,
                              fallback if fallback is not None else _mean_colour(image, source), seam,
                              None if cover is None else cover[window])  # fmt: skip
        out = image.copy()
        out[window] = part
        return out
    h, w = region.shape
    k = 4  # work at a quarter resolution; the fill is smooth anyway
    sw, sh = max(1, w // k), max(1, h // k)
    share = cv2.resize(source.astype(np.float32), (sw, sh), interpolation=cv2.INTER_AREA)
    src = (share > 0.6).astype(np.float32)
    # (A cell's colour is its source pixels' mean: the others in it, the old garment's rim next to the
    # skin, would tint the whole fill. The product by cv2: numpy's, of a float image by a broadcast
    # bool mask, costs 20 times more.)
    masked = cv2.multiply(np.ascontiguousarray(image, np.float32),
                          cv2.cvtColor(source.astype(np.float32), cv2.COLOR_GRAY2RGB))  # fmt: skip
    col = cv2.resize(masked, (sw, sh), interpolation=cv2.INTER_AREA)
    col *= (src / np.maximum(share, 1e-6))[..., None]
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
    # Pixels filled at different levels meet in steps, which the enlargement turns into light and dark
    # blocks across a wide fill: smoothed first (the fill carries no detail at this scale anyway).
    filled = cv2.GaussianBlur(filled.astype(np.float32), (0, 0), FILL_SMOOTH)
    up = cv2.resize(filled, (w, h), interpolation=cv2.INTER_LINEAR)
    if not seam:
        soft = M.feather(region, soft_edge)
        if cover is not None:
            ext = region | cover
            soft = np.where(ext, M.feather(ext, soft_edge), soft)
        return _blend(image, up, soft)
    # With `seam`, the whole region is filled, its seam with the source fading out over the source's
    # first pixels (fading inside it kept a line of the old garment's tinted outline along skin);
    # towards anything else (a filled arm against the backdrop) the edge stays crisp.
    grown = region | (M.dilate(region, max(1, int(round(2 * soft_edge)))) & source)
    return _blend(image, up, np.maximum(M.feather(grown, soft_edge), region))


def _blend(image: np.ndarray, fill: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """image * (1 - weight) + fill * weight, per pixel (by cv2: numpy's costs ten times more)."""
    w = np.ascontiguousarray(weight, np.float32)
    return cv2.blendLinear(np.ascontiguousarray(fill, np.float32), np.ascontiguousarray(image, np.float32), w, 1 - w)


FILL_SMOOTH = 1.5  # the fill's smoothing, in pixels of its quarter-size working copy
