"""The one place that picks where models run: a GPU when there is one, else the CPU.

Override with TRYON_DEVICE=cpu|cuda|cuda:1 (for example to keep a GPU free).
"""

from __future__ import annotations

import os
from functools import lru_cache


@lru_cache(maxsize=1)
def pick_device() -> str:
    forced = os.environ.get("TRYON_DEVICE")
    if forced:
        return forced
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"
