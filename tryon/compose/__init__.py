"""Composition of the warped garment onto the person photo."""

from tryon.compose.blend import Composite, body_shape, compose

__all__ = ["Composite", "body_shape", "compose"]
