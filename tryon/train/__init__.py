"""Training entry points: python -m tryon.train generator|... (see --help)."""
