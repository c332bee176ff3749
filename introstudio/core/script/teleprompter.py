"""Teleprompter pacing as pure maths: where the script should be at a given moment (no clock, no Qt).

The reading position is a word index (a float: 12.5 is half-way through the 13th word) that advances
at the chosen words per minute while running. Keeping position in words rather than pixels means a
speed change, a font change or a window resize never makes the text jump. A view turns the position
into pixels with a `Layout` it measured (line tops, heights and how many words start on each line).

`Prompter` is a small immutable state machine: every method takes the current time `now` (seconds on
any monotonic clock) and returns a new state, so tests drive it with plain numbers. A countdown is
simply a running state whose anchor lies in the future.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from introstudio.core.script.reading import (  # one definition of "a word"
    _WORD,
    MAX_WORDS_PER_MINUTE,
)

MIN_WORDS_PER_MINUTE = 40
RETAKE_THRESHOLD_WORDS = 0.5  # "back" pressed this close to a paragraph start goes to the previous one


def word_spans(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) character offsets of each spoken word, counted exactly as `count_words` does."""
    return tuple(m.span() for m in _WORD.finditer(text))


def paragraph_word_counts(paragraphs: Sequence[str]) -> tuple[int, ...]:
    """Spoken words in each paragraph."""
    return tuple(len(word_spans(p)) for p in paragraphs)


def clamp_wpm(wpm: float) -> float:
    """A usable reading pace: finite and within MIN..MAX words per minute."""
    if not isinstance(wpm, (int, float)) or isinstance(wpm, bool) or not math.isfinite(wpm):
        raise ValueError(f"words per minute must be a finite number, not {wpm!r}")
    return float(min(max(wpm, MIN_WORDS_PER_MINUTE), MAX_WORDS_PER_MINUTE))


def smoothstep(f: float) -> float:
    """Ease in and out over 0..1 (for the paragraph-step animation)."""
    f = min(max(f, 0.0), 1.0)
    return f * f * (3.0 - 2.0 * f)


@dataclass(frozen=True)
class Line:
    """One laid-out line as the view measured it: pixels, and how many words start on it."""

    paragraph: int
    top: float
    height: float
    words: int


@dataclass(frozen=True)
class Layout:
    """The measured script: lines in reading order; maps a word position to a document y in pixels."""

    lines: tuple[Line, ...]
    _starts: tuple[int, ...] = field(init=False, repr=False, compare=False)  # first word of each line
    _worded: tuple[int, ...] = field(init=False, repr=False, compare=False)  # indexes of lines with words
    _keys: tuple[int, ...] = field(init=False, repr=False, compare=False)  # first word of each worded line

    def __post_init__(self) -> None:
        starts, total, worded = [], 0, []
        previous: Line | None = None
        for i, line in enumerate(self.lines):
            if line.words < 0 or line.height < 0:
                raise ValueError(f"line {i} has negative words or height")
            if previous is not None and (line.top < previous.top or line.paragraph < previous.paragraph):
                raise ValueError(f"line {i} is out of reading order")
            starts.append(total)
            total += line.words
            if line.words:
                worded.append(i)
            previous = line
        object.__setattr__(self, "_starts", tuple(starts))
        object.__setattr__(self, "_worded", tuple(worded))
        object.__setattr__(self, "_keys", tuple(starts[i] for i in worded))

    @classmethod
    def from_paragraphs(cls, paragraphs: Sequence[Sequence[tuple[float, float, int]]]) -> Layout:
        """Build from, per paragraph, its lines as (top, height, words)."""
        return cls(tuple(Line(p, float(t), float(h), int(w))
                         for p, lines in enumerate(paragraphs) for t, h, w in lines))

    @property
    def total_words(self) -> int:
        return sum(line.words for line in self.lines)

    @property
    def bottom(self) -> float:
        """The y just below the last line."""
        return max((ln.top + ln.height for ln in self.lines), default=0.0)

    def line_at(self, word: float) -> int:
        """Index of the line holding `word` (the last worded line at or past the end); -1 when empty."""
        if not self._worded:
            return -1
        return self._worded[self._worded_index(word)]

    def _worded_index(self, word: float) -> int:
        return max(bisect.bisect_right(self._keys, word) - 1, 0)

    def y_at(self, word: float) -> float:
        """Document y to put at the reading line: the reading line glides down a line as it is read."""
        if not self._worded:
            return self.lines[0].top if self.lines else 0.0
        k = self._worded_index(word)
        i = self._worded[k]
        line = self.lines[i]
        end = self.lines[self._worded[k + 1]].top if k + 1 < len(self._worded) else line.top + line.height
        f = min(max((word - self._starts[i]) / line.words, 0.0), 1.0)
        return line.top + f * (end - line.top)

    def paragraph_top(self, paragraph: int) -> float:
        """y of the first line of `paragraph`."""
        for line in self.lines:
            if line.paragraph == paragraph:
                return line.top
        raise ValueError(f"paragraph {paragraph} has no lines in this layout")


