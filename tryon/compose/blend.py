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
from tryon.perception import BodyAnalysis
from tryon.perception.estimate import ARM_RADIUS, LEG_RADIUS
from tryon.warp import WarpedGarment


@dataclass(frozen=True)
class Composite:
    image: np.ndarray  # (H, W, 3) uint8
    changed: np.ndarray  # (H, W) float32: how much each pixel changed (0 = original pixel)
    replaced: np.ndarray  # (H, W) bool: the old clothes that were replaced
    filled: np.ndarray  # (H, W) bool: uncovered old-garment area that was filled in
    shading: np.ndarray  # (H, W) float32 shading carried onto the garment


def compose(person: np.ndarray, body: BodyAnalysis, warped: WarpedGarment, category: str) -> Composite:
    """Put the warped garment on the person."""
    h, w = person.shape[:2]
    S = body.skeleton.shoulder_width
    # 1. What is replaced.
    old = body.upper_clothes if category == "upper" else body.lower_clothes
    if category == "dress":
        old = np.maximum(body.upper_clothes, body.lower_clothes)
    old_b = old > 0.5
    protect = np.maximum.reduce([body.face, body.hair, body.hands, body.feet])
    alpha = warped.alpha * (1 - protect)
    if category == "lower":
        # A top hangs over the waistband: the new bottom goes under the current top.
        alpha = alpha * (1 - body.upper_clothes)
    # 2. Fill the old garment where the new one does not reach.
    uncovered = old_b & (alpha < 0.5)
    uncovered = M.open_(uncovered, 1)
    base = person.astype(np.float32)
    if uncovered.any():
        base = _fill(person, body, uncovered, category)
    # 3. Shading: the photo's low-frequency light on the region the old garment covered.
    shading = _shading(person, old_b, S)
    garment = warped.colour * shading[..., None]
    # 4 + 5. Blend; the protected regions keep their pixels because alpha is zero there.
    a = alpha[..., None]
    out = base * (1 - a) + garment * a
    image = np.clip(out + 0.5, 0, 255).astype(np.uint8)
    changed = np.clip(np.abs(image.astype(np.int16) - person.astype(np.int16)).max(axis=2) / 255.0 * 8, 0, 1)
    changed = np.maximum(changed, alpha).astype(np.float32)
    changed[changed < 1e-3] = 0
    return Composite(image=image, changed=changed, replaced=old_b, filled=uncovered,
                     shading=shading.astype(np.float32))  # fmt: skip


def body_shape(body: BodyAnalysis, category: str) -> np.ndarray:
    """Where bare body would be under clothes: torso, neck, arms (and legs), drawn from the skeleton."""
    sk = body.skeleton
    S = sk.shoulder_width
    size = body.size
    across = sk["left_shoulder"] - sk["right_shoulder"]
    across = across / np.linalg.norm(across)
    torso = np.array([
        sk["right_shoulder"] - across * 0.08 * S,
        sk["left_shoulder"] + across * 0.08 * S,
        sk["left_hip"] + across * 0.18 * S,
        sk["right_hip"] - across * 0.18 * S,
    ])  # fmt: skip
    shape = M.polygon(size, torso)
    neck_c = sk.shoulder_center
    shape |= M.band(size, [neck_c, neck_c - np.array([0, 0.45 * S])], 0.17 * S)
    for side in ("left", "right"):
        shape |= M.band(size, [sk[f"{side}_shoulder"], sk[f"{side}_elbow"], sk[f"{side}_wrist"]], ARM_RADIUS * S)
        if category != "upper":
            shape |= M.band(size, [sk[f"{side}_hip"], sk[f"{side}_knee"], sk[f"{side}_ankle"]], LEG_RADIUS * S * 0.8)
    return shape & (body.person > 0.5)


def _fill(person: np.ndarray, body: BodyAnalysis, region: np.ndarray, category: str) -> np.ndarray:
    """Skin inside the body's shape, background outside it."""
    out = person.astype(np.float32).copy()
    shape = body_shape(body, category)
    skin_part = region & shape
    bg_part = region & ~shape
    if bg_part.any():
        out = _inpaint(out, bg_part)
    if skin_part.any():
        mean_lab = np.clip(body.skin_colour.mean, 0, 255).astype(np.uint8).reshape(1, 1, 3)
        skin_rgb = cv2.cvtColor(mean_lab, cv2.COLOR_LAB2RGB).reshape(3).astype(np.float32)
        # Round limbs are darker towards their edges.
        dist = cv2.distanceTransform(shape.astype(np.uint8), cv2.DIST_L2, 3)
        S = body.skeleton.shoulder_width
        roundness = np.clip(dist / (0.12 * S), 0, 1)
        shade = 0.82 + 0.18 * np.sqrt(roundness)
        skin = skin_rgb[None, None, :] * shade[..., None]
        soft = M.feather(skin_part, max(1.0, S / 120))[..., None]
        out = out * (1 - soft) + skin * soft
    return out


def _inpaint(image: np.ndarray, region: np.ndarray) -> np.ndarray:
    """Fill `region` from its surroundings (Telea), at half resolution for speed."""
    h, w = region.shape
    small = cv2.resize(np.clip(image, 0, 255).astype(np.uint8), (w // 2, h // 2), interpolation=cv2.INTER_AREA)
    small_mask = cv2.resize(M.dilate(region, 2).astype(np.uint8), (w // 2, h // 2), interpolation=cv2.INTER_NEAREST)
    filled = cv2.inpaint(small, small_mask, 5, cv2.INPAINT_TELEA)
    up = cv2.resize(filled, (w, h), interpolation=cv2.INTER_LINEAR).astype(np.float32)
    soft = M.feather(M.dilate(region, 1), 1.5)[..., None]
    return image * (1 - soft) + up * soft


def _shading(person: np.ndarray, region: np.ndarray, S: float) -> np.ndarray:
    """Folds and light as a multiplier around 1, from the photo's luminance inside `region`.

    Prints and logos are sharp; folds and light are smooth. A blur of a few percent of the
    shoulder width keeps folds and drops most of a print; the ratio to a much wider blur
    removes the old garment's own brightness, so a black top does not darken a white one.
    """
    h, w = region.shape
    if not region.any():
        return np.ones((h, w), np.float32)
    lum = cv2.cvtColor(person, cv2.COLOR_RGB2GRAY).astype(np.float32) + 8.0
    m = region.astype(np.float32)
    # Normalised (masked) blurs so the background does not bleed in at the edges.
    def masked_blur(sigma):
        num = cv2.GaussianBlur(lum * m, (0, 0), sigma)
        den = cv2.GaussianBlur(m, (0, 0), sigma)
        return num / np.maximum(den, 1e-3)

    fine = masked_blur(max(1.5, 0.035 * S))
    coarse = masked_blur(max(4.0, 0.6 * S))
    ratio = np.clip(fine / np.maximum(coarse, 1e-3), 0.6, 1.3) ** 0.7
    soft = M.feather(region, max(1.5, 0.03 * S))
    return (1 + (ratio - 1) * soft).astype(np.float32)
