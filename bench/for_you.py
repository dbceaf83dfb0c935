"""Personalisation measured with simulated shoppers who have hidden tastes, through the API.

    python bench/for_you.py [--url http://127.0.0.1:7860/] [--ratings 20] [--shoppers 6]

Without --url the app is started in this process. Each simulated shopper has a hidden taste
(preferred kinds, hue, pattern, sleeve length, lightness) that scores a design in [0, 1] and rates
it 1-5 with noise. The shopper asks /for_you for one design at a time and rates it (the rating goes
back with the next request), 20 times; then asks for 8 designs. Their mean hidden score is
compared with 8 random designs (what "Surprise me" gives). Prints a line per shopper and the mean
margin with a 95% bootstrap confidence interval.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tryon.catalog.render import GarmentDesign  # noqa: E402
from tryon.generate.attributes import random_design  # noqa: E402

TASTES = [
    {"kinds": ["dress"], "hue": 0.95, "pattern": "dots", "sleeve": 0.0, "lightness": 0.45},
    {"kinds": ["tee", "longsleeve"], "hue": 0.6, "pattern": "stripes", "sleeve": 0.9, "lightness": 0.3},
    {"kinds": ["trousers"], "hue": 0.1, "pattern": "solid", "sleeve": 0.5, "lightness": 0.7},
    {"kinds": ["skirt", "shorts"], "hue": 0.35, "pattern": "checks", "sleeve": 0.5, "lightness": 0.4},
    {"kinds": ["tank", "tee"], "hue": 0.15, "pattern": "solid", "sleeve": 0.1, "lightness": 0.8},
    {"kinds": ["dress", "skirt"], "hue": 0.75, "pattern": "zigzag", "sleeve": 0.3, "lightness": 0.55},
]


def hidden_score(taste: dict, d: GarmentDesign) -> float:
    hue_gap = min(abs(d.hue - taste["hue"]), 1 - abs(d.hue - taste["hue"]))
    return float(
        0.3 * (d.kind in taste["kinds"])
        + 0.3 * np.exp(-((hue_gap / 0.08) ** 2)) * min(1.0, d.saturation * 2)
        + 0.2 * (d.pattern == taste["pattern"])
        + 0.1 * (1 - abs(d.sleeve - taste["sleeve"]))
        + 0.1 * (1 - abs(d.lightness - taste["lightness"]))
    )


def rating(score: float, rng: np.random.Generator) -> int:
    return int(np.clip(round(1 + 4 * score + rng.normal(0, 0.3)), 1, 5))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", default=None)
    ap.add_argument("--ratings", type=int, default=20)
    ap.add_argument("--shoppers", type=int, default=6)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    from gradio_client import Client

    url = args.url
    if url is None:
        import app

        app.demo.launch(server_port=7891, prevent_thread_lock=True, quiet=True)
        url = "http://127.0.0.1:7891/"
    client = Client(url, verbose=False)
    rng = np.random.default_rng(args.seed)
    margins = []
    for k, taste in enumerate(TASTES[: args.shoppers]):
        shopper = f"sim-{args.seed}-{k}"
        pending: list[dict] = []
        for _ in range(args.ratings):
            _, info = client.predict(shopper, 1, json.dumps(pending), api_name="/for_you")
            design = GarmentDesign(**info["designs"][0])
            pending = [{"design": dataclasses.asdict(design), "rating": rating(hidden_score(taste, design), rng)}]
        _, info = client.predict(shopper, 8, json.dumps(pending), api_name="/for_you")
        mine = [hidden_score(taste, GarmentDesign(**d)) for d in info["designs"]]
        baseline = [hidden_score(taste, random_design(rng)) for _ in range(8)]
        margins.append((np.mean(mine), np.mean(baseline)))
        print(f"shopper {k} ({'/'.join(taste['kinds'])}, {taste['pattern']}): for-you {np.mean(mine):.2f} "
              f"vs random {np.mean(baseline):.2f} after {info['ratings_so_far']} ratings")  # fmt: skip
    diffs = np.array([a - b for a, b in margins])
    boots = [np.mean(rng.choice(diffs, len(diffs))) for _ in range(2000)]
    lo, hi = np.percentile(boots, [2.5, 97.5])
    print(f"mean margin {diffs.mean():.2f} (95% CI {lo:.2f} to {hi:.2f}) over {len(diffs)} shoppers; "
          f"for-you beats random for {(diffs > 0).sum()} of {len(diffs)}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
