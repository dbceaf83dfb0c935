"""The Try-on tab: selfie + garment + category -> the person wearing it, with mask corrections."""

from __future__ import annotations

import logging

import gradio as gr
import numpy as np

from tryon import TryOnInputError, TryOnPipeline
from tryon.catalog import CATALOG, catalog_image_path
from tryon.imageio import load_image
from tryon.ui.components import PhotoInput
from tryon.ui.examples import example_persons
from tryon.ui.feedback_ui import rating_block

log = logging.getLogger(__name__)
ADD_COLOUR = "#22c55e"  # painted green: the garment must cover this
KEEP_COLOUR = "#ef4444"  # painted red: keep this as it is

_pipeline: TryOnPipeline | None = None


def pipeline() -> TryOnPipeline:
    global _pipeline
    if _pipeline is None:
        _pipeline = TryOnPipeline()
    return _pipeline


def tryon(person: np.ndarray | None, garment: np.ndarray | None, category: str, request: gr.Request = None):
    """Dress the person in the garment. Returns the result image, the changed-region mask and a result id
    (to rate the result with /rate)."""
    result = _run(person, garment, category)
    return result.image, result.mask, _remember(result, "auto", request), _state(person, result)


def tryon_corrected(editor: dict | None, garment: np.ndarray | None, category: str, person: np.ndarray | None,
                    request: gr.Request = None):  # fmt: skip
    """Run again with the painted corrections (green: must be replaced, red: keep)."""
    if person is None:
        raise gr.Error("Upload your photo first.")
    replace_mask, keep_mask = _painted_masks(editor, load_image(person, "person photo").shape[:2])
    result = _run(person, garment, category, replace_mask, keep_mask)
    return result.image, result.mask, _remember(result, "painted", request), _state(person, result)


def _run(person, garment, category, replace_mask=None, keep_mask=None):
    if person is None:
        raise gr.Error("Upload your photo or take one with the webcam first.")
    if garment is None:
        raise gr.Error("Choose a garment from the catalog or upload a garment photo.")
    try:
        result = pipeline()(person, garment, category=category, replace_mask=replace_mask, keep_mask=keep_mask)
    except TryOnInputError as e:
        raise gr.Error(str(e)) from e
    for note in result.notes:
        gr.Info(note)
    log.info("try-on %s: %s", category, result.timings_ms)
    return result


def _remember(result, mask_source: str, request) -> str:
    """Keep the result for rating; its record holds everything needed to reproduce it."""
    from tryon import __version__
    from tryon.feedback import ResultRecord
    from tryon.ui.feedback_ui import feedback_service

    record = ResultRecord(
        tab="tryon",
        model_name="tryon-cpu-engine",
        model_revision=__version__,
        inputs={"category": result.category, "mask_source": mask_source, "notes": list(result.notes)},
        output=result.image,
        person=result.person,
        garment=result.garment.image,
        latency_ms=result.timings_ms.get("total", 0.0),
        shopper_token=getattr(request, "session_hash", "") or "",
    )
    return feedback_service().remember(record)


def _state(person, result):
    return {"before": result.person, "result": result}


def show_views(state: dict | None):
    """Fill the before/after slider, the correction editor and the debug gallery from the last run."""
    if not state:
        return None, None, []
    result = state["result"]
    before = state["before"]
    overlay = before.astype(np.float32)
    m = (result.mask > 0)[..., None]
    overlay = np.where(m, overlay * 0.55 + np.array([34, 197, 94]) * 0.45, overlay).astype(np.uint8)
    editor = {"background": overlay, "layers": [], "composite": overlay}
    debug = [(img, name) for name, img in result.layers.items()]
    timing = ", ".join(f"{k} {v:.0f} ms" for k, v in result.timings_ms.items())
    debug.append((result.image, f"result ({timing})"))
    return (before, result.image), editor, debug


