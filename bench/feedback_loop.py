"""The feedback loop, measured: ratings through the API -> retraining -> a better generator revision.

    python bench/feedback_loop.py [--ratings 120] [--out weights/garment-generator-r2]

Simulated raters share a population taste (vivid, warm colours; stripes or dots) and differ in the
kinds of garment they like. Three of them rate "Surprise me" designs of the current generator through
/generate and /rate ({ratings} each, stored in a fresh feedback folder). Then the reward model and a new
generator revision (design prior learned from the ratings) are trained from that folder, and a
held-out fourth rater scores 300 "Surprise me" designs of the old and the new revision. Prints the
margin with a 95% bootstrap CI, and the reward model's ranking accuracy on held-out raters.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tryon.catalog.render import GarmentDesign  # noqa: E402
from tryon.generate.attributes import SLIDERS  # noqa: E402

RATERS = [
    {"kinds": {"dress", "skirt"}},
    {"kinds": {"tee", "tank"}},
    {"kinds": {"trousers", "shorts"}},
]
HELD_OUT = {"kinds": {"longsleeve", "dress"}}


def taste(rater: dict, d: GarmentDesign) -> float:
    """Population taste (shared) plus the rater's own kinds; in [0, 1]."""
    warm = min(abs(d.hue - 0.05), 1 - abs(d.hue - 0.05)) < 0.12
    return float(
        0.3 * min(1.0, d.saturation / 0.7) * (0.4 < d.lightness < 0.75)
        + 0.25 * warm
        + 0.2 * (d.pattern in ("stripes", "dots"))
        + 0.25 * (d.kind in rater["kinds"])
    )


def stars(score: float, rng) -> int:
    return int(np.clip(round(1 + 4 * score + rng.normal(0, 0.4)), 1, 5))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ratings", type=int, default=120, help="ratings per rater (3 raters)")
    ap.add_argument("--out", default=str(ROOT / "weights" / "garment-generator-r2"))
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    feedback = Path(tempfile.mkdtemp(prefix="feedback-loop-"))
    os.environ["TRYON_FEEDBACK_DIR"] = str(feedback)
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    from gradio_client import Client

    import app
    from tryon.ui.design_tab import studio as design_studio

    app.demo.launch(server_port=7893, prevent_thread_lock=True, quiet=True)
    rng = np.random.default_rng(args.seed)
    studio = design_studio()  # the app's own studio (the current generator)
    for k, rater in enumerate(RATERS):
        client = Client("http://127.0.0.1:7893/", verbose=False)  # a session of its own: a shopper of its own
        for _ in range(args.ratings):
            d = studio.surprise(int(rng.integers(0, 2**31 - 1)))
            values = [getattr(d, s.name) for s in SLIDERS]
            _, used = client.predict(d.kind, d.pattern, *values, int(rng.integers(0, 10000)), 1, api_name="/generate")
            client.predict(used["result_ids"][0], stars(taste(rater, d), rng), [], f"rater {k}", False,
                           api_name="/rate")  # fmt: skip
    app.demo.close()
    print(f"{len(RATERS) * args.ratings} ratings stored in {feedback}")
    from tryon.feedback.retrain import train_generator_prior, train_reward
    from tryon.generate.modeling_generator import GarmentGenerator
    from tryon.hub import load_model

    reward_metrics = train_reward(feedback, Path(tempfile.mkdtemp()) / "reward", progress=False)
    gen_metrics = train_generator_prior(feedback, args.out, progress=False)
    old = load_model("garment-generator", device="cpu")
    with open(Path(args.out) / "config.json") as f:
        new = GarmentGenerator(json.load(f))
    r = np.random.default_rng(args.seed + 99)
    old_scores = np.array([taste(HELD_OUT, d) for d in old.sample_designs(r, 300)])
    new_scores = np.array([taste(HELD_OUT, d) for d in new.sample_designs(r, 300)])
    boots = [r.choice(new_scores, 300).mean() - r.choice(old_scores, 300).mean() for _ in range(2000)]
    lo, hi = np.percentile(boots, [2.5, 97.5])
    print(json.dumps({"reward": reward_metrics, "generator": gen_metrics}))
    print(f"held-out rater, mean hidden score of 300 'Surprise me' designs: old {old_scores.mean():.3f}, "
          f"new {new_scores.mean():.3f}; margin {new_scores.mean() - old_scores.mean():+.3f} "
          f"(95% CI {lo:+.3f} to {hi:+.3f})")  # fmt: skip
    print(f"reward model ranking accuracy on held-out raters: {reward_metrics.get('held_out_ranking_accuracy')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
