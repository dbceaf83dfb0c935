"""Safe image input: every awkward file becomes RGB or a clear ImageInputError."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from tryon.errors import ImageInputError
from tryon.imageio import MAX_MEGAPIXELS, PROCESSING_LONG_SIDE, load_image


def _png_bytes(image: Image.Image, **kw) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format=kw.pop("format", "PNG"), **kw)
    return buf.getvalue()


def test_exif_orientation_is_applied():
    # A 200x100 picture, left half red, tagged "rotate 90 CW to display" (orientation 6).
    array = np.zeros((100, 200, 3), np.uint8)
    array[:, :100] = (255, 0, 0)
    exif = Image.Exif()
    exif[0x0112] = 6
    data = _png_bytes(Image.fromarray(array), format="JPEG", exif=exif.tobytes(), quality=95)
    out = load_image(data)
    assert out.shape == (200, 100, 3)  # displayed upright: portrait
    assert out[:100, :, 0].mean() > 200  # red is now on top
    assert out[100:, :, 0].mean() < 60


@pytest.mark.parametrize("mode", ["RGBA", "P", "L", "CMYK", "I;16", "LA", "1"])
def test_modes_become_rgb(mode):
    base = Image.fromarray(np.tile(np.linspace(0, 255, 128, dtype=np.uint8), (96, 1)))
    if mode == "I;16":
        image = Image.fromarray((np.asarray(base).astype(np.uint16) * 257), mode="I;16")
    else:
        image = base.convert(mode)
    out = load_image(image)
    assert out.dtype == np.uint8 and out.shape == (96, 128, 3)
    assert out[:, -1].mean() > 150 and out[:, 0].mean() < 100  # the gradient survived


def test_transparent_pixels_become_white():
    rgba = np.zeros((80, 80, 4), np.uint8)
    rgba[20:60, 20:60] = (0, 0, 255, 255)
    out = load_image(Image.fromarray(rgba, mode="RGBA"))
    assert (out[0, 0] == 255).all()
    assert tuple(out[40, 40]) == (0, 0, 255)


def test_too_many_megapixels_is_refused_before_decoding():
    side = int((MAX_MEGAPIXELS * 1e6) ** 0.5) + 200
    data = _png_bytes(Image.new("L", (side, side)))
    with pytest.raises(ImageInputError, match="megapixels"):
        load_image(data)


def test_decompression_bomb_guard_stays_on():
    assert Image.MAX_IMAGE_PIXELS is not None and Image.MAX_IMAGE_PIXELS >= MAX_MEGAPIXELS * 1e6 / 2


def test_large_input_is_downscaled():
    out = load_image(Image.new("RGB", (3000, 2000), (10, 200, 30)))
    assert max(out.shape[:2]) == PROCESSING_LONG_SIDE
    assert out.shape[:2] == (683, 1024)


def test_not_an_image(tmp_path):
    path = tmp_path / "notes.jpg"
    path.write_text("this is not a picture")
    with pytest.raises(ImageInputError, match="not a picture"):
        load_image(path, what="selfie")


def test_truncated_file(tmp_path):
    data = _png_bytes(Image.fromarray(np.random.default_rng(0).integers(0, 255, (300, 300, 3), np.uint8)),
                      format="JPEG")  # fmt: skip
    path = tmp_path / "cut.jpg"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ImageInputError, match="damaged or incomplete"):
        load_image(path)


def test_missing_file_and_none():
    with pytest.raises(ImageInputError, match="not found"):
        load_image("/nonexistent/photo.jpg")
    with pytest.raises(ImageInputError, match="No selfie"):
        load_image(None, what="selfie")


def test_too_small():
    with pytest.raises(ImageInputError, match="at least"):
        load_image(Image.new("RGB", (40, 300)))
