"""Desktop app start-up: time to a shown window and its memory, IntroStudio vs a bare Qt window, same run.

Each measurement is a fresh process (imports are the cost that matters at start-up):
  baseline   - QApplication + an empty QMainWindow, shown
  introstudio - the real MainWindow with the sample project open on a step, shown, first paint done
Reported: median seconds to shown (of --runs), peak RSS (MB), and how long a page switch takes
(show_page over all eight steps, the UI thread's work when the user clicks through them).

    .venv/bin/python scripts/bench_gui.py [--runs 5] [--page captions]
Runs offscreen unless DISPLAY is set and --display is given.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
kind, page, home = sys.argv[1], sys.argv[2], sys.argv[3]
switch = None
if kind == "baseline":
    window = QMainWindow()
    window.resize(1280, 800)
else:
    from pathlib import Path
    from introstudio.core.paths import AppPaths
    from introstudio.core.jobs import run_job
    from introstudio.core.sample import create_sample_project
    from introstudio.core.settings import Settings
    from introstudio.gui.main_window import MainWindow
    paths = AppPaths.for_user(Path(home))
    pf = run_job(create_sample_project(Path(home) / "Sample project"))  # reopened after the first run
    window = MainWindow(paths, Settings(), remember=False)
    window.set_project(pf, page)
window.show()
loop = QEventLoop()
QTimer.singleShot(0, loop.quit)  # the first paint has happened once the loop turns
loop.exec()
shown = time.perf_counter() - t0
if kind != "baseline":
    s0 = time.perf_counter()
    for name in list(window.pages) * 2:
        window.show_page(name)
        app.processEvents()
    switch = (time.perf_counter() - s0) / (2 * len(window.pages))
    from introstudio.gui.operations import Operation
    Operation.cancel_all()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
window.close()
print(json.dumps({"shown": shown, "rss_mb": rss, "switch": switch}))
"""


def measure(kind: str, page: str, home: Path, env: dict[str, str]) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, kind, page, str(home)], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    if out.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--page", default="captions")
    ap.add_argument("--display", action="store_true", help="use $DISPLAY instead of the offscreen platform")
    args = ap.parse_args()
    env = dict(os.environ)
    if not args.display:
        env["QT_QPA_PLATFORM"] = "offscreen"
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        measure("introstudio", args.page, home, env)  # creates the sample project; warms the disk cache
        rows = {kind: [measure(kind, args.page, home, env) for _ in range(args.runs)]
                for kind in ("baseline", "introstudio")}
    print(f"start-up to a shown window, median of {args.runs} fresh processes (page: {args.page})")
    print(f"{'':14}{'shown (s)':>12}{'peak RSS (MB)':>16}{'page switch (ms)':>19}")
    for kind, runs in rows.items():
        shown = statistics.median(r["shown"] for r in runs)
        rss = statistics.median(r["rss_mb"] for r in runs)
        switch = [r["switch"] for r in runs if r["switch"] is not None]
        switch_text = f"{statistics.median(switch) * 1000:.1f}" if switch else "-"
        print(f"{kind:14}{shown:12.2f}{rss:16.0f}{switch_text:>19}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
