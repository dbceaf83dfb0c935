"""The garment's mask in a product photo on a plain background.

The mask comes from the colour distance to a backdrop surface fitted to the photo's border, the
garment's outline and its texture (so white garments on white still close), and watershed from
what was found. Cut-out photos on a digitally flat backdrop are parsed against that backdrop
exactly. The photo's colours at the garment's rim are replaced by the garment's own, so a warp
does not draw the backdrop along its edges.
"""

from __future__ import annotations

import cv2
import numpy as np

from tryon import masks as M
from tryon.errors import GarmentNotFoundError


def bleed_edges(
    image: np.ndarray, mask: np.ndarray, fabric: np.ndarray | None = None, gaps: np.ndarray | None = None
) -> np.ndarray:
    """The photo with its garment's rim and the backdrop next to it painted in the garment's own colours.

    A warp samples between pixels and its edge is feathered: at the garment's outline it mixes in
    the rim's anti-aliased pixels and the backdrop, a light line along every edge on the wearer.
    Colours from a little inside the outline are spread outwards (normalised convolution at half size);
    on a cut-out photo, backdrop pixels inside the mask get them too, except the `fabric` ones, and
    within the `gaps` zones (around the armpits) so do light slivers that run out to the backdrop.
    """
    h, w = mask.shape
    sw, sh = max(1, w // 2), max(1, h // 2)
    small = cv2.resize(image, (sw, sh), interpolation=cv2.INTER_AREA)
    core = M.erode(cv2.resize(mask.astype(np.uint8), (sw, sh), interpolation=cv2.INTER_NEAREST) > 0,
                   max(1, int(0.003 * max(h, w))))  # fmt: skip
    bg = _flat_backdrop_colour(image)
    if bg is not None:
        # Slivers of backdrop the mask closed over (under a sleeve, in a fold) take the garment's colour.
        # Not known fabric; nor any, when much of the garment has the backdrop's colour: that is a white
        # garment's (or white stripes') fabric, and bled over it drew grey smears.
        off = _max_abs_diff(small, bg)
        flat = core & (off <= STUDIO_TOLERANCE)
        # (And light slivers open to the backdrop: the tip of a gap between sleeve and body, closed
        # by the mask, is lit a little brighter than the backdrop and was drawn as a white hook at the
        # armpit. Only there: a white print's ground reaching the outline is such a sliver too; and
        # not on a garment with much of the backdrop's colour: a white stripe beside the gap is fabric.)
        sliver = np.zeros_like(core)
        light = off <= SLIVER_TOLERANCE
        if gaps is not None and gaps.any() and (core & light).sum() < BACKDROP_COLOURED_FABRIC * core.sum():
            small_gaps = cv2.resize(gaps.astype(np.uint8), (sw, sh), interpolation=cv2.INTER_NEAREST) > 0
            mask_small = cv2.resize(mask.astype(np.uint8), (sw, sh), interpolation=cv2.INTER_NEAREST) > 0
            sliver = _slivers(light, core & small_gaps, ~M.fill_holes(mask_small))
        if fabric is not None:
            known = cv2.resize(fabric.astype(np.uint8), (sw, sh), interpolation=cv2.INTER_NEAREST) > 0
            flat &= ~known
            sliver &= ~known
        for part in (flat, sliver):
            if part.sum() < BACKDROP_COLOURED_FABRIC * core.sum():
                core &= ~part
    if not core.any():
        return image
    weight = core.astype(np.float32)
    sigma = max(1.5, 0.004 * max(h, w))
    den = cv2.GaussianBlur(weight, (0, 0), sigma)
    num = cv2.GaussianBlur(small.astype(np.float32) * weight[..., None], (0, 0), sigma)
    bled = np.clip(num / np.maximum(den, 1e-4)[..., None] + 0.5, 0, 255).astype(np.uint8)
    # Replace what is not core (upsampled softly) where the spread colours reach.
    keep = cv2.resize(weight, (w, h), interpolation=cv2.INTER_LINEAR)
    keep[cv2.resize(den, (w, h), interpolation=cv2.INTER_LINEAR) <= 0.02] = 1.0
    bled = cv2.resize(bled, (w, h), interpolation=cv2.INTER_LINEAR)
    return cv2.blendLinear(image, bled, keep, 1.0 - keep)


def _slivers(light: np.ndarray, zone: np.ndarray, outside: np.ndarray) -> np.ndarray:
    """The light pixels in `zone` connected to the backdrop `outside`, with the mixed pixels along
    their sides."""
    found = zone & M.components_touching(light, outside & light)
    return zone & M.dilate(found, 2) if found.any() else found


def _max_abs_diff(image: np.ndarray, colour: np.ndarray) -> np.ndarray:
    """Per pixel, the largest channel difference from `colour` (uint8 image, grey levels)."""
    d = cv2.absdiff(image, np.full_like(image, 0) + np.asarray(colour, np.uint8))
    return cv2.max(cv2.max(d[..., 0], d[..., 1]), d[..., 2]).astype(np.int16)


MASK_LONG_SIDE = 512  # the mask is found on a copy this size (smooth outlines need no more) and scaled up


def garment_mask(image: np.ndarray) -> np.ndarray:
    """A bool mask of the garment in a product photo on a plain background."""
    return garment_mask_and_fabric(image)[0]


def garment_mask_and_fabric(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The garment's mask, and the part of it that has the backdrop's colour and is known to be fabric
    (a white stripe from the shoulder on a white backdrop, see `_close_channels`)."""
    h, w = image.shape[:2]
    scale = MASK_LONG_SIDE / max(h, w)
    if scale < 0.8:
        small = cv2.resize(image, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
        parts = _garment_mask(small)
        mask, fabric = (cv2.resize(p.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR) > 0.5 for p in parts)
        return mask, fabric & mask
    return _garment_mask(image)


def _garment_mask(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    h, w = image.shape[:2]
    lab = cv2.cvtColor(cv2.GaussianBlur(image, (5, 5), 0), cv2.COLOR_RGB2LAB).astype(np.float32)
    b = max(2, int(0.02 * min(h, w)))
    # The backdrop as a smooth surface fitted to the border (studio light falls off towards the
    # corners), so a white garment on a slightly darker white still stands out.
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    on_border = np.zeros((h, w), bool)
    on_border[:b] = on_border[-b:] = True
    on_border[:, :b] = on_border[:, -b:] = True
    u, v = xx / w - 0.5, yy / h - 0.5
    basis = np.stack([np.ones_like(u), u, v, u * u, v * v, u * v], axis=-1)
    border = lab[on_border]
    fit, *_ = np.linalg.lstsq(basis[on_border], border, rcond=None)
    bg_surface = basis @ fit  # (H, W, 3)
    residual = np.linalg.norm(border - bg_surface[on_border], axis=1)
    # Robust: a garment touching the border (a sleeve cut by the frame) must not bend the surface.
    keep = residual < max(6.0, 3.0 * float(np.median(residual)))
    if keep.mean() > 0.5:
        fit, *_ = np.linalg.lstsq(basis[on_border][keep], border[keep], rcond=None)
        bg_surface = basis @ fit
    dist_border = np.linalg.norm(border - bg_surface[on_border], axis=1)
    noise = float(np.median(dist_border) * 1.4826 + 1e-3)
    dist = np.linalg.norm(lab - bg_surface, axis=2)
    colour = dist > max(6.0, 5.0 * noise)
    # Soft drop shadows are the backdrop a little darker with the same hue: not garment.
    darker = bg_surface[..., 0] - lab[..., 0]
    chroma_shift = np.linalg.norm(lab[..., 1:] - bg_surface[..., 1:], axis=2)
    colour &= ~((darker > 0) & (darker < 18) & (chroma_shift < 3))
    if noise > 10.0 or np.mean(dist_border > 12.0) > 0.35:
        raise GarmentNotFoundError(
            "The garment could not be separated from the background. Use a photo of the garment alone "
            "on a plain, light background (a product photo or a flat lay)."
        )
    # The outline: edges closed into a contour, so a white garment on white still yields its shape.
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    edges = cv2.Canny(cv2.GaussianBlur(gray, (5, 5), 0), 12, 36) > 0
    edges[:b] = edges[-b:] = False
    edges[:, :b] = edges[:, -b:] = False
    # Local texture: a knit or woven garment is never as flat as a studio backdrop, and its outline
    # (a faint shadow line) shows as a ring of texture even where its colour equals the backdrop's.
    # High-pass first, so the smooth gradient of a drop shadow does not count as texture.
    light = cv2.cvtColor(image, cv2.COLOR_RGB2LAB)[..., 0].astype(np.float32)
    detail = light - cv2.GaussianBlur(light, (0, 0), 1.5)
    spread = np.sqrt(np.maximum(cv2.blur(detail * detail, (5, 5)), 0))
    flat = float(np.percentile(spread[on_border], 95))
    textured = spread > max(0.8, 4.0 * flat)
    textured[on_border] = False
    r = max(2, int(0.006 * max(h, w)))
    # (Texture rings are closed only lightly: a wide closing would fill the narrow gaps that belong to
    # the backdrop, such as the top of the gap between trouser legs.)
    solid = M.fill_holes(M.close(colour | M.dilate(edges, 1), r) | M.close(textured, 2))
    # The outline rings reach a few pixels past the garment's edge; drop that rim unless it has colour.
    rim = solid & ~M.erode(solid, 3)
    solid &= ~(rim & ~colour & ~M.erode(colour | edges, 0))
    solid = M.open_(solid, r)
    # A garment close to the backdrop's colour (white on white, cream on beige) leaves only its print
    # or part of its outline in the masks above. Watershed then grows the garment from what was found
    # and the backdrop from the border; they meet on the strongest outline between them.
    grown = _watershed(image, solid, on_border)
    if grown is not None and grown.sum() > 1.2 * solid.sum():
        solid = grown
    studio, off = _studio_backdrop(image, on_border)
    if studio is not None:
        # A cut-out on a digitally flat backdrop: every pixel that is not exactly the backdrop is
        # garment (a white knit on white included), and flat backdrop enclosed by the garment (between
        # a sleeve and the body, between trouser legs) stays backdrop. Only a smooth, hue-less darkening
        # that fades (a rendered drop shadow) is still left out; flat white fabric does not fade.
        smooth = cv2.blur(detail * detail, (7, 7)) < 1.0
        soft = cv2.GaussianBlur(light, (0, 0), 3)
        sloped = np.hypot(cv2.Sobel(soft, cv2.CV_32F, 1, 0), cv2.Sobel(soft, cv2.CV_32F, 0, 1)) > 8 * 0.15
        shadow = (darker > 0) & (darker < 18) & (chroma_shift < 3) & smooth & sloped
        shadow = _drop_shadows(shadow, studio)
        # (Added parts must be thick: the anti-aliased rim along the outline is not garment.)
        added = M.open_(~solid & ~shadow & ~studio, 2 * r)
        solid = M.fill_holes(M.open_((solid | added) & ~studio, r)) & ~studio
        # A cut-out's edge is soft (a few pixels fading into the backdrop): the outline is where it is
        # half-way, not where it first leaves the backdrop, or the fade is drawn as a light rim.
        # (On a local mean: a knit's ribs that touch the backdrop's grey are not a fade.)
        local = cv2.blur(off.astype(np.float32), (5, 5))
        nearby = cv2.dilate(local, np.ones((2 * r + 1, 2 * r + 1), np.uint8))
        fade = (local <= np.maximum(STUDIO_TOLERANCE, 0.35 * nearby)) & M.dilate(studio, r + 1)
        solid = M.fill_holes(M.open_(solid & ~fade, 1)) & ~studio
        solid = _mirror_white(solid, off)
    if not solid.any():
        raise GarmentNotFoundError(
            "No garment was found in the garment photo. Use a photo of the garment on a plain background."
        )
    # Keep the main piece and anything large next to it (a second trouser leg, a strap).
    n, labels, stats, _ = cv2.connectedComponentsWithStats(solid.astype(np.uint8), connectivity=8)
    areas = stats[1:, cv2.CC_STAT_AREA]
    keep = 1 + np.nonzero(areas >= 0.15 * areas.max())[0]
    found = np.isin(labels, keep)
    mask = _close_channels(found)
    if mask.mean() < 0.02:
        raise GarmentNotFoundError(
            "The garment is too small in the photo or blends into the background. Use a photo where the "
            "garment fills most of the frame, on a plain background of another colour."
        )
    return mask, mask & ~found


def _close_channels(mask: np.ndarray) -> np.ndarray:
    """The garment with the narrow channels of backdrop that enter it from its top closed.

    A white stripe on a white backdrop, starting at the garment's shoulder, passes for the backdrop
    down its whole length: the garment had a slot cut into it from the shoulder, drawn as a strip of
    skin through the new top. Such a channel is narrow, much longer than wide, near the garment's top
    and opens onto the backdrop outside its outline; gaps between sleeves and body open below, and
    a neckline is wide or (a V's tip) opens into the neckline, so neither is taken.
    """
    h, w = mask.shape
    rows = np.nonzero(mask.any(axis=1))[0]
    cols = np.nonzero(mask.any(axis=0))[0]
    if not len(rows):
        return mask
    widest = max(2, int(CHANNEL_WIDTH * (cols[-1] - cols[0] + 1)))
    idx = np.arange(w)[None, :]
    left = np.maximum.accumulate(np.where(mask, idx, -1), axis=1)
    right = np.minimum.accumulate(np.where(mask, idx, w)[:, ::-1], axis=1)[:, ::-1]
    narrow = ~mask & (left >= 0) & (right < w) & (right - left - 1 <= widest)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(narrow.astype(np.uint8), connectivity=4)
    top_band = rows[0] + CHANNEL_TOP * (rows[-1] - rows[0] + 1)
    # Each channel's mouth is capped; what the caps then enclose is the channel (however it widens
    # below), unless it is a large part of the garment's outline.
    caps = np.zeros_like(mask)
    for i in range(1, n):
        x, y, cw, ch, _ = stats[i]
        if ch < 2 * min(cw, widest) or y > top_band or y == 0:
            continue
        # (Its mouth opens onto the backdrop outside the garment's outline: above it, the row has no
        # garment on one side. Above the narrow tip of a V neckline both of the V's sides are still there.)
        mouth = np.nonzero(labels[y] == i)[0]
        outside = (left[y - 1, mouth] < 0) | (right[y - 1, mouth] >= w)
        if (outside & ~mask[y - 1, mouth]).any():
            caps[y : y + CHANNEL_CAP] |= labels[y : y + CHANNEL_CAP] == i
    if not caps.any():
        return mask
    closed = M.fill_holes(mask | caps)
    added = closed & ~mask
    return closed if added.sum() < CHANNEL_AREA * mask.sum() else mask


SLIVER_TOLERANCE = 10  # grey levels a sliver of backdrop closed into the mask may differ from the backdrop
BACKDROP_COLOURED_FABRIC = 0.05  # the share of a garment in the backdrop's colour from which it is fabric
CHANNEL_WIDTH = 0.08  # the widest channel closed, as a share of the garment's width
CHANNEL_TOP = 0.25  # a channel starts within this share of the garment's height from its top
CHANNEL_CAP = 3  # rows of a channel's mouth capped
CHANNEL_AREA = 0.1  # the most a closed channel adds, as a share of the garment's area


def _drop_shadows(shadow: np.ndarray, studio: np.ndarray) -> np.ndarray:
    """The parts of `shadow` (smooth, hue-less darkening) that are a drop shadow on the backdrop.

    A drop shadow lies on the backdrop and fades into it along its whole outer side. A garment's side
    in shade is as smooth at the mask's size (a knit's ribs are lost) but the garment's sharp outline
    parts it from the backdrop; it meets the backdrop at its ends only (a white camisole's side).
    """
    n, labels = cv2.connectedComponents(shadow.astype(np.uint8), connectivity=8)
    if n <= 1:
        return shadow
    edge = shadow & ~M.erode(shadow, 1)
    on_backdrop = np.bincount(labels[edge & M.dilate(studio, 1)], minlength=n)
    edges = np.bincount(labels[edge], minlength=n)
    areas = np.bincount(labels.ravel(), minlength=n)
    keep = (on_backdrop >= SHADOW_ON_BACKDROP * np.maximum(edges, 1)) | (areas < SHADED_SIDE_AREA * shadow.size)
    keep[0] = False
    return keep[labels]


SHADOW_ON_BACKDROP = 0.2  # the least share of a drop shadow's outline that borders the backdrop
SHADED_SIDE_AREA = 0.015  # the smallest garment side in shade (a band down its side), as a share of the photo


def _mirror_white(solid: np.ndarray, off: np.ndarray) -> np.ndarray:
    """A white garment on a white cut-out backdrop, completed by its mirror image where a side was lost.

    Where white fabric equals the backdrop exactly (an over-exposed side), nothing in the photo
    separates them. Front views are nearly symmetric: when the garment is white and its mask is
    clearly lopsided, the mirrored mask adds the near-white pixels it covers.
    """
    if not solid.any() or float(np.median(off[solid])) > 20:
        return solid
    h, w = solid.shape
    # The axis is searched on a quarter-size copy (a mirror about column x2 / 2 sends c to x2 - c).
    k = 4
    small = cv2.resize(solid.astype(np.uint8), (max(1, w // k), max(1, h // k)), interpolation=cv2.INTER_AREA) > 0
    sw = small.shape[1]
    cols = np.nonzero(small.any(axis=0))[0]
    best, best_x2 = 0.0, None
    centre2 = int(cols[0] + cols[-1])  # twice the box's centre column
    for x2 in range(centre2 - sw // 10, centre2 + sw // 10 + 1):
        src = x2 - np.arange(sw)
        ok = (src >= 0) & (src < sw)
        mirrored = np.zeros_like(small)
        mirrored[:, ok] = small[:, src[ok]]
        iou = (mirrored & small).sum() / max((mirrored | small).sum(), 1)
        if iou > best:
            best, best_x2 = iou, x2
    if best_x2 is None or not 0.7 < best < 0.95:
        return solid
    best_x2 = best_x2 * k + (k - 1)  # back to full-size columns (centres of the small pixels)
    src = best_x2 - np.arange(w)
    ok = (src >= 0) & (src < w)
    mirrored = np.zeros_like(solid)
    mirrored[:, ok] = solid[:, src[ok]]
    # Only below the neckline, where the garment is one piece across each row: above it, straps and
    # collars lean or tie differently on each side, and their mirror images drew straps that are not there.
    starts = np.diff(solid.astype(np.int8), axis=1, prepend=0) > 0
    one_piece = starts.sum(axis=1) == 1
    added = mirrored & ~solid & (off <= 25) & one_piece[:, None]
    # A lost side runs down the garment (in pieces, where its fabric's noise leaves the backdrop's exact
    # white); a part wider than tall is a strap's end mirrored beside the other.
    n, labels, stats, _ = cv2.connectedComponentsWithStats(M.close(added, 4).astype(np.uint8), connectivity=8)
    tall = 1 + np.nonzero(stats[1:, cv2.CC_STAT_HEIGHT] >= stats[1:, cv2.CC_STAT_WIDTH])[0]
    return M.fill_holes(solid | (added & np.isin(labels, tall)))


def _studio_backdrop(image: np.ndarray, on_border: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
    """The backdrop of a cut-out product photo (a digitally flat colour) and each pixel's distance from
    it, or (None, None) for a real backdrop.

    Flat means the border pixels equal their median within JPEG rounding. The backdrop is what is
    flat and either touches the border or is a large enclosed gap; small flat specks inside a white
    garment stay garment.
    """
    h, w = image.shape[:2]
    off = _off_flat_backdrop(image)
    if off is None:
        return None, None
    flat = M.open_(off <= STUDIO_TOLERANCE, 2)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(flat.astype(np.uint8), connectivity=4)
    touching = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    # (Small gaps count too near the garment's top: the loops of a bow at the neck, a keyhole.)
    rows = np.nonzero(((off > 4 * STUDIO_TOLERANCE) & ~flat).any(axis=1))[0]
    top_zone = rows[0] + TOP_GAP_ZONE * (rows[-1] - rows[0] + 1) if len(rows) else -1
    gaps = []
    for i in np.nonzero(stats[:, cv2.CC_STAT_AREA] >= TOP_GAP_AREA * h * w)[0]:
        if i == 0 or i in touching:
            continue
        x, y, cw, ch, area = stats[i]
        if area < LARGE_GAP_AREA * h * w and (y > top_zone or max(cw, ch) > 2.5 * min(cw, ch)):
            continue
        # An enclosed gap is ringed by a garment of another colour; a flat patch ringed by
        # near-backdrop pixels is the fabric of a white garment.
        y0, x0 = max(0, y - 4), max(0, x - 4)
        part = labels[y0 : y + ch + 4, x0 : x + cw + 4] == i
        ring = M.dilate(part, 3) & ~part
        if np.median(off[y0 : y + ch + 4, x0 : x + cw + 4][ring]) > 12:
            gaps.append(i)
    keep = np.setdiff1d(np.union1d(touching, gaps), [0])
    return np.isin(labels, keep) & flat, off


LARGE_GAP_AREA = 0.004  # an enclosed gap at least this share of the photo is backdrop anywhere
TOP_GAP_ZONE = 0.08  # how far down a garment (share of its height) small enclosed gaps are backdrop
TOP_GAP_AREA = 0.0003  # the smallest such gap, as a share of the photo
STUDIO_TOLERANCE = 2  # grey levels a flat backdrop may differ from its median (JPEG rounding)


def _flat_backdrop_colour(image: np.ndarray) -> np.ndarray | None:
    """The colour of a digitally flat backdrop (border pixels equal within JPEG rounding), or None when
    the photo's border is not one (a real photo, or a garment filling the frame)."""
    h, w = image.shape[:2]
    b = max(2, int(0.02 * min(h, w)))
    sides = [image[:b], image[-b:], image[b:-b, :b], image[b:-b, -b:]]
    border = np.concatenate([side.reshape(-1, 3) for side in sides]).astype(np.int16)
    bg = np.median(border, axis=0)
    if np.mean(np.abs(border - bg).max(axis=1) <= STUDIO_TOLERANCE) < 0.98:
        return None
    return bg


def _off_flat_backdrop(image: np.ndarray) -> np.ndarray | None:
    """Per pixel, how far (grey levels, worst channel) it is from a digitally flat backdrop, or None."""
    bg = _flat_backdrop_colour(image)
    if bg is None:
        return None
    return _max_abs_diff(image, bg)


def _watershed(image: np.ndarray, found: np.ndarray, border: np.ndarray) -> np.ndarray | None:
    """The garment grown from `found` by watershed against the border, or None when it leaks."""
    h, w = found.shape
    markers = np.zeros((h, w), np.int32)
    markers[border] = 1
    seed = M.erode(found, 2)
    if seed.sum() < 0.002 * h * w:
        return None
    markers[seed] = 2
    labels = cv2.watershed(cv2.cvtColor(image, cv2.COLOR_RGB2BGR), markers)
    grown = M.fill_holes(labels == 2)
    grown = M.open_(grown, 2)
    # Leaked into the backdrop: the garment would touch the frame on much of its border.
    edge = np.concatenate([grown[0], grown[-1], grown[:, 0], grown[:, -1]])
    if edge.mean() > 0.1 or grown.mean() > 0.85:
        return None
    return grown
