"""Try-on studio: the Gradio app (Hugging Face Spaces entry point).

python app.py            # http://127.0.0.1:7860
"""

from __future__ import annotations

import logging
import os

os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402

from tryon import __version__  # noqa: E402
from tryon.ui.tryon_tab import build_tryon_tab, pipeline  # noqa: E402

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

with gr.Blocks(title="Try-on studio") as demo:
    gr.Markdown(
        f"# Try-on studio\nSee clothes on yourself: upload a selfie (or use the webcam), pick a garment, "
        f"and press **Try it on**. Runs on the CPU in about a second. Version {__version__}."
    )
    with gr.Tab("Try-on", id="tryon"):
        build_tryon_tab()

demo.queue(default_concurrency_limit=2, max_size=32)

if __name__ == "__main__":
    pipeline().warm_up()
    demo.launch(server_name=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
                server_port=int(os.environ.get("GRADIO_SERVER_PORT", "7860")))  # fmt: skip
