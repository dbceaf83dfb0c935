"""Declining photos the try-on would get plainly wrong, with a reason and a tip the user can act on."""

from __future__ import annotations

from tryon.errors import UnsupportedPhotoError
from tryon.perception.body import BodyAnalysis

MIN_TORSO_BELOW_SHOULDERS = 0.3  # in shoulder widths: less and there is no torso to dress


def check_supported(body: BodyAnalysis, category: str) -> None:
    """Raise UnsupportedPhotoError when the photo cannot give a believable result for `category`."""
    sk = body.skeleton
    S = sk.shoulder_width
    h = body.height
    if h - sk.shoulder_center[1] < MIN_TORSO_BELOW_SHOULDERS * S:
        raise UnsupportedPhotoError(
            "The photo is cropped just below the shoulders, so there is no body to dress. "
            "Tip: take the photo from a little further away, down to at least your waist."
        )
    if body.head_in_frame and not body.face_seen and sk.visibility.get("nose", 0) < 0.5:
        raise UnsupportedPhotoError(
            "This looks like a photo from behind. Tip: face the camera, with your shoulders square to it."
        )
    if category in ("lower", "dress") and {"left_hip", "right_hip"} <= sk.estimated:
        raise UnsupportedPhotoError(
            "Your hips are not in the photo, so bottoms and dresses cannot be placed. "
            "Tip: use a photo that shows you at least down to the knees."
        )
    wrists_in_front = 0
    for side in ("left", "right"):
        name = f"{side}_wrist"
        if not sk.seen(name, 0.6):
            continue
        x, y = sk[name]
        x_lo = min(sk["left_shoulder"][0], sk["right_shoulder"][0]) + 0.2 * S
        x_hi = max(sk["left_shoulder"][0], sk["right_shoulder"][0]) - 0.2 * S
        if x_lo < x < x_hi and sk.shoulder_center[1] + 0.3 * S < y < sk.hip_center[1] - 0.1 * S:
            wrists_in_front += 1
    if wrists_in_front == 2:
        raise UnsupportedPhotoError(
            "Your arms cross in front of your body, which would hide the garment. "
            "Tip: let your arms hang by your sides or rest your hands on your hips."
        )
