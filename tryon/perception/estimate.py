"""Person analysis: from a photo to a :class:`BodyAnalysis`.

No human-parsing model ships offline, so the regions are derived: MediaPipe gives the
skeleton, the person's silhouette and the face mesh; colour models (skin from the face,
hair from above the face, the top and the bottom from the torso) split the silhouette
into face, hair, hands, skin, upper clothes, lower clothes and feet.
"""

from __future__ import annotations

import cv2
import numpy as np

from tryon import masks as M
from tryon.errors import PersonNotFoundError
from tryon.perception.body import POSE_INDEX, BodyAnalysis, ColourModel, Skeleton
from tryon.perception.detectors import (
    DETECTOR_LONG_SIDE,
    FACE_OVAL,
    Detectors,
    shared_detectors,
)

# Body proportions in shoulder widths (S = distance between the shoulder joints), measured on
# the 22 real photos: shoulder-to-hip 1.4-1.75 S, hip joints 0.55-0.63 S apart.
TORSO_LENGTH = 1.55
HIP_WIDTH = 0.58
UPPER_ARM = 0.95
FOREARM = 0.85
THIGH = 1.25
SHIN = 1.2
ARM_RADIUS = 0.14  # half the width of an upper arm
LEG_RADIUS = 0.2


def estimate_body(image: np.ndarray, detectors: Detectors | None = None) -> BodyAnalysis:
    """Analyse a person photo (H, W, 3 uint8 RGB).

    Raises:
        PersonNotFoundError: no person, or no shoulders, in the photo.
    """
    detectors = detectors or shared_detectors()
    h, w = image.shape[:2]
    notes: list[str] = []

    # 1. Skeleton and silhouette from MediaPipe, on a small copy.
    pose, seg, n_faces = _detect_main_person(image, detectors, notes)
    skeleton = _skeleton(pose, (h, w), notes)
    person = _person_mask(seg, skeleton, (h, w))
    S = skeleton.shoulder_width
    lab = cv2.cvtColor(image, cv2.COLOR_RGB2LAB).astype(np.float32)

    # 2. Face: the face mesh on a crop around the head when the head is in the frame.
    face, face_box, chin_y, mesh_found, head_in_frame = _face(image, skeleton, person, detectors)

    # 3. Colour models: skin from the face (or the neck when the face is cut off).
    skin_colour = _skin_colour(lab, face, person, skeleton, chin_y)
    to_skin = np.full((h, w), np.inf, np.float32)  # (on the person only: over the whole photo it costs more)
    ys, xs = np.nonzero(person)
    to_skin[ys, xs] = skin_colour.distance(lab[ys, xs])
    skin = person & (to_skin < 2.6)
    skin = M.open_(skin, 1)
    # A fine print whose light parts pass for skin (houndstooth, a beige check) is skin-like pixels between
    # close-set dark ones; real skin has no such dots. Below the chin, the gaps between non-skin person
    # pixels narrower than a few pixels are closed: they are the print's, not skin.
    rows = np.arange(h)[:, None]
    clothed = M.close(person & ~skin & (rows > chin_y), max(1, int(round(PRINT_GAP * S))))
    skin &= ~clothed | (rows <= chin_y)

    # 4. Hands from the pose's hand points; hair from above the chin.
    hands = _hands(skeleton, skin, person, (h, w))
    arm_bands = _arm_bands(skeleton, (h, w))
    waist_y = _waist(lab, person & ~skin, skeleton, h)
    top_colour = _region_colour(
        lab,
        person & ~skin & ~face & (rows > chin_y) & ~arm_bands,
        chin_y,
        min(waist_y, skeleton.shoulder_center[1] + 0.9 * S),
    )
    hair = _hair(lab, person, face, skin, top_colour, skeleton, chin_y)
    person |= hair  # (strands of hair outside the silhouette)
    if top_colour is not None:
        # Skin in a highlight or a shadow falls outside the face's colour model (a lit bare shoulder
        # reads as "not skin", is taken for the top and painted over). Below the chin, next to bare
        # skin, nearer skin than the top's colour by far, it is skin.
        weak = person & ~skin & ~face & ~hair & (rows > chin_y) & (to_skin < 5.0)
        ys, xs = np.nonzero(weak)  # (the top's distance only where it decides)
        weak[ys, xs] = top_colour.distance(lab[ys, xs]) > 2.0 * to_skin[ys, xs]
        skin |= M.components_touching(weak, M.dilate(skin, 1))
    # A thin strap (a camisole's, a bra's) is a dark line a pixel or two wide on the skin; its mixed
    # pixels pass for skin, so it stayed, drawn across a filled neckline or beside a new sleeve.
    skin &= ~_straps(lab[..., 0], skin & ~face & ~hair, person & ~skin & ~face & ~hair, skeleton, chin_y)

    # 5. Clothes: the silhouette minus skin, face, hair and hands, split at the waist.
    clothed = person & ~skin & ~face & ~hair & ~hands
    # Shoes start a little below each ankle joint; trouser hems above that may be replaced. Each leg
    # has its own ankle (a stride puts one foot higher): the columns nearer each ankle use it.
    la, ra = skeleton["left_ankle"], skeleton["right_ankle"]
    cols = np.arange(w)[None, :]
    nearer_left = np.abs(cols - la[0]) <= np.abs(cols - ra[0])
    feet = person & np.where(nearer_left, rows > la[1] + 0.08 * S, rows > ra[1] + 0.08 * S)
    below_waist_arms = arm_bands & (rows > waist_y)
    bottom_colour = _region_colour(lab, clothed & ~arm_bands & ~feet, int(waist_y), h - 1)
    if top_colour is not None and bottom_colour is not None:
        # A sleeve below the waist is the top's colour; where an arm was only guessed (hidden behind
        # the body) the band lies on the bottoms, which must not be replaced as if they were a sleeve.
        ys, xs = np.nonzero(below_waist_arms)
        px = lab[ys, xs]
        below_waist_arms[ys, xs] = top_colour.distance(px) < bottom_colour.distance(px)
    upper_zone = (rows > chin_y) & ((rows <= waist_y) | below_waist_arms)
    upper = clothed & upper_zone & ~feet
    upper = M.components_touching(upper, _chest_seed(skeleton, (h, w)) | arm_bands)
    if face_box is not None:
        # A high collar (a helmet's ring at the astronaut's neck) rises above the chin beside the face:
        # what of the clothes there joins the top is the top's.
        x0, y0, x1, y1 = face_box
        # (Beside the face box: within it, what is not the face stays as it is.)
        collar = clothed & (rows > (y0 + y1) / 2) & (rows <= chin_y) & ((cols < x0) | (cols > x1))
        if collar.any():
            # (Joined within a band down to a little below the chin: over the whole photo it cost more.)
            band = slice(int((y0 + y1) / 2), int(min(h, chin_y + 0.3 * S)))
            upper[band] |= M.components_touching(collar[band] | upper[band], upper[band]) & collar[band]
    lower = clothed & (rows > waist_y) & ~upper & ~feet

    hip_half = _hip_half_width(person, arm_bands | hands, skeleton)
    edge = max(1.0, S / 150)
    return BodyAnalysis(
        size=(h, w),
        skeleton=skeleton,
        person=M.feather(person, edge),
        face=M.feather(face, edge),
        face_box=face_box,
        hair=M.feather(hair, edge),
        hands=M.feather(hands, edge),
        skin=M.feather(skin, edge),
        upper_clothes=M.feather(upper, edge),
        lower_clothes=M.feather(lower, edge),
        feet=M.feather(feet, edge),
        waist_y=float(waist_y),
        hip_half_width=hip_half,
        skin_colour=skin_colour,
        head_in_frame=head_in_frame,
        face_seen=mesh_found or n_faces > 0,
        notes=tuple(notes),
    )


