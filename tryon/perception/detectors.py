"""MediaPipe detectors that ship inside the mediapipe 0.10.21 wheel (no download needed).

The models are created once per process, on first use, and shared; MediaPipe graphs are not
thread-safe, so each call holds a lock (Gradio runs handlers in worker threads).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

# Run the detectors on a copy of the photo whose long side is this many pixels:
# MediaPipe resizes internally to 256 px anyway, and a smaller copy is cheaper to convert.
DETECTOR_LONG_SIDE = 512

# Face-mesh landmark indices of the face oval, in drawing order (MediaPipe's FACEMESH_FACE_OVAL, as a ring).
FACE_OVAL = [
    10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377,
    152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
]  # fmt: skip


@dataclass(frozen=True)
class RawDetections:
    """What the detectors found, in pixel coordinates of the analysed image."""

    pose: np.ndarray | None  # (33, 4): x, y, z, visibility; None when no person was found
    segmentation: np.ndarray | None  # (H, W) float32 in [0, 1], person probability
    face_boxes: list[tuple[float, float, float, float]]  # every face: x0, y0, x1, y1, largest first


class Detectors:
    """Lazily created MediaPipe pose (+ segmentation), face detection and face mesh."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pose = None
        self._faces = None
        self._mesh = None

    def _ensure(self) -> None:
        if self._pose is not None:
            return
        import mediapipe as mp  # imported here: ~1.8 s and 240 MB, only when a photo is analysed

        # model_complexity=1 is the only pose model bundled in the wheel (0 and 2 would download).
        self._pose = mp.solutions.pose.Pose(static_image_mode=True, model_complexity=1, enable_segmentation=True)
        self._faces = mp.solutions.face_detection.FaceDetection(model_selection=1, min_detection_confidence=0.5)
        self._mesh = mp.solutions.face_mesh.FaceMesh(
            static_image_mode=True, max_num_faces=1, refine_landmarks=False, min_detection_confidence=0.4
        )

    def warm_up(self) -> None:
        """Create the models now (the app does this at start-up so the first request is fast)."""
        with self._lock:
            self._ensure()

    def detect_faces(self, rgb: np.ndarray) -> list[tuple[float, float, float, float]]:
        with self._lock:
            self._ensure()
            return self._face_boxes(rgb)

    def _face_boxes(self, rgb: np.ndarray) -> list[tuple[float, float, float, float]]:
        h, w = rgb.shape[:2]
        found = self._faces.process(rgb)
        boxes = []
        for det in found.detections or []:
            bb = det.location_data.relative_bounding_box
            boxes.append((bb.xmin * w, bb.ymin * h, (bb.xmin + bb.width) * w, (bb.ymin + bb.height) * h))
        boxes.sort(key=lambda b: (b[2] - b[0]) * (b[3] - b[1]), reverse=True)
        return boxes

    def run(self, rgb: np.ndarray) -> RawDetections:
        """Pose with segmentation, and every face box."""
        h, w = rgb.shape[:2]
        with self._lock:
            self._ensure()
            faces = self._face_boxes(rgb)
            pose_out = self._pose.process(rgb)
            pose = seg = None
            if pose_out.pose_landmarks is not None:
                pose = np.array(
                    [(p.x * w, p.y * h, p.z * w, p.visibility) for p in pose_out.pose_landmarks.landmark],
                    dtype=np.float32,
                )
                seg = np.asarray(pose_out.segmentation_mask, dtype=np.float32)
        return RawDetections(pose=pose, segmentation=seg, face_boxes=faces)

    def face_mesh(self, rgb: np.ndarray) -> np.ndarray | None:
        """The 468 face-mesh points (x, y) of the main face in `rgb` (best on a crop around the head)."""
        h, w = rgb.shape[:2]
        with self._lock:
            self._ensure()
            out = self._mesh.process(rgb)
        if not out.multi_face_landmarks:
            return None
        lm = out.multi_face_landmarks[0].landmark
        return np.array([(p.x * w, p.y * h) for p in lm[:468]], dtype=np.float32)


_shared: Detectors | None = None
_shared_lock = threading.Lock()


def shared_detectors() -> Detectors:
    """The process-wide detectors (models load once, not per request)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Detectors()
        return _shared
