"""RenderPlan -> ffmpeg argument lists, built with ffmpeg-python. Pure: no file is read, nothing is run.

The export is ONE ffmpeg pass: title card still + trimmed take (fps -> scale/crop -> pad -> yuv420p ->
lower third overlay -> burned captions) + end card still, joined by `concat` with their audio (silence
for the cards, and for a take without audio). Stills are decoded and converted once, then cloned by
`tpad` (a looped image input would decode the PNG again for every frame). The take's audio goes through
two-pass `loudnorm` with the values pass 1 measured. Rotation needs no filter: ffmpeg's decoder
autorotates by the display matrix, and the rotation is not copied to the output, so it comes out upright.

ffmpeg-python escapes filter options at both levels (option and filtergraph), so paths and expressions
are passed raw here; never pass a pre-escaped filter path (it would be escaped twice).
"""

from __future__ import annotations

import json
import os
from fractions import Fraction
from pathlib import Path
from typing import Any

import ffmpeg

from introstudio.core.errors import ToolError
from introstudio.core.render.plan import Card, RenderPlan

AUDIO_LAYOUT = "stereo"
COLOR = {"out_color_matrix": "bt709", "out_range": "tv"}


def global_args(ffmpeg_path: str, progress: bool, loglevel: str = "warning") -> list[str]:
    """The executable and the options that come before every input."""
    args = [ffmpeg_path, "-hide_banner", "-nostdin", "-y", "-loglevel", loglevel]
    if progress:
        args += ["-progress", "pipe:1", "-nostats"]
    return args


def fps_text(fps: Fraction) -> str:
    """A frame rate as ffmpeg writes it: '30' or '30000/1001'."""
    fps = Fraction(fps)
    return str(fps.numerator) if fps.denominator == 1 else f"{fps.numerator}/{fps.denominator}"


def seconds_text(value: float) -> str:
    """Seconds with millisecond precision and no trailing zeros ('3', '1.5', '12.345')."""
    text = f"{float(value):.3f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def _silence(seconds: float, rate: int) -> Any:
    return ffmpeg.input(f"anullsrc=r={rate}:cl={AUDIO_LAYOUT}", f="lavfi", t=seconds_text(seconds)).audio


def _to_output_frame(stream: Any, plan: RenderPlan, footage: bool = False) -> Any:
    """Scale (fit or centre-crop) to the preset size, square pixels, BT.709 8-bit 4:2:0.

    For footage the input matrix and range are stated, so BT.709 footage at the output size passes
    through the scale filter untouched; stills are RGB, where only the output matrix matters.
    """
    width, height = plan.preset.size
    colour = dict(COLOR)
    if footage:
        colour = {"in_color_matrix": plan.source_color_matrix,
                  "in_range": "pc" if plan.source_full_range else "tv", **COLOR}
    if plan.preset.reframe == "crop-center":
        stream = stream.filter("scale", w=width, h=height, force_original_aspect_ratio="increase", **colour)
        stream = stream.filter("crop", w=width, h=height)
    else:
        stream = stream.filter("scale", w=width, h=height, force_original_aspect_ratio="decrease",
                               force_divisible_by=2, **colour)
        stream = stream.filter("pad", w=width, h=height, x="(ow-iw)/2", y="(oh-ih)/2", color="black")
    return stream.filter("setsar", sar="1").filter("format", pix_fmts=plan.preset.pix_fmt)


def _still(image: Path, seconds: float, plan: RenderPlan, pix_fmt: str | None = None) -> Any:
    """A still held for `seconds`: decoded and converted once, then cloned (no per-frame PNG decode)."""
    video = ffmpeg.input(str(image), framerate=fps_text(plan.fps)).video
    video = _to_output_frame(video, plan) if pix_fmt is None else video.filter("format", pix_fmts=pix_fmt)
    frames = max(1, round(seconds * plan.fps))
    return video.filter("tpad", stop_mode="clone", stop=str(frames - 1)) if frames > 1 else video


def _card(card: Card, plan: RenderPlan) -> tuple[Any, Any]:
    """A full-frame card held for its seconds, with silence."""
    return _still(card.image, card.seconds, plan), _silence(card.seconds, plan.preset.audio_rate)


