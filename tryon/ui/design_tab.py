"""The Design / For-you tab: sliders drive the generator; restyle; similar catalog items; for you."""

from __future__ import annotations

import dataclasses
import json
import time
import uuid

import gradio as gr
import numpy as np

from tryon.catalog.render import KINDS, PATTERNS, GarmentDesign
from tryon.errors import TryOnInputError
from tryon.generate.attributes import SLIDERS
from tryon.generate.profile import ShopperProfile, design_from_dict
from tryon.generate.restyle import restyle as restyle_photo
from tryon.generate.studio import DesignStudio, design_from_sliders
from tryon.imageio import load_image
from tryon.ui.components import PhotoInput
from tryon.ui.feedback_ui import feedback_service, rating_block
from tryon.ui.gpu import gpu

_studios: dict[str, DesignStudio] = {}
_profiles: dict[str, ShopperProfile] = {}
DEFAULT_GENERATOR = "garment-generator"


def studio(model: str | None = None) -> DesignStudio:
    """The studio for a registered generator revision (each loads once)."""
    name = model or DEFAULT_GENERATOR
    if name not in _studios:
        _studios[name] = DesignStudio(name)
    return _studios[name]


def available_generators() -> list[str]:
    """Registered generator revisions whose checkpoints can be found (shown side by side)."""
    from tryon.hub import ModelNotFoundError, registry, resolve

    names = []
    for name, entry in registry().items():
        if (entry.cls or "").endswith("GarmentGenerator"):
            try:
                resolve(name)
                names.append(name)
            except ModelNotFoundError:
                continue
    return names


def _design(kind, pattern, values) -> GarmentDesign:
    try:
        return design_from_sliders(kind, pattern, **values)
    except (ValueError, TypeError) as e:
        raise gr.Error(f"Invalid design: {e}") from e


@gpu()
def generate(kind: str, pattern: str, sleeve: float, width: float, length: float, neckline: float, hue: float,
             saturation: float, lightness: float, pattern_scale: float, texture: float, seed: float,
             count: float, model: str = DEFAULT_GENERATOR, request: gr.Request = None):  # fmt: skip
    """Product images for the slider values: `count` variations starting at `seed`.

    `model` picks a registered generator revision. Returns the images and a JSON object with the
    attribute values, seeds, model and result ids (for /rate).
    """
    if model not in available_generators():
        raise gr.Error(f"Unknown generator {model!r}; available: {', '.join(available_generators())}.")
    values = dict(sleeve=sleeve, width=width, length=length, neckline=neckline, hue=hue, saturation=saturation,
                  lightness=lightness, pattern_scale=pattern_scale, texture=texture)  # fmt: skip
    design = _design(kind, pattern, values)
    count = int(count)
    if not 1 <= count <= 16:
        raise gr.Error(f"count must be 1 to 16, not {count}.")
    t = time.perf_counter()
    images = studio(model).generate(design, int(seed), count)
    latency = (time.perf_counter() - t) * 1000 / count
    seeds = [int(seed) + i for i in range(count)]
    ids = [_remember("design", {"design": dataclasses.asdict(design), "seed": s}, img, latency, request, model=model)
           for s, img in zip(seeds, images, strict=True)]  # fmt: skip
    used = {"design": dataclasses.asdict(design), "seeds": seeds, "model": model, "result_ids": ids}
    return images, used


def surprise(seed: float, model: str = DEFAULT_GENERATOR):
    """Slider values (and a new seed) for "Surprise me", from the generator's prior."""
    new_seed = int(np.random.default_rng(int(seed) + 1).integers(0, 100000))
    d = studio(model).surprise(new_seed)
    return [d.kind, d.pattern] + [getattr(d, s.name) for s in SLIDERS] + [new_seed]


def restyle(image: np.ndarray | None, hue: float, saturation: float, lightness: float, pattern: str,
            pattern_scale: float, strength: float, request: gr.Request = None):  # fmt: skip
    """Recolour a real garment photo: new colour and pattern, same folds, shading and outline.

    Returns the restyled image and a result id (for /rate)."""
    if image is None:
        raise gr.Error("Upload a garment photo to restyle.")
    try:
        photo = load_image(image, "garment photo")
        t = time.perf_counter()
        out = restyle_photo(photo, hue, saturation, lightness, pattern, pattern_scale, strength).image
    except (TryOnInputError, ValueError) as e:
        raise gr.Error(str(e)) from e
    inputs = {"hue": hue, "saturation": saturation, "lightness": lightness, "pattern": pattern,
              "pattern_scale": pattern_scale, "strength": strength}  # fmt: skip
    rid = _remember("restyle", inputs, out, (time.perf_counter() - t) * 1000, request, garment=photo)
    return out, rid


