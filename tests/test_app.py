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


def test_tryon_endpoint_is_public_and_named(client):
    api = client.view_api(print_info=False, return_format="dict")
    assert "/tryon" in api["named_endpoints"]
    params = [p["parameter_name"] for p in api["named_endpoints"]["/tryon"]["parameters"]]
    assert params == ["person", "garment", "category"]
    # Helpers (catalog clicks, view updates) are not part of the public API.
    assert set(api["named_endpoints"]) == {"/tryon"}


def test_tryon_returns_result_and_mask(client, portraits, catalog_path):
    from gradio_client import handle_file

    image_path, mask_path = client.predict(handle_file(str(portraits["grace_hopper"])),
                                           handle_file(str(catalog_path("tee-red-solid"))), "upper",
                                           api_name="/tryon")  # fmt: skip
    image = np.asarray(Image.open(image_path).convert("RGB"))
    mask = np.asarray(Image.open(mask_path).convert("L"))
    before = np.asarray(Image.open(portraits["grace_hopper"]).convert("RGB"))
    assert image.shape == before.shape and mask.shape == before.shape[:2]
    assert 0.05 < (mask > 127).mean() < 0.8
    changed = np.abs(image.astype(int) - before.astype(int)).max(axis=2) > 10
    assert changed[mask < 127].mean() < 0.01  # the mask tells where the picture changed


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
    image_path, _ = client.predict(handle_file(str(path)), handle_file(str(catalog_path("tee-navy-solid"))),
                                   "upper", api_name="/tryon")  # fmt: skip
    assert np.asarray(Image.open(image_path)).shape[:2] == (512, 768)
