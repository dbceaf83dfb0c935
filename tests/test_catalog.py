"""The app's own catalog: enough items, stable ids, every one renders as a garment on white."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from PIL import Image

from tryon.catalog import CATALOG, GarmentDesign, catalog_image_path, get_item, render_garment


def test_at_least_30_items_across_categories():
    assert len(CATALOG) >= 30
    counts = Counter(i.category for i in CATALOG)
    assert counts["upper"] >= 10 and counts["lower"] >= 6 and counts["dress"] >= 5
    ids = [i.id for i in CATALOG]
    assert len(set(ids)) == len(ids)
    assert all(i.name and i.id == i.id.lower() for i in CATALOG)


def test_images_are_cached_pngs_that_look_like_product_photos(tmp_path):
    item = get_item("tee-red-solid")
    path = catalog_image_path(item, cache_dir=tmp_path)
    assert path.exists() and path.suffix == ".png"
    assert catalog_image_path(item, cache_dir=tmp_path) == path  # rendered once
    image = np.asarray(Image.open(path).convert("RGB"))
    assert image.shape == (1024, 768, 3)
    assert image[:20].mean() > 240  # white backdrop
    centre = image[400:600, 300:460].reshape(-1, 3).mean(axis=0)
    assert centre[0] > 150 and centre[1] < 80 and centre[2] < 80  # red in the middle


def test_rendering_is_deterministic():
    d = get_item("dress-navy-dots").design
    assert np.array_equal(render_garment(d).image, render_garment(d).image)


def test_design_values_are_checked():
    with pytest.raises(ValueError, match="sleeve"):
        GarmentDesign(sleeve=1.5)
    with pytest.raises(ValueError, match="pattern"):
        GarmentDesign(pattern="paisley")
    with pytest.raises(KeyError, match="No catalog item"):
        get_item("nope")
