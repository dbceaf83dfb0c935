"""An append-only feedback store: parquet shards written atomically, read as a `datasets.Dataset`.

Each `append` writes one new shard (temporary file + rename), so concurrent writers never touch
the same file and a writer killed mid-write leaves only a temporary file that readers ignore.
`delete_shopper` rewrites the shards that hold a shopper's rows, each by the same write-then-rename.
"""

from __future__ import annotations

import logging
import os
import secrets
import time
import uuid
from pathlib import Path

import numpy as np
from datasets import Dataset, load_dataset
from datasets.utils.logging import disable_progress_bar

from tryon.feedback.schema import FEATURES

log = logging.getLogger(__name__)
disable_progress_bar()  # one shard per rating: a progress bar per write would flood the log
SHARD_GLOB = "data/shard-*.parquet"


class FeedbackStore:
    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root)
        (self.root / "data").mkdir(parents=True, exist_ok=True)
        card = self.root / "README.md"
        if not card.exists():
            _write_atomic(card, DATASET_CARD.encode())

    def append(self, rows: list[dict]) -> Path:
        """Write rows as one new shard; returns its path. Rows are checked against the schema."""
        if not rows:
            raise ValueError("no rows to append")
        rows = [_clean(r) for r in rows]
        name = f"shard-{time.time_ns():020d}-{uuid.uuid4().hex[:8]}.parquet"
        final = self.root / "data" / name
        tmp = final.with_name(f".{name}.{os.getpid()}.tmp")
        Dataset.from_list(rows, features=FEATURES).to_parquet(str(tmp))
        os.replace(tmp, final)
        return final

    def shards(self) -> list[Path]:
        return sorted((self.root / "data").glob("shard-*.parquet"))

    def load(self) -> Dataset:
        """All rows as a `datasets.Dataset` (empty, with the schema, when nothing was stored yet)."""
        shards = self.shards()
        if not shards:
            return Dataset.from_dict({name: [] for name in FEATURES}, features=FEATURES)
        return load_dataset("parquet", data_files=[str(s) for s in shards], features=FEATURES, split="train",
                            cache_dir=str(self.root / ".cache"))  # fmt: skip

    def compact(self) -> Path | None:
        """Merge all shards into one (written before the old ones are removed: no row is ever missing,
        though a reader racing the removal may see some rows twice)."""
        shards = self.shards()
        if len(shards) < 2:
            return None
        merged = self.load()
        name = f"shard-{time.time_ns():020d}-{uuid.uuid4().hex[:8]}.parquet"
        final = self.root / "data" / name
        tmp = final.with_name(f".{name}.{os.getpid()}.tmp")
        merged.to_parquet(str(tmp))
        os.replace(tmp, final)
        for shard in shards:
            shard.unlink(missing_ok=True)
        return final

    def delete_shopper(self, shopper_id: str) -> int:
        """Remove every row of a shopper; returns how many rows were removed."""
        removed = 0
        for shard in self.shards():
            ds = Dataset.from_parquet(str(shard), features=FEATURES, cache_dir=str(self.root / ".cache"))
            keep = [i for i, s in enumerate(ds["shopper_id"]) if s != shopper_id]
            if len(keep) == len(ds):
                continue
            removed += len(ds) - len(keep)
            if keep:
                tmp = shard.with_name(f".{shard.name}.{os.getpid()}.tmp")
                ds.select(keep).to_parquet(str(tmp))
                os.replace(tmp, shard)
            else:
                shard.unlink()
        return removed


def load_feedback(root: str | os.PathLike) -> Dataset:
    """The feedback stored under `root` as a `datasets.Dataset`."""
    return FeedbackStore(root).load()


def shopper_hash(token: str, root: str | os.PathLike) -> str:
    """A pseudonymous shopper id: salted SHA-256 of the browser's random token (the salt stays on disk)."""
    import hashlib

    salt_file = Path(root) / ".salt"
    salt = os.environ.get("TRYON_FEEDBACK_SALT")
    if not salt:
        if not salt_file.exists():
            salt_file.parent.mkdir(parents=True, exist_ok=True)
            _write_atomic(salt_file, secrets.token_hex(16).encode(), keep_existing=True)
        salt = salt_file.read_text().strip()
    return hashlib.sha256(f"{salt}:{token}".encode()).hexdigest()[:24]


def _clean(row: dict) -> dict:
    missing = set(FEATURES) - set(row)
    unknown = set(row) - set(FEATURES)
    if missing or unknown:
        raise ValueError(f"feedback row: missing {sorted(missing)}, unknown {sorted(unknown)}")
    out = dict(row)
    for key in ("output_image", "person_image", "garment_image"):
        image = out[key]
        if isinstance(image, np.ndarray):
            from PIL import Image

            out[key] = Image.fromarray(image)  # built from pixels: no EXIF, no GPS
    return out


def _write_atomic(path: Path, data: bytes, keep_existing: bool = False) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    if keep_existing and path.exists():
        tmp.unlink()
        return
    os.replace(tmp, path)


DATASET_CARD = """---
license: cc-by-nc-4.0
task_categories: [image-classification]
tags: [tryon-studio, feedback, ratings]
---

# Try-on studio feedback

One row per rated result of the try-on studio app (try-on, generated design, restyled photo, For-you).

## Schema
- `result_id`, `tab` (tryon / design / restyle / for_you), `model_name`, `model_revision`
- `inputs_json`: everything needed to reproduce the result (category, mask source auto/painted, design
  attributes, seed, catalog id...)
- `rating` (1-5 stars), `reasons` (tags), `comment`
- `consent`, `images_stored` ("inputs+output", "output" or "none"), `output_image`, `person_image`,
  `garment_image` (empty when not stored)
- `latency_ms`, `app_version`, `shopper_id` (salted hash of a random browser token), `created_at`, `rated_at`

## Consent and privacy
Input photos (selfies) are stored only when the shopper ticks the consent box. Without consent a row
keeps the output image only if it shows no person (a generated or restyled product image); otherwise it
keeps no image and says so in `images_stored`. Images are re-encoded from pixels, so no EXIF or GPS data
survives. No IP address is stored. A shopper's rows can be deleted (`FeedbackStore.delete_shopper`).

## Layout
Append-only parquet shards in `data/`, each written to a temporary file and renamed. Read with
`datasets.load_dataset("parquet", data_files="data/shard-*.parquet")` or `tryon.feedback.load_feedback(dir)`.

## Licence
CC BY-NC 4.0 for the ratings and comments; images keep the rights of their owners.
"""
