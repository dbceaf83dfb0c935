"""The embedded engine: the warp-and-compose pipeline; runs anywhere in a fraction of a second."""

from __future__ import annotations

from dataclasses import replace

from tryon.engines.base import Availability, Engine, TryOnRequest
from tryon.pipeline import TryOnPipeline, TryOnResult


class CpuEngine(Engine):
    name = "cpu"
    label = "Fast (CPU)"
    licence = "Apache-2.0 (this project's code; no third-party weights)"

    def __init__(self, pipeline: TryOnPipeline | None = None) -> None:
        self._pipeline = pipeline

    @property
    def pipeline(self) -> TryOnPipeline:
        if self._pipeline is None:
            self._pipeline = TryOnPipeline()
        return self._pipeline

    def available(self) -> Availability:
        return Availability(True)

    def run(self, request: TryOnRequest) -> TryOnResult:
        result = self.pipeline(request.person, request.garment, category=request.category,
                               replace_mask=request.mask, keep_mask=request.keep_mask)  # fmt: skip
        return replace(result, engine=self.name)
