"""The Try-on tab: selfie + garment + category -> the person wearing it, with mask corrections."""

from __future__ import annotations

import logging

import gradio as gr
import numpy as np

from tryon import TryOnInputError, TryOnPipeline
from tryon.catalog import CATALOG, catalog_image_path
from tryon.engines import CHOICES, TryOnRequest, available_engines, engines, run_tryon
from tryon.imageio import load_image
from tryon.ui.components import PhotoInput
from tryon.ui.examples import example_persons
from tryon.ui.feedback_ui import rating_block
from tryon.ui.gpu import gpu

log = logging.getLogger(__name__)
ADD_COLOUR = "#22c55e"  # painted green: the garment must cover this
KEEP_COLOUR = "#ef4444"  # painted red: keep this as it is

PROGRESS = gr.Progress(track_tqdm=True)  # diffusion engines report their denoising steps through tqdm


def pipeline() -> TryOnPipeline:
    """The CPU engine's pipeline (shared, so its perception models load once)."""
    return engines()["cpu"].pipeline


@gpu(duration=120)
def run_on_gpu(engine_name: str, request: TryOnRequest):
    """Run a GPU engine. On ZeroGPU Spaces this module-level function holds the GPU (arguments and result
    are pickled: numpy arrays and plain dataclasses); elsewhere it is a plain call."""
    return engines()[engine_name].run(request)


def _runner(engine_name: str, request: TryOnRequest):
    if engines()[engine_name].uses_gpu:
        return run_on_gpu(engine_name, request)
    return engines()[engine_name].run(request)


def tryon(person: np.ndarray | None, garment: np.ndarray | None, category: str, engine: str = "auto",
          seed: float = 42, steps: float = 50, guidance: float = 2.5, request: gr.Request = None,
          progress=PROGRESS):  # fmt: skip
    """Dress the person in the garment. Returns the result image, the changed-region mask, a result id
    (to rate the result with /rate), the engine that made it, and a notice when it is not the one asked for.
    engine: "auto" (the best available), "cpu" or "catvton"; seed, steps and guidance steer diffusion engines."""
    result, notice, req = _run(person, garment, category, engine, seed, steps, guidance)
    result_id = _remember(result, req, "auto", request)
    return result.image, result.mask, result_id, result.engine, notice, _state(person, result)


def tryon_corrected(editor: dict | None, garment: np.ndarray | None, category: str, person: np.ndarray | None,
                    engine: str = "auto", seed: float = 42, steps: float = 50, guidance: float = 2.5,
                    request: gr.Request = None, progress=PROGRESS):  # fmt: skip
    """Run again with the painted corrections (green: must be replaced, red: keep)."""
    if person is None:
        raise gr.Error("Upload your photo first.")
    replace_mask, keep_mask = _painted_masks(editor, load_image(person, "person photo").shape[:2])
    result, notice, req = _run(person, garment, category, engine, seed, steps, guidance, replace_mask, keep_mask)
    result_id = _remember(result, req, "painted", request)
    return result.image, result.mask, result_id, result.engine, notice, _state(person, result)


def _run(person, garment, category, engine, seed, steps, guidance, replace_mask=None, keep_mask=None):
    if person is None:
        raise gr.Error("Upload your photo or take one with the webcam first.")
    if garment is None:
        raise gr.Error("Choose a garment from the catalog or upload a garment photo.")
    try:
        req = TryOnRequest.create(person, garment, category, mask=replace_mask, keep_mask=keep_mask,
                                  seed=int(seed), steps=int(steps), guidance=float(guidance))  # fmt: skip
        result, notice = run_tryon(req, engine or "auto", runner=_runner)
    except TryOnInputError as e:
        raise gr.Error(str(e)) from e
    if notice:
        gr.Warning(notice)
    for note in result.notes:
        gr.Info(note)
    log.info("try-on %s with %s: %s", category, result.engine, result.timings_ms)
    return result, notice, req


