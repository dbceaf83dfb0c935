"""Command line: `python -m tryon tryon --person P --garment G --category upper --out OUT.png`.

Prints one JSON line on success and exits 0; on bad input prints one line to stderr and exits 2.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
from pathlib import Path

from tryon.generate.attributes import SLIDERS

# Quiet MediaPipe/TensorFlow-Lite start-up chatter on stderr (must be set before they load).
os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tryon", description="Try-on studio command line.")
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("tryon", help="dress a person photo in a garment photo")
    t.add_argument("--person", required=True, help="person photo (JPEG/PNG/WebP)")
    t.add_argument("--garment", required=True, help="garment photo, or a catalog id such as tee-navy-solid")
    t.add_argument("--category", default="upper", choices=["upper", "lower", "dress"])
    t.add_argument("--out", required=True, help="where to write the result PNG")
    t.add_argument("--mask-out", default=None, help="optional: where to write the changed-region mask PNG")
    c = sub.add_parser("selfcheck", help="check that an engine can run here: weights, one short try-on, timing")
    c.add_argument("--engine", default="catvton", choices=["catvton", "cpu"])
    c.add_argument("--steps", type=int, default=4, help="denoising steps for the test run (diffusion engines)")
    c.add_argument("--weights", default=None, choices=["mix", "vitonhd", "dresscode"],
                   help="which CatVTON attention weights (default: TRYON_CATVTON_WEIGHTS or mix)")  # fmt: skip
    c.add_argument("--allow-cpu", action="store_true", help="run CatVTON on the CPU (very slow; for debugging)")
    c.add_argument("--out", default="selfcheck.png", help="where to write person | garment | result")
    g = sub.add_parser("generate", help="draw a product image from design attributes")
    g.add_argument("--kind", default="tee", help="tee, longsleeve, tank, trousers, shorts, skirt, dress")
    g.add_argument("--pattern", default="solid", help="solid, stripes, checks, dots, zigzag")
    for s in SLIDERS:
        g.add_argument(f"--{s.name.replace('_', '-')}", type=float, default=s.default, help=f"{s.label}: {s.info}")
    g.add_argument("--seed", type=int, default=0)
    g.add_argument("--count", type=int, default=1, help="variations (seed, seed+1, ...); files OUT-1.png ...")
    g.add_argument("--out", required=True, help="where to write the PNG")
    return parser


def _generate(args) -> int:
    from PIL import Image

    from tryon.generate.studio import DesignStudio, design_from_sliders
    from tryon.hub import ModelNotFoundError

    values = {s.name: getattr(args, s.name) for s in SLIDERS}
    try:
        design = design_from_sliders(args.kind, args.pattern, **values)
        if not 1 <= args.count <= 16:
            raise ValueError(f"count={args.count}; expected 1 to 16")
        images = DesignStudio().generate(design, args.seed, args.count)
    except (ValueError, ModelNotFoundError) as e:
        print(f"error: {e}".replace("\n", " "), file=sys.stderr)
        return 2
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    paths = (
        [out] if len(images) == 1 else [out.with_name(f"{out.stem}-{i + 1}{out.suffix}") for i in range(len(images))]
    )
    for path, image in zip(paths, images, strict=True):
        Image.fromarray(image).save(path)
    record = {
        "outputs": [str(p) for p in paths],
        "design": design.to_dict(),
        "seeds": [args.seed + i for i in range(len(images))],
        "size": [images[0].shape[1], images[0].shape[0]],
    }
    print(json.dumps(record))
    return 0


def _selfcheck(args) -> int:
    """Prints one line per check and a JSON summary; exit 0 when all pass, 1 when a check fails,
    2 when the engine cannot run here (the reason is printed)."""
    from tryon.engines import CpuEngine, EngineError

    if args.engine == "cpu":
        engine = CpuEngine()
    else:
        from tryon.engines.catvton import CatVTONEngine

        os.environ["TRYON_ENGINES"] = "catvton"  # asking for the self-check is opting in
        if args.allow_cpu:
            os.environ["TRYON_CATVTON_ALLOW_CPU"] = "1"
        engine = CatVTONEngine(variant=args.weights)
    from tryon.selfcheck import run_selfcheck

    try:
        with _native_stderr_silenced():
            report = run_selfcheck(engine, steps=args.steps, out=args.out)
    except EngineError as e:
        print(f"error: {e}".replace("\n", " "), file=sys.stderr)
        return 2
    for name, ok in report.checks.items():
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    if "reason" in report.details:
        print(f"error: {report.details['reason']}", file=sys.stderr)
        return 2
    print(json.dumps({"engine": report.engine, "ok": report.ok, **report.details}, default=str))
    return 0 if report.ok else 1


def _resolve_garment(value: str):
    from tryon.catalog import catalog_image_path, get_item

    if Path(value).exists():
        return value
    try:
        return str(catalog_image_path(get_item(value)))
    except KeyError:
        return value  # load_image will report the missing file


@contextlib.contextmanager
def _native_stderr_silenced():
    """MediaPipe's C++ code logs to file descriptor 2 whatever GLOG says; keep the CLI's stderr for errors."""
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    from PIL import Image

    from tryon import TryOnInputError, TryOnPipeline

    if args.command == "generate":
        return _generate(args)
    if args.command == "selfcheck":
        return _selfcheck(args)
    if args.command == "tryon":
        try:
            with _native_stderr_silenced():
                result = TryOnPipeline()(args.person, _resolve_garment(args.garment), category=args.category)
            out = Path(args.out)
            out.parent.mkdir(parents=True, exist_ok=True)
            Image.fromarray(result.image).save(out)
            if args.mask_out:
                Image.fromarray(result.mask).save(args.mask_out)
        except TryOnInputError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
        except OSError as e:
            print(f"error: could not write the result: {e}", file=sys.stderr)
            return 2
        record = {
            "output": str(out),
            "mask": args.mask_out,
            "category": args.category,
            "size": [result.image.shape[1], result.image.shape[0]],
            "timings_ms": result.timings_ms,
            "notes": list(result.notes),
        }
        print(json.dumps(record))
        return 0
    return 2
