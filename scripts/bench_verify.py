"""Benchmark the export check: decoding the whole export (PyAV) and hashing it vs encoding it, on one clip.

Makes the same generated 1080p30 project as bench_render.py, exports it once with IntroStudio (which decodes the
result before keeping it), then times the check again on its own: decode-only (every packet of every stream),
SHA-256 of the file (what batch and publish redo before trusting it), both against the encode pass. Run:

    .venv/bin/python scripts/bench_verify.py [--seconds 30] [--preset youtube-1080p] [--repeat 3]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from introstudio.core.jobs import run_job  # noqa: E402
from introstudio.core.render.records import file_sha256  # noqa: E402
from introstudio.core.render.verify import decode_all  # noqa: E402


def bench_render_module():
    """scripts/bench_render.py, for its project generator and staged export timing."""
    spec = importlib.util.spec_from_file_location("bench_render", ROOT / "scripts" / "bench_render.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def best(function, repeat: int) -> tuple[float, object]:
    """(fastest wall time, last result) of `repeat` calls."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the generated take")
    parser.add_argument("--preset", default="youtube-1080p")
    parser.add_argument("--noise", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3, help="decode and hash runs (the best is shown)")
    args = parser.parse_args(argv)
    bench = bench_render_module()
    work = Path(tempfile.mkdtemp(prefix="introstudio-bench-verify-"))
    try:
        print(f"Generating {args.seconds:g} s of 1080p30 footage ...", flush=True)
        pf = bench.make_project(work, args.seconds, args.noise)
        print(f"Exporting with {args.preset} ...", flush=True)
        total, stages, duration = bench.bench_introstudio(pf, args.preset)
        video = pf.folder / "bench-introstudio.mp4"
        decode, report = best(lambda: run_job(decode_all(video, duration)), args.repeat)
        sha, _ = best(lambda: file_sha256(video), args.repeat)
        encode = stages.get("Encoding", total)
        size = video.stat().st_size / 1e6
        frames = report.first("video").frames if report.first("video") else 0
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print()
        print(f"clip: {duration:.1f} s, {frames} frames, {size:.1f} MB, preset {args.preset}, "
              f"{os.cpu_count()} cores, load average {load:.1f}")
        print(f"{'':<44}{'wall':>8}   {'vs encode':>9}")
        print(f"{'encode pass (baseline)':<44}{encode:8.2f} s  {1:9.2f}")
        print(f"{'decode check, inside the export':<44}{stages.get('Checking the video', float('nan')):8.2f} s  "
              f"{stages.get('Checking the video', float('nan')) / encode:9.2f}")
        print(f"{'decode check alone (best of %d)' % args.repeat:<44}{decode:8.2f} s  {decode / encode:9.2f}")
        print(f"{'SHA-256 of the file (best of %d)' % args.repeat:<44}{sha:8.2f} s  {sha / encode:9.2f}")
        print(f"{'whole export, all passes':<44}{total:8.2f} s  {total / encode:9.2f}")
        print()
        print(f"decode check / whole export: {decode / total:.1%}; decode speed {duration / decode:.1f}x realtime")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
