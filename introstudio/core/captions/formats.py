"""SRT and WebVTT files: strict readers that name the bad line, and atomic UTF-8 writers.

Readers return a `CaptionFile` (cues plus warnings, e.g. an encoding guessed because the file is not
UTF-8). A file that cannot be read faithfully raises InvalidInputError with the line number, rather
than silently dropping or merging cues as lenient parsers do.

SRT: a strict pre-check walks the file and raises naming the first bad line (pysrt's lenient reading
would fold a cue whose blank line is missing into the previous cue's text); pysrt then parses the cues.
pysrt is given the lines already split on '\n' only: its own `from_string` uses str.splitlines, which
also breaks a caption line at U+2028, U+0085 (NEL, e.g. from a Latin-1 file) or a form feed. A tab
between the end time and display coordinates is something pysrt reads as part of the time, so such a
file is refused with its line. WebVTT has no pysrt reader and is parsed here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pysrt

from introstudio.core.captions.cues import Cue
from introstudio.core.project.atomic import atomic_write_bytes
from introstudio.core.errors import InvalidInputError, NotFoundError
from introstudio.core.textfiles import read_text_guess

EXTENSIONS = (".srt", ".vtt")
_SRT_TIME = r"(\d+):([0-5]\d):([0-5]\d)([,.])(\d{3})"
_SRT_TIMING = re.compile(rf"^{_SRT_TIME}[ \t]+-->[ \t]+{_SRT_TIME}(?:[ \t]+(.*))?$")
_VTT_TIME = r"(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})"
_VTT_TIMING = re.compile(rf"^{_VTT_TIME}[ \t]+-->[ \t]+{_VTT_TIME}(?:[ \t]+(.*))?$")
_VTT_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&nbsp;": "\u00a0", "&lrm;": "\u200e", "&rlm;": "\u200f"}
_VTT_ENTITY = re.compile("|".join(map(re.escape, _VTT_ENTITIES)))
_VTT_KEEP_TAG = re.compile(r"</?(?:[ibuv]|c|lang|ruby|rt)(?:[. ][^<>]*)?>")
_SRT_EXAMPLE = "00:00:01,000 --> 00:00:03,500"
_VTT_EXAMPLE = "00:01.000 --> 00:03.500"


@dataclass(frozen=True)
class CaptionFile:
    """What a caption file held: its cues, what the reader had to guess, and its format."""

    cues: tuple[Cue, ...]
    warnings: tuple[str, ...] = ()
    format: str = "srt"  # "srt" or "vtt"
    header: tuple[str, ...] = ()  # WebVTT header metadata lines after "WEBVTT", e.g. "Language: en"


def _bad(path: Path, line: int, problem: str, hint: str) -> InvalidInputError:
    return InvalidInputError(f"{path.name}, line {line}: {problem}", hint)


def _decode(path: Path) -> tuple[str, list[str]]:
    """The file's text (newlines normalised) and warnings, by the one encoding policy (core/textfiles.py)."""
    guess = read_text_guess(path, what="caption file")
    warnings = list(guess.warnings)
    if guess.encoding == "utf-16":
        warnings.append(f"{path.name} is UTF-16; it was read correctly, but YouTube needs UTF-8, "
                        "so save it as UTF-8 before uploading it elsewhere.")
    return guess.text, warnings


def _ms(hours: str | None, minutes: str, seconds: str, millis: str) -> int:
    return ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + int(millis)


def _blocks(lines: Sequence[str]) -> Iterator[tuple[int, list[str]]]:
    """Runs of non-blank lines as (1-based number of the first line, lines)."""
    block: list[str] = []
    first = 0
    for number, line in enumerate(lines, 1):
        if line.strip():
            if not block:
                first = number
            block.append(line)
        elif block:
            yield first, block
            block = []
    if block:
        yield first, block


def read_srt(path: str | Path) -> CaptionFile:
    """Read a SubRip file: a strict check names any bad line, then pysrt parses the cues."""
    path = Path(path)
    text, warnings = _decode(path)
    lines = text.split("\n")
    firsts = _check_srt(path, lines, warnings)
    return CaptionFile(tuple(_pysrt_cues(path, lines, firsts)), tuple(warnings), "srt")


