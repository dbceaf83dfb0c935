"""ZeroGPU support: handlers that run models carry @spaces.GPU on Spaces; elsewhere nothing changes."""

from __future__ import annotations

from collections.abc import Callable


def gpu(duration: int = 30) -> Callable:
    try:
        import spaces
    except ImportError:
        return lambda fn: fn
    return spaces.GPU(duration=duration)
