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
    g.add_argument("--feedback", default=None, help="with a feedback folder: learn the design prior from ratings")
    g.add_argument("--base", default="garment-generator", help="with --feedback: the registered model to start from")
    r = sub.add_parser("reward", help="the reward model, from a feedback folder")
    r.add_argument("--feedback", required=True)
    r.add_argument("--out", required=True)
    p = sub.add_parser("profiles", help="shopper profiles snapshot, from a feedback folder")
    p.add_argument("--feedback", required=True)
    p.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    import torch

    if getattr(args, "threads", 0):
        torch.set_num_threads(args.threads)
    if args.model == "reward":
        from tryon.feedback.retrain import train_reward

        print(json.dumps(train_reward(args.feedback, args.out)))
        return 0
    if args.model == "profiles":
        from tryon.feedback.retrain import refresh_profiles

        print(json.dumps(refresh_profiles(args.feedback, args.out)))
        return 0
    if args.model == "generator" and args.feedback:
        from tryon.feedback.retrain import train_generator_prior

        print(json.dumps(train_generator_prior(args.feedback, args.out, base=args.base)))
        return 0
    if args.model == "generator":
        from tryon.generate.training import train_generator

        metrics = train_generator(args.out, minutes=args.minutes, samples=args.samples, batch_size=args.batch_size,
                                  seed=args.seed)  # fmt: skip
        print(json.dumps(metrics))
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
