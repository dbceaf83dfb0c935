"""The app, live: gradio_client drives the public /tryon endpoint."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client(app_url):
    from gradio_client import Client

    return Client(app_url, verbose=False)


def test_endpoints_are_public_and_named(client):
    api = client.view_api(print_info=False, return_format="dict")
    params = [p["parameter_name"] for p in api["named_endpoints"]["/tryon"]["parameters"]]
    assert params == ["person", "garment", "category", "engine", "seed", "steps", "guidance"]
    # Helpers (catalog clicks, view updates, tab switches) are not part of the public API.
    assert set(api["named_endpoints"]) == {"/tryon", "/generate", "/restyle", "/recommend", "/for_you", "/rate"}


def test_tryon_returns_result_and_mask(client, portraits, catalog_path):
    from gradio_client import handle_file

    image_path, mask_path, result_id, engine, notice = client.predict(handle_file(str(portraits["grace_hopper"])),
                                           handle_file(str(catalog_path("tee-red-solid"))), "upper",
                                           api_name="/tryon")  # fmt: skip
    image = np.asarray(Image.open(image_path).convert("RGB"))
    mask = np.asarray(Image.open(mask_path).convert("L"))
    before = np.asarray(Image.open(portraits["grace_hopper"]).convert("RGB"))
    assert image.shape == before.shape and mask.shape == before.shape[:2]
    assert 0.05 < (mask > 127).mean() < 0.8
    changed = np.abs(image.astype(int) - before.astype(int)).max(axis=2) > 10
    assert changed[mask < 127].mean() < 0.01  # the mask tells where the picture changed
    assert len(result_id) == 32
    assert engine == "cpu" and notice == ""  # the only engine here, so no fallback notice


def test_bad_input_gives_a_user_error(client, tmp_path, catalog_path):
    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    blank = tmp_path / "wall.png"
    Image.new("RGB", (400, 500), (230, 230, 230)).save(blank)
    with pytest.raises(AppError, match="No person"):
        client.predict(handle_file(str(blank)), handle_file(str(catalog_path("tee-red-solid"))), "upper",
                       api_name="/tryon")  # fmt: skip


@pytest.mark.parametrize(
    ("write", "message"),
    [
        (lambda p: p.write_text("hello"), "not a picture"),
        (lambda p: Image.new("L", (7000, 6000)).save(p, format="PNG"), "megapixels"),
    ],
    ids=["text-file", "over-40-megapixels"],
)
def test_bad_files_are_explained(client, tmp_path, catalog_path, write, message):
    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    path = tmp_path / "upload.png"
    write(path)
    with pytest.raises(AppError, match=message):
        client.predict(handle_file(str(path)), handle_file(str(catalog_path("tee-red-solid"))), "upper",
                       api_name="/tryon")  # fmt: skip


def test_several_people_still_give_a_result(client, portraits, catalog_path, tmp_path):
    from gradio_client import handle_file

    big = np.asarray(Image.open(portraits["astronaut"]).convert("RGB"))
    canvas = np.full((512, 768, 3), 200, np.uint8)
    canvas[:, :512] = big
    canvas[128:384, 512:] = big[::2, ::2]
    path = tmp_path / "two.png"
    Image.fromarray(canvas).save(path)
    image_path, *_ = client.predict(handle_file(str(path)), handle_file(str(catalog_path("tee-navy-solid"))),
                                   "upper", api_name="/tryon")  # fmt: skip
    assert np.asarray(Image.open(image_path)).shape[:2] == (512, 768)


def test_generate_returns_images_and_the_values_used(client):
    images, used = client.predict("dress", "dots", 0.3, 0.5, 0.7, 0.3, 0.95, 0.8, 0.45, 0.4, 0.2, 5, 3,
                                  api_name="/generate")  # fmt: skip
    assert len(images) == 3
    first = np.asarray(Image.open(images[0]["image"]).convert("RGB"))
    assert min(first.shape[:2]) >= 256
    assert used["seeds"] == [5, 6, 7] and used["design"]["kind"] == "dress" and used["design"]["hue"] == 0.95


def test_generate_rejects_out_of_range_values(client):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="greater than maximum"):
        client.predict("tee", "solid", 0.3, 0.5, 0.5, 0.3, 1.7, 0.6, 0.45, 0.5, 0.3, 0, 1, api_name="/generate")
    with pytest.raises(AppError, match="not in the list of choices"):
        client.predict("hat", "solid", 0.3, 0.5, 0.5, 0.3, 0.5, 0.6, 0.45, 0.5, 0.3, 0, 1, api_name="/generate")


def test_restyle_and_recommend(client, catalog_path):
    from gradio_client import handle_file

    restyled, result_id = client.predict(handle_file(str(catalog_path("tee-white-solid"))), 0.0, 0.8, 0.5, "solid",
                                         0.5, 1.0, api_name="/restyle")  # fmt: skip
    assert result_id
    centre = np.asarray(Image.open(restyled).convert("RGB"))[500, 384].astype(int)
    assert centre[0] > centre[1] + 60  # white became red
    gallery, table = client.predict(handle_file(str(catalog_path("trousers-black-solid"))), 4, api_name="/recommend")
    assert len(gallery) == 4 and table[0]["id"] == "trousers-black-solid"
    assert all(row["category"] == "lower" for row in table)


def test_for_you_takes_ratings(client):
    import json

    _, first = client.predict("api-test-shopper", 2, "[]", api_name="/for_you")
    assert len(first["designs"]) == 2 and first["ratings_so_far"] == 0
    ratings = [{"design": d, "rating": 5} for d in first["designs"]]
    _, second = client.predict("api-test-shopper", 2, json.dumps(ratings), api_name="/for_you")
    assert second["ratings_so_far"] == 2
