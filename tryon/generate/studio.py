"""The design studio: generation for the sliders, "surprise me", and similar catalog items."""

from __future__ import annotations

import dataclasses
import threading

import cv2
import numpy as np

from tryon.catalog import CATALOG, CatalogItem, catalog_image_path
from tryon.catalog.render import GarmentDesign
from tryon.generate.embedding import garment_embedding, rank
from tryon.imageio import load_image

DISPLAY_SCALE = 3  # the generator draws 128x96; the app shows 384x288


BACKDROP = 250  # the renderer's white


def clean_backdrop(image: np.ndarray) -> np.ndarray:
    """Set everything outside the garment to the product-photo white (the decoder leaves faint texture
    there); a garment that cannot be separated is returned unchanged. Run it at display size: at the
    decoder's 128x96 the mask's clean-up would eat thin sleeves and straps."""
    from tryon.errors import GarmentNotFoundError
    from tryon.garment import garment_mask
    from tryon.masks import dilate, feather

    try:
        mask = dilate(garment_mask(image), 1)
    except GarmentNotFoundError:
        return image
    alpha = feather(mask, 0.7)[..., None]
    out = image.astype(np.float32) * alpha + BACKDROP * (1 - alpha)
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)


def upsample(image: np.ndarray, scale: int = DISPLAY_SCALE) -> np.ndarray:
    """Lanczos upsampling plus a light unsharp mask (a classical upsampler; no learned one)."""
    h, w = image.shape[:2]
    big = cv2.resize(image, (w * scale, h * scale), interpolation=cv2.INTER_LANCZOS4)
    soft = cv2.GaussianBlur(big, (0, 0), 1.5)
    return cv2.addWeighted(big, 1.6, soft, -0.6, 0)


class DesignStudio:
    """Holds the generator (loaded once, on first use) and the catalog's embeddings."""

    def __init__(self, model_name: str = "garment-generator", model=None) -> None:
        self.model_name = model_name
        self._model = model
        self._table: np.ndarray | None = None
        self._lock = threading.Lock()

    @property
    def model(self):
        with self._lock:
            if self._model is None:
                from tryon.hub import load_model

                self._model = load_model(self.model_name)
            return self._model

    def generate(self, design: GarmentDesign, seed: int, count: int = 1) -> list[np.ndarray]:
        """`count` variations of one design: seeds seed, seed+1, ...; display-size RGB arrays."""
        if not 1 <= count <= 16:
            raise ValueError(f"count={count}; expected 1 to 16")
        seeds = [int(seed) + i for i in range(count)]
        images = self.model.generate([design] * count, seeds)
        return [clean_backdrop(upsample(img)) for img in images]

    def generate_designs(self, designs: list[GarmentDesign], seeds: list[int]) -> list[np.ndarray]:
        return [clean_backdrop(upsample(img)) for img in self.model.generate(designs, seeds)]

    def surprise(self, seed: int) -> GarmentDesign:
        """A design to jump the sliders to: from the generator's learned prior, else uniformly random."""
        return self.model.sample_designs(np.random.default_rng(int(seed)), 1)[0]

    def catalog_table(self) -> np.ndarray:
        with self._lock:
            if self._table is None:
                self._table = np.stack([garment_embedding(load_image(catalog_image_path(i))) for i in CATALOG])
            return self._table

    def recommend(self, image: np.ndarray, k: int = 5, category: str | None = None) -> list[tuple[CatalogItem, float]]:
        """The k catalog items most similar to a garment photo (generated or uploaded)."""
        query = garment_embedding(image)
        table = self.catalog_table()
        categories = [i.category for i in CATALOG]
        return [(CATALOG[i], s) for i, s in rank(query, table, categories, k=k, category=category)]


def design_from_sliders(kind: str, pattern: str, **values: float) -> GarmentDesign:
    """A GarmentDesign from UI/API values; raises ValueError naming a bad one."""
    fields = {f.name for f in dataclasses.fields(GarmentDesign)}
    unknown = set(values) - fields
    if unknown:
        raise ValueError(f"unknown attribute(s): {', '.join(sorted(unknown))}")
    return GarmentDesign(kind=kind, pattern=pattern, **{k: float(v) for k, v in values.items()})
