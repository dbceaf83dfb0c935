"""A reward model: predicts a shopper's rating of a generated design from its attributes.

Small on purpose (ratings are few): a ridge-regularised linear model over the design features of
`tryon.generate.profile.features` (attributes, hue as cos/sin, squares of the sliders), trained with
torch so that it saves and loads like every other checkpoint (Hub layout).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import torch
from huggingface_hub import PyTorchModelHubMixin
from torch import nn

from tryon.catalog.render import GarmentDesign
from tryon.generate.profile import features


@dataclass
class RewardConfig:
    in_features: int = len(features(GarmentDesign()))
    l2: float = 1e-2  # ridge penalty: few ratings, many features

    def __post_init__(self) -> None:
        if self.in_features < 1:
            raise ValueError("in_features must be positive")


class RewardModel(nn.Module, PyTorchModelHubMixin, library_name="tryon-studio", tags=["reward", "ratings"]):
    config_class = RewardConfig

    def __init__(self, config: RewardConfig | dict):
        super().__init__()
        if isinstance(config, dict):
            config = RewardConfig(**config)
        self.config = config
        self.linear = nn.Linear(config.in_features, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return 3.0 + self.linear(x).squeeze(-1)  # ratings are centred on 3 stars

    @torch.inference_mode()
    def predict(self, designs: list[GarmentDesign]) -> np.ndarray:
        x = torch.tensor(np.stack([features(d) for d in designs]), dtype=torch.float32)
        return self(x).numpy()


def rows_to_training(ds) -> tuple[list[GarmentDesign], np.ndarray, list[str]]:
    """Designs, ratings and shopper ids of the generated-design rows of a feedback dataset."""
    designs, ratings, shoppers = [], [], []
    for row in ds:
        if row["tab"] not in ("design", "for_you"):
            continue
        design = json.loads(row["inputs_json"]).get("design")
        if design:
            designs.append(GarmentDesign(**design))
            ratings.append(float(row["rating"]))
            shoppers.append(row["shopper_id"])
    return designs, np.array(ratings, np.float32), shoppers


def fit_reward(designs: list[GarmentDesign], ratings: np.ndarray, epochs: int = 300, progress: bool = False):
    from tqdm.auto import tqdm

    model = RewardModel(RewardConfig())
    x = torch.tensor(np.stack([features(d) for d in designs]), dtype=torch.float32)
    y = torch.tensor(ratings, dtype=torch.float32)
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    for _ in tqdm(range(epochs), desc="reward model", disable=not progress):
        loss = ((model(x) - y) ** 2).mean() + model.config.l2 * model.linear.weight.pow(2).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model.eval()


def ranking_accuracy(model: RewardModel, designs: list[GarmentDesign], ratings: np.ndarray) -> float:
    """Share of pairs with different ratings that the model orders correctly."""
    pred = model.predict(designs)
    right = total = 0
    for i in range(len(ratings)):
        for j in range(i + 1, len(ratings)):
            if ratings[i] == ratings[j]:
                continue
            total += 1
            right += (pred[i] - pred[j]) * (ratings[i] - ratings[j]) > 0
    return right / max(total, 1)