@dataclass(frozen=True)
class ReadingPoint:
    """What is under the reading line: paragraph, line and word (global index), or -1 each when empty."""

    paragraph: int
    line: int
    word: int


@dataclass(frozen=True)
class Prompter:
    """Teleprompter state: pace, where reading is, and whether it runs; methods return new states."""

    paragraph_words: tuple[int, ...]
    wpm: float = 150.0
    anchor_word: float = 0.0  # position at anchor_time
    anchor_time: float = 0.0  # while running: when the text is (or, counting down, will start) at anchor_word
    running: bool = False

    def __post_init__(self) -> None:
        if any(n < 0 for n in self.paragraph_words):
            raise ValueError("paragraph word counts cannot be negative")
        object.__setattr__(self, "wpm", clamp_wpm(self.wpm))

    @classmethod
    def for_script(cls, paragraphs: Sequence[str], wpm: float = 150.0) -> Prompter:
        """A stopped prompter at the start of these paragraphs."""
        return cls(paragraph_word_counts(paragraphs), wpm)

    # --- facts at a moment ----------------------------------------------------------------------
    @property
    def total_words(self) -> int:
        return sum(self.paragraph_words)

    @property
    def paragraph_starts(self) -> tuple[int, ...]:
        """Word index at which each paragraph begins."""
        starts, total = [], 0
        for n in self.paragraph_words:
            starts.append(total)
            total += n
        return tuple(starts)

    @property
    def words_per_second(self) -> float:
        return self.wpm / 60.0

    def position(self, now: float) -> float:
        """Words read by `now` (0..total_words)."""
        if not self.running or now <= self.anchor_time:
            return self.anchor_word
        return min(self.anchor_word + self.words_per_second * (now - self.anchor_time), float(self.total_words))

    def countdown_left(self, now: float) -> float:
        """Seconds until scrolling starts (0 when not counting down)."""
        return self.anchor_time - now if self.running and now < self.anchor_time else 0.0

    def countdown_number(self, now: float) -> int:
        """The number to show during a countdown (3, 2, 1), 0 when none."""
        return math.ceil(self.countdown_left(now) - 1e-9) if self.countdown_left(now) > 0 else 0

    def finished(self, now: float) -> bool:
        return self.position(now) >= self.total_words

    def moving(self, now: float) -> bool:
        """True while the text is actually scrolling (running, not counting down, not at the end)."""
        return self.running and now >= self.anchor_time and not self.finished(now)

    def remaining_seconds(self, now: float) -> float:
        """Reading time left at the current pace, countdown included."""
        return (self.total_words - self.position(now)) / self.words_per_second + self.countdown_left(now)

    def paragraph_at(self, word: float) -> int:
        """Paragraph holding `word` (a word at a paragraph boundary belongs to the paragraph it starts)."""
        if not self.paragraph_words:
            return -1
        starts = self.paragraph_starts
        if word >= self.total_words:
            return max(i for i, n in enumerate(self.paragraph_words) if n) if self.total_words else 0
        return max(bisect.bisect_right(starts, word) - 1, 0)

    def paragraph(self, now: float) -> int:
        return self.paragraph_at(self.position(now))

    def paragraph_entered_at(self, now: float) -> float | None:
        """When scrolling crossed into the current paragraph, if it did so since the last anchor."""
        p = self.paragraph(now)
        if not self.running or p < 0:
            return None
        start = self.paragraph_starts[p]
        if not self.anchor_word < start <= self.position(now):
            return None
        return self.anchor_time + (start - self.anchor_word) / self.words_per_second

    # --- transitions ----------------------------------------------------------------------------
    def start(self, now: float, countdown: float = 0.0) -> Prompter:
        """Run from the current position (from the top when at the end), after `countdown` seconds."""
        word = self.position(now)
        if word >= self.total_words:
            word = 0.0
        return replace(self, anchor_word=word, anchor_time=now + max(countdown, 0.0), running=True)

    def pause(self, now: float) -> Prompter:
        """Stop where reading is (a pause during a countdown cancels it)."""
        return replace(self, anchor_word=self.position(now), anchor_time=now, running=False)

    def toggle(self, now: float, countdown: float = 0.0) -> Prompter:
        """Pause when running, else start (Space, PageUp, PageDown, a foot pedal)."""
        return self.pause(now) if self.running else self.start(now, countdown)

    def with_speed(self, now: float, wpm: float) -> Prompter:
        """Change pace from this moment on: the position does not jump, a countdown keeps running."""
        if self.running and now < self.anchor_time:
            return replace(self, wpm=clamp_wpm(wpm))
        return replace(self, wpm=clamp_wpm(wpm), anchor_word=self.position(now), anchor_time=now)

    def seek(self, now: float, word: float) -> Prompter:
        """Jump to `word` (clamped), keeping the running state and any countdown."""
        word = min(max(float(word), 0.0), float(self.total_words))
        return replace(self, anchor_word=word, anchor_time=max(now, self.anchor_time) if self.running else now)

    def back_to_paragraph_start(self, now: float) -> Prompter:
        """Retake: go to the start of this paragraph (the previous one if already there) and pause."""
        word = self.position(now)
        p = self.paragraph_at(word)
        if p < 0:
            return self.pause(now)
        starts = self.paragraph_starts
        target = starts[p]
        if word - target < RETAKE_THRESHOLD_WORDS and p > 0:
            target = starts[self.paragraph_at(target - 0.5)]
        return replace(self, anchor_word=float(target), anchor_time=now, running=False)

    def next_paragraph(self, now: float) -> Prompter:
        """Jump to the start of the next paragraph (the end after the last)."""
        p = self.paragraph(now)
        starts = self.paragraph_starts
        later = [s for s in starts[p + 1:] if s > self.position(now)] if p >= 0 else []
        return self.seek(now, later[0] if later else self.total_words)

    def previous_paragraph(self, now: float) -> Prompter:
        """Jump to the start of the previous paragraph (the first one stays put)."""
        p = self.paragraph(now)
        if p <= 0:
            return self.seek(now, 0)
        return self.seek(now, self.paragraph_starts[self.paragraph_at(self.paragraph_starts[p] - 0.5)])

    def restart(self, now: float, countdown: float = 0.0) -> Prompter:
        """From the top, after a countdown."""
        return replace(self, anchor_word=0.0, anchor_time=now + max(countdown, 0.0), running=True)


def scroll_y(layout: Layout, prompter: Prompter, now: float,
             paragraph_mode: bool = False, transition: float = 0.35) -> float:
    """Document y that belongs at the reading line at `now`.

    In paragraph mode the text moves in discrete steps: the current paragraph's first line stays at the
    reading line while it is read, then the next one glides up over `transition` seconds.
    """
    word = prompter.position(now)
    if not paragraph_mode or not layout.lines:
        return layout.y_at(word)
    p = prompter.paragraph_at(word)
    target = layout.paragraph_top(p)
    entered = prompter.paragraph_entered_at(now)
    if entered is None or transition <= 0 or p <= 0 or now - entered >= transition:
        return target
    before = layout.paragraph_top(prompter.paragraph_at(prompter.paragraph_starts[p] - 0.5))
    return before + (target - before) * smoothstep((now - entered) / transition)


def reading_point(layout: Layout, prompter: Prompter, now: float) -> ReadingPoint:
    """The paragraph, line and word being read at `now`."""
    total = prompter.total_words
    if total == 0:
        return ReadingPoint(-1, -1, -1)
    word = prompter.position(now)
    return ReadingPoint(prompter.paragraph_at(word), layout.line_at(word), min(int(word), total - 1))
