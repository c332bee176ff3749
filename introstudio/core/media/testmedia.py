"""Tiny synthetic media made with ffmpeg's lavfi sources, for tests and the sample project."""

from __future__ import annotations

import os
from pathlib import Path

from introstudio.core.media.tools import run_ffmpeg

# Items of `make_bad_corpus` that IntroStudio must accept; every other item must be refused.
VALID_CORPUS_ITEMS = frozenset({"valid_unicode_name"})

_FAST_ENCODERS = {
    "libx264": ["-preset", "ultrafast"],
    "libx265": ["-preset", "ultrafast", "-x265-params", "log-level=error"],
}


def make_clip(
    path: str | os.PathLike[str],
    seconds: float = 2.0,
    size: tuple[int, int] = (320, 240),
    fps: float = 25,
    audio: bool = True,
    rotation: int = 0,
    pix_fmt: str = "yuv420p",
    vfr: bool = False,
    codec: str = "libx264",
    tone_hz: float = 440,
) -> Path:
    """Write a test-pattern clip (with a sine tone) and return its path.

    `rotation` is the clockwise turn a player applies to show it upright (phone portrait = 90); it is
    stored as a display matrix, the pixels stay `size`. `vfr` drops every third frame, so frame
    intervals alternate between one and two frame times. Odd sizes need e.g. pix_fmt='yuv444p'.
    """
    out = Path(path)
    width, height = size
    video_src = f"testsrc2=size={width + width % 2}x{height + height % 2}:rate={fps:g}:duration={seconds:g}"
    args: list[str] = ["-y"]
    if rotation % 360:
        # -display_rotation is counter-clockwise; -noautorotate keeps ffmpeg from turning the pixels.
        args += ["-noautorotate", "-display_rotation", f"{-rotation % 360:g}"]
    args += ["-f", "lavfi", "-i", video_src]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency={tone_hz:g}:sample_rate=48000:duration={seconds:g}"]
    args += ["-map", "0:v"] + (["-map", "1:a"] if audio else [])
    # testsrc2 and crop round to even sizes in 4:2:0, so convert first, then crop to the odd size.
    filters = [f"format={pix_fmt}", f"crop={width}:{height}:0:0"] if width % 2 or height % 2 else []
    if vfr:
        filters.append(r"select=not(eq(mod(n\,3)\,1))")
        args += ["-fps_mode", "vfr"]
    if filters:
        args += ["-vf", ",".join(filters)]
    args += ["-c:v", codec, *_FAST_ENCODERS.get(codec, []), "-pix_fmt", pix_fmt]
    if audio:
        args += ["-c:a", "aac", "-b:a", "64k"]
    run_ffmpeg([*args, str(out)], timeout=120)
    return out


def make_audio_only(path: str | os.PathLike[str], seconds: float = 2.0, cover_art: bool = False) -> Path:
    """Write an audio file (AAC in .m4a, or MP3 by extension); `cover_art` adds an attached picture."""
    out = Path(path)
    args = ["-y", "-f", "lavfi", "-i", f"sine=frequency=330:sample_rate=44100:duration={seconds:g}"]
    if cover_art:
        args += ["-f", "lavfi", "-i", "testsrc2=size=64x64:rate=1", "-frames:v", "1", "-map", "0:a", "-map", "1:v"]
        args += ["-c:v", "png" if out.suffix.lower() == ".mp3" else "mjpeg", "-disposition:v", "attached_pic"]
    codec = "libmp3lame" if out.suffix.lower() == ".mp3" else "aac"
    run_ffmpeg([*args, "-c:a", codec, "-b:a", "64k", str(out)], timeout=60)
    return out


def make_image(path: str | os.PathLike[str], size: tuple[int, int] = (160, 120)) -> Path:
    """Write one still frame (PNG or JPEG by extension)."""
    out = Path(path)
    run_ffmpeg(["-y", "-f", "lavfi", "-i", f"testsrc2=size={size[0]}x{size[1]}", "-frames:v", "1", str(out)])
    return out


def make_truncated_mp4(path: str | os.PathLike[str], seconds: float = 2.0) -> Path:
    """Write an MP4 cut off mid-recording: its moov index (written last, no faststart) is missing."""
    out = Path(path)
    whole = out.with_name(out.name + ".whole.mp4")
    try:
        make_clip(whole, seconds=seconds)
        data = whole.read_bytes()
    finally:
        whole.unlink(missing_ok=True)
    moov = data.rfind(b"moov")
    if moov < 0 or moov < data.rfind(b"mdat"):
        raise RuntimeError("expected ffmpeg to write the moov index after the media data")
    out.write_bytes(data[: min(moov - 4, len(data) * 2 // 3)])
    return out


def make_bad_corpus(directory: str | os.PathLike[str]) -> dict[str, Path]:
    """Write the import-check corpus: files IntroStudio must refuse, plus one valid oddly named clip."""
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    corpus: dict[str, Path] = {}

    corpus["zero_byte"] = root / "empty.mp4"
    corpus["zero_byte"].write_bytes(b"")
    corpus["text_as_mp4"] = root / "notes.mp4"
    corpus["text_as_mp4"].write_text("Script: Hello, I'm Dr Patel, a consultant in...\n", encoding="utf-8")
    corpus["pdf_as_mov"] = root / "consent form.mov"
    corpus["pdf_as_mov"].write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    corpus["truncated_mp4"] = make_truncated_mp4(root / "cut off.mp4")
    corpus["audio_only"] = make_audio_only(root / "voice memo.m4a")
    corpus["audio_with_cover"] = make_audio_only(root / "podcast.mp3", cover_art=True)
    corpus["png_image"] = make_image(root / "headshot.png")
    corpus["too_short"] = make_clip(root / "blip.mp4", seconds=0.4, size=(64, 48), audio=False)
    corpus["valid_unicode_name"] = make_clip(root / "Dr O'Brien – Señora.mp4", seconds=1.5, size=(160, 120))
    return corpus
