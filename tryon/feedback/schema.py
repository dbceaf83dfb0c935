"""The feedback dataset's schema: one row per rated result, with what is needed to reproduce it."""

from __future__ import annotations

from datasets import Features, Image, Sequence, Value

TABS = ("tryon", "design", "restyle", "for_you")
TRYON_REASONS = ("garment misplaced", "face/identity changed", "wrong colour or texture", "sleeves/length wrong",
                 "seams or halos")  # fmt: skip
DESIGN_REASONS = ("not what the sliders say", "low quality", "not my style")
REASONS = {"tryon": TRYON_REASONS, "design": DESIGN_REASONS, "restyle": DESIGN_REASONS, "for_you": DESIGN_REASONS}

# What a row keeps of the images (consent rules):
#   "inputs+output"  the shopper consented: input photos and the output are stored
#   "output"         no consent, and the output shows no person (a generated or restyled product image)
#   "none"           no consent, and the output shows a person: no image at all
IMAGES_STORED = ("inputs+output", "output", "none")

FEATURES = Features(
    {
        "result_id": Value("string"),
        "tab": Value("string"),
        "model_name": Value("string"),
        "model_revision": Value("string"),
        "inputs_json": Value("string"),  # slider values, category, seed, mask source... as JSON
        "rating": Value("int8"),  # 1-5 stars
        "reasons": Sequence(Value("string")),
        "comment": Value("string"),
        "consent": Value("bool"),
        "images_stored": Value("string"),
        "output_image": Image(),
        "person_image": Image(),
        "garment_image": Image(),
        "latency_ms": Value("float32"),
        "app_version": Value("string"),
        "shopper_id": Value("string"),  # salted hash of the browser's random token; never an IP
        "created_at": Value("string"),  # ISO 8601 UTC, when the result was made
        "rated_at": Value("string"),
    }
)
