#!/usr/bin/env python3
"""What the import's damage scan costs: IntroStudio's PyAV scan vs a plain `ffmpeg -f null` decode vs the
quick check (probe + rules), on one generated clip (default 60 s of 720p30 H.264 at 6 Mbit/s + AAC).

    .venv/bin/python scripts/bench_damage_scan.py [--seconds 60] [--size 1280x720] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from introstudio.core.jobs import run_job
from introstudio.core.media.damage import scan_damage
from introstudio.core.media.importing import check_importable
from introstudio.core.media.tools import ffmpeg_exe, run_ffmpeg


def make(path: Path, seconds: float, size: str) -> None:
    run_ffmpeg(["-y", "-f", "lavfi", "-i", f"testsrc2=size={size}:rate=30:duration={seconds:g}",
                "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds:g}",
                "-c:v", "libx264", "-preset", "veryfast", "-b:v", "6M", "-pix_fmt", "yuv420p",
                "-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart", str(path)], timeout=1200)


def timed(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--size", default="1280x720")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        clip = Path(tmp) / "clip.mp4"
        print(f"making a {args.seconds:g} s {args.size} clip ...", flush=True)
        make(clip, args.seconds, args.size)
        mb = clip.stat().st_size / 1e6
        exe = ffmpeg_exe()
        quick = timed(lambda: check_importable(clip), args.runs)
        scan = timed(lambda: run_job(scan_damage(clip, args.seconds)), args.runs)
        plain = timed(lambda: subprocess.run([exe, "-v", "error", "-i", str(clip), "-f", "null", "-"],
                                             check=True, capture_output=True), args.runs)
        demux = timed(lambda: subprocess.run([exe, "-v", "error", "-i", str(clip), "-map", "0", "-c", "copy",
                                              "-f", "null", "-"], check=True, capture_output=True), args.runs)
    print(f"\nclip: {args.seconds:g} s, {args.size}, {mb:.1f} MB; median of {args.runs} runs")
    print(f"{'what':<44}{'seconds':>9}{'x realtime':>12}")
    for label, value in (("quick check (probe + rules, no decode)", quick),
                         ("baseline: ffmpeg -c copy -f null (read only)", demux),
                         ("baseline: ffmpeg -f null (decode all)", plain),
                         ("IntroStudio damage scan (PyAV, explode)", scan)):
        print(f"{label:<44}{value:>9.2f}{args.seconds / value:>12.1f}")
    print(f"\nscan / plain ffmpeg decode: {scan / plain:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
