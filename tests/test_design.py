"""Design features: restyle, recommendations, shopper profiles (no generator needed)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from tests.conftest import lab
from tryon.catalog import CATALOG, catalog_image_path, get_item, render_garment
from tryon.catalog.render import GarmentDesign
from tryon.generate.profile import ShopperProfile
from tryon.generate.restyle import restyle
from tryon.generate.studio import DesignStudio
from tryon.imageio import load_image
from tryon.masks import dilate


def test_restyle_recolours_inside_and_keeps_outside_and_folds():
    item = get_item("tee-navy-solid")
    photo = load_image(catalog_image_path(item))
    result = restyle(photo, hue=0.0, saturation=0.8, lightness=0.5)
    inside = render_garment(item.design).mask
    core = inside.copy()
    core[:, :] = False
    core[400:700, 300:470] = True
    # Outside the garment nothing changes.
    outside = ~dilate(inside, 6) & ~dilate(result.mask, 3)
    assert np.abs(result.image[outside].astype(int) - photo[outside].astype(int)).max() <= 2
    # Inside, the colour is now red (hue ~0), and the folds' light and dark are kept.
    a, b = lab(result.image)[core][:, 1].mean(), lab(result.image)[core][:, 2].mean()
    assert a > 160 and b > 135
    before_l, after_l = lab(photo)[core][:, 0], lab(result.image)[core][:, 0]
    assert np.corrcoef(before_l, after_l)[0, 1] > 0.6


def test_restyle_pattern_and_value_checks():
    photo = load_image(catalog_image_path(get_item("tee-white-solid")))
    striped = restyle(photo, 0.6, 0.7, 0.3, pattern="stripes", pattern_scale=0.5).image
    column = lab(striped)[300:700, 384, 0]
    assert column.std() > 15  # light and dark bands
    with pytest.raises(ValueError, match="hue"):
        restyle(photo, 1.5, 0.5, 0.5)


@pytest.fixture(scope="module")
def studio():
    return DesignStudio(model=object())  # recommendations need no generator


def test_similar_items_share_category_and_colour(studio):
    for item_id in ("tee-red-solid", "trousers-black-solid", "dress-navy-dots"):
        item = get_item(item_id)
        # A new render of the same design with other folds and a slightly different shade.
        d = dataclasses.replace(item.design, seed=99, lightness=min(1.0, item.design.lightness + 0.03))
        ranked = studio.recommend(render_garment(d).image, k=5)
        assert len(ranked) == 5 and all(0 <= s <= 1 for _, s in ranked)
        assert ranked[0][0].id == item_id
        assert all(found.category == item.category for found, _ in ranked)
        assert ranked[0][1] >= ranked[-1][1]


def test_profile_learns_a_taste():
    rng = np.random.default_rng(0)
    profile = ShopperProfile("t")
    likes = GarmentDesign(kind="dress", hue=0.95, pattern="dots", saturation=0.8, lightness=0.45)
    for _ in range(12):
        d = profile.propose(1, rng)[0]
        score = (d.kind == "dress") + (d.pattern == "dots") + (min(abs(d.hue - 0.95), 1 - abs(d.hue - 0.95)) < 0.1)
        profile.add(d, 1 + 4 * score / 3)
    profile.add(likes, 5)
    proposals = profile.propose(6, rng)
    assert sum(p.kind == "dress" for p in proposals) >= 4
    for i, a in enumerate(proposals):  # some diversity: no two of the same kind and pattern share a hue
        for b in proposals[i + 1 :]:
            if (a.kind, a.pattern) == (b.kind, b.pattern):
                assert min(abs(a.hue - b.hue), 1 - abs(a.hue - b.hue)) >= 0.05
    with pytest.raises(ValueError, match="rating"):
        profile.add(likes, 7)


def test_catalog_has_an_embedding_per_item(studio):
    assert studio.catalog_table().shape[0] == len(CATALOG)


@pytest.mark.real
def test_restyle_real_product_photos(real_dir):
    import cv2

    # (name, one colour?): on a one-colour garment every light change is a fold, so they must carry over.
    for name, plain in (("vitonhd_09163_00.jpg", False), ("dresscode_051988_1.jpg", True),
                        ("vitonhd_04469_00.jpg", True)):  # fmt: skip
        photo = load_image(real_dir / "garments" / name)
        result = restyle(photo, hue=0.33, saturation=0.7, lightness=0.4)
        inside = result.mask
        assert inside.mean() > 0.1, name
        outside = ~dilate(inside, 4)
        assert np.abs(result.image[outside].astype(int) - photo[outside].astype(int)).max() <= 2, name
        # Green now dominates the garment, and its light and shadow follow the photo's.
        ab = lab(result.image)[inside][:, 1:].mean(axis=0)
        assert ab[0] < 118, name  # a* below neutral: green
        if not plain:
            continue
        core = inside & ~dilate(~inside, 6)
        folds = [lab(x)[..., 0] - cv2.GaussianBlur(lab(x)[..., 0], (0, 0), 8) for x in (photo, result.image)]
        assert np.corrcoef(folds[0][core], folds[1][core])[0, 1] > 0.4, name


def test_a_generated_garment_can_be_tried_on(pipeline, portraits):
    """ "Try this on": the generator's product image goes through the try-on pipeline."""
    from tryon.generate.studio import DesignStudio

    design = GarmentDesign(kind="tee", hue=0.0, saturation=0.8, lightness=0.5, sleeve=0.35)
    generated = DesignStudio().generate(design, seed=3, count=1)[0]
    assert generated.shape == (384, 288, 3)
    result = pipeline(portraits["astronaut"], generated, "upper")
    sk = result.body.skeleton
    chest = result.image[int(sk.shoulder_center[1] + 0.5 * sk.shoulder_width), int(sk.shoulder_center[0])]
    assert chest[0] > chest[1] + 50 and chest[0] > chest[2] + 50  # red where the orange suit was
