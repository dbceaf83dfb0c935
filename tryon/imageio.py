"""Safe image input: the one place where user-supplied pictures become RGB arrays.

Every entry point (pipeline, CLI, app, API) goes through :func:`load_image`, so the
same rules apply everywhere: EXIF orientation is applied, every Pillow mode becomes
8-bit RGB (transparent pixels become white, as on a product page), pictures over
:data:`MAX_MEGAPIXELS` are refused before they are decoded, Pillow's
decompression-bomb guard stays on, and big pictures are downscaled for processing.
"""

from __future__ import annotations

import io
import os
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from tryon.errors import ImageInputError

MAX_MEGAPIXELS = 40.0
"""Inputs above this many megapixels are refused (a phone photo is 12-48 MP; 40 MP covers most)."""

PROCESSING_LONG_SIDE = 1024
"""Inputs are downscaled so that their long side is at most this many pixels."""

MIN_SIDE = 64
"""Pictures smaller than this on either side carry too little detail to work with."""

ImageInput = str | os.PathLike | bytes | Image.Image | np.ndarray


def _open(source: ImageInput, what: str) -> Image.Image:
    if isinstance(source, Image.Image):
        return source
    if isinstance(source, np.ndarray):
        return _from_array(source, what)
    try:
        if isinstance(source, bytes):
            return Image.open(io.BytesIO(source))
        path = Path(source)
        if not path.is_file():
            raise ImageInputError(f"The {what} file was not found: {path}.")
        return Image.open(path)
    except UnidentifiedImageError as e:
        raise ImageInputError(f"The {what} is not a picture Pillow can read. Use a JPEG, PNG or WebP photo.") from e
    except Image.DecompressionBombError as e:
        raise ImageInputError(
            f"The {what} is too large to open safely. Use a photo under {MAX_MEGAPIXELS:.0f} megapixels."
        ) from e


def _from_array(array: np.ndarray, what: str) -> Image.Image:
    if array.ndim == 2:
        array = np.repeat(array[..., None], 3, axis=2)
    if array.ndim != 3 or array.shape[2] not in (1, 3, 4):
        raise ImageInputError(f"The {what} array has shape {array.shape}; expected (H, W, 3) or (H, W, 4).")
    if array.dtype != np.uint8:
        if np.issubdtype(array.dtype, np.floating) and array.max(initial=0) <= 1.0:
            array = array * 255.0
        elif array.dtype == np.uint16:
            array = array / 257.0
        array = np.clip(array, 0, 255).astype(np.uint8)
    if array.shape[2] == 1:
        array = np.repeat(array, 3, axis=2)
    return Image.fromarray(array)


def _to_rgb(image: Image.Image) -> Image.Image:
    """Any Pillow mode -> 8-bit RGB. Transparency is flattened onto white."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        array = np.asarray(image, dtype=np.float64)
        top = 65535.0 if array.max(initial=0) > 255 else 255.0
        image = Image.fromarray(np.clip(array / top * 255.0, 0, 255).astype(np.uint8), mode="L")
    elif image.mode == "F":
        array = np.asarray(image, dtype=np.float64)
        top = max(float(array.max(initial=0)), 1.0)
        image = Image.fromarray(np.clip(array / top * 255.0, 0, 255).astype(np.uint8), mode="L")
    if image.mode == "P":
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return image.convert("RGB")


def load_image(
    source: ImageInput,
    what: str = "photo",
    max_long_side: int | None = PROCESSING_LONG_SIDE,
) -> np.ndarray:
    """Read a picture from a path, bytes, a PIL image or an array into an (H, W, 3) uint8 RGB array.

    Args:
        source: the picture.
        what: how to name it in error messages ("selfie", "garment photo").
        max_long_side: downscale so the long side is at most this (None keeps the size).

    Raises:
        ImageInputError: not a picture, truncated, too large, too small, or unreadable.
    """
    if source is None:
        raise ImageInputError(f"No {what} was given. Upload a {what} first.")
    image = _open(source, what)
    megapixels = image.width * image.height / 1e6
    if megapixels > MAX_MEGAPIXELS:
        raise ImageInputError(
            f"The {what} has {megapixels:.0f} megapixels; the limit is {MAX_MEGAPIXELS:.0f}. "
            "Resize it or export a smaller copy."
        )
    try:
        with warnings.catch_warnings():
            # Pillow warns (instead of raising) between 1x and 2x MAX_IMAGE_PIXELS; our own limit is lower.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image.load()
            image = ImageOps.exif_transpose(image) or image
            rgb = _to_rgb(image)
    except (OSError, SyntaxError) as e:
        # Pillow reports truncated or corrupt data as OSError ("image file is truncated").
        raise ImageInputError(f"The {what} file is damaged or incomplete ({e}). Try exporting it again.") from e
    if min(rgb.size) < MIN_SIDE:
        raise ImageInputError(
            f"The {what} is only {rgb.width}x{rgb.height} pixels; use one at least {MIN_SIDE} px on each side."
        )
    if max_long_side is not None and max(rgb.size) > max_long_side:
        scale = max_long_side / max(rgb.size)
        size = (max(1, round(rgb.width * scale)), max(1, round(rgb.height * scale)))
        rgb = rgb.resize(size, Image.Resampling.LANCZOS)
    return np.asarray(rgb, dtype=np.uint8).copy()
