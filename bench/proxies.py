"""Automated quality proxies of the try-on on the real photos (../shared/data/real).

    python bench/proxies.py

Pairs every upper-body person with the catalog's solid-colour tops whose colour is far from the
top the person wears. For each result, over the torso between the shoulders:
  match     share of pixels whose chroma matches the new garment          (target >= 0.7)
  old_left  old-top colour remaining, as a share of what was there before  (target <= 0.2)
  grad_corr correlation of gradient magnitudes, input vs output            (target <= 0.2; prints showing through)
  face_diff mean absolute difference inside the face box                   (target < 3)
Prints one line per pair and, per metric, the median and the share of pairs meeting its target.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tryon import TryOnInputError, TryOnPipeline  # noqa: E402
from tryon.catalog import CATALOG, catalog_image_path, design_rgb_of  # noqa: E402
from tryon.imageio import load_image  # noqa: E402
from tryon.quality import lab, torso_between_shoulders  # noqa: E402

REAL = ROOT.parent / "shared" / "data" / "real"
SOLID_TOPS = [i.id for i in CATALOG if i.category == "upper" and i.design.pattern == "solid"]


def torso(result) -> np.ndarray:
    """The torso between the shoulders, down to where the top ends, on the old top only."""
    sk = result.body.skeleton
    bottom = min(result.body.waist_y - 0.05 * sk.shoulder_width, sk.hip_center[1] - 0.1 * sk.shoulder_width)
    return torso_between_shoulders(result, bottom) & (result.body.upper_clothes > 0.5)


def metrics(person: np.ndarray, result, garment_rgb: np.ndarray) -> dict | None:
    region = torso(result)
    if region.sum() < 200:
        return None
    before, after = lab(person)[region], lab(result.image)[region]
    target = lab(garment_rgb.reshape(1, 1, 3).clip(0, 255).astype(np.uint8))[0, 0]
    match = float(np.mean(np.linalg.norm(after[:, 1:] - target[1:], axis=1) < 14))
    old = np.median(before, axis=0)
    near_old = lambda px: np.mean((np.linalg.norm(px[:, 1:] - old[1:], axis=1) < 8) & (np.abs(px[:, 0] - old[0]) < 20))  # noqa: E731
    old_before, old_after = near_old(before), near_old(after)
    gi = cv2.Laplacian(cv2.cvtColor(person, cv2.COLOR_RGB2GRAY).astype(np.float32), cv2.CV_32F)
    go = cv2.Laplacian(cv2.cvtColor(result.image, cv2.COLOR_RGB2GRAY).astype(np.float32), cv2.CV_32F)
    a, b = np.abs(gi[region]), np.abs(go[region])
    grad_corr = float(np.corrcoef(a, b)[0, 1]) if a.std() > 0 and b.std() > 0 else 0.0
    face_diff = float("nan")
    if result.body.face_box is not None:
        x0, y0, x1, y1 = result.body.face_box
        face_diff = float(np.abs(person[y0:y1, x0:x1].astype(int) - result.image[y0:y1, x0:x1].astype(int)).mean())
    return {"match": match, "old_left": float(old_after / max(old_before, 1e-6)), "grad_corr": grad_corr,
            "face_diff": face_diff, "old_lab": old, "target": target}  # fmt: skip


def main() -> int:
    if not REAL.exists():
        print(f"{REAL} is absent")
        return 0
    pipe = TryOnPipeline()
    pipe.warm_up()
    rows = []
    with open(REAL / "manifest.csv") as f:
        persons = [
            REAL / r["file"] for r in csv.DictReader(f) if r["kind"] == "person" and r["category"].startswith("upper")
        ]
    declined = 0
    for path in persons:
        person = load_image(path)
        done = 0
        for item_id in SOLID_TOPS:
            garment = load_image(catalog_image_path(next(i for i in CATALOG if i.id == item_id)))
            rgb = design_rgb_of(item_id)
            try:
                result = pipe(person, garment, "upper")
            except TryOnInputError as e:
                declined += 1
                print(f"{path.name} + {item_id}: declined ({e})")
                break
            m = metrics(person, result, rgb)
            if m is None:
                continue
            # Only garments far from the colour the person wears (else "old colour left" means nothing).
            if np.linalg.norm(m["old_lab"] - m["target"]) < 40:
                continue
            rows.append(m)
            print(f"{path.name} + {item_id}: match {m['match']:.2f}  old_left {m['old_left']:.2f}  "
                  f"grad_corr {m['grad_corr']:.2f}  face_diff {m['face_diff']:.1f}")  # fmt: skip
            done += 1
            if done == 3:
                break
    targets = {"match": (">=", 0.7), "old_left": ("<=", 0.2), "grad_corr": ("<=", 0.2), "face_diff": ("<", 3.0)}
    print(f"\n{len(rows)} pairs, {declined} persons declined")
    for name, (op, t) in targets.items():
        v = np.array([r[name] for r in rows], float)
        v = v[np.isfinite(v)]
        ok = v >= t if op == ">=" else (v <= t if op == "<=" else v < t)
        print(f"{name:9s} median {np.median(v):.2f}  target {op} {t}: met by {ok.mean():.0%} of {len(v)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
