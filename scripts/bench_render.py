"""Benchmark the export: IntroStudio vs a hand-written single ffmpeg command vs the same composite in moviepy.

All three run in this process on the same generated project (1080p30 footage with sensor-like noise,
a speech-like tone, captions every 3 s) and make the same clip: title card, trimmed take with the lower
third and burned captions, end card, AAC audio, x264 at the preset's settings. Run:

    .venv/bin/python scripts/bench_render.py [--seconds 60] [--preset youtube-1080p] [--noise 4] [--no-moviepy]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from introstudio.core.captions.cues import Cue  # noqa: E402
from introstudio.core.jobs import Progress, run_job  # noqa: E402
from introstudio.core.media.tools import ffmpeg_exe, run_ffmpeg  # noqa: E402
from introstudio.core.project import CaptionTrack, Clinician, Script, create_project  # noqa: E402
from introstudio.core.project.ops import import_takes  # noqa: E402
from introstudio.core.render.export import render_project  # noqa: E402
from introstudio.core.render.graph import build_measure_command, parse_loudnorm  # noqa: E402
from introstudio.core.render.plan import LoudnormMeasure, plan_render  # noqa: E402
from introstudio.core.render.presets import get_preset  # noqa: E402


def cpu_seconds() -> float:
    """CPU time (user + system) used so far by this process and the ffmpeg processes it waited for."""
    import resource

    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def timed(function, *args):
    """(result, CPU seconds) of a call."""
    before = cpu_seconds()
    result = function(*args)
    return result, cpu_seconds() - before


def make_footage(path: Path, seconds: float, noise: int) -> Path:
    """1080p30 test pattern with temporal noise (like a camera sensor) and a tone that swells like speech."""
    video = f"testsrc2=size=1920x1080:rate=30:duration={seconds:g}"
    video += f",noise=alls={noise}:allf=t+u" if noise else ""
    audio = (f"aevalsrc='0.3*sin(2*PI*220*t)*(0.55+0.45*sin(2*PI*0.7*t))*(0.6+0.4*sin(2*PI*0.13*t))'"
             f":s=48000:d={seconds:g}")
    run_ffmpeg(["-y", "-f", "lavfi", "-i", video, "-f", "lavfi", "-i", audio, "-c:v", "libx264", "-preset",
                "ultrafast", "-crf", "16", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "160k", str(path)])
    return path


def make_project(work: Path, seconds: float, noise: int):
    footage = make_footage(work / "footage.mp4", seconds, noise)
    pf = create_project(work / "project", Clinician(name="Maria Lopez", title="Dr.", credentials="MD",
                                                     specialty="Cardiology", department="Heart Centre",
                                                     organisation="St Elsewhere Hospital"),
                        Script(free_text="Hello."))
    run_job(import_takes(pf, [footage]))
    cues = [Cue(t + 0.2, t + 2.8, (f"Caption number {i + 1}, the words", "the clinician is saying"))
            for i, t in enumerate(range(0, int(seconds) - 2, 3))]
    pf.project.captions.append(CaptionTrack(take_id=1, cues=cues))
    pf.save()
    return pf


def bench_introstudio(pf, preset: str) -> tuple[float, dict[str, float], float]:
    """Full export (all passes) time, time per stage, and the clip's duration."""
    stages: dict[str, float] = {}
    last = [time.perf_counter(), ""]

    def on_progress(p: Progress) -> None:
        now = time.perf_counter()
        if last[1]:
            stages[last[1]] = stages.get(last[1], 0.0) + now - last[0]
        last[:] = [now, p.message]

    start = time.perf_counter()
    result = run_job(render_project(pf, preset, pf.folder / "bench-introstudio.mp4"), on_progress)
    return time.perf_counter() - start, stages, result.duration


