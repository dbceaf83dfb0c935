"""Generator latency, load time and checkpoint size on this machine.

    python bench/generate.py [--runs 7]

Prints, median over runs: ms per image at batch 1 and at batch 16 (model output 128x96 and the
display image 384x288 after upsampling), the model load time, and the checkpoint's size on disk.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tryon.generate.attributes import random_design  # noqa: E402
from tryon.generate.studio import upsample  # noqa: E402
from tryon.hub import load_model, resolve  # noqa: E402


def median_ms(fn, runs: int) -> float:
    fn()  # warm up
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return float(np.median(times))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    path, source = resolve("garment-generator")
    size_mb = (path / "model.safetensors").stat().st_size / 1e6
    loads = []
    for _ in range(3):
        t = time.perf_counter()
        model = load_model("garment-generator", device="cpu")
        loads.append((time.perf_counter() - t) * 1000)
    rng = np.random.default_rng(0)
    designs = [random_design(rng) for _ in range(16)]
    seeds = list(range(16))
    params = sum(p.numel() for p in model.parameters()) / 1e6
    print(f"checkpoint: {path} ({source}), {size_mb:.1f} MB, {params:.2f} M parameters; "
          f"torch threads {torch.get_num_threads()}")  # fmt: skip
    print(f"load time: median {np.median(loads):.0f} ms")
    for batch in (1, 16):
        raw = median_ms(lambda b=batch: model.generate(designs[:b], seeds[:b]), args.runs) / batch
        full = (
            median_ms(lambda b=batch: [upsample(i) for i in model.generate(designs[:b], seeds[:b])], args.runs) / batch
        )
        print(f"batch {batch:2d}: {raw:6.1f} ms per 128x96 image; {full:6.1f} ms per 384x288 display image")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
