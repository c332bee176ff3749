#!/usr/bin/env python3
"""Captioning speed and memory, side by side on the same audio in one run.

Rows: raw faster-whisper (the library alone, same settings), IntroStudio's `introstudio captions`
command (faster-whisper + script prompt + alignment + layout + saving: its overhead over raw, goal
<= 10%), and `introstudio captions --engine openai-whisper` (when installed). Each row runs in a fresh
process (model load and imports included, as a user would see), best of --repeat, with that process's
peak RSS. Audio: the bundled sample take (espeak-ng reading the sample script), or --media FILE.

    .venv/bin/python scripts/bench_captions.py [--repeat 2] [--media FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RAW = r"""
import json, resource, sys, time
from faster_whisper import WhisperModel
from introstudio.core.captions.models import bundled_model_path
t = time.perf_counter()
model = WhisperModel(str(bundled_model_path()), device="cpu", compute_type="int8", cpu_threads=__import__("os").cpu_count())
segments, info = model.transcribe(sys.argv[1], language="en", vad_filter=True, word_timestamps=True, beam_size=5,
                                  condition_on_previous_text=False)
words = sum(len(s.words or []) for s in segments)
print(json.dumps({"words": words, "duration": info.duration,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""
CLI = r"""
import json, resource, runpy, sys
sys.argv = ["introstudio", *sys.argv[1:]]
try:
    runpy.run_module("introstudio", run_name="__main__")
except SystemExit as exit:
    if exit.code:
        raise
print(json.dumps({"rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}), file=sys.stderr)
"""


def timed(args: list[str]) -> tuple[float, dict]:
    started = time.perf_counter()
    out = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - started
    if out.returncode != 0:
        raise SystemExit(f"failed: {' '.join(args)}\n{out.stderr[-2000:]}")
    lines = [ln for ln in (out.stdout + "\n" + out.stderr).splitlines() if ln.startswith('{"')]
    facts: dict = {}
    for line in lines:
        try:
            facts.update(json.loads(line))
        except json.JSONDecodeError:
            pass
    return wall, facts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--media", type=Path, help="footage to caption (default: the bundled sample take)")
    opts = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from introstudio.core.media.probe import probe

    work = Path(tempfile.mkdtemp(prefix="bench-captions-"))
    home = work / "home"
    py = sys.executable
    try:
        subprocess.run([py, "-m", "introstudio", "--home", str(home), "demo", "--no-gui", "--where",
                        str(work / "sample")], check=True, capture_output=True, cwd=ROOT)
        project = work / "sample"
        if opts.media:
            subprocess.run([py, "-m", "introstudio", "--home", str(home), "import", str(project), str(opts.media)],
                           check=True, capture_output=True, cwd=ROOT)
        take = json.loads((project / "project.json").read_text())["takes"][-1]["file"]
        media = project / take
        seconds = probe(media).duration
        rows = {"raw faster-whisper": [py, "-c", RAW, str(media)],
                "introstudio captions": [py, "-c", CLI, "--home", str(home), "captions", str(project), "--json"]}
        try:
            import whisper  # noqa: F401

            rows["introstudio captions --engine openai-whisper"] = [
                py, "-c", CLI, "--home", str(home), "captions", str(project), "--engine", "openai-whisper", "--json"]
        except ImportError:
            print("openai-whisper is not installed: pip install 'introstudio[openai-whisper]' (see README)")
        best: dict[str, tuple[float, dict]] = {}
        for _ in range(opts.repeat):  # alternate the rows so machine load affects them alike
            for name, args in rows.items():
                wall, facts = timed(args)
                if name not in best or wall < best[name][0]:
                    best[name] = (wall, facts)
        print(f"audio: {media.name}, {seconds:.1f} s; {os.cpu_count()} cores; best of {opts.repeat}")
        print(f"{'':48} {'wall s':>7} {'RTF':>6} {'peak MB':>8} {'vs raw':>7}")
        raw_wall = best["raw faster-whisper"][0]
        for name, (wall, facts) in best.items():
            print(f"{name:48} {wall:7.2f} {wall / seconds:6.3f} {facts.get('rss_mb', float('nan')):8.0f} "
                  f"{wall / raw_wall:6.2f}x")
        print(f"IntroStudio overhead over raw faster-whisper: {100 * (best['introstudio captions'][0] / raw_wall - 1):+.1f}%"
              " (goal <= 10%)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
