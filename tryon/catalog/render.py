"""A procedural garment renderer: design attributes -> a product photo on white.

It draws the app's catalog and (later) the generator's training data. Every garment is a
front view, laid flat, with soft folds, a seam shadow along the edges and a drop shadow, so
that it reads as an in-shop photo. The renderer also returns the garment's exact mask and
key points, which the tests use as ground truth for garment analysis.
"""

from __future__ import annotations

import colorsys
import math
from dataclasses import asdict, dataclass, field

import cv2
import numpy as np

KINDS = {
    "tee": "upper",
    "longsleeve": "upper",
    "tank": "upper",
    "trousers": "lower",
    "shorts": "lower",
    "skirt": "lower",
    "dress": "dress",
}
PATTERNS = ("solid", "stripes", "checks", "dots", "zigzag")
CANVAS = (1024, 768)  # (H, W), the aspect of in-shop photos
BACKGROUND = 250


@dataclass(frozen=True)
class GarmentDesign:
    """Design attributes; every continuous value is in [0, 1]."""

    kind: str = "tee"  # one of KINDS
    sleeve: float = 0.35  # 0 sleeveless, ~0.35 short, 1 long (tops and dresses)
    width: float = 0.5  # 0 slim, 1 loose
    length: float = 0.5  # 0 cropped / mini / shorts-short, 1 long / maxi
    neckline: float = 0.3  # depth: 0 high crew, 1 deep V
    hue: float = 0.6
    saturation: float = 0.6
    lightness: float = 0.45
    pattern: str = "solid"  # one of PATTERNS
    pattern_scale: float = 0.5  # 0 fine, 1 bold
    texture: float = 0.3  # 0 smooth, 1 coarse knit
    seed: int = 0  # fold placement

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind={self.kind!r}; expected one of {sorted(KINDS)}")
        if self.pattern not in PATTERNS:
            raise ValueError(f"pattern={self.pattern!r}; expected one of {list(PATTERNS)}")
        for name in ("sleeve", "width", "length", "neckline", "hue", "saturation", "lightness",
                     "pattern_scale", "texture"):  # fmt: skip
            value = getattr(self, name)
            if not 0.0 <= float(value) <= 1.0:
                raise ValueError(f"{name}={value}; expected a value in [0, 1]")

    @property
    def category(self) -> str:
        return KINDS[self.kind]

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class RenderedGarment:
    image: np.ndarray  # (H, W, 3) uint8 product photo
    mask: np.ndarray  # (H, W) bool, the garment
    keypoints: dict[str, tuple[float, float]] = field(default_factory=dict)  # ground-truth key points


def render_garment(design: GarmentDesign, size: tuple[int, int] = CANVAS) -> RenderedGarment:
    """Render a garment design as a product photo of `size` (H, W)."""
    h, w = size
    # 1. Outline (in pixels) and key points.
    if design.category == "upper":
        parts, kps = _top_outline(design, h, w, dress=False)
    elif design.category == "dress":
        parts, kps = _top_outline(design, h, w, dress=True)
    else:
        parts, kps = _bottom_outline(design, h, w)
    mask = np.zeros((h, w), np.uint8)
    for poly, sign in parts:
        cv2.fillPoly(mask, [np.round(poly).astype(np.int32)], 1 if sign > 0 else 0, lineType=cv2.LINE_8)
    # 2. Fabric: colour, pattern and texture.
    fabric = _fabric(design, h, w)
    # 3. Shading: folds, edge darkening and a drop shadow (sizes relative to the 1024 px canvas).
    k = h / CANVAS[0]
    rng = np.random.default_rng(design.seed)
    shade = _folds(h, w, rng, kps)
    dist = cv2.distanceTransform(mask, cv2.DIST_L2, 5)
    shade *= 1.0 - 0.18 * np.exp(-dist / max(6.0 * k, 1.0))
    garment = np.clip(fabric * shade[..., None], 0, 255)
    alpha = cv2.GaussianBlur(mask.astype(np.float32), (0, 0), max(0.7 * k, 0.5))[..., None]
    offset = (max(1, round(8 * k)), max(1, round(5 * k)))
    shadow = cv2.GaussianBlur(np.roll(mask, offset, axis=(0, 1)).astype(np.float32), (0, 0), max(12 * k, 1.0))
    background = BACKGROUND * (1 - 0.06 * shadow[..., None]) * np.ones((1, 1, 3), np.float32)
    image = background * (1 - alpha) + garment * alpha
    return RenderedGarment(image=np.clip(image, 0, 255).astype(np.uint8), mask=mask.astype(bool), keypoints=kps)