def _check_srt(path: Path, lines: Sequence[str], warnings: list[str]) -> list[int]:
    """Raise InvalidInputError naming the first bad line (pysrt would guess); note oddities in `warnings`.

    Returns the number of each cue's first line, for pysrt's errors.
    """
    hint = f"Fix that line in a text editor (a cue is: number, timing like '{_SRT_EXAMPLE}', text, blank line)."
    firsts: list[int] = []
    expected_index = 1
    comma_warned = False
    for first, block in _blocks(lines):
        firsts.append(first)
        index = block[0].strip()
        if _SRT_TIMING.match(index):
            raise _bad(path, first, "timing line without a cue number before it", hint)
        if not index.isdigit():
            raise _bad(path, first, f"expected a cue number, found '{index[:40]}'", hint)
        if int(index) != expected_index:
            warnings.append(f"{path.name}, line {first}: cue number {index} where {expected_index} was expected.")
        expected_index = int(index) + 1
        if len(block) < 2:
            raise _bad(path, first + 1, f"cue {index} has no timing line", hint)
        timing = block[1].strip()
        match = _SRT_TIMING.match(timing)
        if not match:
            raise _bad(path, first + 1, f"malformed timing line '{timing[:60]}'", hint)
        g = match.groups()
        if "." in (g[3], g[8]) and not comma_warned:
            comma_warned = True
            warnings.append(f"{path.name}, line {first + 1}: '.' used before the milliseconds; SRT uses ','.")
        if _ms(g[5], g[6], g[7], g[9]) < _ms(g[0], g[1], g[2], g[4]):
            raise _bad(path, first + 1, f"cue {index} ends before it starts ('{timing}')", hint)
        if g[10]:
            warnings.append(f"{path.name}, line {first + 1}: display coordinates '{g[10]}' were ignored.")
        for offset, line in enumerate(block[2:]):
            if "-->" in line and _SRT_TIMING.match(line.strip()):
                raise _bad(path, first + 2 + offset,
                           f"a timing line inside the text of cue {index}; a blank line is probably missing "
                           "before the cue it starts", "Add the blank line that separates cues.")
    return firsts


def _pysrt_cues(path: Path, lines: Sequence[str], firsts: Sequence[int]) -> Iterator[Cue]:
    """The cues as pysrt parses the checked lines (given already split, so only '\\n' ends a line)."""
    items = pysrt.SubRipFile.stream((line + "\n" for line in lines), error_handling=pysrt.ERROR_RAISE)
    number = 0
    try:
        for number, item in enumerate(items, 1):
            text = tuple(line.strip() for line in item.text.split("\n")) if item.text else ()
            yield Cue(item.start.ordinal / 1000, item.end.ordinal / 1000, text)
    except pysrt.Error as exc:  # a tab before display coordinates: pysrt reads them as part of the end time
        timing = isinstance(exc, pysrt.InvalidTimeString)
        line = (firsts[number] + timing) if number < len(firsts) else len(lines)
        raise _bad(path, line, f"{'the timing of ' if timing else ''}cue {number + 1} cannot be read by the "
                   f"SubRip parser ({type(exc).__name__})", "Put a single space between the end time and anything "
                   "after it (e.g. display coordinates), or re-export the file.") from None


def read_vtt(path: str | Path) -> CaptionFile:
    """Read a WebVTT file: header metadata kept, NOTE/STYLE/REGION blocks skipped, cue settings kept."""
    path = Path(path)
    text, warnings = _decode(path)
    lines = text.split("\n")
    hint = f"Fix that line in a text editor (a cue is: optional id, timing like '{_VTT_EXAMPLE}', text, blank line)."
    if not re.match(r"^WEBVTT(?:[ \t].*)?$", lines[0]):
        raise _bad(path, 1, "a WebVTT file must start with 'WEBVTT'", "Choose a .vtt file, or add the WEBVTT line.")
    header: list[str] = []
    cues: list[Cue] = []
    for first, block in _blocks(lines):
        if first == 1:
            header = [ln.strip() for ln in block[1:]]
            for offset, line in enumerate(header):
                if "-->" in line:
                    raise _bad(path, 2 + offset, "a timing line inside the header; a blank line is probably "
                               "missing after the WEBVTT line", "Add a blank line after the header.")
            continue
        head = block[0].strip()
        if re.match(r"^(NOTE|STYLE|REGION)(?:[ \t]|$)", head) and "-->" not in head:
            continue
        at = 0 if "-->" in head else 1
        if at >= len(block):
            raise _bad(path, first, f"expected a timing line, found '{head[:40]}'", hint)
        timing = block[at].strip()
        match = _VTT_TIMING.match(timing)
        if not match:
            raise _bad(path, first + at, f"malformed timing line '{timing[:60]}'", hint)
        g = match.groups()
        start, end = _ms(*g[0:4]), _ms(*g[4:8])
        if end < start:
            raise _bad(path, first + at, f"cue ends before it starts ('{timing}')", hint)
        body = [ln.strip() for ln in block[at + 1:]]
        for offset, line in enumerate(body):
            if "-->" in line:
                raise _bad(path, first + at + 1 + offset,
                           "a timing line inside a cue's text; a blank line is probably missing before it",
                           "Add the blank line that separates cues.")
        settings = " ".join((g[8] or "").split())
        text_lines = tuple(_VTT_ENTITY.sub(lambda m: _VTT_ENTITIES[m.group()], ln) for ln in body)
        cues.append(Cue(start / 1000, end / 1000, text_lines, settings=settings))
    return CaptionFile(tuple(cues), tuple(warnings), "vtt", tuple(header))


