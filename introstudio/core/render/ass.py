"""Burned-in captions as an ASS file for libass (ffmpeg's `subtitles`/`ass` filter) in the brand font.

Captions sit bottom-centre inside the title-safe area on a box for legibility. The box is libass's
BorderStyle=4 (one box per cue, colour and alpha from BackColour, padding from the shadow offsets)
rather than BorderStyle=3, which boxes each line separately so a translucent box shows a darker band
where two lines' boxes overlap. Only libass renders these files, so the libass extension is safe. A cue that
overlaps any `avoid` window (the lower third's time on screen) moves to the top for its whole
duration, so a caption never jumps mid-cue and never covers the name strap.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from introstudio.core.captions.cues import Cue
from introstudio.core.render.brandkit import BrandKit, hex_to_rgb

Size = tuple[int, int]
BOTTOM_STYLE = "Bottom"
TOP_STYLE = "Top"
_TOLERANCE = 0.001  # seconds: touching is not overlapping
_WORD_JOINER = "\u2060"  # invisible; breaks "\N"-like sequences after a literal backslash
_GRAPH_SPECIALS = "\\'[],;"
STYLE_FORMAT = ("Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, "
                "Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, "
                "Alignment, MarginL, MarginR, MarginV, Encoding")


@dataclass(frozen=True)
class CaptionStyle:
    """Pixel geometry of burned-in captions for one frame size."""

    font_size: int
    box_padding_x: int
    box_padding_y: int
    margin_x: int
    margin_bottom: int
    margin_top: int


def caption_style(size: Size) -> CaptionStyle:
    """Font size and margins: ~4.8% of the height for landscape, relatively larger in vertical frames."""
    w, h = size
    aspect = w / h
    if aspect >= 1.25:
        font = 0.048 * h
    elif aspect >= 0.8:
        font = 0.05 * h
    else:
        font = 0.062 * w
    font_size = max(8, round(font))
    pad_x, pad_y = max(2, round(font_size * 0.4)), max(1, round(font_size * 0.16))
    safe_x, safe_y = round(w * 0.05), round(h * 0.05)
    # Vertical video: phone apps cover the bottom fifth with their controls, so captions sit above it.
    bottom = round(h * 0.20) if aspect < 0.8 else safe_y
    return CaptionStyle(font_size, pad_x, pad_y, safe_x + pad_x, bottom + pad_y, safe_y + pad_y)


def write_ass(cues: Sequence[Cue], path: str | Path, kit: BrandKit, size: Size,
              avoid: Sequence[tuple[float, float]] = ()) -> Path:
    """Write `cues` as a UTF-8 ASS file sized to the output frame; cues overlapping `avoid` go to the top."""
    path = Path(path)
    w, h = size
    style = caption_style(size)
    family, weight = kit.caption_font
    bold = -1 if weight == 700 else (0 if weight == 400 else weight)
    text = ass_colour(kit.caption_text_colour)
    box = ass_colour(kit.caption_box_colour, kit.caption_box_opacity)
    fields = (f"{family},{style.font_size},{text},{text},{box},{box},{bold},0,0,0,100,100,0,0,4,"
              f"0,{style.box_padding_y}")
    padding = f"{{\\xshad{style.box_padding_x}\\yshad{style.box_padding_y}}}"
    lines = [
        "[Script Info]",
        "; Burned-in captions written by IntroStudio",
        "ScriptType: v4.00+",
        f"PlayResX: {w}",
        f"PlayResY: {h}",
        "WrapStyle: 0",
        "ScaledBorderAndShadow: yes",
        "YCbCr Matrix: None",
        "",
        "[V4+ Styles]",
        ("Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, "
        "Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, "
        "Alignment, MarginL, MarginR, MarginV, Encoding"),
        f"Style: {BOTTOM_STYLE},{fields},2,{style.margin_x},{style.margin_x},{style.margin_bottom},1",
        f"Style: {TOP_STYLE},{fields},8,{style.margin_x},{style.margin_x},{style.margin_top},1",
        "",
        "[Events]",
        "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
    ]
    for cue in sorted(cues, key=lambda c: (c.start, c.end)):
        body = r"\N".join(ass_escape(line) for line in cue.lines)
        if not body.strip():
            continue
        start, end = ass_time(cue.start), ass_time(max(cue.end, cue.start + 0.01))
        placement = TOP_STYLE if overlaps(cue, avoid) else BOTTOM_STYLE
        lines.append(f"Dialogue: 0,{start},{end},{placement},,0,0,0,,{padding}{body}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def overlaps(cue: Cue, windows: Sequence[tuple[float, float]]) -> bool:
    """True when the cue is on screen at any moment inside any (start, end) window."""
    return any(cue.start < b - _TOLERANCE and cue.end > a + _TOLERANCE for a, b in windows)


def ass_time(seconds: float) -> str:
    """Seconds -> ASS time 'h:mm:ss.cc' (centiseconds, rounded)."""
    cs = max(0, round(seconds * 100))
    h, rest = divmod(cs, 360_000)
    m, rest = divmod(rest, 6_000)
    s, cs = divmod(rest, 100)
    return f"{h}:{m:02d}:{s:02d}.{cs:02d}"


def ass_colour(colour: str, opacity: float = 1.0) -> str:
    """'#RRGGBB' and opacity 0..1 -> ASS '&HAABBGGRR' (ASS alpha is inverted: 00 is opaque)."""
    r, g, b = hex_to_rgb(colour)
    alpha = round((1 - min(1.0, max(0.0, opacity))) * 255)
    return f"&H{alpha:02X}{b:02X}{g:02X}{r:02X}"


def ass_escape(text: str) -> str:
    """Caption text -> ASS event text shown literally: braces escaped, backslashes defused, newlines -> \\N."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\\", "\\" + _WORD_JOINER)
    text = text.replace("{", "\\{").replace("}", "\\}")
    return text.replace("\n", "\\N")


def ffmpeg_filter_path(path: str | os.PathLike[str]) -> str:
    """A path escaped for use as a filter option inside an ffmpeg filtergraph string (-vf/-filter_complex).

    Two levels: the option value (\\ ' :) and then the filtergraph (\\ ' [ ] , ;). For hand-written
    filter strings only; ffmpeg-python escapes its own filter arguments, so give it the plain path.
    """
    text = os.fspath(path)
    if os.name == "nt":
        text = text.replace("\\", "/")
    text = text.replace("\\", "\\\\").replace("'", "\\'").replace(":", "\\:")
    return "".join("\\" + ch if ch in _GRAPH_SPECIALS else ch for ch in text)


def subtitles_filter(ass_path: str | os.PathLike[str], fonts_dir: str | os.PathLike[str]) -> str:
    """The `subtitles=...` filter that burns an ASS file with fonts from `fonts_dir` (e.g. kit.fonts_dir)."""
    return f"subtitles=filename={ffmpeg_filter_path(ass_path)}:fontsdir={ffmpeg_filter_path(fonts_dir)}"