def _top_outline(d: GarmentDesign, h: int, w: int, dress: bool):
    cx = w / 2
    top = 0.1 * h
    shoulder_half = 0.21 * w * (0.9 + 0.25 * d.width)
    body_half = shoulder_half * (0.92 + 0.12 * d.width)
    neck_half = 0.085 * w
    shoulder_y = top + 0.035 * h
    armpit_y = top + 0.21 * h
    if dress:
        waist_y = top + 0.33 * h
        hem_y = top + (0.5 + 0.38 * d.length) * h
        hem_half = body_half * (1.05 + 0.55 * d.width)
        waist_half = body_half * 0.86
    else:
        hem_y = top + (0.38 + 0.34 * d.length) * h
        hem_half = body_half * (0.98 + 0.06 * d.width)
        waist_half = None
    neck_depth = (0.03 + 0.16 * d.neckline) * h
    kps = {
        "neck_left": (cx + neck_half, top),  # the person's left is the image's right
        "neck_right": (cx - neck_half, top),
        "neck_front": (cx, top + neck_depth),
        "left_shoulder": (cx + shoulder_half, shoulder_y),
        "right_shoulder": (cx - shoulder_half, shoulder_y),
        "left_armpit": (cx + body_half, armpit_y),
        "right_armpit": (cx - body_half, armpit_y),
        "left_hem": (cx + hem_half, hem_y),
        "right_hem": (cx - hem_half, hem_y),
    }
    if d.kind == "tank" or d.sleeve < 0.08:
        # Sleeveless: narrow straps, the armhole curves in from the shoulder.
        kps["left_shoulder"] = (cx + neck_half + 0.06 * w, top + 0.005 * h)
        kps["right_shoulder"] = (cx - neck_half - 0.06 * w, top + 0.005 * h)
    body = [kps["neck_right"], kps["right_shoulder"], kps["right_armpit"]]
    if waist_half is not None:
        body.append((cx - waist_half, waist_y))
    body += [kps["right_hem"], kps["left_hem"]]
    if waist_half is not None:
        body.append((cx + waist_half, waist_y))
    body += [kps["left_armpit"], kps["left_shoulder"], kps["neck_left"]]
    parts = [(np.array(body), 1)]
    if not (d.kind == "tank" or d.sleeve < 0.08):
        sleeve_len = (0.08 + 0.3 * d.sleeve) * h
        angle = math.radians(38 + 36 * d.sleeve)  # long sleeves lie closer to the body
        root_w = math.dist(kps["left_shoulder"], kps["left_armpit"])
        cuff_w = root_w * (0.8 - 0.35 * d.sleeve)
        for side, sgn in (("left", 1), ("right", -1)):
            sh, ap = np.array(kps[f"{side}_shoulder"]), np.array(kps[f"{side}_armpit"])
            axis = np.array([sgn * math.cos(angle), math.sin(angle)])
            normal = np.array([axis[1], -axis[0]]) * sgn  # points up/out, towards the shoulder side
            root_c = (sh + ap) / 2
            cuff_c = root_c + axis * sleeve_len
            cuff_top, cuff_bot = cuff_c + normal * cuff_w / 2, cuff_c - normal * cuff_w / 2
            parts.append((np.array([sh, cuff_top, cuff_bot, ap]), 1))
            kps[f"{side}_cuff"] = tuple(cuff_c)
    # The neck opening.
    neck = [kps["neck_right"]]
    for t in np.linspace(0, 1, 17):
        x = kps["neck_right"][0] + t * 2 * neck_half
        depth = neck_depth * (1 - abs(2 * t - 1) ** (1.0 + 2.5 * (1 - d.neckline)))
        neck.append((x, top + depth))
    neck.append(kps["neck_left"])
    parts.append((np.array(neck + [(kps["neck_left"][0], top - 5), (kps["neck_right"][0], top - 5)]), -1))
    kps = {k: (float(v[0]), float(v[1])) for k, v in kps.items()}
    return parts, kps


