"""Named caption standards (Netflix, DCMP, BBC, Clinical-ADA): the limits layout and the checker share.

Reading speed is counted the Netflix way: every character of the cue, spaces and punctuation included,
with its lines joined by one space (a line break stands for the space it replaced), so re-breaking lines
never changes a cue's speed. Formatting tags (<i>, {\\an8}) are not counted. Words per minute counts
whitespace-separated words. Numbers in brackets point to the sources in REFERENCE.md, section 6.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from introstudio.core.errors import InvalidInputError, NotFoundError

_TAG_RE = re.compile(r"<[^>]*>|\{\\[^}]*\}")


def visible_text(line: str) -> str:
    """A caption line as the viewer sees it: formatting tags removed, outer spaces stripped."""
    return _TAG_RE.sub("", line).strip()


def reading_chars(lines: Sequence[str]) -> int:
    """Characters a viewer reads: visible text of every line, joined by one space."""
    return len(" ".join(t for t in (visible_text(ln) for ln in lines) if t))


def reading_words(lines: Sequence[str]) -> int:
    """Whitespace-separated words in the visible text."""
    return sum(len(visible_text(ln).split()) for ln in lines)


@dataclass(frozen=True, kw_only=True)
class CaptionProfile:
    """Limits of one caption standard; times in seconds, gaps in frames at `fps`."""

    name: str
    description: str
    max_chars_per_line: int
    max_lines: int
    max_cps: float | None  # characters per second, spaces included (see the module docstring)
    max_wpm: float | None = None  # words per minute
    min_duration: float
    max_duration: float
    min_gap_frames: int = 2
    fps: float = 30.0
    close_gap_frames: int = 12  # Netflix: gaps shorter than this are closed to `min_gap_frames`

    def __post_init__(self) -> None:
        problems = []
        if self.max_chars_per_line < 1 or self.max_lines < 1:
            problems.append("characters per line and lines must be at least 1")
        if (self.max_cps is not None and self.max_cps <= 0) or (self.max_wpm is not None and self.max_wpm <= 0):
            problems.append("reading-speed limits must be positive")
        if not 0 <= self.min_duration <= self.max_duration or self.max_duration <= 0:
            problems.append("durations need 0 <= min_duration <= max_duration and max_duration > 0")
        if self.fps <= 0 or self.min_gap_frames < 0 or self.close_gap_frames < 0:
            problems.append("fps must be positive and frame counts not negative")
        if problems:
            raise InvalidInputError(f"Caption profile '{self.name}' is invalid: {'; '.join(problems)}.",
                                    "Fix the profile's numbers.")

    @property
    def min_gap(self) -> float:
        """Smallest gap between two cues, in seconds."""
        return self.min_gap_frames / self.fps

    @property
    def close_gap(self) -> float:
        """Gaps shorter than this (seconds) are closed to `min_gap`."""
        return self.close_gap_frames / self.fps

    def with_fps(self, fps: float | None) -> CaptionProfile:
        """The same profile measured at another frame rate (None keeps it)."""
        return self if fps is None or fps == self.fps else replace(self, fps=float(fps))

    def required_duration(self, chars: int, words: int) -> float:
        """Shortest time on screen that keeps `chars` / `words` within every limit (seconds)."""
        need = self.min_duration
        if self.max_cps:
            need = max(need, chars / self.max_cps)
        if self.max_wpm:
            need = max(need, words * 60.0 / self.max_wpm)
        return need

    def required_ms(self, chars: int, words: int) -> int:
        """`required_duration` rounded up to whole milliseconds, the precision of SRT and WebVTT."""
        return math.ceil(self.required_duration(chars, words) * 1000 - 1e-6)


PROFILES: dict[str, CaptionProfile] = {
    p.name: p
    for p in (
        # Netflix general requirements [N1] and timing guide [N3]: 42 chars, 2 lines, adult 20 cps [N4],
        # 5/6 s (20 frames at 24 fps) to 7 s, >= 2-frame gaps, gaps under 12 frames closed to 2.
        CaptionProfile(
            name="default",
            description="Netflix-style: 42 characters per line, 2 lines, 20 characters/second, 5/6 s to 7 s",
            max_chars_per_line=42, max_lines=2, max_cps=20.0, min_duration=5 / 6, max_duration=7.0,
        ),
        # DCMP Captioning Key [DC1][DC2]: 32 chars, 2 lines (3 only as a maximum), "upper level" 160 wpm;
        # minimum 2 s on screen from the presentation-rate page [DC3]. DCMP sets no maximum duration, so
        # Netflix's 7 s is borrowed; DCMP measures speed in wpm only, so there is no cps limit.
        CaptionProfile(
            name="dcmp",
            description="DCMP Captioning Key: 32 characters per line, 2 lines, 160 words/minute, 2 s to 7 s",
            max_chars_per_line=32, max_lines=2, max_cps=None, max_wpm=160.0, min_duration=2.0, max_duration=7.0,
        ),
        # BBC subtitle guidelines [BB1][BB2]: 68% of a 16:9 line ~ 37 chars, 2 lines, 160-180 wpm (the upper
        # bound is the limit). The BBC gives no fixed minimum or maximum: 1 s (Clinical-ADA) and 7 s
        # (Netflix) are borrowed.
        CaptionProfile(
            name="bbc",
            description="BBC: 37 characters per line, 2 lines, 180 words/minute, 1 s to 7 s",
            max_chars_per_line=37, max_lines=2, max_cps=None, max_wpm=180.0, min_duration=1.0, max_duration=7.0,
        ),
        # REFERENCE.md section 3, "Suggested Clinical-ADA default profile": <= 32 chars (Camtasia ADA mode
        # [C2] and DCMP), <= 2 lines, <= 17 cps (Netflix children / older template [N2]), 1-7 s, >= 2 frames.
        CaptionProfile(
            name="clinical-ada",
            description="Clinical-ADA synthesis: 32 characters per line, 2 lines, 17 characters/second, 1 s to 7 s",
            max_chars_per_line=32, max_lines=2, max_cps=17.0, min_duration=1.0, max_duration=7.0,
        ),
    )
}


def profile_names() -> list[str]:
    """Names accepted by `get_profile`, in display order."""
    return list(PROFILES)


def get_profile(name: str) -> CaptionProfile:
    """The profile called `name` (case and '_'/'-' insensitive)."""
    key = name.strip().lower().replace("_", "-")
    try:
        return PROFILES[key]
    except KeyError:
        raise NotFoundError(
            f"There is no caption profile called '{name}'.",
            f"Use one of: {', '.join(PROFILES)}.",
        ) from None
