"""The try-on pipeline: a person photo and a garment photo in, the person wearing the garment out."""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field

import cv2
import numpy as np

from tryon.compose import Composite, compose
from tryon.errors import TryOnInputError
from tryon.garment import CATEGORIES, GarmentAnalysis, analyze_garment
from tryon.imageio import ImageInput, load_image
from tryon.perception import BodyAnalysis, Detectors, estimate_body, shared_detectors
from tryon.perception.checks import check_supported
from tryon.warp import WarpedGarment, warp_garment


@dataclass(frozen=True, eq=False)
class TryOnResult:
    """What a try-on produced.

    `image` has the person photo's processing size (its long side at most 1024 px).
    `layers` gives RGB uint8 pictures for a debug view (key points, regions, warped garment); they are
    drawn on first use, so a caller that does not look at them does not pay for them.
    `timings_ms` gives the time of each stage in milliseconds.
    Every engine returns this type (see `tryon.engines`); the analysis fields (`body` ... `composite`)
    are filled by the CPU engine only.
    """

    image: np.ndarray  # (H, W, 3) uint8
    mask: np.ndarray  # (H, W) uint8, 255 where the picture changed
    category: str
    person: np.ndarray  # (H, W, 3) uint8, the person photo as processed
    body: BodyAnalysis | None = None
    garment: GarmentAnalysis | None = None
    warped: WarpedGarment | None = None
    composite: Composite | None = None
    timings_ms: dict[str, float] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    engine: str = "cpu"

    @functools.cached_property
    def layers(self) -> dict[str, np.ndarray]:
        if self.body is None or self.warped is None or self.composite is None:
            return {"changed region": np.repeat(self.mask[..., None], 3, axis=2)}
        return _debug_layers(self.person, self.body, self.warped, self.composite)


class TryOnPipeline:
    """Person photo + garment photo + category -> TryOnResult, on the CPU, in a fraction of a second.

    >>> pipe = TryOnPipeline()
    >>> result = pipe("me.jpg", "tee.png", category="upper")
    >>> Image.fromarray(result.image).save("out.png")
    """

    def __init__(self, detectors: Detectors | None = None) -> None:
        self.detectors = detectors or shared_detectors()

    def warm_up(self) -> None:
        """Load the perception models now rather than on the first request."""
        self.detectors.warm_up()

    def check_inputs(self, category: str, mask: np.ndarray | None, size: tuple[int, int]) -> None:
        if category not in CATEGORIES:
            raise TryOnInputError(f"Unknown category {category!r}: choose one of {', '.join(CATEGORIES)}.")
        if mask is not None and mask.shape[:2] != size:
            raise TryOnInputError(
                f"The corrected mask is {mask.shape[1]}x{mask.shape[0]} but the photo is {size[1]}x{size[0]}; "
                "paint the correction on the photo shown in the app."
            )

    def __call__(
        self,
        person: ImageInput,
        garment: ImageInput,
        category: str = "upper",
        replace_mask: np.ndarray | None = None,
        keep_mask: np.ndarray | None = None,
    ) -> TryOnResult:
        """Dress `person` in `garment`.

        Args:
            person: the person photo (path, bytes, PIL image or RGB array).
            garment: the garment photo (a product photo on a plain background).
            category: "upper", "lower" or "dress".
            replace_mask: optional (H, W) mask of extra area the garment must replace (painted by the user).
            keep_mask: optional (H, W) mask of area that must stay untouched (painted by the user).
        """
        timings: dict[str, float] = {}
        t0 = time.perf_counter()

        # 1. Check and load inputs.
        person_rgb = load_image(person, what="person photo")
        garment_rgb = load_image(garment, what="garment photo")
        self.check_inputs(category, replace_mask, person_rgb.shape[:2])
        self.check_inputs(category, keep_mask, person_rgb.shape[:2])
        timings["load"] = _lap(t0)

        # 2. Analyse the person and the garment.
        t = time.perf_counter()
        body = estimate_body(person_rgb, self.detectors)
        check_supported(body, category)
        timings["person"] = _lap(t)
        t = time.perf_counter()
        garment_info = analyze_garment(garment_rgb, category)
        timings["garment"] = _lap(t)
        body = _apply_user_masks(body, category, replace_mask, keep_mask)

        # 3. Warp the garment onto the body.
        t = time.perf_counter()
        warped = warp_garment(garment_info, body)
        timings["warp"] = _lap(t)

        # 4. Compose.
        t = time.perf_counter()
        composite = compose(person_rgb, body, warped, category)
        timings["compose"] = _lap(t)
        timings["total"] = _lap(t0)
        mask = (composite.changed > 0.02).astype(np.uint8) * 255
        return TryOnResult(
            image=composite.image,
            mask=mask,
            category=category,
            person=person_rgb,
            body=body,
            garment=garment_info,
            warped=warped,
            composite=composite,
            timings_ms=timings,
            notes=body.notes,
        )