def _bottom_outline(d: GarmentDesign, h: int, w: int):
    cx = w / 2
    top = 0.04 * h
    waist_half = 0.17 * w * (0.9 + 0.2 * d.width)
    hip_half = waist_half * 1.12
    hip_y = top + 0.16 * h
    if d.kind == "skirt":
        hem_y = top + (0.3 + 0.55 * d.length) * h
        hem_half = hip_half * (1.05 + 0.6 * d.width)
        kps = {
            "left_waist": (cx + waist_half, top), "right_waist": (cx - waist_half, top),
            "left_hip": (cx + hip_half, hip_y), "right_hip": (cx - hip_half, hip_y),
            "left_hem": (cx + hem_half, hem_y), "right_hem": (cx - hem_half, hem_y),
        }  # fmt: skip
        poly = [kps["right_waist"], kps["right_hip"], kps["right_hem"], kps["left_hem"], kps["left_hip"],
                kps["left_waist"]]  # fmt: skip
        return [(np.array(poly), 1)], {k: (float(a), float(b)) for k, (a, b) in kps.items()}
    leg_len = (0.2 + 0.42 * d.length) * h if d.kind == "trousers" else (0.08 + 0.12 * d.length) * h
    crotch_y = top + 0.22 * h
    hem_y = crotch_y + leg_len
    leg_open = (0.075 + 0.06 * d.width) * w
    gap = 0.03 * w  # legs lie slightly apart, as in product photos
    kps = {
        "left_waist": (cx + waist_half, top), "right_waist": (cx - waist_half, top),
        "left_hip": (cx + hip_half, hip_y), "right_hip": (cx - hip_half, hip_y),
        "crotch": (cx, crotch_y),
        "left_hem_out": (cx + hip_half * (0.95 + 0.1 * d.width), hem_y),
        "left_hem_in": (cx + gap + 0.01 * w, hem_y),
        "right_hem_out": (cx - hip_half * (0.95 + 0.1 * d.width), hem_y),
        "right_hem_in": (cx - gap - 0.01 * w, hem_y),
    }  # fmt: skip
    # Legs taper towards the hem for slim fits.
    for side, sgn in (("left", 1), ("right", -1)):
        inner = cx + sgn * gap
        outer = inner + sgn * max(leg_open * 2, 0.08 * w) if d.kind == "trousers" else kps[f"{side}_hem_out"][0]
        if d.kind == "trousers":
            kps[f"{side}_hem_out"] = (outer, hem_y)
            kps[f"{side}_hem_in"] = (inner, hem_y)
    # The inside-leg seams open in a rounded arch below the crotch, as trousers lie on a table.
    arch = [(cx - sgn * 0.022 * w, crotch_y + 0.035 * h) for sgn in (1, -1)]
    poly = [kps["right_waist"], kps["right_hip"], kps["right_hem_out"], kps["right_hem_in"], arch[0],
            kps["crotch"], arch[1], kps["left_hem_in"], kps["left_hem_out"], kps["left_hip"],
            kps["left_waist"]]  # fmt: skip
    return [(np.array(poly), 1)], {k: (float(a), float(b)) for k, (a, b) in kps.items()}


