"""Retraining from the feedback dataset: reward model, generator prior, shopper profiles."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from tryon.feedback.reward import fit_reward, ranking_accuracy, rows_to_training
from tryon.feedback.store import FeedbackStore


def snapshot_id(root: str | Path) -> str:
    """A name for the exact data a model was trained on: hash of the shard file names and sizes."""
    shards = FeedbackStore(root).shards()
    h = hashlib.sha256("".join(f"{s.name}:{s.stat().st_size}" for s in shards).encode()).hexdigest()[:12]
    return f"{len(shards)}-shards-{h}"


def split_by_shopper(shoppers: list[str], held_out: float = 0.2, seed: int = 0) -> np.ndarray:
    """A boolean mask of held-out rows: whole shoppers are held out, so evaluation is on new people."""
    unique = sorted(set(shoppers))
    rng = np.random.default_rng(seed)
    k = max(1, int(round(held_out * len(unique)))) if len(unique) > 1 else 0
    out = set(rng.choice(unique, size=k, replace=False)) if k else set()
    return np.array([s in out for s in shoppers])


def train_reward(feedback: str | Path, out: str | Path, progress: bool = True) -> dict:
    ds = FeedbackStore(feedback).load()
    designs, ratings, shoppers = rows_to_training(ds)
    if len(designs) < 10:
        raise ValueError(f"only {len(designs)} rated designs in {feedback}; need at least 10")
    held = split_by_shopper(shoppers)
    train_idx, test_idx = np.nonzero(~held)[0], np.nonzero(held)[0]
    model = fit_reward([designs[i] for i in train_idx], ratings[train_idx], progress=progress)
    metrics = {"rows": len(designs), "train_rows": len(train_idx), "held_out_rows": len(test_idx),
               "dataset_snapshot": snapshot_id(feedback)}  # fmt: skip
    if len(test_idx) > 1:
        metrics["held_out_ranking_accuracy"] = round(
            ranking_accuracy(model, [designs[i] for i in test_idx], ratings[test_idx]), 3
        )
    model = fit_reward(designs, ratings, progress=False)  # the shipped model uses every rating
    Path(out).mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    (Path(out) / "README.md").write_text(_reward_card(metrics))
    return metrics


def train_generator_prior(
    feedback: str | Path,
    out: str | Path,
    base: str = "garment-generator",
    anchors: int = 64,
    candidates: int = 4000,
    seed: int = 0,
    progress: bool = True,
) -> dict:
    """A new generator revision: the base decoder with a design prior learned from the ratings.

    The reward model scores many random designs; the best become the prior's anchors (weighted by
    a softmax of their predicted rating), so "Surprise me" proposes what raters liked.
    """
    from tryon.generate.attributes import random_design
    from tryon.generate.modeling_generator import GarmentGenerator
    from tryon.hub import load_model

    ds = FeedbackStore(feedback).load()
    designs, ratings, shoppers = rows_to_training(ds)
    if len(designs) < 10:
        raise ValueError(f"only {len(designs)} rated designs in {feedback}; need at least 10")
    reward = fit_reward(designs, ratings, progress=progress)
    rng = np.random.default_rng(seed)
    pool = [random_design(rng) for _ in range(candidates)]
    scores = reward.predict(pool)
    best = np.argsort(-scores)[:anchors]
    weights = np.exp((scores[best] - scores[best].max()) / 0.3)
    prior = [{"design": pool[i].to_dict(), "weight": float(w)} for i, w in zip(best, weights, strict=True)]
    old = load_model(base, device="cpu")
    config = old.config
    config.design_prior = prior
    new = GarmentGenerator(config)
    new.load_state_dict(old.state_dict())
    Path(out).mkdir(parents=True, exist_ok=True)
    new.save_pretrained(out)
    sampled = reward.predict(new.sample_designs(np.random.default_rng(seed + 1), 500))
    uniform = reward.predict([random_design(rng) for _ in range(500)])
    metrics = {"rows": len(designs), "shoppers": len(set(shoppers)), "dataset_snapshot": snapshot_id(feedback),
               "base": base, "anchors": len(prior), "predicted_rating_prior": round(float(sampled.mean()), 3),
               "predicted_rating_uniform": round(float(uniform.mean()), 3)}  # fmt: skip
    (Path(out) / "README.md").write_text(_generator_card(metrics))
    (Path(out) / "training.json").write_text(json.dumps({"metrics": metrics}, indent=1))
    return metrics


def refresh_profiles(feedback: str | Path, out: str | Path) -> dict:
    """Every shopper's rated designs, as the For-you tab sees them (a snapshot for offline use)."""
    ds = FeedbackStore(feedback).load()
    designs, ratings, shoppers = rows_to_training(ds)
    profiles: dict[str, list] = {}
    for d, r, s in zip(designs, ratings, shoppers, strict=True):
        profiles.setdefault(s, []).append({"design": d.to_dict(), "rating": float(r)})
    Path(out).mkdir(parents=True, exist_ok=True)
    (Path(out) / "profiles.json").write_text(json.dumps(profiles))
    return {"shoppers": len(profiles), "ratings": len(designs), "dataset_snapshot": snapshot_id(feedback)}


def _reward_card(m: dict) -> str:
    return f"""---
library_name: tryon-studio
license: apache-2.0
tags: [reward-model, ratings, tryon-studio]
---

# Reward model (ratings of generated designs)

Predicts a shopper's 1-5 star rating of a generated design from its attributes (ridge-regularised
linear model over the design features). Trained by `python -m tryon.train reward --feedback DIR --out DIR`
on feedback snapshot `{m["dataset_snapshot"]}` ({m["rows"]} rated designs).

Evaluation: ranking accuracy on the ratings of held-out shoppers ({m.get("held_out_rows", 0)} rows):
{m.get("held_out_ranking_accuracy", "n/a")} (share of pairs with different ratings ordered correctly).
The shipped weights are then refitted on every rating.
"""


def _generator_card(m: dict) -> str:
    return f"""---
library_name: tryon-studio
license: apache-2.0
tags: [garment, product-image, cvae, tryon-studio]
---

# Garment generator, revision trained on ratings

The decoder of `{m["base"]}` with a design prior learned from feedback snapshot `{m["dataset_snapshot"]}`
({m["rows"]} ratings by {m["shoppers"]} shoppers): a reward model fitted to the ratings scored random
designs, and the best {m["anchors"]} became weighted anchors that "Surprise me" samples around.

Evaluation (reward model's predicted rating, 500 samples each): prior {m["predicted_rating_prior"]} vs
uniform {m["predicted_rating_uniform"]}. The loop's measurement with held-out simulated raters is in
`bench/feedback_loop.py` and the README.

Intended use and licence: as the base model (Apache-2.0).
"""
