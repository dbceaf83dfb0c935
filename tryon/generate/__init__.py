"""Product images from design attributes: a trained conditional generator."""

from tryon.generate.attributes import SLIDERS, encode, random_design
from tryon.generate.configuration_generator import GeneratorConfig
from tryon.generate.modeling_generator import GarmentGenerator

__all__ = ["SLIDERS", "GarmentGenerator", "GeneratorConfig", "encode", "random_design"]
