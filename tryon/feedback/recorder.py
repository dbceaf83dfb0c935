"""Results waiting for a rating, and turning a rating into a stored feedback row."""

from __future__ import annotations

import json
import logging
import os
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from tryon import __version__
from tryon.feedback.schema import REASONS, TABS
from tryon.feedback.store import FeedbackStore, shopper_hash

log = logging.getLogger(__name__)
DEFAULT_DIR = Path(__file__).resolve().parents[2] / ".feedback"
SHOWS_A_PERSON = {"tryon": True, "design": False, "restyle": False, "for_you": False}


@dataclass
class ResultRecord:
    tab: str
    model_name: str
    model_revision: str
    inputs: dict
    output: np.ndarray
    person: np.ndarray | None = None
    garment: np.ndarray | None = None
    latency_ms: float = 0.0
    shopper_token: str = ""
    result_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    created_at: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat())


class FeedbackService:
    """Keeps recent results (for rating) and writes rated ones to the store; syncs to the Hub if set up."""

    def __init__(self, root: str | os.PathLike | None = None, keep: int = 2048) -> None:
        self.root = Path(root or os.environ.get("TRYON_FEEDBACK_DIR", DEFAULT_DIR))
        self.store = FeedbackStore(self.root)
        self._recent: OrderedDict[str, ResultRecord] = OrderedDict()
        self._keep = keep
        self._lock = threading.Lock()
        self.scheduler = _start_sync(self.root)
        self._design_ratings: dict[str, list[tuple[dict, int]]] | None = None  # shopper hash -> ratings

    def design_ratings(self, shopper_token: str) -> list[tuple[dict, int]]:
        """Every stored rating of a generated design by this shopper (refreshed from the store once)."""
        with self._lock:
            if self._design_ratings is None:
                self._design_ratings = {}
                ds = self.store.load().select_columns(["tab", "inputs_json", "rating", "shopper_id"])
                for row in ds:
                    self._index(row["shopper_id"], row["tab"], row["inputs_json"], row["rating"])
            return list(self._design_ratings.get(shopper_hash(shopper_token, self.root), []))

    def _index(self, shopper: str, tab: str, inputs_json: str, rating: int) -> None:
        if tab not in ("design", "for_you") or self._design_ratings is None:
            return
        design = json.loads(inputs_json).get("design")
        if design:
            self._design_ratings.setdefault(shopper, []).append((design, int(rating)))

    def remember(self, record: ResultRecord) -> str:
        if record.tab not in TABS:
            raise ValueError(f"tab={record.tab!r}; expected one of {TABS}")
        with self._lock:
            self._recent[record.result_id] = record
            while len(self._recent) > self._keep:
                self._recent.popitem(last=False)
        return record.result_id

    def rate(self, result_id: str, rating: int, reasons: list[str] | None = None, comment: str = "",
             consent: bool = False) -> dict:  # fmt: skip
        """Store a rating for a recent result; returns a summary of the stored row."""
        with self._lock:
            record = self._recent.get(result_id)
        if record is None:
            raise KeyError(f"No recent result with id {result_id!r} (results can be rated while the app runs).")
        rating = int(rating)
        if not 1 <= rating <= 5:
            raise ValueError(f"rating={rating}; expected 1 to 5 stars")
        reasons = list(reasons or [])
        allowed = REASONS[record.tab]
        bad = [r for r in reasons if r not in allowed]
        if bad:
            raise ValueError(f"unknown reason(s) {bad} for the {record.tab} tab; choose from {list(allowed)}")
        if consent:
            stored = "inputs+output"
        elif not SHOWS_A_PERSON[record.tab]:
            stored = "output"
        else:
            stored = "none"  # a selfie or a picture of the person is never written without consent
        row = {
            "result_id": result_id,
            "tab": record.tab,
            "model_name": record.model_name,
            "model_revision": record.model_revision,
            "inputs_json": json.dumps(record.inputs, sort_keys=True, default=str),
            "rating": rating,
            "reasons": reasons,
            "comment": (comment or "")[:2000],
            "consent": bool(consent),
            "images_stored": stored,
            "output_image": record.output if stored != "none" else None,
            "person_image": record.person if stored == "inputs+output" else None,
            "garment_image": record.garment if stored == "inputs+output" else None,
            "latency_ms": float(record.latency_ms),
            "app_version": __version__,
            "shopper_id": shopper_hash(record.shopper_token or "anonymous", self.root),
            "created_at": record.created_at,
            "rated_at": datetime.now(timezone.utc).isoformat(),
        }
        self.store.append([row])
        with self._lock:
            self._index(row["shopper_id"], row["tab"], row["inputs_json"], rating)
        return {"result_id": result_id, "rating": rating, "images_stored": stored, "tab": record.tab}


def _start_sync(root: Path):
    """Push the folder to a Hub dataset repo every few minutes, when configured; else say why not."""
    repo = os.environ.get("TRYON_FEEDBACK_REPO")
    token = os.environ.get("HF_TOKEN")
    if not repo or not token:
        log.info("feedback sync off: set TRYON_FEEDBACK_REPO and HF_TOKEN to push %s to a Hub dataset", root)
        return None
    if os.environ.get("HF_HUB_OFFLINE", "0").lower() in ("1", "true", "yes"):
        log.info("feedback sync off: HF_HUB_OFFLINE is set (stored locally in %s)", root)
        return None
    try:
        from huggingface_hub import CommitScheduler

        return CommitScheduler(repo_id=repo, repo_type="dataset", folder_path=root, every=5, token=token,
                               allow_patterns=["data/*.parquet", "README.md"], private=True)  # fmt: skip
    except Exception as e:  # noqa: BLE001 - Hub errors are not OSError; the app must keep running
        log.warning("feedback sync off: could not start the Hub sync to %s (%s)", repo, e)
        return None
