"""Feedback store figures: append latency (one rating = one shard) and load time for 10k rows.

    python bench/feedback.py [--rows 10000] [--appends 200]

Appends `--appends` single ratings (median and p95 latency), then fills a store with `--rows` rows
written as one shard per rating (what the app does) and times `load_feedback` on it, before and after
`FeedbackStore.compact()`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tryon.feedback import FeedbackService, FeedbackStore, ResultRecord, load_feedback  # noqa: E402


def row_record(i: int) -> ResultRecord:
    image = np.full((384, 288, 3), i % 255, np.uint8)
    return ResultRecord(tab="design", model_name="garment-generator", model_revision="v1",
                        inputs={"design": {"kind": "tee"}, "seed": i}, output=image, latency_ms=8.0,
                        shopper_token=f"s{i % 50}")  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=10000)
    ap.add_argument("--appends", type=int, default=200)
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="feedback-bench-"))
    service = FeedbackService(root)
    times = []
    for i in range(args.appends):
        rid = service.remember(row_record(i))
        t = time.perf_counter()
        service.rate(rid, 1 + i % 5, [], "", False)
        times.append((time.perf_counter() - t) * 1000)
    print(f"append one rating (with a 384x288 image): median {np.median(times):.1f} ms, "
          f"p95 {np.percentile(times, 95):.1f} ms over {args.appends}")  # fmt: skip
    for i in range(args.appends, args.rows):
        service.rate(service.remember(row_record(i)), 1 + i % 5, [], "", False)
    store = FeedbackStore(root)
    for label in ("one shard per rating", "after compact()"):
        if label.startswith("after"):
            t = time.perf_counter()
            store.compact()
            print(f"compact: {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        ds = load_feedback(root)
        elapsed = time.perf_counter() - t
        print(f"load {len(ds)} rows ({len(store.shards())} shards, {label}): {elapsed:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
