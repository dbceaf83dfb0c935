"""Example person photos that may ship with the app: public-domain portraits from installed packages."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from tryon.catalog.items import default_cache_dir


def example_persons() -> list[str]:
    """Paths of the public-domain portraits (Grace Hopper from matplotlib, the astronaut from scikit-image)."""
    out: list[str] = []
    cache = default_cache_dir().parent / "examples"
    cache.mkdir(parents=True, exist_ok=True)
    try:
        from matplotlib import cbook

        with cbook.get_sample_data("grace_hopper.jpg") as f:
            path = cache / "grace_hopper.jpg"
            if not path.exists():
                path.write_bytes(f.read())
            out.append(str(path))
    except (ImportError, OSError):
        pass
    try:
        from skimage import data

        path = cache / "astronaut.png"
        if not path.exists():
            Image.fromarray(data.astronaut()).save(path)
        out.append(str(path))
    except (ImportError, OSError):
        pass
    return out


def example_path(name: str) -> Path:
    return default_cache_dir().parent / "examples" / name
