"""python -m tryon.train generator --out weights/garment-generator --minutes 20"""

from __future__ import annotations

import argparse
import json
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tryon.train", description="Train the project's models.")
    sub = parser.add_subparsers(dest="model", required=True)
    g = sub.add_parser("generator", help="the garment generator (conditional VAE) on renders")
    g.add_argument("--out", required=True, help="output folder (Hub layout: config.json, model.safetensors)")
    g.add_argument("--minutes", type=float, default=20.0, help="training time budget")
    g.add_argument("--samples", type=int, default=24000, help="rendered training samples")
    g.add_argument("--batch-size", type=int, default=32)
    g.add_argument("--seed", type=int, default=0)
    g.add_argument("--threads", type=int, default=0, help="torch threads (0: all cores)")
    args = parser.parse_args(argv)
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    if args.model == "generator":
        from tryon.generate.training import train_generator

        metrics = train_generator(args.out, minutes=args.minutes, samples=args.samples, batch_size=args.batch_size,
                                  seed=args.seed)  # fmt: skip
        print(json.dumps(metrics))
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
