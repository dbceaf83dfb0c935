"""`python -m tryon tryon ...`: one JSON line and exit 0, or one error line and a non-zero exit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    return subprocess.run([sys.executable, "-m", "tryon", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)  # fmt: skip


def test_tryon_writes_the_result_and_prints_json(tmp_path, portraits):
    out = tmp_path / "out.png"
    mask = tmp_path / "mask.png"
    proc = run_cli("tryon", "--person", str(portraits["astronaut"]), "--garment", "tee-red-solid",
                   "--category", "upper", "--out", str(out), "--mask-out", str(mask))  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["output"] == str(out) and record["category"] == "upper"
    assert record["timings_ms"]["total"] > 0
    image = np.asarray(Image.open(out))
    assert image.shape == (512, 512, 3)
    assert np.asarray(Image.open(mask)).max() == 255


@pytest.mark.parametrize(
    ("make_person", "message"),
    [
        (lambda p: p.write_text("not an image"), "not a picture"),
        (lambda p: p.write_bytes(b"\xff\xd8\xff\xe0" + b"\0" * 64), "picture"),
        (lambda p: Image.new("RGB", (300, 400), (240, 240, 240)).save(p, format="PNG"), "No person"),
    ],
    ids=["text-file", "truncated-jpeg", "no-person"],
)
def test_bad_person_photo_gives_one_line_error(tmp_path, make_person, message):
    person = tmp_path / "person.png"
    make_person(person)
    proc = run_cli("tryon", "--person", str(person), "--garment", "tee-red-solid", "--out", str(tmp_path / "o.png"))
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: ") and message in lines[0]
    assert not (tmp_path / "o.png").exists()


def test_unknown_garment_file(tmp_path, portraits):
    proc = run_cli("tryon", "--person", str(portraits["astronaut"]), "--garment", "nope.png",
                   "--out", str(tmp_path / "o.png"))  # fmt: skip
    assert proc.returncode != 0 and "not found" in proc.stderr and "Traceback" not in proc.stderr


def test_bad_category_is_rejected_by_the_parser(tmp_path):
    proc = run_cli("tryon", "--person", "a.jpg", "--garment", "b.jpg", "--category", "hat", "--out", "o.png")
    assert proc.returncode != 0 and "invalid choice" in proc.stderr
