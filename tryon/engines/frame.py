"""Pre- and post-processing every image-to-image engine shares.

- `category_mask`: the area an engine repaints for a category, from the CPU engine's person analysis,
  used when the caller gives no mask.
- `Frame`: a box in photo coordinates with the engine's aspect ratio. `Frame.around` crops the person photo
  around the repainted area (padding with edge pixels when a crop cannot hold it); `Frame.padded` pads a
  garment photo with white. `Frame.take` cuts the box out at the engine's size; `Frame.paste_back` puts an
  engine's output back into the photo inside the mask only, so every pixel outside it keeps its value.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from tryon.masks import dilate, feather, tapered_band
from tryon.perception import BodyAnalysis


def category_mask(body: BodyAnalysis, category: str) -> np.ndarray:
    """(H, W) bool: what a generative engine may repaint for `category` (the old garment and the limbs
    the new one may cover), never the face, hair, hands or (except for lower garments) shoes."""
    size = body.size
    sk = body.skeleton
    S = sk.shoulder_width
    upper = category in ("upper", "dress")
    lower = category in ("lower", "dress")
    area = np.zeros(size, bool)
    if upper:
        area |= body.upper_clothes > 0.5
        for side in ("left", "right"):
            arm = [sk[f"{side}_shoulder"], sk[f"{side}_elbow"], sk[f"{side}_wrist"]]
            area |= tapered_band(size, arm, [0.24 * S, 0.17 * S, 0.12 * S])
        # The torso between shoulders and hips, so a longer or looser top has room.
        torso = np.array([sk["right_shoulder"], sk["left_shoulder"], sk["left_hip"], sk["right_hip"]])
        centre = torso.mean(axis=0)
        torso = centre + (torso - centre) * 1.15
        canvas = np.zeros(size, np.uint8)
        cv2.fillConvexPoly(canvas, np.round(torso).astype(np.int32), 1)
        area |= canvas.astype(bool)
    if lower:
        area |= body.lower_clothes > 0.5
        for side in ("left", "right"):
            leg = [sk[f"{side}_hip"], sk[f"{side}_knee"], sk[f"{side}_ankle"]]
            area |= tapered_band(size, leg, [0.3 * S, 0.2 * S, 0.14 * S])
    area = dilate(area, max(2, int(0.06 * S)))  # a margin: the new garment may be looser than the old one
    keep = (body.face > 0.5) | (body.hair > 0.5) | (body.hands > 0.5)
    if not lower:
        keep |= body.lower_clothes > 0.5
        keep |= np.arange(size[0])[:, None] > body.waist_y + 0.35 * S  # trousers stay for a top
    if category != "lower":
        keep |= body.feet > 0.5
    else:
        keep |= body.upper_clothes > 0.5
    return area & ~keep


@dataclass(frozen=True)
class Frame:
    """A box (x0, y0, x1, y1) in photo pixels, possibly reaching outside the photo, with the engine's aspect."""

    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def height(self) -> int:
        return self.y1 - self.y0

    @classmethod
    def around(cls, size: tuple[int, int], aspect: float, focus: np.ndarray | None = None) -> Frame:
        """The largest box of aspect `aspect` (width / height) inside the photo that holds the `focus` mask;
        when no crop can hold it, the photo is padded instead (the box reaches outside it)."""
        h, w = size
        if w / h > aspect:  # too wide: crop the sides
            bw, bh = int(round(h * aspect)), h
        else:  # too tall: crop top and bottom
            bw, bh = w, int(round(w / aspect))
        cx, cy = w / 2, h / 2
        if focus is not None and focus.any():
            ys, xs = np.nonzero(focus)
            fx0, fx1, fy0, fy1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
            if fx1 - fx0 > bw or fy1 - fy0 > bh:
                return cls.padded(size, aspect)
            cx, cy = (fx0 + fx1) / 2, (fy0 + fy1) / 2
        x0 = int(round(min(max(cx - bw / 2, 0), w - bw)))
        y0 = int(round(min(max(cy - bh / 2, 0), h - bh)))
        return cls(x0, y0, x0 + bw, y0 + bh)

    @classmethod
    def padded(cls, size: tuple[int, int], aspect: float) -> Frame:
        """The smallest box of aspect `aspect` around the whole photo, centred (padding on two sides)."""
        h, w = size
        if w / h > aspect:
            bw, bh = w, int(round(w / aspect))
        else:
            bw, bh = int(round(h * aspect)), h
        x0, y0 = (w - bw) // 2, (h - bh) // 2
        return cls(x0, y0, x0 + bw, y0 + bh)

    def take(self, image: np.ndarray, out_size: tuple[int, int], fill: int | None = None,
             nearest: bool = False) -> np.ndarray:  # fmt: skip
        """The box cut out of `image` and resized to `out_size` (H, W). Outside the photo: `fill`
        (a grey level, e.g. 255 for a garment on white) or, when None, the nearest edge pixels.
        `nearest` resizes without blending (for masks)."""
        h, w = image.shape[:2]
        pad = (max(0, -self.y0), max(0, self.y1 - h), max(0, -self.x0), max(0, self.x1 - w))
        if any(pad):
            border = cv2.BORDER_REPLICATE if fill is None else cv2.BORDER_CONSTANT
            value = 0 if fill is None else [fill] * (image.shape[2] if image.ndim == 3 else 1)
            image = cv2.copyMakeBorder(image, *pad, border, value=value)
        box = image[self.y0 + pad[0] : self.y1 + pad[0], self.x0 + pad[2] : self.x1 + pad[2]]
        interpolation = cv2.INTER_AREA if box.shape[0] > out_size[0] else cv2.INTER_CUBIC
        if nearest:
            interpolation = cv2.INTER_NEAREST
        return cv2.resize(box, (out_size[1], out_size[0]), interpolation=interpolation)

    def paste_back(self, photo: np.ndarray, output: np.ndarray, mask: np.ndarray, soft: float = 2.0) -> np.ndarray:
        """`output` (the engine's picture of this box) resized into the photo, blended inside `mask` only:
        pixels where `mask` is 0 keep the photo's exact values."""
        h, w = photo.shape[:2]
        full = cv2.resize(output, (self.width, self.height), interpolation=cv2.INTER_CUBIC)
        sx0, sy0 = max(0, -self.x0), max(0, -self.y0)
        dx0, dy0, dx1, dy1 = max(0, self.x0), max(0, self.y0), min(w, self.x1), min(h, self.y1)
        placed = photo.copy()
        placed[dy0:dy1, dx0:dx1] = full[sy0 : sy0 + dy1 - dy0, sx0 : sx0 + dx1 - dx0]
        inside = mask > 0
        alpha = np.minimum(feather(inside.astype(np.float32), soft) * 2, 1.0) * inside
        alpha = alpha[..., None]
        blended = photo.astype(np.float32) * (1 - alpha) + placed.astype(np.float32) * alpha
        out = np.clip(np.round(blended), 0, 255).astype(np.uint8)
        out[~inside] = photo[~inside]
        return out
