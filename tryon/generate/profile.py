"""Shopper profiles: what a shopper likes, learned from their ratings, proposing designs for them.

The profile is a Bayesian linear model of the rating over design features: the attribute vector
(hue enters as cos/sin, so a liked hue is linear in it) plus squares of the continuous sliders (a
liked sleeve length is a peak, not a slope). Proposals are drawn from many random candidates and
perturbations of the best-rated designs, scored by the posterior mean plus an exploration bonus
(the posterior spread), and picked greedily so that no two proposals look alike.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field

import numpy as np

from tryon.catalog.render import PATTERNS, GarmentDesign
from tryon.generate.attributes import KIND_LIST, encode, random_design

CONTINUOUS = ["sleeve", "width", "length", "neckline", "saturation", "lightness", "pattern_scale", "texture"]


def features(design: GarmentDesign) -> np.ndarray:
    base = encode(design)
    squares = np.array([getattr(design, n) ** 2 for n in CONTINUOUS], np.float32)
    return np.concatenate([[1.0], base, squares]).astype(np.float64)


@dataclass
class ShopperProfile:
    shopper_id: str
    ratings: list[tuple[GarmentDesign, float]] = field(default_factory=list)
    prior_precision: float = 1.0
    noise: float = 0.8

    def add(self, design: GarmentDesign, rating: float) -> None:
        if not 1 <= rating <= 5:
            raise ValueError(f"rating={rating}; expected 1 to 5")
        self.ratings.append((design, float(rating)))

    def posterior(self):
        """Mean and covariance of the weights (ratings centred on 3)."""
        d = len(features(GarmentDesign()))
        if not self.ratings:
            return np.zeros(d), np.eye(d) / self.prior_precision
        X = np.stack([features(dz) for dz, _ in self.ratings])
        y = np.array([r for _, r in self.ratings]) - 3.0
        A = self.prior_precision * np.eye(d) + X.T @ X / self.noise**2
        cov = np.linalg.inv(A)
        mean = cov @ X.T @ y / self.noise**2
        return mean, cov

    def score(self, designs: list[GarmentDesign], explore: float = 0.0) -> np.ndarray:
        mean, cov = self.posterior()
        X = np.stack([features(d) for d in designs])
        bonus = np.sqrt(np.einsum("ij,jk,ik->i", X, cov, X)) if explore else 0.0
        return X @ mean + explore * bonus

    def propose(self, n: int, rng: np.random.Generator, explore: float = 0.3, pool: int = 400) -> list[GarmentDesign]:
        """n designs this shopper is likely to rate highly, not all alike."""
        candidates = [random_design(rng) for _ in range(pool)]
        liked = sorted(self.ratings, key=lambda dr: -dr[1])[:5]
        for design, rating in liked:
            if rating >= 4:
                candidates += [perturb(design, rng) for _ in range(pool // 10)]
        scores = self.score(candidates, explore=explore if len(self.ratings) < 30 else explore / 3)
        chosen: list[GarmentDesign] = []
        for i in np.argsort(-scores):
            c = candidates[int(i)]
            if all(not _alike(c, o) for o in chosen):
                chosen.append(c)
            if len(chosen) == n:
                break
        return chosen

    def to_json(self) -> str:
        return json.dumps([{"design": dataclasses.asdict(d), "rating": r} for d, r in self.ratings])


def perturb(d: GarmentDesign, rng: np.random.Generator) -> GarmentDesign:
    """A nearby design: sliders nudged, now and then another pattern or kind."""
    changes = {}
    for name in CONTINUOUS + ["hue"]:
        value = getattr(d, name) + rng.normal(0, 0.08)
        changes[name] = float(value % 1.0) if name == "hue" else float(np.clip(value, 0, 1))
    if d.kind == "tank":
        changes["sleeve"] = 0.0
    if rng.random() < 0.15:
        changes["pattern"] = PATTERNS[rng.integers(len(PATTERNS))]
    if rng.random() < 0.1:
        changes["kind"] = KIND_LIST[rng.integers(len(KIND_LIST))]
    changes["seed"] = int(rng.integers(0, 2**31 - 1))
    return dataclasses.replace(d, **changes)


def _alike(a: GarmentDesign, b: GarmentDesign) -> bool:
    hue_gap = min(abs(a.hue - b.hue), 1 - abs(a.hue - b.hue))
    return a.kind == b.kind and a.pattern == b.pattern and hue_gap < 0.05


def design_from_dict(data: dict) -> GarmentDesign:
    fields = {f.name for f in dataclasses.fields(GarmentDesign)}
    unknown = set(data) - fields
    if unknown:
        raise ValueError(f"unknown design attribute(s): {', '.join(sorted(unknown))}")
    return GarmentDesign(**data)
