"""CatVTON-compatible diffusion engine (GPU; opt-in; non-commercial weights)."""

from tryon.engines.catvton.engine import LICENCE, VARIANTS, CatVTONEngine, Components, load_components, opted_in
from tryon.engines.catvton.weights import AttentionReport, AttentionWeightsError, load_attention_weights

__all__ = [
    "LICENCE",
    "VARIANTS",
    "AttentionReport",
    "AttentionWeightsError",
    "CatVTONEngine",
    "Components",
    "load_attention_weights",
    "load_components",
    "opted_in",
]
