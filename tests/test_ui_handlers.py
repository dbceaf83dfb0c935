"""The Try-on tab's handlers, called directly: painted corrections and friendly errors."""

from __future__ import annotations

import gradio as gr
import numpy as np
import pytest

from tryon.imageio import load_image
from tryon.ui import tryon_tab


def _editor_with_paint(size, add_box=None, keep_box=None):
    h, w = size
    layer = np.zeros((h, w, 4), np.uint8)
    if add_box:
        y0, y1, x0, x1 = add_box
        layer[y0:y1, x0:x1] = (34, 197, 94, 255)  # the green brush
    if keep_box:
        y0, y1, x0, x1 = keep_box
        layer[y0:y1, x0:x1] = (239, 68, 68, 255)  # the red brush
    return {"background": np.zeros((h, w, 3), np.uint8), "layers": [layer], "composite": None}


def test_red_paint_keeps_the_photo(portraits, catalog_path):
    person = load_image(portraits["grace_hopper"])
    garment = load_image(catalog_path("tee-red-solid"))
    editor = _editor_with_paint(person.shape[:2], keep_box=(450, 600, 150, 350))
    image, mask, result_id, engine, notice, state = tryon_tab.tryon_corrected(editor, garment, "upper", person)
    assert engine == "cpu" and notice == ""
    assert result_id
    assert np.abs(image[460:, 160:340].astype(int) - person[460:, 160:340].astype(int)).max() <= 2
    assert state["result"].image is image


def test_green_paint_extends_the_replaced_area(portraits, catalog_path):
    person = load_image(portraits["astronaut"])
    garment = load_image(catalog_path("tee-navy-solid"))
    auto, auto_mask, *_ = tryon_tab.tryon(person, garment, "upper")
    box = (440, 512, 200, 330)  # lower torso, below the garment's hem
    editor = _editor_with_paint(person.shape[:2], add_box=box)
    _, mask, *_ = tryon_tab.tryon_corrected(editor, garment, "upper", person)
    y0, y1, x0, x1 = box
    before, after = (auto_mask[y0:y1, x0:x1] > 0).mean(), (mask[y0:y1, x0:x1] > 0).mean()
    assert after > 0.8 and after > before


def test_nothing_painted_is_a_user_error(portraits, catalog_path):
    person = load_image(portraits["astronaut"])
    with pytest.raises(gr.Error, match="Paint"):
        tryon_tab.tryon_corrected({"layers": []}, catalog_path("tee-red-solid"), "upper", person)


def test_missing_inputs_are_user_errors(catalog_path):
    with pytest.raises(gr.Error, match="photo"):
        tryon_tab.tryon(None, catalog_path("tee-red-solid"), "upper")
    with pytest.raises(gr.Error, match="garment"):
        tryon_tab.tryon(np.zeros((300, 200, 3), np.uint8), None, "upper")


def test_show_views_fills_slider_editor_and_gallery(portraits, catalog_path):
    person = load_image(portraits["astronaut"])
    *_, state = tryon_tab.tryon(person, catalog_path("tee-red-solid"), "upper")
    slider, editor, gallery = tryon_tab.show_views(state)
    assert slider[0].shape == person.shape and slider[1].shape == person.shape
    assert editor["background"].shape == person.shape
    assert len(gallery) == 5 and all(img.ndim == 3 for img, _ in gallery)