def hand_written_command(plan, out: Path) -> list[str]:
    """What a person fluent in ffmpeg would type for the same clip (loudnorm with pass-1 values)."""
    p, m, lt = plan.preset, plan.loudness, plan.lower_third
    fps = f"{plan.fps.numerator}/{plan.fps.denominator}"
    ass = str(plan.captions_ass).replace("\\", "/").replace(":", "\\:").replace("'", "\\'")
    graph = (
        f"[0:v]format=yuv420p,setsar=1[title];"
        f"[1:v]fps={fps},scale={p.width}:{p.height}:force_original_aspect_ratio=decrease,"
        f"pad={p.width}:{p.height}:(ow-iw)/2:(oh-ih)/2,setsar=1,format=yuv420p[main];"
        f"[main][2:v]overlay={lt.x}:{lt.y}:enable='between(t,{lt.start},{lt.end})'[withlt];"
        f"[withlt]subtitles='{ass}':fontsdir='{plan.fonts_dir}'[captioned];"
        f"[1:a]loudnorm=I={plan.target_lufs}:TP={plan.target_tp}:LRA={plan.target_lra}:measured_I={m.input_i}:"
        f"measured_TP={m.input_tp}:measured_LRA={max(m.input_lra, 0.1)}:measured_thresh={m.input_thresh}:"
        f"offset={m.target_offset}:linear=true,aresample=48000[speech];"
        f"[3:v]format=yuv420p,setsar=1[end];"
        f"[title][4:a][captioned][speech][end][5:a]concat=n=3:v=1:a=1[v][a]"
    )
    rate, maxrate, bufsize = p.rates_for(plan.fps)
    gop = p.gop_for(plan.fps)
    return [
        ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
        "-loop", "1", "-framerate", fps, "-t", str(plan.title.seconds), "-i", str(plan.title.image),
        "-ss", str(plan.trim_in), "-to", str(plan.trim_out), "-i", str(plan.source),
        "-loop", "1", "-framerate", fps, "-t", str(lt.end), "-i", str(lt.image),
        "-loop", "1", "-framerate", fps, "-t", str(plan.end.seconds), "-i", str(plan.end.image),
        "-f", "lavfi", "-t", str(plan.title.seconds), "-i", "anullsrc=r=48000:cl=stereo",
        "-f", "lavfi", "-t", str(plan.end.seconds), "-i", "anullsrc=r=48000:cl=stereo",
        "-filter_complex", graph, "-map", "[v]", "-map", "[a]",
        "-c:v", "libx264", "-preset", p.x264_preset, "-profile:v", "high", "-pix_fmt", "yuv420p",
        "-b:v", f"{rate}k", "-maxrate", f"{maxrate}k", "-bufsize", f"{bufsize}k",
        "-g", str(gop), "-keyint_min", str(gop), "-sc_threshold", "0", "-bf", "2",
        "-c:a", "aac", "-b:a", f"{p.audio_bitrate}k", "-ar", "48000", "-movflags", "+faststart", str(out),
    ]


def bench_hand_written(pf, preset: str, work: Path) -> float:
    plan = plan_render(pf, get_preset(preset), work / "hand.mp4", True, work / "hand-graphics")
    stderr = subprocess.run(build_measure_command(plan, ffmpeg_exe(), progress=False), capture_output=True,
                            text=True, check=True).stderr
    plan = dataclasses.replace(plan, loudness=LoudnormMeasure.from_report(parse_loudnorm(stderr)))
    command = hand_written_command(plan, work / "hand.mp4")
    start = time.perf_counter()
    subprocess.run(command, check=True, stdin=subprocess.DEVNULL)
    return time.perf_counter() - start


