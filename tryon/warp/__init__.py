"""Garment warping: the garment photo drawn in the person photo's frame."""

from tryon.warp.fit import WarpedGarment, warp_garment

__all__ = ["WarpedGarment", "warp_garment"]
