"""The app's own catalog: garments the project renders itself (no third-party photos).

Ids are stable (they name files, feedback rows and API arguments); names are for people.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from tryon.catalog.render import GarmentDesign, render_garment

RENDERER_VERSION = "6"

_COLOURS = {
    # name: (hue, saturation, lightness)
    "navy": (0.62, 0.55, 0.22),
    "red": (0.99, 0.7, 0.45),
    "white": (0.1, 0.05, 0.97),
    "black": (0.6, 0.05, 0.06),
    "olive": (0.2, 0.45, 0.32),
    "sky": (0.56, 0.6, 0.68),
    "mustard": (0.12, 0.75, 0.5),
    "pink": (0.93, 0.55, 0.72),
    "grey": (0.6, 0.04, 0.55),
    "teal": (0.48, 0.6, 0.35),
    "burgundy": (0.97, 0.55, 0.27),
    "sand": (0.09, 0.35, 0.7),
    "denim": (0.6, 0.45, 0.4),
    "lilac": (0.77, 0.4, 0.7),
    "forest": (0.37, 0.5, 0.25),
    "orange": (0.07, 0.85, 0.52),
}

_KIND_NAMES = {
    "tee": "T-shirt",
    "longsleeve": "long-sleeve top",
    "tank": "tank top",
    "trousers": "trousers",
    "shorts": "shorts",
    "skirt": "skirt",
    "dress": "dress",
}

# (kind, colour, pattern, overrides)
_ITEMS: list[tuple[str, str, str, dict]] = [
    ("tee", "navy", "solid", {}),
    ("tee", "red", "solid", {}),
    ("tee", "white", "solid", {}),
    ("tee", "black", "solid", {}),
    ("tee", "sky", "stripes", {"pattern_scale": 0.3}),
    ("tee", "mustard", "dots", {"pattern_scale": 0.35}),
    ("tee", "olive", "solid", {"width": 0.8}),
    ("tee", "pink", "zigzag", {"pattern_scale": 0.4}),
    ("longsleeve", "grey", "solid", {"sleeve": 1.0}),
    ("longsleeve", "navy", "stripes", {"sleeve": 1.0, "pattern_scale": 0.25}),
    ("longsleeve", "burgundy", "solid", {"sleeve": 0.95, "neckline": 0.6}),
    ("longsleeve", "teal", "checks", {"sleeve": 1.0, "pattern_scale": 0.5}),
    ("longsleeve", "sand", "solid", {"sleeve": 0.9, "width": 0.8}),
    ("tank", "white", "solid", {"sleeve": 0.0, "neckline": 0.5}),
    ("tank", "black", "solid", {"sleeve": 0.0}),
    ("tank", "orange", "solid", {"sleeve": 0.0, "neckline": 0.6}),
    ("tank", "lilac", "dots", {"sleeve": 0.0, "pattern_scale": 0.2}),
    ("trousers", "black", "solid", {"length": 1.0, "width": 0.3}),
    ("trousers", "denim", "solid", {"length": 1.0, "width": 0.4, "texture": 0.8}),
    ("trousers", "sand", "solid", {"length": 0.95, "width": 0.7}),
    ("trousers", "grey", "checks", {"length": 1.0, "pattern_scale": 0.3}),
    ("trousers", "olive", "solid", {"length": 0.9, "width": 0.5}),
    ("shorts", "denim", "solid", {"length": 0.4, "texture": 0.8}),
    ("shorts", "navy", "solid", {"length": 0.3}),
    ("skirt", "red", "solid", {"length": 0.35, "width": 0.4}),
    ("skirt", "black", "solid", {"length": 0.5, "width": 0.3}),
    ("skirt", "teal", "checks", {"length": 0.7, "width": 0.7, "pattern_scale": 0.45}),
    ("dress", "navy", "dots", {"sleeve": 0.0, "length": 0.5, "pattern_scale": 0.3}),
    ("dress", "red", "solid", {"sleeve": 0.3, "length": 0.6}),
    ("dress", "black", "solid", {"sleeve": 0.0, "length": 0.45, "width": 0.3}),
    ("dress", "sky", "stripes", {"sleeve": 0.3, "length": 0.7, "pattern_scale": 0.3}),
    ("dress", "forest", "solid", {"sleeve": 1.0, "length": 0.85, "width": 0.6}),
    ("dress", "pink", "zigzag", {"sleeve": 0.0, "length": 0.8, "width": 0.8, "pattern_scale": 0.5}),
    ("dress", "white", "solid", {"sleeve": 0.3, "length": 0.55}),
]


@dataclass(frozen=True)
class CatalogItem:
    id: str  # stable, e.g. "tee-navy-solid"
    name: str  # for people, e.g. "Navy T-shirt"
    category: str  # "upper", "lower" or "dress"
    design: GarmentDesign


def _build() -> list[CatalogItem]:
    items = []
    for kind, colour, pattern, extra in _ITEMS:
        hue, sat, light = _COLOURS[colour]
        design = GarmentDesign(kind=kind, hue=hue, saturation=sat, lightness=light, pattern=pattern, **extra)
        item_id = f"{kind}-{colour}-{pattern}"
        pattern_word = "" if pattern == "solid" else {"stripes": " striped", "checks": " checked",
                                                      "dots": " polka-dot", "zigzag": " zigzag"}[pattern]  # fmt: skip
        name = f"{colour.capitalize()}{pattern_word} {_KIND_NAMES[kind]}"
        items.append(CatalogItem(id=item_id, name=name, category=design.category, design=design))
    ids = [i.id for i in items]
    assert len(ids) == len(set(ids)), "catalog ids must be unique"
    return items


CATALOG: tuple[CatalogItem, ...] = tuple(_build())


def get_item(item_id: str) -> CatalogItem:
    for item in CATALOG:
        if item.id == item_id:
            return item
    raise KeyError(f"No catalog item {item_id!r}. Known ids: {', '.join(i.id for i in CATALOG)}")


def design_rgb_of(item_id: str):
    """The main colour of a catalog item as RGB floats."""
    from tryon.catalog.render import design_rgb

    return design_rgb(get_item(item_id).design)


def default_cache_dir() -> Path:
    return Path(os.environ.get("TRYON_CACHE", Path(__file__).resolve().parents[2] / ".cache")) / "catalog"


def catalog_image_path(item: CatalogItem, cache_dir: Path | None = None) -> Path:
    """The item's product photo as a PNG file, rendered once and cached (keyed by design + renderer version)."""
    cache_dir = cache_dir or default_cache_dir()
    key = hashlib.sha1(json.dumps([RENDERER_VERSION, item.design.to_dict()], sort_keys=True).encode()).hexdigest()[:10]
    path = cache_dir / f"{item.id}-{key}.png"
    if not path.exists():
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        Image.fromarray(render_garment(item.design).image).save(tmp, format="PNG")
        os.replace(tmp, path)
    return path
