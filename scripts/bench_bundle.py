#!/usr/bin/env python3
"""The desktop bundle vs the developer install, side by side: start-up, a shown window, the first sample project.

Each figure is a fresh process with a fresh --home (nothing cached by IntroStudio itself), median of --runs:
  --version          the executable's start-up floor (the bundle unpacks nothing: it is a one-folder build)
  window             `gui SAMPLE --page captions --screenshot`: the main window shown, painted, saved, exited
  first sample       `demo --where NEW --no-gui`: what a coordinator's first run does before the window opens
--cold drops the OS page cache before each run (root only), so the figures include reading the files from disk.

    .venv/bin/python scripts/bench_bundle.py [--bundle build/package/IntroStudio-0.1.0-linux-x86_64] [--runs 5] [--cold]
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HANG_SECONDS = 120  # a run that takes longer is counted as hung (seen: the app's close stuck in Qt's FFmpeg plugin)
HUNG: list[str] = []


def drop_caches() -> None:
    """Empty the page cache so the next start reads from disk (needs root; no data is lost)."""
    os.sync()
    Path("/proc/sys/vm/drop_caches").write_text("3\n")


def timed(command: list[str], env: dict[str, str], cold: bool) -> float:
    if cold:
        drop_caches()
    started = time.perf_counter()
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=HANG_SECONDS)
    except subprocess.TimeoutExpired:
        HUNG.append(" ".join(command))
        return math.nan  # reported, not counted in the median
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    return elapsed


def measure(exe: list[str], runs: int, cold: bool, work: Path) -> dict[str, float]:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    sample = work / "sample"
    subprocess.run([*exe, "--home", str(work / "h0"), "demo", "--where", str(sample), "--no-gui"], env=env,
                   check=True, capture_output=True)
    figures: dict[str, list[float]] = {"--version": [], "window": [], "first sample": []}
    for n in range(runs):
        home = str(work / f"h{n + 1}")
        figures["--version"].append(timed([*exe, "--home", home, "--version"], env, cold))
        figures["window"].append(timed([*exe, "--home", home, "gui", str(sample), "--page", "captions",
                                        "--screenshot", str(work / f"shot{n}.png")], env, cold))
        figures["first sample"].append(timed([*exe, "--home", home, "demo", "--where", str(work / f"s{n}"),
                                              "--no-gui"], env, cold))
    return {name: statistics.median([v for v in values if not math.isnan(v)] or [math.nan])
            for name, values in figures.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    found = sorted((ROOT / "build" / "package").glob("IntroStudio-*-linux-*/"))
    parser.add_argument("--bundle", type=Path, default=found[-1] if found else None)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cold", action="store_true", help="drop the page cache before each run (root)")
    args = parser.parse_args()
    if args.bundle is None:
        raise SystemExit("No bundle: run scripts/package first, or give --bundle.")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        bundle = measure([str(args.bundle / "introstudio" / "introstudio")], args.runs, args.cold, work / "b")
        dev = measure([sys.executable, "-m", "introstudio"], args.runs, args.cold, work / "d")
    mode = "cold (page cache dropped)" if args.cold else "warm"
    print(f"median of {args.runs} runs, {mode}, {os.cpu_count()} CPUs")
    print(f"{'':16}{'bundle':>10}{'developer install':>20}")
    for name in dev:
        print(f"{name:16}{bundle[name]:>9.2f}s{dev[name]:>19.2f}s")
    for command in HUNG:
        print(f"hung (killed after {HANG_SECONDS} s): {command}")
    return 1 if HUNG else 0


if __name__ == "__main__":
    raise SystemExit(main())
