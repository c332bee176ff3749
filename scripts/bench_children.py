"""What tying children to IntroStudio's life costs: a guarded program start vs a plain subprocess.run.

Prints, side by side, the time to run `ffmpeg -version` to completion plainly and through
introstudio.core.processes.run (the guard: one extra Python start-up and a fork), and the memory of
the guard's watcher while a program runs. Run: .venv/bin/python scripts/bench_children.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from introstudio.core.media.tools import ffmpeg_exe
from introstudio.core.processes import run, start, stop


def timed(fn, runs: int) -> float:
    """Median wall time of `fn()` in milliseconds (after one warm-up call)."""
    fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def watcher_rss_kb(program_pid: int) -> int | None:
    """Resident memory of the guard's watcher (the program's child) in kB, from /proc (Linux)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rpartition(")")[2].split()
            if int(stat[1]) == program_pid:
                status = (entry / "status").read_text()
                return int(next(ln.split()[1] for ln in status.splitlines() if ln.startswith("VmRSS:")))
        except (OSError, StopIteration, ValueError):
            continue
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs
    exe = ffmpeg_exe()
    command = [exe, "-hide_banner", "-version"]
    plain = timed(lambda: subprocess.run(command, capture_output=True, check=True), runs)
    guarded = timed(lambda: run(command), runs)
    print(f"ffmpeg -version to completion, median of {runs}:")
    print(f"  plain subprocess.run      {plain:7.1f} ms")
    print(f"  processes.run (guarded)   {guarded:7.1f} ms   (+{guarded - plain:.1f} ms per program start)")
    if sys.platform.startswith("linux"):
        proc = start([sys.executable, "-c", "import time; time.sleep(30)"], stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        rss = watcher_rss_kb(proc.pid)
        stop(proc)
        print(f"  guard watcher while a program runs: {rss} kB resident (a forked Python without site-packages)")


if __name__ == "__main__":
    main()