def _lap(t: float) -> float:
    return round((time.perf_counter() - t) * 1000, 1)


def _apply_user_masks(body: BodyAnalysis, category, replace_mask, keep_mask) -> BodyAnalysis:
    """Painted corrections override the automatic regions."""
    if replace_mask is None and keep_mask is None:
        return body
    from dataclasses import replace

    field_name = "lower_clothes" if category == "lower" else "upper_clothes"
    region = getattr(body, field_name).copy()
    hands = body.hands.copy()
    if replace_mask is not None:
        region = np.maximum(region, (replace_mask > 0).astype(np.float32))
    if keep_mask is not None:
        keep = (keep_mask > 0).astype(np.float32)
        region = region * (1 - keep)
        # Kept areas are protected the way hands are: the new garment is not drawn there.
        hands = np.maximum(hands, keep)
    return replace(body, **{field_name: region, "hands": hands})


def _debug_layers(person, body: BodyAnalysis, warped, composite) -> dict[str, np.ndarray]:
    h, w = person.shape[:2]
    keypoints = person.copy()
    S = body.skeleton.shoulder_width
    r = max(2, int(S / 40))
    bones = [("right_shoulder", "left_shoulder"), ("left_shoulder", "left_elbow"), ("left_elbow", "left_wrist"),
             ("right_shoulder", "right_elbow"), ("right_elbow", "right_wrist"), ("left_shoulder", "left_hip"),
             ("right_shoulder", "right_hip"), ("left_hip", "right_hip"), ("left_hip", "left_knee"),
             ("left_knee", "left_ankle"), ("right_hip", "right_knee"), ("right_knee", "right_ankle")]  # fmt: skip
    sk = body.skeleton
    for a, b in bones:
        colour = (255, 160, 0) if a in sk.estimated or b in sk.estimated else (0, 220, 255)
        cv2.line(keypoints, _pt(sk[a]), _pt(sk[b]), colour, max(1, r // 2), cv2.LINE_AA)
    for p in warped.targets.values():
        cv2.circle(keypoints, _pt(p), r, (255, 0, 255), -1, cv2.LINE_AA)
    regions = (person * 0.3).astype(np.float32)
    palette = {"face": (255, 220, 0), "hair": (150, 75, 0), "hands": (255, 0, 255), "skin": (255, 170, 130),
               "upper_clothes": (0, 200, 0), "lower_clothes": (0, 90, 255), "feet": (120, 120, 120)}  # fmt: skip
    for name, colour in palette.items():
        m = getattr(body, name)[..., None] * 0.65
        regions = regions * (1 - m) + np.array(colour, np.float32) * m
    garment = np.full((h, w, 3), 255, np.float32)
    a = warped.alpha[..., None]
    garment = garment * (1 - a) + warped.colour * a
    changed = (composite.changed * 255).astype(np.uint8)
    return {
        "keypoints": keypoints,
        "regions": np.clip(regions, 0, 255).astype(np.uint8),
        "warped garment": np.clip(garment, 0, 255).astype(np.uint8),
        "changed region": np.repeat(changed[..., None], 3, axis=2),
    }


def _pt(p) -> tuple[int, int]:
    return int(round(float(p[0]))), int(round(float(p[1])))
