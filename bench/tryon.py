"""Latency of the try-on pipeline per stage at 768x1024, and of a /tryon call through gradio_client.

    python bench/tryon.py [--runs 15] [--no-app]

Person photos: the real ones in ../shared/data/real (768x1024) when present, else the public-domain
portraits upscaled to 768x1024. Garments: catalog items. Prints median and p95 per stage (ms),
the median /tryon round trip through gradio_client, and the app's start-up time (launch to first
answered request).
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("GLOG_minloglevel", "2")

from tryon import TryOnPipeline  # noqa: E402
from tryon.catalog import catalog_image_path, get_item  # noqa: E402
from tryon.imageio import load_image  # noqa: E402
from tryon.ui.examples import example_persons  # noqa: E402

REAL = ROOT.parent / "shared" / "data" / "real"
GARMENTS = ["tee-red-solid", "longsleeve-navy-stripes", "tank-black-solid", "tee-mustard-dots"]


def persons_768x1024() -> list[np.ndarray]:
    import cv2

    if REAL.exists():
        paths = sorted((REAL / "persons").glob("vitonhd_*.jpg")) + sorted((REAL / "persons").glob("dresscode_04*.jpg"))
        return [load_image(p) for p in paths[:6]]
    out = []
    for p in example_persons():
        img = load_image(p)
        out.append(cv2.resize(img, (768, 1024), interpolation=cv2.INTER_CUBIC))
    return out


def stats(values: list[float]) -> str:
    a = np.array(values)
    return f"median {np.median(a):7.1f}  p95 {np.percentile(a, 95):7.1f}"


def bench_pipeline(runs: int) -> None:
    pipe = TryOnPipeline()
    pipe.warm_up()
    persons = persons_768x1024()
    garments = [load_image(catalog_image_path(get_item(g))) for g in GARMENTS]
    pipe(persons[0], garments[0], "upper")  # warm caches
    timings: dict[str, list[float]] = {}
    for i in range(runs):
        person = persons[i % len(persons)]
        garment = garments[i % len(garments)]
        res = pipe(person, garment, "upper")
        assert res.image.shape[:2] == (1024, 768), res.image.shape
        for k, v in res.timings_ms.items():
            timings.setdefault(k, []).append(v)
    print(f"pipeline at 768x1024, {runs} runs over {len(persons)} persons x {len(garments)} garments (ms):")
    for k, v in timings.items():
        print(f"  {k:8s} {stats(v)}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_app(runs: int) -> None:
    from gradio_client import Client, handle_file

    port = free_port()
    env = dict(os.environ, GRADIO_SERVER_PORT=str(port), GRADIO_ANALYTICS_ENABLED="False",
               HF_HUB_DISABLE_TELEMETRY="1")  # fmt: skip
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py")], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        client = None
        while time.perf_counter() - t0 < 120:
            try:
                client = Client(f"http://127.0.0.1:{port}/", verbose=False)
                break
            except Exception:  # noqa: BLE001 - the server is not up yet
                time.sleep(0.25)
        ready = time.perf_counter() - t0
        if client is None:
            print("app did not start within 120 s")
            return
        persons = persons_768x1024()
        tmp = ROOT / ".cache" / "bench"
        tmp.mkdir(parents=True, exist_ok=True)
        from PIL import Image

        person_path = tmp / "person.jpg"
        Image.fromarray(persons[0]).save(person_path, quality=92)
        garment = handle_file(str(catalog_image_path(get_item("tee-red-solid"))))
        client.predict(handle_file(str(person_path)), garment, "upper", api_name="/tryon")
        first = time.perf_counter() - t0
        calls = []
        for _ in range(runs):
            t = time.perf_counter()
            client.predict(handle_file(str(person_path)), garment, "upper", api_name="/tryon")
            calls.append((time.perf_counter() - t) * 1000)
        print(f"app: ready (server answers) {ready:.1f} s after start; first /tryon answered at {first:.1f} s")
        print(f"/tryon through gradio_client at 768x1024 (ms): {stats(calls)}")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--no-app", action="store_true", help="skip the gradio_client round trip")
    args = ap.parse_args()
    bench_pipeline(args.runs)
    if not args.no_app:
        bench_app(max(5, args.runs // 2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
