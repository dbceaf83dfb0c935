"""Garment analysis of in-shop photos: mask and key points."""

from tryon.garment.analyze import CATEGORIES, GarmentAnalysis, analyze_garment
from tryon.garment.mask import garment_mask

__all__ = ["CATEGORIES", "GarmentAnalysis", "analyze_garment", "garment_mask"]
