"""Typed description of a person photo: skeleton, masks, and colour models.

Everything here is in pixel coordinates of the processed photo (x right, y down).
"Left" and "right" are the person's own sides, as in MediaPipe (the person's left
shoulder is on the image's right in a front view).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

# MediaPipe pose landmark indices used by the pipeline.
POSE_INDEX = {
    "nose": 0,
    "left_eye": 2,
    "right_eye": 5,
    "left_ear": 7,
    "right_ear": 8,
    "mouth_left": 9,
    "mouth_right": 10,
    "left_shoulder": 11,
    "right_shoulder": 12,
    "left_elbow": 13,
    "right_elbow": 14,
    "left_wrist": 15,
    "right_wrist": 16,
    "left_pinky": 17,
    "right_pinky": 18,
    "left_index": 19,
    "right_index": 20,
    "left_thumb": 21,
    "right_thumb": 22,
    "left_hip": 23,
    "right_hip": 24,
    "left_knee": 25,
    "right_knee": 26,
    "left_ankle": 27,
    "right_ankle": 28,
}


@dataclass(frozen=True)
class Skeleton:
    """Named body points (x, y) in pixels. Points that were not seen are estimated and listed in `estimated`."""

    points: dict[str, np.ndarray]
    visibility: dict[str, float]
    estimated: frozenset[str] = frozenset()

    def __getitem__(self, name: str) -> np.ndarray:
        return self.points[name]

    @property
    def shoulder_width(self) -> float:
        """Distance between the shoulder joints: the unit of every body proportion used here."""
        return float(np.linalg.norm(self.points["left_shoulder"] - self.points["right_shoulder"]))

    @property
    def shoulder_center(self) -> np.ndarray:
        return (self.points["left_shoulder"] + self.points["right_shoulder"]) / 2

    @property
    def hip_center(self) -> np.ndarray:
        return (self.points["left_hip"] + self.points["right_hip"]) / 2

    def seen(self, name: str, min_visibility: float = 0.5) -> bool:
        return name not in self.estimated and self.visibility.get(name, 0.0) >= min_visibility


@dataclass(frozen=True)
class ColourModel:
    """Mean and spread of a colour in CIE Lab (OpenCV's 8-bit Lab scale)."""

    mean: np.ndarray  # (3,) L, a, b
    std: np.ndarray  # (3,)

    def distance(self, lab: np.ndarray) -> np.ndarray:
        """Per-pixel normalised distance; about 1 at one spread from the mean. lab: (..., 3) float32."""
        # Lightness varies with shading far more than chroma does, so it counts less.
        weights = (np.array([0.25, 1.0, 1.0]) / self.std**2).astype(np.float32)
        d = lab - self.mean.astype(np.float32)
        d *= d
        return np.sqrt(d @ weights)


MASK_FIELDS = ("person", "face", "hair", "hands", "skin", "upper_clothes", "lower_clothes", "feet")


@dataclass(frozen=True)
class BodyAnalysis:
    """Everything the try-on needs to know about the person photo.

    Masks are float32 (H, W) arrays in [0, 1] (soft edges) unless noted.
    """

    size: tuple[int, int]  # (H, W)
    skeleton: Skeleton
    person: np.ndarray  # the person's silhouette
    face: np.ndarray  # face skin (face mesh oval or an estimate)
    face_box: tuple[int, int, int, int] | None  # x0, y0, x1, y1 of the face, None when out of frame
    hair: np.ndarray
    hands: np.ndarray
    skin: np.ndarray  # bare skin anywhere on the person (arms, neck, legs, hands, face)
    upper_clothes: np.ndarray  # the top the person wears now
    lower_clothes: np.ndarray  # trousers, skirt, or the lower part of a dress
    feet: np.ndarray  # shoes and feet, never replaced
    waist_y: float  # where the top ends and the lower garment starts
    hip_half_width: float  # half the width of the body at the hips (silhouette without arms), pixels
    skin_colour: ColourModel
    head_in_frame: bool = True  # the head's key points are inside the photo
    face_seen: bool = True  # a face was detected (face mesh or face detector): the person faces the camera
    notes: tuple[str, ...] = field(default=())

    def crop(self, x0: int, y0: int, x1: int, y1: int) -> BodyAnalysis:
        """The same analysis for the box [x0, x1) x [y0, y1): masks sliced, points shifted."""
        offset = np.array([x0, y0], dtype=np.float64)
        skeleton = Skeleton(
            points={k: v - offset for k, v in self.skeleton.points.items()},
            visibility=self.skeleton.visibility,
            estimated=self.skeleton.estimated,
        )
        box = (slice(y0, y1), slice(x0, x1))
        face_box = None
        if self.face_box is not None:
            fx0, fy0, fx1, fy1 = self.face_box
            face_box = (fx0 - x0, fy0 - y0, fx1 - x0, fy1 - y0)
        masks = {name: getattr(self, name)[box] for name in MASK_FIELDS}
        return replace(self, size=(y1 - y0, x1 - x0), skeleton=skeleton, face_box=face_box,
                       waist_y=self.waist_y - y0, **masks)  # fmt: skip

    @property
    def height(self) -> int:
        return self.size[0]

    @property
    def width(self) -> int:
        return self.size[1]
