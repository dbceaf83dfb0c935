"""The feedback store: schema, consent rules, deletion, and durability under concurrent and killed writers."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from PIL import Image

from tryon.feedback import FEATURES, FeedbackService, FeedbackStore, ResultRecord, load_feedback


def record(tab="design", token="browser-1", value=0):
    output = np.full((64, 48, 3), value % 256, np.uint8)
    person = np.full((64, 48, 3), 7, np.uint8) if tab == "tryon" else None
    return ResultRecord(tab=tab, model_name="m", model_revision="v1", inputs={"i": value}, output=output,
                        person=person, garment=output, latency_ms=12.5, shopper_token=token)  # fmt: skip


def test_rating_rows_are_typed_and_complete(tmp_path):
    service = FeedbackService(tmp_path)
    rid = service.remember(record())
    stored = service.rate(rid, 4, ["low quality"], "nice colour", consent=False)
    assert stored["images_stored"] == "output"
    ds = load_feedback(tmp_path)
    assert len(ds) == 1
    row = ds[0]
    assert row["rating"] == 4 and row["reasons"] == ["low quality"] and row["comment"] == "nice colour"
    assert isinstance(row["output_image"], Image.Image) and row["output_image"].size == (48, 64)
    assert row["person_image"] is None
    assert row["shopper_id"] and "browser-1" not in row["shopper_id"]  # a salted hash, not the token
    assert (tmp_path / "README.md").read_text().startswith("---")


def test_no_selfie_without_consent(tmp_path):
    service = FeedbackService(tmp_path)
    without = service.rate(service.remember(record("tryon")), 2, ["garment misplaced"], "", consent=False)
    with_consent = service.rate(service.remember(record("tryon")), 5, [], "", consent=True)
    assert without["images_stored"] == "none" and with_consent["images_stored"] == "inputs+output"
    rows = {r["images_stored"]: r for r in load_feedback(tmp_path)}
    assert rows["none"]["output_image"] is None and rows["none"]["person_image"] is None
    assert rows["inputs+output"]["person_image"] is not None


def test_stored_images_carry_no_exif(tmp_path):
    service = FeedbackService(tmp_path)
    service.rate(service.remember(record("tryon")), 5, [], "", consent=True)
    image = load_feedback(tmp_path)[0]["person_image"]
    assert not image.getexif()


def test_bad_ratings_are_refused(tmp_path):
    service = FeedbackService(tmp_path)
    rid = service.remember(record())
    with pytest.raises(ValueError, match="1 to 5"):
        service.rate(rid, 9)
    with pytest.raises(ValueError, match="unknown reason"):
        service.rate(rid, 3, ["garment misplaced"])  # a try-on reason on a design
    with pytest.raises(KeyError, match="No recent result"):
        service.rate("nope", 3)


def test_delete_shopper_removes_only_their_rows(tmp_path):
    service = FeedbackService(tmp_path)
    for i in range(3):
        service.rate(service.remember(record(token="alice", value=i)), 3)
    service.rate(service.remember(record(token="bob")), 4)
    from tryon.feedback import shopper_hash

    removed = FeedbackStore(tmp_path).delete_shopper(shopper_hash("alice", tmp_path))
    ds = load_feedback(tmp_path)
    assert removed == 3 and len(ds) == 1 and ds[0]["rating"] == 4


def _writer(root, n, tag):
    service = FeedbackService(root)
    for i in range(n):
        service.rate(service.remember(record(token=f"{tag}", value=i)), 1 + i % 5)


def test_eight_processes_appending_at_once_lose_nothing(tmp_path):
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(tmp_path), 15, f"p{k}")) for k in range(8)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=240)
        assert p.exitcode == 0
    assert len(load_feedback(tmp_path)) == 8 * 15


KILLED_WRITER = r"""
import sys, numpy as np
sys.path.insert(0, sys.argv[2])
from tryon.feedback import FeedbackStore
from tests.test_feedback import record
from tryon.feedback.recorder import FeedbackService
service = FeedbackService(sys.argv[1])
print("ready", flush=True)
while True:
    rid = service.remember(record(value=3))
    service.rate(rid, 3)
"""


def test_a_writer_killed_mid_write_leaves_a_readable_store(tmp_path):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(tmp_path), root], stdout=subprocess.PIPE,
                            env=dict(os.environ, PYTHONPATH=root))  # fmt: skip
    assert proc.stdout.readline().strip() == b"ready"
    time.sleep(1.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    ds = load_feedback(tmp_path)  # must not raise on a half-written shard
    assert len(ds) >= 1 and all(r["rating"] == 3 for r in ds)
    assert all(p.name.startswith("shard-") for p in (tmp_path / "data").glob("*.parquet"))


def test_an_empty_store_loads_as_an_empty_dataset_with_the_schema(tmp_path):
    ds = load_feedback(tmp_path)
    assert len(ds) == 0 and set(ds.features) == set(FEATURES)


def test_compact_keeps_every_row(tmp_path):
    service = FeedbackService(tmp_path)
    for i in range(5):
        service.rate(service.remember(record(value=i)), 1 + i)
    store = FeedbackStore(tmp_path)
    assert len(store.shards()) == 5
    store.compact()
    assert len(store.shards()) == 1
    assert sorted(load_feedback(tmp_path)["rating"]) == [1, 2, 3, 4, 5]
