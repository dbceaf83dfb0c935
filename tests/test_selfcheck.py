"""`python -m tryon selfcheck`: the checks run, a picture is written, and a machine without the engine is told why."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from PIL import Image

from tests.test_cli import run_cli
from tests.tiny_catvton import tiny_components
from tryon.engines import EngineError
from tryon.engines.catvton import CatVTONEngine
from tryon.selfcheck import run_selfcheck


def test_selfcheck_passes_on_the_cpu_engine_and_writes_a_sheet(tmp_path):
    out = tmp_path / "check.png"
    proc = run_cli("selfcheck", "--engine", "cpu", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("PASS") >= 5 and "FAIL" not in proc.stdout
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    assert summary["ok"] and summary["image"] == str(out)
    sheet = np.asarray(Image.open(out))
    assert sheet.shape[0] == 512 and sheet.shape[1] > 3 * 300  # person | garment | result


def test_selfcheck_without_weights_says_what_is_missing(tmp_path):
    proc = run_cli("selfcheck", "--engine", "catvton", "--allow-cpu", "--out", str(tmp_path / "x.png"))
    assert proc.returncode == 2
    assert "sd15-inpainting" in proc.stderr and "Tried" in proc.stderr
    assert not (tmp_path / "x.png").exists()


def test_selfcheck_without_a_gpu_says_so(tmp_path):
    proc = run_cli("selfcheck", "--engine", "catvton", "--out", str(tmp_path / "x.png"))
    assert proc.returncode == 2 and "GPU" in proc.stderr


def test_selfcheck_runs_every_check_on_a_diffusion_engine(tmp_path):
    report = run_selfcheck(CatVTONEngine(components=tiny_components(), device="cpu"), steps=2,
                           out=tmp_path / "tiny.png")  # fmt: skip
    assert report.ok, report.checks
    assert set(report.checks) >= {
        "finite output",
        "photo unchanged outside the mask",
        "picture not flat inside the mask",
    }
    assert (tmp_path / "tiny.png").exists() and report.details["steps"] == 2


def test_nan_output_is_caught(tmp_path):
    components = tiny_components()
    with torch.no_grad():
        components.vae.decoder.conv_out.bias.fill_(float("nan"))
    with pytest.raises(EngineError, match="NaN"):
        run_selfcheck(CatVTONEngine(components=components, device="cpu"), steps=1, out=tmp_path / "nan.png")
