"""Gradio user interface (glue only: the work is done by the tryon packages)."""
