"""Render contact sheets (person | garment | result) on the real photos in ../shared/data/real.

    python bench/contact_sheets.py [--out bench/out/sheets] [--max-per-person 4] [--catalog]

One PNG per person; every row is garment | result. Prints one line per result with the timing
or the decline reason, and a summary. The photos are licensed for evaluation only: the sheets
are written outside git (bench/out is ignored).
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tryon import TryOnInputError, TryOnPipeline  # noqa: E402
from tryon.catalog import CATALOG, catalog_image_path  # noqa: E402
from tryon.imageio import load_image  # noqa: E402

REAL = ROOT.parent / "shared" / "data" / "real"
TILE_H = 384


def read_manifest():
    persons, garments = [], []
    with open(REAL / "manifest.csv") as f:
        for row in csv.DictReader(f):
            cat = row["category"].split()[0]
            (persons if row["kind"] == "person" else garments).append((REAL / row["file"], cat))
    return persons, garments


def tile(img: np.ndarray) -> np.ndarray:
    h, w = img.shape[:2]
    return cv2.resize(img, (int(w * TILE_H / h), TILE_H), interpolation=cv2.INTER_AREA)


def label(img: np.ndarray, text: str) -> np.ndarray:
    img = img.copy()
    cv2.putText(img, text, (6, 18), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (0, 0, 0), 3, cv2.LINE_AA)
    cv2.putText(img, text, (6, 18), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 255), 1, cv2.LINE_AA)
    return img


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=str(ROOT / "bench" / "out" / "sheets"))
    ap.add_argument("--max-per-person", type=int, default=4)
    ap.add_argument("--catalog", action="store_true", help="use catalog garments instead of the real ones")
    ap.add_argument("--persons", nargs="*", default=None, help="only these person file names")
    ap.add_argument("--mosaic", action="store_true", help="also write all.png: every result, garment inset")
    args = ap.parse_args()
    if not REAL.exists():
        print(f"{REAL} is absent: nothing to render.")
        return 0
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    persons, garments = read_manifest()
    if args.catalog:
        garments = [(catalog_image_path(i), i.category) for i in CATALOG]
    pipe = TryOnPipeline()
    pipe.warm_up()
    done = declined = 0
    times = []
    mosaic = []
    for person_index, (person_path, person_cat) in enumerate(persons):
        if args.persons and person_path.name not in args.persons:
            continue
        cats = ["upper"] if person_cat == "upper" else ["dress", "lower"]
        if person_cat == "upper" and "dresscode" in person_path.name:
            cats = ["upper", "lower"]
        person = load_image(person_path)
        rows = []
        for cat in cats:
            matching = [g for g, c in garments if c == cat]
            # A different slice of the garments for each person, so that every garment is used.
            n = min(args.max_per_person, len(matching))
            start = (person_index * n) % len(matching)
            for gpath in [matching[(start + k) % len(matching)] for k in range(n)]:
                garment = load_image(gpath)
                t = time.perf_counter()
                try:
                    res = pipe(person, garment, category=cat)
                    result = res.image
                    text = f"{cat} {res.timings_ms['total']:.0f} ms"
                    times.append(res.timings_ms["total"])
                    done += 1
                except TryOnInputError as e:
                    result = np.full_like(person, 40)
                    text = f"declined: {e}"[:60]
                    declined += 1
                elapsed = (time.perf_counter() - t) * 1000
                print(f"{person_path.name} + {Path(gpath).name} [{cat}]: {text} ({elapsed:.0f} ms)")
                thumb = cv2.resize(garment, (48, 64), interpolation=cv2.INTER_AREA)
                small = cv2.resize(result, (int(result.shape[1] * 256 / result.shape[0]), 256),
                                   interpolation=cv2.INTER_AREA)  # fmt: skip
                small[-64:, -48:] = thumb
                mosaic.append(label(cv2.resize(small, (192, 256)), f"{len(mosaic)}"))
                rows.append(np.hstack([tile(person), label(tile(garment), Path(gpath).stem[:24]),
                                       label(tile(result), text)]))  # fmt: skip
        if rows:
            width = max(r.shape[1] for r in rows)
            rows = [cv2.copyMakeBorder(r, 0, 4, 0, width - r.shape[1], cv2.BORDER_CONSTANT, value=(255,) * 3)
                    for r in rows]  # fmt: skip
            cols = 2
            grid = [np.hstack(rows[i : i + cols] + [np.full_like(rows[0], 255)] * (cols - len(rows[i : i + cols])))
                    for i in range(0, len(rows), cols)]  # fmt: skip
            sheet = np.vstack(grid)
            cv2.imwrite(str(out / f"{person_path.stem}.png"), cv2.cvtColor(sheet, cv2.COLOR_RGB2BGR))
    if args.mosaic and mosaic:
        cols = 16
        blank = np.full_like(mosaic[0], 255)
        grid = [np.hstack(mosaic[i : i + cols] + [blank] * (cols - len(mosaic[i : i + cols])))
                for i in range(0, len(mosaic), cols)]  # fmt: skip
        cv2.imwrite(str(out / "all.png"), cv2.cvtColor(np.vstack(grid), cv2.COLOR_RGB2BGR))
    total = done + declined
    print(f"results: {done}, declined: {declined} of {total}; median pipeline {np.median(times):.0f} ms"
          if times else "no results")  # fmt: skip
    print(f"sheets in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
