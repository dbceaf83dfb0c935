"""The model loader: round trips for every registered model, the Hub cache offline, clear errors."""

from __future__ import annotations

import json

import pytest
import torch

from tryon.hub import ModelNotFoundError, load_model, registry, resolve

_TINY_GEN = {"channels": (16, 16, 8, 8), "height": 32, "width": 24, "embed_dim": 32, "latent_dim": 4}
TINY = {"garment-generator": _TINY_GEN, "garment-generator-r2": _TINY_GEN}


def tiny_model(entry):
    cls = entry.model_class()
    torch.manual_seed(0)
    return cls(cls.config_class(**TINY[entry.name]))


@pytest.mark.parametrize("name", sorted(n for n, e in registry().items() if e.cls), ids=str)
def test_save_load_round_trip_is_exact(name, tmp_path):
    entry = registry()[name]
    model = tiny_model(entry)
    model.save_pretrained(tmp_path / entry.local)
    assert {"config.json", "model.safetensors"} <= {p.name for p in (tmp_path / entry.local).iterdir()}
    loaded = load_model(name, weights_dir=tmp_path, device="cpu")
    assert loaded.config == model.config
    a, b = model.state_dict(), loaded.state_dict()
    assert a.keys() == b.keys()
    assert all(torch.equal(a[k], b[k]) for k in a)


def _fake_hub_cache(root, repo_id, revision, files: dict[str, bytes]):
    commit = "0123456789abcdef0123456789abcdef01234567"
    repo = root / ("models--" + repo_id.replace("/", "--"))
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / revision).write_text(commit)  # no trailing newline
    snap = repo / "snapshots" / commit
    snap.mkdir(parents=True)
    for name, data in files.items():
        (snap / name).write_bytes(data)
    return snap


def test_loads_by_repo_id_from_the_hub_cache_offline(tmp_path, monkeypatch):
    import huggingface_hub.constants as hf_constants

    entry = registry()["garment-generator"]
    model = tiny_model(entry)
    saved = tmp_path / "saved"
    model.save_pretrained(saved)
    cache = tmp_path / "hub-cache"
    _fake_hub_cache(cache, entry.repo_id, entry.revision,
                    {p.name: p.read_bytes() for p in saved.iterdir()})  # fmt: skip
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(hf_constants, "HF_HUB_CACHE", str(cache))
    path, source = resolve("garment-generator", weights_dir=tmp_path / "empty")
    assert source == "cache" and (path / "model.safetensors").exists()
    loaded = load_model("garment-generator", weights_dir=tmp_path / "empty", device="cpu")
    assert all(torch.equal(v, loaded.state_dict()[k]) for k, v in model.state_dict().items())


def test_nothing_found_names_every_place(tmp_path, monkeypatch):
    import huggingface_hub.constants as hf_constants

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(hf_constants, "HF_HUB_CACHE", str(tmp_path / "no-cache"))
    with pytest.raises(ModelNotFoundError) as err:
        resolve("garment-generator", weights_dir=tmp_path / "no-weights")
    message = str(err.value)
    assert str(tmp_path / "no-weights" / "garment-generator") in message
    assert "cache" in message and "HF_HUB_OFFLINE" in message


def test_unknown_name(tmp_path):
    with pytest.raises(ModelNotFoundError, match="No model named"):
        resolve("nope")


def test_registry_pins_a_revision_for_every_model():
    data = json.loads((registry.__globals__["REGISTRY"]).read_text())
    for name, entry in data["models"].items():
        assert entry["revision"] and entry["revision"] != "main", name


@pytest.mark.parametrize("name", ["sd15-inpainting", "sd-vae-ft-mse", "catvton-attention-mix"])
def test_components_are_fetched_at_their_pinned_revision_with_only_the_files_needed(name, tmp_path, monkeypatch):
    import huggingface_hub

    entry = registry()[name]
    assert len(entry.revision) == 40 and entry.licence  # a commit, not a branch; the licence is shown in the UI
    calls = []

    def fake_download(repo_id, revision=None, allow_patterns=None, local_files_only=False, **kw):
        calls.append((repo_id, revision, allow_patterns, local_files_only))
        if local_files_only:
            raise huggingface_hub.errors.LocalEntryNotFoundError("not cached")
        folder = tmp_path / "snapshot"
        for f in allow_patterns:
            (folder / f).parent.mkdir(parents=True, exist_ok=True)
            (folder / f).write_bytes(b"x")
        return str(folder)

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(huggingface_hub, "snapshot_download", fake_download)
    path, source = resolve(name, weights_dir=tmp_path / "empty")
    assert source == "hub" and path == tmp_path / "snapshot"
    assert [c[:3] for c in calls] == [(entry.repo_id, entry.revision, list(entry.files))] * 2
    assert not any("*" in f for f in entry.files)  # named files only: gigabytes are not fetched by accident
