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
    return parser


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
