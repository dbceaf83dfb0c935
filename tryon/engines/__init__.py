"""Try-on engines behind one interface: `TryOnRequest` in, `TryOnResult` out.

- "cpu": the embedded warp-and-compose pipeline; always available.
- "catvton": a CatVTON-compatible diffusion engine; needs a GPU, diffusers and opting in (TRYON_ENGINES=catvton).

`run_tryon(request, "auto")` uses the best engine that can run here and falls back to the CPU engine, with
a notice saying why, when the chosen one cannot run or fails.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from tryon.engines.base import Availability, Engine, EngineError, TryOnRequest
from tryon.engines.cpu import CpuEngine
from tryon.errors import TryOnInputError
from tryon.pipeline import TryOnResult

log = logging.getLogger(__name__)

PREFERENCE = ("catvton", "cpu")  # best first: what "auto" picks among the available engines
CHOICES = ("auto", *PREFERENCE)
_engines: dict[str, Engine] = {}


def engines() -> dict[str, Engine]:
    """Every known engine by name (created on first use)."""
    if not _engines:
        from tryon.engines.catvton import CatVTONEngine

        _engines.update({"cpu": CpuEngine(), "catvton": CatVTONEngine()})
    return _engines


def register(engine: Engine) -> Engine | None:
    """Install `engine` under its name (replacing and returning the previous one)."""
    previous = engines().get(engine.name)
    _engines[engine.name] = engine
    return previous


def prepare() -> dict[str, str]:
    """Load every opted-in engine that can run here (at app start, so the UI offers only engines that
    loaded, and ZeroGPU Spaces get their weights in place before the first request).
    Returns engine name -> status ("ready" or why it cannot run)."""
    status: dict[str, str] = {}
    for name, engine in engines().items():
        state = engine.available()
        if state and hasattr(engine, "load"):
            try:
                engine.load()
            except EngineError as e:
                log.warning("engine %s cannot run: %s", name, e)
        state = engine.available()
        status[name] = "ready" if state else state.reason
    return status


def available_engines() -> list[str]:
    """Names of the engines that can run here, best first."""
    return [name for name in PREFERENCE if name in engines() and engines()[name].available()]


def choose(choice: str = "auto") -> tuple[Engine, str]:
    """The engine to use for `choice` ("auto" or an engine name) and a notice when it is not the one asked for."""
    if choice not in CHOICES:
        raise TryOnInputError(f"Unknown engine {choice!r}: choose one of {', '.join(CHOICES)}.")
    if choice == "auto":
        return engines()[available_engines()[0]], ""
    engine = engines()[choice]
    status = engine.available()
    if status:
        return engine, ""
    return engines()["cpu"], f"{engine.label} is not available here: {status.reason} Used the CPU engine instead."


def run_tryon(request: TryOnRequest, choice: str = "auto",
              runner: Callable[[str, TryOnRequest], TryOnResult] | None = None) -> tuple[TryOnResult, str]:  # fmt: skip
    """Run a try-on with the chosen engine; returns the result and a notice ("" when all went as asked).

    Input problems (no person, bad photo) raise TryOnInputError whatever the engine. Any other failure of a
    non-CPU engine (weights, GPU memory, NaNs) falls back to the CPU engine. `runner(name, request)` runs an
    engine (the app routes GPU engines through a ZeroGPU-decorated function); default: `engine.run`."""
    engine, notice = choose(choice)
    run = runner or (lambda name, req: engines()[name].run(req))
    if engine.name == "cpu":
        return run("cpu", request), notice
    try:
        return run(engine.name, request), notice
    except TryOnInputError:
        raise
    except Exception as e:  # noqa: BLE001 - whatever broke, the shopper still gets a result
        log.exception("engine %s failed; falling back to the CPU engine", engine.name)
        reason = str(e).split("\n")[0]
        return run("cpu", request), f"{engine.label} failed ({reason}). Showing the CPU engine's result instead."


__all__ = [
    "CHOICES",
    "Availability",
    "CpuEngine",
    "Engine",
    "EngineError",
    "TryOnRequest",
    "available_engines",
    "choose",
    "engines",
    "prepare",
    "register",
    "run_tryon",
]