def _painted_masks(editor: dict | None, size: tuple[int, int]):
    if not editor or not editor.get("layers"):
        raise gr.Error("Paint on the photo first: green where the garment should go, red where nothing may change.")
    h, w = size
    add = np.zeros((h, w), bool)
    keep = np.zeros((h, w), bool)
    for layer in editor["layers"]:
        if layer is None:
            continue
        layer = np.asarray(layer)
        if layer.shape[0] != h or layer.shape[1] != w:
            from PIL import Image

            layer = np.asarray(Image.fromarray(layer).resize((w, h), Image.Resampling.NEAREST))
        if layer.ndim != 3 or layer.shape[2] < 4:
            continue
        painted = layer[..., 3] > 0
        red, green = layer[..., 0].astype(int), layer[..., 1].astype(int)
        add |= painted & (green > red)
        keep |= painted & (red >= green)
    if not (add.any() or keep.any()):
        raise gr.Error("Nothing was painted. Use the brush: green adds to the garment, red keeps the photo.")
    return add.astype(np.uint8), keep.astype(np.uint8)


def pick_catalog(evt: gr.SelectData):
    item = CATALOG[evt.index]
    return str(catalog_image_path(item)), item.category


def build_tryon_tab() -> dict:
    """Lay out the Try-on tab inside the current gr.Blocks; returns the components other tabs feed."""
    catalog = [(str(catalog_image_path(i)), i.name) for i in CATALOG]
    with gr.Row():
        with gr.Column(scale=1):
            person = PhotoInput(label="Your photo", sources=["upload", "webcam"], type="numpy",
                              elem_id="person-input", height=360)  # fmt: skip
            category = gr.Radio(["upper", "lower", "dress"], value="upper", label="What to try on",
                                info="upper: tops - lower: trousers, shorts, skirts - dress")  # fmt: skip
        with gr.Column(scale=1):
            garment = PhotoInput(label="Garment (pick one below or upload a product photo)", type="numpy",
                               sources=["upload"], elem_id="garment-input", height=360)  # fmt: skip
            gallery = gr.Gallery(catalog, label="Catalog", columns=6, height=220, allow_preview=False,
                                 elem_id="catalog")  # fmt: skip
    run = gr.Button("Try it on", variant="primary", elem_id="tryon-button")
    with gr.Row():
        slider = gr.ImageSlider(label="Before / after", type="numpy", elem_id="before-after", max_height=640)
        result = gr.Image(
            label="Result", type="numpy", elem_id="tryon-result", buttons=["download"], height=640, format="png"
        )
    result_id = gr.Textbox(label="Result id", interactive=False, elem_id="tryon-result-id", max_lines=1)
    rating_block("tryon", result_id)
    with gr.Accordion("Correct the mask", open=False):
        gr.Markdown(
            "The green tint shows what the try-on changed. Paint **green** where the garment should also go "
            "and **red** where nothing may change (a bag, your hand), then run again."
        )
        editor = gr.ImageEditor(label="Paint corrections", type="numpy", sources=[], layers=False,
                                brush=gr.Brush(colors=[ADD_COLOUR, KEEP_COLOUR], default_color=ADD_COLOUR,
                                               color_mode="fixed"),
                                elem_id="mask-editor")  # fmt: skip
        rerun = gr.Button("Run again with my corrections", elem_id="rerun-button")
    with gr.Accordion("Debug layers", open=False):
        mask = gr.Image(label="Changed region", type="numpy", image_mode="L", elem_id="tryon-mask", format="png")
        debug = gr.Gallery(label="Intermediate layers", columns=5, height=300)
    state = gr.State()
    persons = example_persons()
    if persons:
        gr.Examples(
            examples=[[persons[0], catalog[0][0], "upper"], [persons[-1], catalog[9][0], "upper"]],
            inputs=[person, garment, category],
            label="Examples (public-domain portraits, catalog garments)",
        )
    gallery.select(pick_catalog, None, [garment, category], api_visibility="private")
    run.click(tryon, [person, garment, category], [result, mask, result_id, state], api_name="tryon",
              concurrency_id="tryon").then(show_views, state, [slider, editor, debug],
                                           api_visibility="private")  # fmt: skip
    rerun.click(tryon_corrected, [editor, garment, category, person], [result, mask, result_id, state],
                api_visibility="private", concurrency_id="tryon").then(
        show_views, state, [slider, editor, debug], api_visibility="private")  # fmt: skip
    return {"garment": garment, "category": category}
