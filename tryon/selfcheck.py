"""`python -m tryon selfcheck --engine catvton`: is this machine ready to serve an engine?

Loads the engine's real weights (checking every key), runs one short try-on on a public-domain portrait and
a catalog garment, checks the output for NaNs and for a picture that is not flat, times each step, and
writes person | garment | result to a PNG for a person to look at. Exit code 0 when every check passes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tryon.engines import Engine, TryOnRequest


@dataclass
class SelfCheck:
    engine: str
    checks: dict[str, bool] = field(default_factory=dict)
    details: dict[str, object] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(self.checks.values())


def run_selfcheck(engine: Engine, steps: int = 4, out: str | Path = "selfcheck.png",
                  garment_id: str = "tee-red-solid") -> SelfCheck:  # fmt: skip
    """Run the checks on `engine` (its weights are loaded here if they are not yet)."""
    from PIL import Image

    from tryon.catalog import catalog_image_path, get_item
    from tryon.ui.examples import example_persons

    report = SelfCheck(engine.name)
    status = engine.available()
    report.checks["available"] = bool(status)
    if not status:
        report.details["reason"] = status.reason
        return report
    t = time.perf_counter()
    loaded = "loaded"
    if hasattr(engine, "load"):
        components = engine.load()  # raises EngineError naming what is missing or does not fit
        if getattr(components, "report", None) is not None:
            report.details["attention_weights"] = components.report.summary()
            loaded = "weights loaded, every key verified"
        if getattr(components, "revisions", None):
            report.details["loaded_from"] = components.revisions
    report.details["load_s"] = round(time.perf_counter() - t, 2)
    report.checks[loaded] = True
    persons = example_persons()
    person = next((p for p in persons if "grace_hopper" in p), persons[0])
    request = TryOnRequest.create(person, catalog_image_path(get_item(garment_id)), "upper", steps=steps, seed=0)
    _reset_peak_memory()
    t = time.perf_counter()
    result = engine.run(request)  # an engine raises EngineError on NaN or infinite values
    report.details["run_s"] = round(time.perf_counter() - t, 2)
    report.details["steps"] = steps
    report.details["timings_ms"] = result.timings_ms
    peak = _peak_memory_gb()
    if peak is not None:
        report.details["gpu_peak_gb"] = round(peak, 2)
    inside = result.mask > 0
    report.checks["finite output"] = bool(np.isfinite(result.image.astype(np.float32)).all())
    report.checks["mask covers the top"] = 0.03 < inside.mean() < 0.8
    report.checks["picture not flat inside the mask"] = bool(inside.any() and result.image[inside].std() > 4)
    report.checks["photo unchanged outside the mask"] = bool(np.array_equal(result.image[~inside],
                                                                            request.person[~inside]))  # fmt: skip
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(_sheet(request.person, request.garment, result.image)).save(out)
    report.details["image"] = str(out)
    return report


def _sheet(person: np.ndarray, garment: np.ndarray, result: np.ndarray, height: int = 512) -> np.ndarray:
    from PIL import Image

    tiles = []
    for img in (person, garment, result):
        w = int(img.shape[1] * height / img.shape[0])
        tiles.append(np.asarray(Image.fromarray(img).resize((w, height), Image.Resampling.LANCZOS)))
    return np.concatenate(tiles, axis=1)


def _reset_peak_memory() -> None:
    import torch

    if torch.cuda.is_available():
        torch.cuda.reset_peak_memory_stats()


def _peak_memory_gb() -> float | None:
    import torch

    return torch.cuda.max_memory_allocated() / 1e9 if torch.cuda.is_available() else None
