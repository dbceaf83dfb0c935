"""One loader for every checkpoint: local weights/ folder, then the Hugging Face cache, then the Hub.

Checkpoints use the Hub layout (config.json + model.safetensors + README.md) written by
`PyTorchModelHubMixin.save_pretrained`. Repository ids and pinned revisions live in
`tryon/hub/registry.json`, so upgrading a model is a one-line, reviewable change.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from tryon.device import pick_device

log = logging.getLogger(__name__)
REGISTRY = Path(__file__).with_name("registry.json")
WEIGHTS = Path(__file__).resolve().parents[2] / "weights"
FILES = ["config.json", "model.safetensors", "README.md"]


class ModelNotFoundError(FileNotFoundError):
    """No checkpoint for a name anywhere; the message lists every place tried and why it failed."""


@dataclass(frozen=True)
class ModelEntry:
    """One registered checkpoint: a Hub repository at a pinned revision, and the files the app needs from it.

    `cls` names the model class for `load_model` (Hub-mixin checkpoints); components loaded by other code
    (diffusers parts, attention weights) leave it empty and only use `resolve`.
    """

    name: str
    repo_id: str
    revision: str
    local: str
    cls: str | None = None
    files: tuple[str, ...] = tuple(FILES)
    licence: str = ""

    def model_class(self):
        if not self.cls:
            raise ModelNotFoundError(f"{self.name!r} is a component, not a model class; use resolve({self.name!r}).")
        module, _, attr = self.cls.rpartition(".")
        return getattr(importlib.import_module(module), attr)

    def required(self) -> list[str]:
        """The files that must be present (the README is optional)."""
        return [f for f in self.files if f != "README.md"]


def registry(path: Path | None = None) -> dict[str, ModelEntry]:
    data = json.loads((path or REGISTRY).read_text())
    return {
        name: ModelEntry(name=name, repo_id=e["repo_id"], revision=e["revision"], local=e.get("local", name),
                         cls=e.get("class"), files=tuple(e.get("files", FILES)), licence=e.get("licence", ""))
        for name, e in data["models"].items()
    }  # fmt: skip


def _complete(folder: Path, patterns: list[str]) -> bool:
    """Every pattern (a path or a glob) matches at least one file in `folder`."""
    return folder.is_dir() and all(any(p.is_file() for p in folder.glob(pattern)) for pattern in patterns)


_HINT_MODEL = "\nTrain it with `python -m tryon.train ...` into {local}, or connect to the Hub."
_HINT_COMPONENT = "\nConnect to the Hub once (files go to the Hugging Face cache), or copy the files into {local}."


def resolve(name: str, registry_path: Path | None = None, weights_dir: Path | None = None) -> tuple[Path, str]:
    """The folder holding `name`'s checkpoint and where it came from ("local", "cache" or "hub")."""
    entries = registry(registry_path)
    if name not in entries:
        raise ModelNotFoundError(f"No model named {name!r} in {registry_path or REGISTRY}; known: {sorted(entries)}")
    entry = entries[name]
    tried: list[str] = []
    # 1. The repository's own weights/ folder.
    local = (weights_dir or Path(os.environ.get("TRYON_WEIGHTS", WEIGHTS))) / entry.local
    if _complete(local, entry.required()):
        return local, "local"
    tried.append(f"{local} (missing {' + '.join(entry.required())})")
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    # 2. The Hugging Face cache, at the pinned revision.
    try:
        path = snapshot_download(entry.repo_id, revision=entry.revision, allow_patterns=list(entry.files),
                                 local_files_only=True)  # fmt: skip
        if _complete(Path(path), entry.required()):
            return Path(path), "cache"
        tried.append(f"Hugging Face cache {entry.repo_id}@{entry.revision} (incomplete: {path})")
    except (LocalEntryNotFoundError, OSError, ValueError) as e:
        tried.append(f"Hugging Face cache {entry.repo_id}@{entry.revision} ({type(e).__name__})")
    # 3. The Hub (skipped when offline).
    if os.environ.get("HF_HUB_OFFLINE", "0").lower() in ("1", "true", "yes"):
        tried.append(f"Hub {entry.repo_id}@{entry.revision} (skipped: HF_HUB_OFFLINE is set)")
    else:
        try:
            path = snapshot_download(entry.repo_id, revision=entry.revision, allow_patterns=list(entry.files))
            if _complete(Path(path), entry.required()):
                return Path(path), "hub"
            tried.append(f"Hub {entry.repo_id}@{entry.revision} (the download lacks {entry.required()})")
        except Exception as e:  # noqa: BLE001 - Hub errors are not OSError subclasses; report every one
            tried.append(f"Hub {entry.repo_id}@{entry.revision} ({type(e).__name__}: {e})")
    raise ModelNotFoundError(
        f"Could not find the checkpoint {name!r}. Tried:\n  - "
        + "\n  - ".join(tried)
        + (_HINT_MODEL if entry.cls else _HINT_COMPONENT).format(local=local)
    )


def load_model(
    name: str, registry_path: Path | None = None, weights_dir: Path | None = None, device: str | None = None
):
    """Load a registered model on the chosen device, in eval mode."""
    path, source = resolve(name, registry_path, weights_dir)
    entry = registry(registry_path)[name]
    # huggingface_hub prints "Loading weights from local directory" on stdout; keep stdout for results.
    with contextlib.redirect_stdout(io.StringIO()):
        model = entry.model_class().from_pretrained(str(path))
    model = model.to(device or pick_device()).eval()
    log.info("loaded %s from %s (%s)", name, path, source)
    return model