def _main(plan: RenderPlan) -> tuple[Any, Any]:
    """The trimmed take with the lower third and burned captions, and its normalised audio."""
    take = ffmpeg.input(str(plan.source), ss=seconds_text(plan.trim_in), to=seconds_text(plan.trim_out))
    video = _to_output_frame(take.video.filter("fps", fps=fps_text(plan.fps)), plan, footage=True)
    lt = plan.lower_third
    if lt is not None:
        seconds = lt.end - lt.start
        fade = min(lt.fade, seconds / 3)
        over = _still(lt.image, seconds, plan, pix_fmt="rgba")
        if fade > 0:
            over = over.filter("fade", type="in", start_time="0", duration=seconds_text(fade), alpha="1")
            over = over.filter("fade", type="out", start_time=seconds_text(seconds - fade),
                               duration=seconds_text(fade), alpha="1")
        over = over.filter("setpts", f"PTS+{seconds_text(lt.start)}/TB")
        video = ffmpeg.overlay(video, over, x=str(lt.x), y=str(lt.y), eof_action="pass", format="yuv420")
    if plan.captions_ass is not None:
        options = {"filename": str(plan.captions_ass)}
        if plan.fonts_dir is not None:
            options["fontsdir"] = str(plan.fonts_dir)
        video = video.filter("subtitles", **options)
    if not plan.source_has_audio:
        return video, _silence(plan.main_seconds, plan.preset.audio_rate)
    audio = take.audio.filter("aformat", sample_fmts="fltp", sample_rates=str(plan.preset.audio_rate),
                              channel_layouts=AUDIO_LAYOUT)
    if plan.loudness is not None:
        # loudnorm reads measured_lra=0 as "not measured" and then drops linear mode; a steady tone
        # really measures 0 LU, so pass at least 0.1 to keep the plain gain the measurement allows.
        m = plan.loudness
        audio = audio.filter(
            "loudnorm", i=_num(plan.target_lufs), tp=_num(plan.target_tp), lra=_num(plan.target_lra),
            measured_i=_num(m.input_i), measured_tp=_num(m.input_tp), measured_lra=_num(max(m.input_lra, 0.1)),
            measured_thresh=_num(m.input_thresh), offset=_num(m.target_offset), linear="true",
            print_format="none")
        audio = audio.filter("aresample", str(plan.preset.audio_rate))  # loudnorm works (and outputs) at 192 kHz
    return video, audio


def output_options(plan: RenderPlan) -> dict[str, str]:
    """Encoder and muxer options of the preset: H.264 High, closed GOP of fps/2, AAC-LC, faststart."""
    p = plan.preset
    gop = p.gop_for(plan.fps)
    # x264 signals the lowest profile its features need: 8x8dct keeps fast presets (ultrafast) at High.
    options = {
        "c:v": "libx264", "preset": p.x264_preset, "profile:v": p.profile, "pix_fmt": p.pix_fmt,
        "g": str(gop), "keyint_min": str(gop), "sc_threshold": "0", "bf": "2", "x264-params": "open-gop=0:8x8dct=1",
        "fps_mode": "cfr", "r": fps_text(plan.fps),
        "c:a": "aac", "profile:a": "aac_low", "b:a": f"{p.audio_bitrate}k", "ar": str(p.audio_rate), "ac": "2",
        "movflags": "+faststart", "map_metadata": "-1", "map_chapters": "-1", "f": "mp4",
    }
    rates = p.rates_for(plan.fps)
    if rates is None:
        options["crf"] = _num(p.crf if p.crf is not None else 23)
    else:
        bitrate, maxrate, bufsize = rates
        options.update({"b:v": f"{bitrate}k", "maxrate": f"{maxrate}k", "bufsize": f"{bufsize}k"})
    return options


def build_command(plan: RenderPlan, ffmpeg_path: str = "ffmpeg", progress: bool = True) -> list[str]:
    """The single-pass export command for `plan` (writes plan.output)."""
    segments = ([_card(plan.title, plan)] if plan.title else []) + [_main(plan)]
    segments += [_card(plan.end, plan)] if plan.end else []
    if len(segments) == 1:
        video, audio = segments[0]
    else:
        joined = ffmpeg.concat(*[s for pair in segments for s in pair], v=1, a=1).node
        video, audio = joined[0], joined[1]
    video = video.filter("setparams", range="tv", color_primaries="bt709", color_trc="bt709", colorspace="bt709")
    out = ffmpeg.output(video, audio, str(plan.output), **output_options(plan))
    return out.compile(cmd=global_args(ffmpeg_path, progress))


def build_measure_command(plan: RenderPlan, ffmpeg_path: str = "ffmpeg", progress: bool = True) -> list[str]:
    """Loudnorm pass 1: measure the trimmed take's audio (same format chain as pass 2), printing JSON."""
    take = ffmpeg.input(str(plan.source), ss=seconds_text(plan.trim_in), to=seconds_text(plan.trim_out))
    audio = take.audio.filter("aformat", sample_fmts="fltp", sample_rates=str(plan.preset.audio_rate),
                              channel_layouts=AUDIO_LAYOUT)
    return _measure(audio, plan.target_lufs, plan.target_tp, plan.target_lra, ffmpeg_path, progress)