def _detect_main_person(image, detectors, notes):
    h, w = image.shape[:2]
    scale = min(1.0, DETECTOR_LONG_SIDE / max(h, w))
    small = cv2.resize(image, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
    raw = _plausible_pose(detectors, small)
    if len(raw.face_boxes) > 1:
        notes.append(f"{len(raw.face_boxes)} people are in the photo; the largest one was used.")
        x0, y0, x1, y1 = raw.face_boxes[0]
        nose = raw.pose[POSE_INDEX["nose"], :2] if raw.pose is not None else None
        inside = nose is not None and x0 - (x1 - x0) <= nose[0] <= x1 + (x1 - x0)
        if not inside:
            # Pose found someone else: look again in a strip around the largest face.
            fw = x1 - x0
            cx0 = int(max(0, x0 - 3 * fw))
            cx1 = int(min(small.shape[1], x1 + 3 * fw))
            raw_crop = detectors.run(np.ascontiguousarray(small[:, cx0:cx1]))
            if raw_crop.pose is not None:
                seg = np.zeros(small.shape[:2], np.float32)
                seg[:, cx0:cx1] = raw_crop.segmentation
                pose = raw_crop.pose.copy()
                pose[:, 0] += cx0
                raw = type(raw)(pose=pose, segmentation=seg, face_boxes=raw.face_boxes)
    if raw.pose is None:
        raise PersonNotFoundError(
            "No person was found in the photo. Use a photo of one person facing the camera, "
            "with the head, shoulders and upper body visible."
        )
    pose = raw.pose.copy()
    pose[:, :3] /= scale
    seg = cv2.resize(raw.segmentation, (w, h), interpolation=cv2.INTER_LINEAR)
    return pose, seg, len(raw.face_boxes)


# MediaPipe's left/right landmark pairs (to mirror a pose found on a flipped photo).
_MIRROR = list(range(33))
for _a, _b in [(1, 4), (2, 5), (3, 6), (7, 8), (9, 10)] + [(i, i + 1) for i in range(11, 33, 2)]:
    _MIRROR[_a], _MIRROR[_b] = _b, _a


def _pose_score(pose: np.ndarray | None, seg: np.ndarray | None) -> float:
    """How believable a pose is: shoulders that span the silhouette, a torso of human proportions."""
    if pose is None or seg is None:
        return 0.0
    S = float(np.linalg.norm(pose[11, :2] - pose[12, :2]))
    if S < 1.0:
        return 0.0
    torso = float(np.linalg.norm((pose[11, :2] + pose[12, :2]) / 2 - (pose[23, :2] + pose[24, :2]) / 2))
    h, w = seg.shape
    y = int(np.clip((pose[11, 1] + pose[12, 1]) / 2 + 0.1 * S, 0, h - 1))
    row = seg[y] > 0.5
    span = float(row.sum()) if row.any() else S
    ratio_ok = 1.0 < torso / S < 2.6
    return (1.0 if ratio_ok else 0.3) * min(1.0, S / max(0.5 * span, 1.0))


def _plausible_pose(detectors: Detectors, small: np.ndarray):
    """Pose on the photo; when it is implausible (MediaPipe sometimes collapses the shoulders), try the
    mirrored photo and keep the more believable answer."""
    raw = detectors.run(small)
    score = _pose_score(raw.pose, raw.segmentation)
    if score >= 0.8:
        return raw
    flipped = detectors.run(np.ascontiguousarray(small[:, ::-1]))
    if flipped.pose is None or _pose_score(flipped.pose, flipped.segmentation) <= score:
        return raw
    pose = flipped.pose[_MIRROR].copy()
    pose[:, 0] = small.shape[1] - 1 - pose[:, 0]
    seg = np.ascontiguousarray(flipped.segmentation[:, ::-1])
    return type(raw)(pose=pose, segmentation=seg, face_boxes=raw.face_boxes)


def _skeleton(pose: np.ndarray, size: tuple[int, int], notes: list[str]) -> Skeleton:
    h, w = size
    pts = {name: pose[i, :2].astype(np.float64) for name, i in POSE_INDEX.items()}
    vis = {name: float(pose[i, 3]) for name, i in POSE_INDEX.items()}
    for side in ("left", "right"):
        if vis[f"{side}_shoulder"] < 0.3:
            raise PersonNotFoundError(
                "The shoulders are not visible. Use a photo facing the camera with both shoulders in the frame."
            )
    S = float(np.linalg.norm(pts["left_shoulder"] - pts["right_shoulder"]))
    if S < 12:
        raise PersonNotFoundError(
            "The person is too small in the photo. Step closer or crop the photo around the person."
        )
    across = pts["left_shoulder"] - pts["right_shoulder"]  # towards the person's left
    across /= np.linalg.norm(across)
    down = np.array([-across[1], across[0]])
    if down[1] < 0:
        down = -down
    estimated: set[str] = set()

    def inside(p: np.ndarray) -> bool:
        return -0.02 * w <= p[0] <= 1.02 * w and -0.02 * h <= p[1] <= 1.02 * h

    def need(name: str, guess: np.ndarray, min_vis: float = 0.5) -> None:
        if vis[name] < min_vis or not inside(pts[name]):
            pts[name] = guess
            estimated.add(name)

    centre = (pts["left_shoulder"] + pts["right_shoulder"]) / 2
    hip_mid = centre + down * TORSO_LENGTH * S
    for side, sign in (("left", 1), ("right", -1)):
        need(f"{side}_hip", hip_mid + sign * across * HIP_WIDTH / 2 * S)
    for side in ("left", "right"):
        need(f"{side}_elbow", pts[f"{side}_shoulder"] + down * UPPER_ARM * S)
        need(f"{side}_wrist", pts[f"{side}_elbow"] + down * FOREARM * S)
        need(f"{side}_knee", pts[f"{side}_hip"] + down * THIGH * S)
        need(f"{side}_ankle", pts[f"{side}_knee"] + down * SHIN * S)
    if {"left_hip", "right_hip"} & estimated:
        notes.append("The hips are out of the frame; their position was estimated.")
    return Skeleton(points=pts, visibility=vis, estimated=frozenset(estimated))


def _hip_half_width(person: np.ndarray, arms: np.ndarray, skeleton: Skeleton) -> float:
    """Half the body's width at the hips, from the silhouette with the arms taken out.

    The hip landmarks are the joints; the hips' outline is 1.6-2.6 times as wide, depending on the
    build and the clothes, so the silhouette is measured where it can be, and bounded.
    """
    h, w = person.shape
    joints = float(np.linalg.norm(skeleton["left_hip"] - skeleton["right_hip"]))
    lo, hi = 0.8 * joints, 1.35 * joints
    centre = skeleton.hip_center
    y = int(round(centre[1]))
    if not (0 <= y < h) or skeleton.seen("left_hip") is False and skeleton.seen("right_hip") is False:
        return 1.0 * joints
    widths = []
    for dy in (-2, 0, 2):
        row = person[min(h - 1, max(0, y + dy))] & ~arms[min(h - 1, max(0, y + dy))]
        x = int(np.clip(centre[0], 0, w - 1))
        if not row[x]:
            continue
        left = x - (np.argmax(~row[x::-1]) if (~row[x::-1]).any() else x)
        right = x + (np.argmax(~row[x:]) if (~row[x:]).any() else w - 1 - x)
        widths.append((right - left) / 2)
    if not widths:
        return 1.0 * joints
    return float(np.clip(np.median(widths), lo, hi))


def _person_mask(seg: np.ndarray, skeleton: Skeleton, size: tuple[int, int]) -> np.ndarray:
    person = seg > 0.5
    seed = _chest_seed(skeleton, size)
    if not (person & seed).any():
        raise PersonNotFoundError(
            "The person could not be separated from the background. Use a photo with a plainer background."
        )
    return M.components_touching(person, seed)


def _straps(light: np.ndarray, skin: np.ndarray, clothed: np.ndarray, skeleton: Skeleton, chin_y: float) -> np.ndarray:
    """Thin dark lines on the skin rising from the clothes over the shoulders: the straps of the top.

    Found as a black-hat (a dark line much narrower than the skin around it), between the neck's
    sides and the shoulders' outer ends, from a little above the shoulder line to the bust, and kept
    when they touch the clothes and rise a fair way (a shadow fold or a freckle does not).
    """
    S = skeleton.shoulder_width
    h, w = light.shape
    c = skeleton.shoulder_center
    y0, y1 = int(max(chin_y, c[1] - STRAP_ABOVE * S, 0)), int(min(h, c[1] + 0.35 * S))
    x0, x1 = int(max(0, c[0] - 0.5 * S)), int(min(w, c[0] + 0.5 * S))
    found = np.zeros((h, w), bool)
    if y1 - y0 < 3 or x1 - x0 < 3:
        return found
    win = (slice(y0, y1), slice(x0, x1))
    r = max(2, int(round(0.03 * S)))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    part = light[win]
    dark = (cv2.morphologyEx(part, cv2.MORPH_CLOSE, kernel) - part > STRAP_DARKER) & skin[win]
    # (Over the shoulders, outside the neck's base: not the neck's own shadows beside the jaw and
    # under a collar.)
    dark[:, np.abs(np.arange(x0, x1) - c[0]) < STRAP_FROM_CENTRE * S] = False
    dark = M.components_touching(dark, M.dilate(clothed[win], 1))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(dark.astype(np.uint8), connectivity=8)
    # (Rising over the shoulders' line: a neckline's shadowed edge lies lower.)
    tall = stats[1:, cv2.CC_STAT_HEIGHT] >= 0.08 * S
    rising = y0 + stats[1:, cv2.CC_STAT_TOP] < c[1]
    keep = 1 + np.nonzero(tall & rising)[0]
    found[win] = np.isin(labels, keep)
    return found


STRAP_FROM_CENTRE = 0.25  # straps lie at least this far across from the neck's centre, in shoulder widths
STRAP_ABOVE = 0.3  # how far above the shoulder joints' line straps are looked for, in shoulder widths
STRAP_DARKER = 30.0  # how much darker (Lab lightness, 0-255) than the skin beside it a strap's line is


def _chest_seed(skeleton: Skeleton, size: tuple[int, int]) -> np.ndarray:
    S = skeleton.shoulder_width
    c = skeleton.shoulder_center + np.array([0.0, 0.35 * S])
    seed = np.zeros(size, bool)
    h, w = size
    x, y = int(np.clip(c[0], 0, w - 1)), int(np.clip(c[1], 0, h - 1))
    r = max(2, int(0.15 * S))
    seed[max(0, y - r) : y + r, max(0, x - r) : x + r] = True
    return seed


def _face(image, skeleton: Skeleton, person, detectors: Detectors):
    """Face mask, face box and chin height."""
    h, w = image.shape[:2]
    S = skeleton.shoulder_width
    head_names = ["nose", "left_eye", "right_eye", "left_ear", "right_ear", "mouth_left", "mouth_right"]
    head = np.array([skeleton[n] for n in head_names])
    head_in_frame = skeleton.visibility["nose"] > 0.5 and head[:, 1].min() > 0.02 * h
    fallback_chin = skeleton.shoulder_center[1] - 0.3 * S
    empty = np.zeros((h, w), bool)
    if not head_in_frame:
        mouth_y = (skeleton["mouth_left"][1] + skeleton["mouth_right"][1]) / 2
        eye_y = (skeleton["left_eye"][1] + skeleton["right_eye"][1]) / 2
        chin = mouth_y + 0.6 * max(mouth_y - eye_y, 0.05 * S) if mouth_y > 0 else fallback_chin
        chin = float(np.clip(chin, 0, fallback_chin))
        # The head is cut off at the top of the frame: keep all of it that is visible.
        face = person & (np.arange(h)[:, None] < chin)
        return face, None, chin, False, False
    centre = head.mean(axis=0)
    half = max(0.55 * S, 1.6 * np.ptp(head[:, 0]))
    x0, y0 = int(max(0, centre[0] - half)), int(max(0, centre[1] - half))
    x1, y1 = int(min(w, centre[0] + half)), int(min(h, centre[1] + half))
    mesh = None
    if x1 - x0 > 20 and y1 - y0 > 20:
        crop = np.ascontiguousarray(image[y0:y1, x0:x1])
        if crop.shape[0] < 192:
            k = 192 / crop.shape[0]
            crop = cv2.resize(crop, None, fx=k, fy=k, interpolation=cv2.INTER_CUBIC)
        else:
            k = 1.0
        mesh = detectors.face_mesh(crop)
        if mesh is not None:
            mesh = mesh / k + np.array([x0, y0])
    if mesh is not None:
        oval = mesh[FACE_OVAL]
        face = M.polygon((h, w), oval)
        fx0, fy0 = oval.min(axis=0)
        fx1, fy1 = oval.max(axis=0)
        box = (int(fx0), int(fy0), int(np.ceil(fx1)), int(np.ceil(fy1)))
        return face, box, float(fy1), True, True
    # No mesh: an ellipse from the pose's head points.
    ear_span = max(np.ptp(head[:, 0]), 0.3 * S)
    axes = (int(0.6 * ear_span), int(0.8 * ear_span))
    canvas = np.zeros((h, w), np.uint8)
    cv2.ellipse(canvas, (int(centre[0]), int(centre[1])), axes, 0, 0, 360, 1, -1)
    face = canvas.astype(bool) & person
    if not face.any():
        return empty, None, fallback_chin, False, True
    ys, xs = np.nonzero(face)
    box = (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)
    return face, box, float(ys.max()), False, True


PRINT_GAP = 0.012  # the widest gap between a print's dark dots that is closed, in shoulder widths


def _skin_colour(lab, face, person, skeleton: Skeleton, chin_y: float) -> ColourModel:
    S = skeleton.shoulder_width
    h, w = face.shape
    core = M.erode(face, max(1, int(0.04 * S))) & person
    samples = lab[core]
    if len(samples) < 50:
        # Face cut off: sample the neck, between the chin and the shoulder line.
        c = skeleton.shoulder_center
        neck = np.zeros((h, w), bool)
        y0, y1 = int(max(0, chin_y)), int(max(0, c[1] - 0.12 * S))
        x0, x1 = int(max(0, c[0] - 0.1 * S)), int(min(w, c[0] + 0.1 * S))
        neck[y0:y1, x0:x1] = True
        samples = lab[neck & person]
    if len(samples) < 20:
        # Nothing bare to sample: a broad prior over human skin tones.
        return ColourModel(mean=np.array([160.0, 145.0, 145.0]), std=np.array([40.0, 8.0, 10.0]))
    # Robust statistics: eyes, brows and lips are outliers.
    med = np.median(samples, axis=0)
    mad = np.median(np.abs(samples - med), axis=0) * 1.4826
    # Floors: skin varies with shading; caps: a sample polluted by clothes must not accept everything.
    std = np.clip(mad, np.array([14.0, 4.0, 5.0]), np.array([28.0, 7.0, 9.0]))
    return ColourModel(mean=med, std=std)


def _hands(skeleton: Skeleton, skin, person, size):
    h, w = size
    S = skeleton.shoulder_width
    hands = np.zeros(size, bool)
    for side in ("left", "right"):
        names = [f"{side}_{n}" for n in ("wrist", "pinky", "index", "thumb")]
        if not all(skeleton.seen(n, 0.3) for n in names):
            continue
        pts = np.array([skeleton[n] for n in names])
        centre = pts.mean(axis=0)
        grown = centre + (pts - centre) * 1.8
        hull = cv2.convexHull(grown.astype(np.float32)).reshape(-1, 2)
        region = M.polygon(size, hull) | M.band(size, list(pts), 0.09 * S)
        hands |= region & person & M.dilate(skin, max(1, int(0.02 * S)))
    return hands


def _arm_bands(skeleton: Skeleton, size) -> np.ndarray:
    S = skeleton.shoulder_width
    bands = np.zeros(size, bool)
    for side in ("left", "right"):
        pts = [skeleton[f"{side}_shoulder"], skeleton[f"{side}_elbow"], skeleton[f"{side}_wrist"]]
        bands |= M.band(size, pts, ARM_RADIUS * S * 1.25)
    return bands


def _region_colour(lab, mask, y0, y1) -> ColourModel | None:
    rows = np.arange(lab.shape[0])[:, None]
    sel = mask & (rows >= y0) & (rows <= y1)
    samples = lab[sel]
    if len(samples) < 30:
        return None
    med = np.median(samples, axis=0)
    mad = np.median(np.abs(samples - med), axis=0) * 1.4826
    return ColourModel(mean=med, std=np.maximum(mad, np.array([10.0, 3.0, 3.0])))


def _waist(lab, clothed, skeleton: Skeleton, h: int) -> float:
    """The row where the top ends: a colour change-point on the torso's centre line, else near the hips."""
    S = skeleton.shoulder_width
    sc, hc = skeleton.shoulder_center, skeleton.hip_center
    default = float(hc[1] + 0.1 * S)
    y0 = int(np.clip(sc[1] + 0.45 * S, 0, h - 1))
    y1 = int(np.clip(hc[1] + 0.5 * S, 0, h - 1))
    if y1 - y0 < 10 or skeleton.seen("left_hip") is False and skeleton.seen("right_hip") is False:
        return min(default, h - 1.0)
    x_c = 0.5 * (sc[0] + hc[0])
    half = 0.18 * S
    x0, x1 = int(max(0, x_c - half)), int(min(lab.shape[1], x_c + half))
    strip = lab[y0:y1, x0:x1]
    valid = clothed[y0:y1, x0:x1]
    counts = valid.sum(axis=1)
    ok = counts > 0.3 * (x1 - x0)
    if ok.sum() < 8:
        return min(default, h - 1.0)
    sums = (strip * valid[..., None]).sum(axis=1)
    rowcol = np.where(ok[:, None], sums / np.maximum(counts, 1)[:, None], np.nan)
    idx = np.nonzero(ok)[0]
    cols = rowcol[idx]
    # Best split into two constant colours (least squares change-point).
    n = len(cols)
    csum = np.cumsum(cols, axis=0)
    csq = np.cumsum((cols**2).sum(axis=1))
    best, best_k = np.inf, None
    for k in range(3, n - 3):
        a = csum[k - 1]
        b = csum[-1] - a
        cost = csq[-1] - (a @ a) / k - (b @ b) / (n - k)
        if cost < best:
            best, best_k = cost, k
    total = csq[-1] - (csum[-1] @ csum[-1]) / n
    if best_k is None or total <= 0:
        return min(default, h - 1.0)
    top = cols[:best_k].mean(axis=0)
    bottom = cols[best_k:].mean(axis=0)
    gain = 1 - best / total
    if gain < 0.5 or np.linalg.norm((top - bottom) * np.array([0.5, 1, 1])) < 12:
        return min(default, h - 1.0)  # same colour above and below (a dress, or matching set)
    return float(y0 + idx[best_k])


def _hair(lab, person, face, skin, top_colour, skeleton: Skeleton, chin_y):
    h, w = person.shape
    S = skeleton.shoulder_width
    rows = np.arange(h)[:, None]
    head = person & (rows < chin_y) & ~M.dilate(face, max(1, int(0.02 * S)))
    hair = head & ~skin
    if hair.sum() < 30:
        return hair
    # Hair grows from the crown: a part that does not reach the top of the head and has another colour
    # than the crown's hair (a helmet's ring at the astronaut's neck) is not hair. (A ponytail hanging
    # beside the neck does not reach it either, but has its colour.)
    face_rows = np.nonzero(face.any(axis=1))[0]
    if len(face_rows):
        crown = hair & (rows < face_rows[0] + HAIR_CROWN * (face_rows[-1] - face_rows[0]))
        if crown.sum() >= 30:
            ref = np.median(lab[crown], axis=0)
            # (Above the chin only, where the hair so far is; each part's mean colour at once.)
            top = slice(0, int(min(h, max(1, chin_y + 1))))
            n, labels = cv2.connectedComponents(hair[top].astype(np.uint8), connectivity=8)
            ys, xs = np.nonzero(hair[top])
            ids = labels[ys, xs]
            count = np.maximum(np.bincount(ids, minlength=n), 1)
            mean = np.stack([np.bincount(ids, lab[ys, xs, c], minlength=n) for c in range(3)], axis=1) / count[:, None]
            other = np.linalg.norm(mean - ref, axis=1) > HAIR_OTHER_COLOUR
            other[np.unique(labels[crown[top]])] = False
            other[0] = False
            hair[top] &= ~other[labels]
    colour = _region_colour(lab, hair, 0, chin_y)
    if colour is None:
        return hair
    if top_colour is not None and np.linalg.norm((colour.mean - top_colour.mean) * np.array([0.5, 1, 1])) < 14:
        return hair  # hair and top look alike: do not grow hair into the top
    below = person & (rows >= chin_y) & (rows < skeleton.shoulder_center[1] + 1.2 * S) & ~skin
    # (The colour distances on those pixels only: over the whole photo they cost ~10 ms.)
    ys, xs = np.nonzero(below)
    sample = lab[ys, xs]
    to_hair = colour.distance(sample)
    near_hair = to_hair < 2.2
    if top_colour is not None:
        near_hair &= top_colour.distance(sample) > to_hair
    candidate = np.zeros_like(below)
    candidate[ys[near_hair], xs[near_hair]] = True
    grown = M.components_touching(M.open_(candidate | hair, 1), hair)
    hair = hair | grown
    # Strands hanging beside the neck that the person's segmentation left out (thin, dark on a light
    # backdrop): taken for backdrop, the fill next to the old top smeared them into a grey halo.
    # (In the box beside the neck only.)
    cx = skeleton.shoulder_center[0]
    y0, y1 = int(max(0, chin_y - 0.3 * S)), int(min(h, skeleton.shoulder_center[1] + 0.6 * S))
    x0, x1 = int(max(0, cx - STRAND_REACH * S)), int(min(w, cx + STRAND_REACH * S))
    if y1 - y0 < 3 or x1 - x0 < 3:
        return hair
    box = (slice(y0, y1), slice(x0, x1))
    ys, xs = np.nonzero(~person[box])
    strand = np.zeros((y1 - y0, x1 - x0), bool)
    strand[ys, xs] = colour.distance(lab[box][ys, xs]) < 2.2
    if strand.sum() > STRAND_SHARE * len(ys):
        return hair  # (a backdrop as dark as the hair: strands cannot be told from it)
    hair[box] |= M.components_touching(strand, M.dilate(hair[box], 1))
    return hair


STRAND_SHARE = 0.15  # the most of the backdrop beside the neck that may be hair-coloured for strands to be found
STRAND_REACH = 0.8  # how far from the neck's centre (shoulder widths) strands outside the silhouette are hair
HAIR_CROWN = 0.25  # hair reaches above this share of the face's height, from its top
HAIR_OTHER_COLOUR = 60.0  # Lab distance from the crown's hair beyond which a part apart from it is not hair