def recommend(image: np.ndarray | None, k: float = 5):
    """The k catalog items most similar to a garment image, with similarity scores."""
    if image is None:
        raise gr.Error("Give a garment image (generate one, or upload a photo).")
    try:
        photo = load_image(image, "garment photo")
        ranked = studio().recommend(photo, k=int(k))
    except TryOnInputError as e:
        raise gr.Error(str(e)) from e
    from tryon.catalog import catalog_image_path

    gallery = [(str(catalog_image_path(item)), f"{item.name} ({sim:.2f})") for item, sim in ranked]
    table = [{"id": item.id, "name": item.name, "category": item.category, "similarity": round(sim, 4)}
             for item, sim in ranked]  # fmt: skip
    return gallery, table


@gpu()
def for_you(shopper_id: str, count: float = 4, ratings: str | list | None = None):
    """Designs this shopper is likely to rate highly, learned from their ratings.

    `ratings` (optional): new ratings since the last call, a JSON list of {"design": {...}, "rating": 1-5};
    they are added to the shopper's profile.
    """
    shopper_id = (shopper_id or "").strip()
    if not shopper_id:
        raise gr.Error("A shopper id is needed (any stable pseudonymous string).")
    passed = _profiles.setdefault(shopper_id, ShopperProfile(shopper_id))
    if ratings:
        try:
            items = json.loads(ratings) if isinstance(ratings, str) else ratings
            for item in items:
                passed.add(design_from_dict(item["design"]), float(item["rating"]))
        except (ValueError, KeyError, TypeError) as e:
            raise gr.Error(f"Could not read the ratings: {e}") from e
    count = int(count)
    if not 1 <= count <= 16:
        raise gr.Error(f"count must be 1 to 16, not {count}.")
    # The profile: this shopper's stored ratings (given with /rate) plus ratings passed here.
    profile = ShopperProfile(shopper_id, ratings=list(passed.ratings))
    for design, stars in feedback_service().design_ratings(shopper_id):
        profile.add(design_from_dict(design), stars)
    rng = np.random.default_rng(abs(hash((shopper_id, len(profile.ratings)))) % 2**32)
    designs = profile.propose(count, rng)
    t = time.perf_counter()
    images = studio().generate_designs(designs, [d.seed for d in designs])
    latency = (time.perf_counter() - t) * 1000 / count
    token = _Token(shopper_id)
    ids = [_remember("for_you", {"design": dataclasses.asdict(d), "seed": d.seed}, img, latency, token)
           for d, img in zip(designs, images, strict=True)]  # fmt: skip
    return images, {"designs": [dataclasses.asdict(d) for d in designs], "ratings_so_far": len(profile.ratings),
                    "result_ids": ids}  # fmt: skip


class _Token:
    """Stands in for gr.Request: For-you results belong to the shopper id the shopper chose."""

    def __init__(self, session_hash: str) -> None:
        self.session_hash = session_hash


def _remember(tab: str, inputs: dict, image: np.ndarray, latency_ms: float, request, garment=None,
              model: str = DEFAULT_GENERATOR) -> str:  # fmt: skip
    from tryon import __version__
    from tryon.feedback import ResultRecord
    from tryon.hub import registry

    entry = registry().get(model)
    record = ResultRecord(
        tab=tab,
        model_name=model if tab != "restyle" else "restyle",
        model_revision=entry.revision if entry and tab != "restyle" else __version__,
        inputs=inputs,
        output=image,
        garment=garment,
        latency_ms=latency_ms,
        shopper_token=getattr(request, "session_hash", "") or "",
    )
    return feedback_service().remember(record)


def new_shopper_id() -> str:
    """A fresh pseudonymous id for a new visitor (a random token, never derived from the person)."""
    return uuid.uuid4().hex[:12]


