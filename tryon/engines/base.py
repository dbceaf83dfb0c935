"""What every try-on engine shares: the request it takes, the result it gives, and how it says it can run."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tryon.errors import TryOnInputError
from tryon.garment import CATEGORIES
from tryon.imageio import ImageInput, load_image
from tryon.pipeline import TryOnResult


class EngineError(RuntimeError):
    """An engine could not run (weights missing or damaged, out of GPU memory, a bad output).

    Not the user's fault: the app falls back to the CPU engine and says why."""


@dataclass(frozen=True)
class Availability:
    """Whether an engine can run on this machine, and if not, a sentence saying why."""

    ok: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.ok


@dataclass(frozen=True, eq=False)
class TryOnRequest:
    """One try-on: the photos (decoded RGB arrays), the category and the knobs some engines use.

    `mask` is the area to repaint (H, W, nonzero = repaint), when the caller has one; without it each engine
    makes its own. `keep_mask` marks pixels that must not change. `seed`, `steps` and `guidance` steer
    diffusion engines and are ignored by the CPU engine.
    """

    person: np.ndarray  # (H, W, 3) uint8
    garment: np.ndarray  # (h, w, 3) uint8
    category: str = "upper"
    mask: np.ndarray | None = None
    keep_mask: np.ndarray | None = None
    seed: int = 42
    steps: int = 50
    guidance: float = 2.5

    @classmethod
    def create(cls, person: ImageInput, garment: ImageInput, category: str = "upper",
               mask: np.ndarray | None = None, keep_mask: np.ndarray | None = None, seed: int = 42,
               steps: int = 50, guidance: float = 2.5) -> TryOnRequest:  # fmt: skip
        """Decode and check everything a caller may get wrong; raises TryOnInputError with a clear message."""
        person_rgb = load_image(person, what="person photo")
        garment_rgb = load_image(garment, what="garment photo")
        if category not in CATEGORIES:
            raise TryOnInputError(f"Unknown category {category!r}: choose one of {', '.join(CATEGORIES)}.")
        for name, m in (("mask", mask), ("keep mask", keep_mask)):
            if m is not None and m.shape[:2] != person_rgb.shape[:2]:
                raise TryOnInputError(
                    f"The {name} is {m.shape[1]}x{m.shape[0]} but the photo is "
                    f"{person_rgb.shape[1]}x{person_rgb.shape[0]}; paint it on the photo shown in the app."
                )
        if not 1 <= int(steps) <= 200:
            raise TryOnInputError(f"steps={steps}: choose 1 to 200 denoising steps.")
        if not 0.0 <= float(guidance) <= 20.0:
            raise TryOnInputError(f"guidance={guidance}: choose a guidance scale from 0 to 20.")
        return cls(person_rgb, garment_rgb, category, mask, keep_mask, int(seed), int(steps), float(guidance))


class Engine:
    """A try-on engine. Subclasses set the class attributes and implement `available` and `run`."""

    name: str = ""  # stable id used by the API ("cpu", "catvton")
    label: str = ""  # shown in the UI
    licence: str = ""  # the licence of the weights it runs, shown in the UI
    uses_gpu: bool = False

    def available(self) -> Availability:
        raise NotImplementedError

    def run(self, request: TryOnRequest) -> TryOnResult:
        raise NotImplementedError
