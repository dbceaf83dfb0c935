"""Retraining from feedback: reward model, generator prior, profiles (the CLI, end to end, small)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tryon.feedback import FeedbackService, ResultRecord
from tryon.generate.attributes import random_design

ROOT = Path(__file__).resolve().parents[1]


def likes_dresses(d) -> int:
    return 5 if d.kind == "dress" else 1


@pytest.fixture(scope="module")
def feedback(tmp_path_factory):
    root = tmp_path_factory.mktemp("feedback")
    service = FeedbackService(root)
    rng = np.random.default_rng(0)
    for i in range(60):
        d = random_design(rng)
        record = ResultRecord(tab="design", model_name="garment-generator", model_revision="v1",
                              inputs={"design": d.to_dict(), "seed": i}, output=np.zeros((32, 24, 3), np.uint8),
                              shopper_token=f"s{i % 4}")  # fmt: skip
        rid = service.remember(record)
        service.rate(rid, likes_dresses(d))
    return root


def run(*args):
    proc = subprocess.run([sys.executable, "-m", "tryon.train", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_reward_model(feedback, tmp_path):
    metrics = run("reward", "--feedback", str(feedback), "--out", str(tmp_path / "reward"))
    assert metrics["rows"] == 60 and metrics["held_out_ranking_accuracy"] > 0.8
    assert {"config.json", "model.safetensors", "README.md"} <= {p.name for p in (tmp_path / "reward").iterdir()}
    assert metrics["dataset_snapshot"] in (tmp_path / "reward" / "README.md").read_text()


def test_generator_revision_learns_the_prior(feedback, tmp_path):
    from tryon.generate.modeling_generator import GarmentGenerator

    out = tmp_path / "gen-r2"
    metrics = run("generator", "--feedback", str(feedback), "--out", str(out))
    assert metrics["predicted_rating_prior"] > metrics["predicted_rating_uniform"]
    new = GarmentGenerator.from_pretrained(str(out))
    designs = new.sample_designs(np.random.default_rng(1), 100)
    assert np.mean([d.kind == "dress" for d in designs]) > 0.6  # uniform would give 1/7
    assert metrics["dataset_snapshot"] in (out / "README.md").read_text()


def test_profiles_snapshot(feedback, tmp_path):
    metrics = run("profiles", "--feedback", str(feedback), "--out", str(tmp_path / "p"))
    assert metrics["shoppers"] == 4 and metrics["ratings"] == 60
    profiles = json.loads((tmp_path / "p" / "profiles.json").read_text())
    assert sum(len(v) for v in profiles.values()) == 60


def test_registry_serves_both_revisions():
    from tryon.hub import registry
    from tryon.ui.design_tab import available_generators

    names = available_generators()
    assert {"garment-generator", "garment-generator-r2"} <= set(names)
    assert registry()["garment-generator"].revision != registry()["garment-generator-r2"].revision