def build_design_tab(send_to_tryon) -> dict:
    """Lay out the Design tab; `send_to_tryon(image, category)` wiring is given by the app."""
    with gr.Row():
        with gr.Column(scale=1):
            kind = gr.Dropdown(list(KINDS), value="tee", label="Garment")
            pattern = gr.Radio(list(PATTERNS), value="solid", label="Pattern")
            sliders = [gr.Slider(0, 1, value=s.default, step=0.01, label=s.label, info=s.info) for s in SLIDERS]
            with gr.Row():
                seed = gr.Number(value=0, precision=0, label="Seed", minimum=0)
                count = gr.Slider(1, 8, value=4, step=1, label="Variations")
            generators = available_generators()
            model = gr.Dropdown(generators, value=DEFAULT_GENERATOR if DEFAULT_GENERATOR in generators else None,
                                label="Generator revision")  # fmt: skip
            with gr.Row():
                go = gr.Button("Generate", variant="primary", elem_id="generate-button")
                lucky = gr.Button("Surprise me")
        with gr.Column(scale=2):
            gallery = gr.Gallery(label="Designs (click one to choose it)", columns=4, height=420,
                                 elem_id="design-gallery", format="png")  # fmt: skip
            used = gr.JSON(label="Attribute values used", visible=False)
            chosen = gr.Image(label="Chosen design", type="numpy", height=300, interactive=False, format="png")
            chosen_id = gr.Textbox(label="Result id", interactive=False, max_lines=1)
            rating_block("design", chosen_id)
            with gr.Row():
                try_on = gr.Button("Try this on", elem_id="design-tryon")
                similar = gr.Button("Similar in the catalog")
                similar_k = gr.Slider(1, 10, value=5, step=1, label="How many")
            similar_gallery = gr.Gallery(label="Similar in the catalog", columns=5, height=200)
            similar_table = gr.JSON(visible=False)
    with gr.Accordion("Restyle a product photo", open=False):
        with gr.Row():
            photo = PhotoInput(label="Garment photo", type="numpy", sources=["upload"], height=320)
            restyled = gr.Image(label="Restyled", type="numpy", height=320, format="png")
        with gr.Row():
            r_hue = gr.Slider(0, 1, value=0.6, step=0.01, label="Colour (hue)")
            r_sat = gr.Slider(0, 1, value=0.6, step=0.01, label="Colour strength")
            r_light = gr.Slider(0, 1, value=0.45, step=0.01, label="Lightness")
        with gr.Row():
            r_pattern = gr.Radio(list(PATTERNS), value="solid", label="Pattern")
            r_scale = gr.Slider(0, 1, value=0.5, step=0.01, label="Pattern size")
            r_strength = gr.Slider(0, 1, value=1.0, step=0.05, label="Strength")
        with gr.Row():
            r_go = gr.Button("Restyle", variant="primary")
            r_try = gr.Button("Try this on")
        r_id = gr.Textbox(label="Result id", interactive=False, max_lines=1)
        rating_block("restyle", r_id)
    with gr.Accordion("For you", open=False):
        gr.Markdown("Designs picked for you from your ratings. Rate a few (select one, choose stars, *Rate*).")
        shopper = gr.Textbox(label="Shopper id (pseudonymous)", elem_id="shopper-id")
        with gr.Row():
            fy_go = gr.Button("Show me designs", variant="primary")
            fy_count = gr.Slider(1, 8, value=4, step=1, label="How many")
        fy_gallery = gr.Gallery(label="For you (click one to rate it)", columns=4, height=300, format="png")
        fy_json = gr.JSON(visible=False)
        fy_id = gr.Textbox(label="Result id", interactive=False, max_lines=1)
        rating_block("for_you", fy_id)
        # Scripts may also pass ratings directly (JSON); a component, not State, so the API has it.
        fy_visit = gr.Textbox(value="[]", visible=False, label="ratings")

    inputs = [kind, pattern, *sliders, seed, count, model]
    go.click(generate, inputs, [gallery, used], api_name="generate")
    lucky.click(surprise, [seed, model], [kind, pattern, *sliders, seed], api_visibility="private").then(
        generate, inputs, [gallery, used], api_visibility="private"
    )

    def pick(images, info, evt: gr.SelectData):
        item = images[evt.index]
        path = item[0] if isinstance(item, (list, tuple)) else item.get("image", {}).get("path", item)
        ids = (info or {}).get("result_ids", [])
        return load_image(path, "design"), ids[evt.index] if evt.index < len(ids) else ""

    gallery.select(pick, [gallery, used], [chosen, chosen_id], api_visibility="private")
    try_on.click(lambda img, k: send_to_tryon(img, KINDS.get(k, "upper")), [chosen, kind],
                 send_to_tryon.outputs, api_visibility="private")  # fmt: skip
    similar.click(recommend, [chosen, similar_k], [similar_gallery, similar_table], api_name="recommend")
    r_go.click(restyle, [photo, r_hue, r_sat, r_light, r_pattern, r_scale, r_strength], [restyled, r_id],
               api_name="restyle")  # fmt: skip
    r_try.click(lambda img: send_to_tryon(img, "upper"), restyled, send_to_tryon.outputs, api_visibility="private")
    # The visit's ratings go to the profile with the next request, then the list starts again.
    fy_go.click(for_you, [shopper, fy_count, fy_visit], [fy_gallery, fy_json], api_name="for_you").then(
        lambda: "[]", None, fy_visit, api_visibility="private"
    )

    def select_for_you(info, evt: gr.SelectData):
        ids = (info or {}).get("result_ids", [])
        return ids[evt.index] if evt.index < len(ids) else ""

    fy_gallery.select(select_for_you, fy_json, fy_id, api_visibility="private")
    return {"shopper": shopper}
