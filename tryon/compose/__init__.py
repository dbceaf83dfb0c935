"""Composition of the warped garment onto the person photo."""

from tryon.compose.blend import Composite, compose
from tryon.compose.limbs import body_shape
from tryon.compose.shading import shading_map

__all__ = ["Composite", "body_shape", "compose", "shading_map"]
