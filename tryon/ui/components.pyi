"""Gradio components adapted to the app."""

from __future__ import annotations

from typing import Any

import gradio as gr

from gradio.events import Dependency

class PhotoInput(gr.Image):
    """An image input that lets the app explain a bad file in its own words.

    gr.Image decodes the upload before the handler runs and turns an undecodable file into a
    generic "an error occurred". This input hands such a file to the handler as its path, where
    `tryon.imageio.load_image` says what is wrong with it (not a picture, damaged, too large).
    """

    def get_block_name(self) -> str:
        return "image"  # same front end as gr.Image

    def preprocess(self, payload: Any):
        try:
            return super().preprocess(payload)
        except Exception:  # noqa: BLE001 - any decoding failure is reported by load_image instead
            return str(payload.path) if payload is not None and payload.path else None
    from typing import Callable, Literal, Sequence, Any, TYPE_CHECKING
    from gradio.blocks import Block

    if TYPE_CHECKING:
        from gradio.components import Timer
        from gradio.components.base import Component
