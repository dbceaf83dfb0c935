"""Checkpoints: the registry of model repos at pinned revisions and the one loader."""

from tryon.hub.loader import ModelNotFoundError, load_model, registry, resolve

__all__ = ["ModelNotFoundError", "load_model", "registry", "resolve"]