def bench_moviepy(pf, preset: str, work: Path) -> float | None:
    """The same composite in moviepy 2 (frames go through Python); loudness is not normalised here."""
    try:
        from moviepy import CompositeVideoClip, ImageClip, VideoFileClip, concatenate_videoclips
    except ImportError:
        return None
    from PIL import Image, ImageDraw

    from introstudio.core.render.brandkit import load_brand_kit
    from introstudio.core.render.textfit import load_font

    p = get_preset(preset)
    plan = plan_render(pf, p, work / "moviepy.mp4", False, work / "moviepy-graphics")
    kit = load_brand_kit()
    font = load_font(kit.font_bold, 54)
    start = time.perf_counter()
    main = VideoFileClip(str(plan.source)).subclipped(plan.trim_in, plan.trim_out)
    layers = [main]
    lt = plan.lower_third
    layers.append(ImageClip(str(lt.image)).with_start(lt.start).with_duration(lt.end - lt.start)
                  .with_position((lt.x, lt.y)))
    track = pf.project.captions_for(1)
    for i, cue in enumerate(track.cues):
        img = Image.new("RGBA", (1400, 150), (0, 0, 0, 0))
        draw = ImageDraw.Draw(img)
        draw.rectangle((0, 0, 1399, 149), fill=(0, 0, 0, 190))
        draw.multiline_text((30, 15), cue.text, font=font, fill="white")
        path = work / f"cap{i}.png"
        img.save(path)
        top = lt.start <= cue.start <= lt.end
        layers.append(ImageClip(str(path)).with_start(cue.start - plan.trim_in).with_duration(cue.duration)
                      .with_position(("center", 60 if top else p.height - 210)))
    body = CompositeVideoClip(layers, size=p.size).with_duration(plan.main_seconds)
    title = ImageClip(str(plan.title.image)).with_duration(plan.title.seconds)
    end = ImageClip(str(plan.end.image)).with_duration(plan.end.seconds)
    clip = concatenate_videoclips([title, body, end])
    rate, maxrate, bufsize = p.rates_for(plan.fps)
    clip.write_videofile(str(work / "moviepy.mp4"), fps=float(plan.fps), codec="libx264", preset=p.x264_preset,
                         bitrate=f"{rate}k", audio_codec="aac", audio_bitrate=f"{p.audio_bitrate}k",
                         audio_fps=48000, threads=2, logger=None,
                         ffmpeg_params=["-g", str(p.gop_for(plan.fps)), "-bf", "2", "-profile:v", "high",
                                        "-pix_fmt", "yuv420p", "-movflags", "+faststart"])
    clip.close()
    main.close()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the generated take")
    parser.add_argument("--preset", default="youtube-1080p")
    parser.add_argument("--noise", type=int, default=4, help="sensor-like noise strength (0 = clean pattern)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="alternate IntroStudio and hand-written runs N times and keep each one's best "
                             "(robust when other work shares the machine)")
    parser.add_argument("--no-moviepy", action="store_true")
    parser.add_argument("--keep", type=Path, help="keep the outputs in this (new) folder")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="introstudio-bench-")) if not args.keep else args.keep
    work.mkdir(parents=True, exist_ok=True)
    try:
        print(f"Generating {args.seconds:g} s of 1080p30 footage (noise {args.noise}) ...", flush=True)
        pf = make_project(work, args.seconds, args.noise)
        runs: list[tuple[float, dict[str, float], float]] = []
        hands: list[float] = []
        cpu: dict[str, float] = {}
        for i in range(max(1, args.repeat)):
            print(f"IntroStudio export (run {i + 1}) ...", flush=True)
            run, used = timed(bench_introstudio, pf, args.preset)
            runs.append(run)
            cpu["ours"] = min(cpu.get("ours", used), used)
            print(f"Hand-written ffmpeg command (run {i + 1}) ...", flush=True)
            wall, used = timed(bench_hand_written, pf, args.preset, work)
            hands.append(wall)
            cpu["hand"] = min(cpu.get("hand", used), used)
        ours, stages, duration = min(runs, key=lambda r: r[0])
        hand = min(hands)
        movie = None
        if not args.no_moviepy:
            print("moviepy composite ...", flush=True)
            movie, cpu["moviepy"] = timed(bench_moviepy, pf, args.preset, work)
        encode = stages.get("Encoding", ours)
        print()
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"clip: {duration:.1f} s ({args.seconds:g} s take + cards), preset {args.preset}, "
              f"{os.cpu_count()} cores, load average {load:.1f} at the end")
        if len(runs) > 1:
            print(f"best of {len(runs)}: IntroStudio {', '.join(f'{r[0]:.1f}' for r in runs)} s; "
                  f"hand-written {', '.join(f'{h:.1f}' for h in hands)} s")
        cores = os.cpu_count() or 1
        print(f"{'':<40}{'wall':>8}    {'speed':>6}         {'CPU':>7}   "
              f"(CPU / {cores} cores: speed on an idle machine)")

        def row(name: str, wall: float, used: float) -> None:
            idle = duration / (used / cores)
            print(f"{name:<40}{wall:8.1f} s  {duration / wall:5.2f}x  {used:9.1f} s   ~{idle:.2f}x")

        row("IntroStudio export (all passes)", ours, cpu["ours"])
        for name, seconds in stages.items():
            print(f"  {name:<38}{seconds:8.1f} s")
        row("hand-written single ffmpeg command", hand, cpu["hand"])
        if movie is not None:
            row("moviepy composite", movie, cpu["moviepy"])
        elif not args.no_moviepy:
            print("moviepy is not installed: `pip install moviepy` to compare")
        print()
        print(f"IntroStudio export / hand-written ffmpeg : {ours / hand:.2f} (CPU {cpu['ours'] / cpu['hand']:.2f})")
        print(f"IntroStudio encode pass / hand-written   : {encode / hand:.2f}")
        if movie is not None:
            print(f"moviepy / IntroStudio export             : {movie / ours:.2f} "
                  f"(CPU {cpu['moviepy'] / cpu['ours']:.2f})")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
