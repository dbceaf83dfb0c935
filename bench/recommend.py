"""Recommendation quality: do the top-5 neighbours share category and dominant colour?

    python bench/recommend.py [--items 240] [--seed 0]

Renders random designs balanced over 3 categories x 8 named colours (so that every query has
enough true matches), with lightness and saturation jittered inside the colour's name and every
other attribute random. Each item queries all the others the way the app ranks the catalog: its
category is predicted from its form (the others' categories are known, as the catalog's are), then
that category is ordered by look. Prints the share of queries whose 5 neighbours all have the same
category and colour name, and the mean share of matching neighbours.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tryon.catalog.render import render_garment  # noqa: E402
from tryon.generate.attributes import random_design  # noqa: E402
from tryon.generate.embedding import garment_embedding, rank  # noqa: E402

COLOURS = {  # name: (hue, saturation range, lightness range)
    "red": (0.99, (0.6, 0.9), (0.35, 0.55)),
    "orange": (0.07, (0.7, 0.95), (0.45, 0.6)),
    "yellow": (0.14, (0.7, 0.95), (0.5, 0.7)),
    "green": (0.33, (0.5, 0.8), (0.25, 0.5)),
    "blue": (0.6, (0.5, 0.85), (0.3, 0.55)),
    "purple": (0.78, (0.4, 0.7), (0.3, 0.55)),
    "black": (0.6, (0.0, 0.1), (0.02, 0.1)),
    "white": (0.1, (0.0, 0.08), (0.9, 0.98)),
}


KINDS_BY_CATEGORY = {"upper": ["tee", "longsleeve", "tank"], "lower": ["trousers", "shorts", "skirt"],
                     "dress": ["dress"]}  # fmt: skip


def dataset(n: int, seed: int):
    rng = np.random.default_rng(seed)
    names = list(COLOURS)
    categories = list(KINDS_BY_CATEGORY)
    items = []
    for i in range(n):
        name = names[i % len(names)]
        kinds = KINDS_BY_CATEGORY[categories[(i // len(names)) % len(categories)]]
        hue, sat, light = COLOURS[name]
        d = random_design(rng, kind=kinds[rng.integers(len(kinds))])
        d = dataclasses.replace(d, hue=float((hue + rng.normal(0, 0.015)) % 1), pattern="solid",
                                saturation=float(rng.uniform(*sat)), lightness=float(rng.uniform(*light)))  # fmt: skip
        items.append((d, name))
    return items


def evaluate(n: int = 240, seed: int = 0, size=(512, 384)) -> dict:
    items = dataset(n, seed)
    t = time.perf_counter()
    table = np.stack([garment_embedding(render_garment(d, size).image) for d, _ in items])
    per_item_ms = (time.perf_counter() - t) / n * 1000
    categories = [d.category for d, _ in items]
    all5 = []
    share = []
    for i, (d, name) in enumerate(items):
        top = [j for j, _ in rank(table[i], table, categories, k=5, exclude=i)]
        ok = [items[j][0].category == d.category and items[j][1] == name for j in top]
        all5.append(all(ok))
        share.append(np.mean(ok))
    return {"queries": n, "top5_all_match": float(np.mean(all5)), "top5_mean_match": float(np.mean(share)),
            "embed_ms_per_item": round(per_item_ms, 1)}  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--items", type=int, default=240)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    r = evaluate(args.items, args.seed)
    print(f"{r['queries']} queries: all top-5 share category and colour in {r['top5_all_match']:.0%}; "
          f"mean share of matching neighbours {r['top5_mean_match']:.0%}; "
          f"embedding {r['embed_ms_per_item']} ms/item")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
