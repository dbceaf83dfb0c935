"""Person analysis: skeleton, silhouette and the regions a try-on must keep or replace."""

from tryon.perception.body import BodyAnalysis, ColourModel, Skeleton
from tryon.perception.detectors import Detectors, shared_detectors
from tryon.perception.estimate import estimate_body

__all__ = ["BodyAnalysis", "ColourModel", "Detectors", "Skeleton", "estimate_body", "shared_detectors"]
