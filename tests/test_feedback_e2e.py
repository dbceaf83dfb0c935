"""End to end through gradio_client: make and rate 50 results, restart the app, read the dataset."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import free_port
from tryon.feedback import load_feedback

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


def start_app(feedback_dir: Path):
    from gradio_client import Client

    port = free_port()
    env = dict(os.environ, GRADIO_SERVER_PORT=str(port), TRYON_FEEDBACK_DIR=str(feedback_dir))
    log = open(feedback_dir.parent / f"app-{port}.log", "w")  # noqa: SIM115 - lives as long as the app
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            return proc, Client(f"http://127.0.0.1:{port}/", verbose=False)
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError("the app did not start")


def test_fifty_ratings_survive_a_restart(tmp_path, portraits, catalog_path):
    from gradio_client import handle_file

    proc, client = start_app(tmp_path)
    consented = 0
    try:
        for i in range(50):
            consent = i % 4 == 0
            if i % 2 == 0:
                _, _, rid, *_ = client.predict(handle_file(str(portraits["astronaut"])),
                                           handle_file(str(catalog_path("tee-red-solid"))), "upper",
                                           api_name="/tryon")  # fmt: skip
                reasons = ["seams or halos"] if i % 3 == 0 else []
            else:
                _, used = client.predict("tee", "stripes", 0.3, 0.5, 0.5, 0.3, (i % 10) / 10, 0.6, 0.45, 0.5, 0.3, i,
                                         1, api_name="/generate")  # fmt: skip
                rid = used["result_ids"][0]
                reasons = ["not my style"] if i % 3 == 0 else []
            stored = client.predict(rid, 1 + i % 5, reasons, f"comment {i}", consent, api_name="/rate")
            consented += consent and i % 2 == 0
            assert stored["result_id"] == rid
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    # Restart: the app comes back on the same store, and the dataset has every rating.
    proc, client = start_app(tmp_path)
    proc.terminate()
    proc.wait(timeout=30)
    ds = load_feedback(tmp_path)
    assert len(ds) == 50
    for row in ds:
        for key in ("result_id", "tab", "model_name", "model_revision", "inputs_json", "comment", "app_version",
                    "shopper_id", "created_at", "rated_at", "images_stored"):  # fmt: skip
            assert row[key], key
        assert 1 <= row["rating"] <= 5 and row["latency_ms"] > 0
        if row["images_stored"] != "none":
            assert isinstance(row["output_image"], Image.Image) and row["output_image"].size[0] > 0
        if not row["consent"]:
            assert row["person_image"] is None  # no selfie without consent
            if row["tab"] == "tryon":
                assert row["output_image"] is None and row["images_stored"] == "none"
    assert sum(r["person_image"] is not None for r in ds) == consented
