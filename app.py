"""Try-on studio: the Gradio app (Hugging Face Spaces entry point).

python app.py            # http://127.0.0.1:7860
"""

from __future__ import annotations

import logging
import os

os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

try:  # ZeroGPU Spaces: `spaces` must be imported before anything touches CUDA
    import spaces  # noqa: F401
except ImportError:
    spaces = None

import gradio as gr  # noqa: E402

from tryon import __version__  # noqa: E402
from tryon.engines import prepare as prepare_engines  # noqa: E402
from tryon.hub import ModelNotFoundError, resolve  # noqa: E402
from tryon.ui.design_tab import build_design_tab, new_shopper_id  # noqa: E402
from tryon.ui.feedback_ui import rate_endpoint  # noqa: E402
from tryon.ui.tryon_tab import build_tryon_tab, pipeline  # noqa: E402

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
log = logging.getLogger("app")


def _generator_available() -> bool:
    """The Design tab is shown only when its generator checkpoint can be found."""
    try:
        path, source = resolve("garment-generator")
    except ModelNotFoundError as e:
        log.warning("Design tab hidden: %s", e)
        return False
    log.info("garment generator from %s (%s)", path, source)
    return True


log.info("try-on engines: %s", prepare_engines())

with gr.Blocks(title="Try-on studio") as demo:
    gr.Markdown(
        f"# Try-on studio\nSee clothes on yourself: upload a selfie (or use the webcam), pick a garment, "
        f"and press **Try it on**. The fast engine runs on the CPU in about a second. Version {__version__}."
    )
    with gr.Tabs() as tabs:
        with gr.Tab("Try-on", id="tryon"):
            tryon_parts = build_tryon_tab()
        if _generator_available():
            with gr.Tab("Design / For you", id="design"):

                def send_to_tryon(image, category):
                    if image is None:
                        raise gr.Error("Choose a design first (click one in the gallery).")
                    return image, category, gr.Tabs(selected="tryon")

                send_to_tryon.outputs = [tryon_parts["garment"], tryon_parts["category"], tabs]
                design_parts = build_design_tab(send_to_tryon)
            demo.load(new_shopper_id, None, design_parts["shopper"], api_visibility="private")
    rate_endpoint()

demo.queue(default_concurrency_limit=2, max_size=32)

if __name__ == "__main__":
    pipeline().warm_up()
    demo.launch(server_name=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
                server_port=int(os.environ.get("GRADIO_SERVER_PORT", "7860")))  # fmt: skip
