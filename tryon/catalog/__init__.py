"""The app's own garment catalog and the renderer that draws it."""

from tryon.catalog.items import CATALOG, CatalogItem, catalog_image_path, design_rgb_of, get_item
from tryon.catalog.render import GarmentDesign, RenderedGarment, render_garment

__all__ = [
    "CATALOG",
    "CatalogItem",
    "GarmentDesign",
    "RenderedGarment",
    "catalog_image_path",
    "design_rgb_of",
    "get_item",
    "render_garment",
]
