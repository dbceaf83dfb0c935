"""The engine choice through the Gradio app and gradio_client, with a tiny CatVTON engine installed."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from tests.conftest import free_port
from tests.tiny_catvton import tiny_components

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tiny_app():
    import gradio as gr

    from tryon.engines import EngineError, engines, register
    from tryon.engines.catvton import CatVTONEngine
    from tryon.ui.tryon_tab import build_tryon_tab

    class Flaky(CatVTONEngine):
        """Fails when asked for 13 steps, like a GPU running out of memory."""

        def run(self, request):
            if request.steps == 13:
                raise EngineError("CUDA out of memory")
            return super().run(request)

    saved = dict(engines())
    register(Flaky(components=tiny_components(), device="cpu"))
    with gr.Blocks() as demo:
        build_tryon_tab()
    port = free_port()
    demo.queue().launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    yield demo, f"http://127.0.0.1:{port}/"
    demo.close()
    engines().clear()
    engines().update(saved)


@pytest.fixture(scope="module")
def client(tiny_app):
    from gradio_client import Client

    return Client(tiny_app[1], verbose=False)


def _call(client, portraits, catalog_path, engine, steps=2):
    from gradio_client import handle_file

    return client.predict(handle_file(str(portraits["grace_hopper"])), handle_file(str(catalog_path("tee-red-solid"))),
                          "upper", engine, 5, steps, 2.5, api_name="/tryon")  # fmt: skip


def test_the_engine_controls_show_when_a_second_engine_can_run(tiny_app):
    config = tiny_app[0].get_config_file()
    engine = next(c for c in config["components"] if c.get("props", {}).get("elem_id") == "engine")
    assert [v for _, v in engine["props"]["choices"]] == ["auto", "catvton", "cpu"]
    groups = [c for c in config["components"] if c["type"] == "group"]
    assert any(g["props"].get("visible") is True for g in groups)


@pytest.mark.parametrize("choice", ["catvton", "auto"])
def test_the_diffusion_engine_answers_through_the_api(client, portraits, catalog_path, choice):
    image_path, mask_path, result_id, engine, notice = _call(client, portraits, catalog_path, choice)
    assert engine == "catvton" and notice == "" and len(result_id) == 32
    before = np.asarray(Image.open(portraits["grace_hopper"]).convert("RGB"))
    image = np.asarray(Image.open(image_path).convert("RGB"))
    mask = np.asarray(Image.open(mask_path).convert("L"))
    assert image.shape == before.shape
    assert np.array_equal(image[mask == 0], before[mask == 0])  # the photo is untouched outside the mask
    assert (mask > 0).mean() > 0.05


def test_the_cpu_engine_can_still_be_chosen(client, portraits, catalog_path):
    *_, engine, notice = _call(client, portraits, catalog_path, "cpu")
    assert engine == "cpu" and notice == ""


def test_a_failing_engine_falls_back_with_a_visible_notice(client, portraits, catalog_path):
    image_path, _, _, engine, notice = _call(client, portraits, catalog_path, "catvton", steps=13)
    assert engine == "cpu" and "out of memory" in notice and "CPU engine" in notice
    assert np.asarray(Image.open(image_path)).shape[:2] == (600, 512)