def _stamp(seconds: float, sep: str) -> str:
    ms = round(seconds * 1000)
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}{sep}{ms % 1000:03d}"


def _checked_lines(cues: Sequence[Cue]) -> Iterator[tuple[int, Cue, list[str]]]:
    """Each cue's non-blank lines, refusing what a caption file cannot hold."""
    for number, cue in enumerate(cues, 1):
        if cue.start < 0 or cue.end < cue.start:
            raise InvalidInputError(f"Cue {number} runs from {cue.start:.3f} s to {cue.end:.3f} s.",
                                    "Fix the cue's timing: it must start at or after 0 and end after it starts.")
        lines = [" ".join(ln.split()) for ln in cue.lines if ln.strip()]
        if any("-->" in ln for ln in lines):
            raise InvalidInputError(f"Cue {number}'s text contains '-->', which caption files cannot hold.",
                                    "Replace '-->' in the caption text, e.g. with an arrow character.")
        yield number, cue, lines


def _atomic_write(path: Path, text: str) -> None:
    """Write UTF-8 (no BOM) so a crash leaves the old file or the new one, never half of one."""
    if not path.parent.is_dir():
        raise NotFoundError(f"Folder not found: {path.parent}", "Choose an existing folder to save captions in.")
    atomic_write_bytes(path, text.encode("utf-8"))


def write_srt(cues: Sequence[Cue], path: str | Path) -> None:
    """Write cues as SubRip (UTF-8, numbered from 1, blank line after each cue)."""
    parts = []
    for number, cue, lines in _checked_lines(cues):
        parts.append(f"{number}\n{_stamp(cue.start, ',')} --> {_stamp(cue.end, ',')}\n" + "".join(
            f"{ln}\n" for ln in lines) + "\n")
    _atomic_write(Path(path), "".join(parts))


def _vtt_escape(line: str) -> str:
    """Escape &, < and > except inside WebVTT formatting tags such as <i> and </i>."""
    out, at = [], 0
    for tag in _VTT_KEEP_TAG.finditer(line):
        out.append(line[at:tag.start()].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
        out.append(tag.group())
        at = tag.end()
    out.append(line[at:].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
    return "".join(out)


def write_vtt(cues: Sequence[Cue], path: str | Path, settings: str | None = None,
              header: Sequence[str] = ()) -> None:
    """Write cues as WebVTT; `settings` (e.g. "line:10%") applies to cues that carry none of their own."""
    for line in header:
        if not line.strip() or "-->" in line or "\n" in line:
            raise InvalidInputError(f"WebVTT header line '{line}' is not allowed.",
                                    "Header lines must be non-blank, single lines without '-->'.")
    parts = ["WEBVTT\n" + "".join(f"{ln.strip()}\n" for ln in header) + "\n"]
    for number, cue, lines in _checked_lines(cues):
        cue_settings = " ".join((cue.settings or settings or "").split())
        timing = f"{_stamp(cue.start, '.')} --> {_stamp(cue.end, '.')}" + (f" {cue_settings}" if cue_settings else "")
        parts.append(f"{number}\n{timing}\n" + "".join(f"{_vtt_escape(ln)}\n" for ln in lines) + "\n")
    _atomic_write(Path(path), "".join(parts))


def _kind(path: Path) -> str:
    ext = path.suffix.lower()
    if ext not in EXTENSIONS:
        raise InvalidInputError(f"'{path.name}' is not a caption file this app reads or writes.",
                                "Use a file ending in .srt or .vtt.")
    return ext[1:]


def read_captions(path: str | Path) -> CaptionFile:
    """Read an .srt or .vtt file, chosen by its extension."""
    path = Path(path)
    return read_srt(path) if _kind(path) == "srt" else read_vtt(path)


def write_captions(cues: Sequence[Cue], path: str | Path, settings: str | None = None) -> None:
    """Write an .srt or .vtt file, chosen by its extension (`settings` only applies to WebVTT)."""
    path = Path(path)
    if _kind(path) == "srt":
        write_srt(cues, path)
    else:
        write_vtt(cues, path, settings=settings)