def _remember(result, req: TryOnRequest, mask_source: str, request) -> str:
    """Keep the result for rating; its record holds everything needed to reproduce it."""
    from tryon import __version__
    from tryon.feedback import ResultRecord
    from tryon.ui.feedback_ui import feedback_service

    inputs = {"category": result.category, "mask_source": mask_source, "notes": list(result.notes),
              "engine": result.engine}  # fmt: skip
    if result.engine != "cpu":
        inputs.update(seed=req.seed, steps=req.steps, guidance=req.guidance)
    record = ResultRecord(
        tab="tryon",
        model_name="tryon-cpu-engine" if result.engine == "cpu" else f"tryon-{result.engine}",
        model_revision=__version__ if result.engine == "cpu" else _engine_revision(result.engine),
        inputs=inputs,
        output=result.image,
        person=result.person,
        garment=req.garment,
        latency_ms=result.timings_ms.get("total", 0.0),
        shopper_token=getattr(request, "session_hash", "") or "",
    )
    return feedback_service().remember(record)


def _engine_revision(name: str) -> str:
    """The pinned revisions a non-CPU engine's weights come from (for reproducing a result)."""
    from tryon.hub import registry

    entries = registry()
    if name == "catvton":
        variant = getattr(engines()[name], "variant", "mix")
        parts = ("sd15-inpainting", "sd-vae-ft-mse", f"catvton-attention-{variant}")
        return ";".join(f"{entries[p].repo_id}@{entries[p].revision[:12]}" for p in parts if p in entries)
    return "unknown"


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


def _engine_controls():
    """Engine choice and diffusion settings. They are always part of the /tryon API (so scripts see one
    stable signature) but shown only when an engine besides the CPU one can run here."""
    names = available_engines()
    labels = {"auto": "Best available", **{n: engines()[n].label for n in engines()}}
    extra = [n for n in names if n != "cpu"]
    with gr.Group(visible=bool(extra)):
        engine = gr.Radio([(labels[c], c) for c in CHOICES], value="auto", label="Engine", elem_id="engine",
                          info="The diffusion engine looks more real but takes seconds on a GPU; "
                               "the CPU engine answers in under a second.")  # fmt: skip
        licences = "\n".join(f"- **{engines()[n].label}**: {engines()[n].licence}" for n in extra)
        gr.Markdown(f"Weights and licences:\n{licences}", elem_id="engine-licence")
        with gr.Accordion("Diffusion settings", open=False):
            seed = gr.Number(42, label="Seed", precision=0, elem_id="engine-seed")
            steps = gr.Slider(1, 100, value=50, step=1, label="Denoising steps", elem_id="engine-steps")
            guidance = gr.Slider(1.0, 5.0, value=2.5, step=0.1, label="Guidance", elem_id="engine-guidance")
    return engine, seed, steps, guidance


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
    engine, seed, steps, guidance = _engine_controls()
    run = gr.Button("Try it on", variant="primary", elem_id="tryon-button")
    notice = gr.Markdown(elem_id="engine-notice")
    with gr.Row():
        slider = gr.ImageSlider(label="Before / after", type="numpy", elem_id="before-after", max_height=640)
        result = gr.Image(
            label="Result", type="numpy", elem_id="tryon-result", buttons=["download"], height=640, format="png"
        )
    with gr.Row():
        result_id = gr.Textbox(label="Result id", interactive=False, elem_id="tryon-result-id", max_lines=1,
                               scale=3)  # fmt: skip
        engine_used = gr.Textbox(label="Made by engine", interactive=False, elem_id="tryon-engine", max_lines=1,
                                 scale=1)  # fmt: skip
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
    outputs = [result, mask, result_id, engine_used, notice, state]
    knobs = [engine, seed, steps, guidance]
    run.click(tryon, [person, garment, category, *knobs], outputs, api_name="tryon",
              concurrency_id="tryon").then(show_views, state, [slider, editor, debug],
                                           api_visibility="private")  # fmt: skip
    rerun.click(tryon_corrected, [editor, garment, category, person, *knobs], outputs,
                api_visibility="private", concurrency_id="tryon").then(
        show_views, state, [slider, editor, debug], api_visibility="private")  # fmt: skip
    return {"garment": garment, "category": category}