def design_rgb(d: GarmentDesign) -> np.ndarray:
    """The design's main colour as RGB floats in [0, 255]."""
    r, g, b = colorsys.hls_to_rgb(d.hue, 0.08 + 0.84 * d.lightness, d.saturation)
    return np.array([r, g, b]) * 255.0


def _fabric(d: GarmentDesign, h: int, w: int) -> np.ndarray:
    main = design_rgb(d)
    # The second colour: a light tint, or a dark shade of light garments.
    light = 0.08 + 0.84 * d.lightness
    second_l = light + 0.38 if light < 0.55 else light - 0.42
    r, g, b = colorsys.hls_to_rgb(d.hue, float(np.clip(second_l, 0.04, 0.95)), d.saturation * 0.6)
    second = np.array([r, g, b]) * 255.0
    amount = pattern_amount(d, h, w)
    fabric = main * (1 - amount[..., None]) + second * amount[..., None]
    if d.texture > 0:
        fabric = fabric * (1 + d.texture * texture_map(h, w))[..., None]
    return fabric.astype(np.float32)


def texture_map(h: int, w: int) -> np.ndarray:
    """The fabric's grain and weave as a relative brightness change (deterministic for a canvas size).

    The renderer multiplies the fabric by (1 + texture x this map); the generator receives the map
    scaled by the texture slider as an input, as it does the pattern.
    """
    rng = np.random.default_rng(1234)
    grain = rng.standard_normal((h // 2 + 1, w // 2 + 1)).astype(np.float32)
    grain = cv2.resize(grain, (w, h), interpolation=cv2.INTER_LINEAR)[:h, :w]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    weave = 0.5 * np.sin(xx * 1.9) * np.sin(yy * 1.9) * min(1.0, 4 * h / CANVAS[0])  # no aliasing when small
    return (0.035 * grain + 0.03 * weave).astype(np.float32)


def pattern_amount(d: GarmentDesign, h: int, w: int) -> np.ndarray:
    """Where the pattern's second colour is (0..1) on an (h, w) canvas, independent of the outline.

    Sizes are relative to the canvas height, so the same design gives the same look at any size.
    The generator receives this map as an input, so its output follows the pattern sliders exactly.
    """
    period = (14 + 70 * d.pattern_scale) * h / CANVAS[0]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    if d.pattern == "solid":
        return np.zeros((h, w), np.float32)
    if d.pattern == "stripes":
        return _smooth_step(np.sin(2 * np.pi * yy / period))
    if d.pattern == "checks":
        return 0.5 * (_smooth_step(np.sin(2 * np.pi * yy / period)) + _smooth_step(np.sin(2 * np.pi * xx / period)))
    if d.pattern == "dots":
        row = np.floor(yy / period)
        u = (xx + 0.5 * period * (row % 2)) % period - period / 2
        v = yy % period - period / 2
        edge = max(1.0, period / 40)
        return np.clip((0.22 * period - np.sqrt(u * u + v * v)) / edge + 0.5, 0, 1).astype(np.float32)
    tri = np.abs((xx / period) % 2 - 1) * period * 0.5  # zigzag
    return _smooth_step(np.sin(2 * np.pi * (yy + tri) / period))


def _smooth_step(s: np.ndarray) -> np.ndarray:
    return np.clip(s * 3.0 + 0.5, 0, 1).astype(np.float32)


def _folds(h: int, w: int, rng: np.random.Generator, kps: dict) -> np.ndarray:
    """Soft shading: a few long vertical folds and a gentle light falloff."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    shade = np.ones((h, w), np.float32)
    for _ in range(5):
        x0 = rng.uniform(0.25, 0.75) * w
        width = rng.uniform(0.012, 0.03) * w
        depth = rng.uniform(0.04, 0.09)
        tilt = rng.uniform(-0.08, 0.08)
        shade -= depth * np.exp(-(((xx - x0 - tilt * yy) / width) ** 2)) * np.clip((yy / h - 0.25) * 2, 0, 1)
    shade *= 1.04 - 0.08 * (yy / h) - 0.05 * np.abs(xx / w - 0.5)
    return shade
