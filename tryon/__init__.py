"""Try-on studio: virtual try-on and personalised product images on the CPU."""

__version__ = "0.1.0"

from tryon.errors import (
    GarmentNotFoundError,
    ImageInputError,
    PersonNotFoundError,
    TryOnInputError,
    UnsupportedPhotoError,
)
from tryon.pipeline import TryOnPipeline, TryOnResult

__all__ = [
    "GarmentNotFoundError",
    "ImageInputError",
    "PersonNotFoundError",
    "TryOnInputError",
    "TryOnPipeline",
    "TryOnResult",
    "UnsupportedPhotoError",
    "__version__",
]
