"""Shared fixtures. The environment is made offline and quiet before anything imports gradio or the Hub."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_UPDATE_DOWNLOAD_COUNTS", "0")
os.environ.setdefault("GRADIO_TEMP_DIR", str(ROOT / ".cache" / "gradio"))
os.environ.setdefault("HF_HOME", str(ROOT / ".cache" / "hf"))
os.environ.setdefault("TRYON_CACHE", str(ROOT / ".cache"))
os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TRYON_FEEDBACK_DIR", str(ROOT / ".cache" / "test-feedback"))
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pytest  # noqa: E402

REAL = ROOT.parent / "shared" / "data" / "real"


@pytest.fixture(scope="session")
def pipeline():
    from tryon import TryOnPipeline

    pipe = TryOnPipeline()
    pipe.warm_up()
    return pipe


@pytest.fixture(scope="session")
def portraits() -> dict[str, Path]:
    """The public-domain portraits that ship in matplotlib and scikit-image."""
    from tryon.ui.examples import example_persons

    paths = {Path(p).stem: Path(p) for p in example_persons()}
    assert {"grace_hopper", "astronaut"} <= set(paths), f"example portraits missing: {paths}"
    return paths


@pytest.fixture(scope="session")
def catalog_path():
    from tryon.catalog import catalog_image_path, get_item

    return lambda item_id: catalog_image_path(get_item(item_id))


@pytest.fixture(scope="session")
def real_dir() -> Path:
    if not REAL.exists():
        pytest.skip("../shared/data/real is absent")
    return REAL


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def app_url():
    """The real app, launched once in this process on a free port."""
    import app

    port = free_port()
    app.pipeline().warm_up()
    app.demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    yield f"http://127.0.0.1:{port}/"
    app.demo.close()


def lab(image: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.cvtColor(image, cv2.COLOR_RGB2LAB).astype(np.float32)