def build_loudness_check_command(video: str | os.PathLike[str], report: str | os.PathLike[str],
                                 ffmpeg_path: str = "ffmpeg", progress: bool = True) -> list[str]:
    """Measure an exported file (integrated loudness, true peak) with ebur128, as key=value lines in `report`.

    ebur128 costs a tenth of loudnorm (which resamples to 192 kHz); `parse_ebur128_report` reads the file.
    """
    audio = ffmpeg.input(os.fspath(video)).audio
    audio = audio.filter("ebur128", peak="true", metadata="1")
    audio = audio.filter("ametadata", mode="print", file=os.fspath(report))
    out = ffmpeg.output(audio, "-", f="null", vn=None, sn=None, dn=None)
    return out.compile(cmd=global_args(ffmpeg_path, progress, loglevel="error"))


def parse_ebur128_report(text: str) -> dict[str, float | None]:
    """{'integrated': LUFS, 'true_peak': dBTP} from ebur128's metadata lines (last I, highest true peak)."""
    import math

    integrated: float | None = None
    peak = 0.0
    for line in text.splitlines():
        key, sep, value = line.strip().partition("=")
        if not sep:
            continue
        try:
            number = float(value)
        except ValueError:
            continue
        if key == "lavfi.r128.I":
            integrated = number
        elif key == "lavfi.r128.true_peak" and math.isfinite(number):
            peak = max(peak, number)
    if integrated is not None and integrated <= -70:
        integrated = None  # silence: below the absolute gate
    return {"integrated": integrated, "true_peak": round(20 * math.log10(peak), 2) if peak > 0 else None}


def _measure(audio: Any, lufs: float, tp: float, lra: float, ffmpeg_path: str, progress: bool) -> list[str]:
    audio = audio.filter("loudnorm", i=_num(lufs), tp=_num(tp), lra=_num(lra), print_format="json")
    out = ffmpeg.output(audio, "-", f="null", vn=None, sn=None, dn=None)
    return out.compile(cmd=global_args(ffmpeg_path, progress, loglevel="info"))


def parse_loudnorm(stderr: str) -> dict[str, float | str]:
    """The JSON block loudnorm prints at the end of a run, numbers as floats ('-inf' included)."""
    marker = stderr.rfind("Parsed_loudnorm")
    start = stderr.find("{", marker if marker >= 0 else 0)
    end = stderr.find("}", start)
    if start < 0 or end < 0:
        raise ToolError("ffmpeg did not report the loudness measurement.", stderr=stderr,
                        hint="Check that the take has an audio track ffmpeg can decode.")
    try:
        raw = json.loads(stderr[start:end + 1])
    except json.JSONDecodeError as exc:
        raise ToolError(f"ffmpeg's loudness report could not be read: {exc}.", stderr=stderr) from None
    values: dict[str, float | str] = {}
    for key, value in raw.items():
        try:
            values[key] = float(value)
        except (TypeError, ValueError):
            values[key] = str(value)
    return values


def build_copy_command(src: str | os.PathLike[str], out: str | os.PathLike[str], start: float,
                       end: float | None, ffmpeg_path: str = "ffmpeg", progress: bool = True) -> list[str]:
    """A cut without effects: stream copy (no re-encode; the cut snaps to the keyframe before `start`)."""
    options: dict[str, Any] = {"ss": seconds_text(start)}
    if end is not None:
        options["to"] = seconds_text(end)
    stream = ffmpeg.input(os.fspath(src), **options)
    out_stream = ffmpeg.output(stream, os.fspath(out), c="copy", avoid_negative_ts="make_zero",
                               movflags="+faststart", map_metadata="-1")
    return out_stream.compile(cmd=global_args(ffmpeg_path, progress))


def build_frame_command(src: str | os.PathLike[str], at: float, out_png: str | os.PathLike[str],
                        ffmpeg_path: str = "ffmpeg", width: int | None = None) -> list[str]:
    """Grab one upright frame at `at` seconds as an image (accurate seek), optionally scaled to `width`."""
    stream = ffmpeg.input(os.fspath(src), ss=seconds_text(max(0.0, at))).video
    if width:
        stream = stream.filter("scale", w=str(width), h="-2")
    out = ffmpeg.output(stream, os.fspath(out_png), update="1", **{"frames:v": "1"})
    return out.compile(cmd=global_args(ffmpeg_path, progress=False, loglevel="error"))


def _num(value: float) -> str:
    """A number as a short decimal string for filter options ('-14', '-1.5', '0.25')."""
    return seconds_text(float(value)) if abs(value) != float("inf") else ("-99" if value < 0 else "99")

