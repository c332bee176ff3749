"""Caption layout: timed words -> cues that meet a profile; the standards checker; re-flow of existing cues.

`build_cues` segments the word stream by dynamic programming rather than a greedy pass: every limit
that depends on one cue alone (characters, lines, reading speed, duration, the gap before the next cue,
which starts on its first word) is checked per candidate cue, so if any segmentation meets them all the
cheapest such one is found; when none exists the least-bad one is returned and `check_cues` reports
what is left. Preferences (sentence ends, clause punctuation, pauses, balanced lines, names kept whole,
no line ending on an article or preposition) are costs, so they give way to limits, never the reverse.
All times are handled in whole milliseconds, the precision of SRT and WebVTT.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from introstudio.core.captions.cues import Cue, Word
from introstudio.core.captions.profiles import CaptionProfile, reading_chars, reading_words, visible_text
from introstudio.core.errors import InvalidInputError

TOLERANCE = 0.001  # seconds: timings in caption files are whole milliseconds

_TITLES = frozenset("dr dra mr mrs ms mx prof sr sra srta st".split())
# A line or cue should not end on these (English, then Spanish) when another break exists.
_WEAK = frozenset(
    "a an the of to in for with at on and or but nor by from as into onto about than that my your our his "
    "her their its this these those at via per el la los las lo un una unos unas de del al en con por para "
    "y e o u que su sus mi mis".split()
)
_NOT_NAMES = frozenset({"i", "i'm", "i've", "i'll", "i'd", "i’m", "i’ve", "i’ll", "i’d"})
_CLOSERS = "\"'”’)]»"
_SENTENCE_END = re.compile(r"[.?!…][\"'”’)\]»]*$")
_CLAUSE_END = re.compile(r"[,;:—–][\"'”’)\]»]*$")
_INITIAL = re.compile(r"^[A-Z]\.$")
_PUNCT = ".,;:!?…\"'”’“‘()[]«»¿¡—–"

_INF = math.inf
_HARD = 1e6  # a limit is broken: chosen only when nothing else is possible
_SYNC = 1e4  # the cue would end before its last word is spoken
_CUE = 10.0  # every cue costs this much, so cues are filled rather than fragmented


@dataclass(frozen=True)
class Violation:
    """One broken rule: `cue_number` is 1-based, `rule` a short id, `message` says it with the numbers."""

    cue_number: int
    rule: str
    message: str

    def __str__(self) -> str:
        return f"Cue {self.cue_number}: {self.message}"


def _core(text: str) -> str:
    return text.strip(_PUNCT).lower()


def _is_title(text: str) -> bool:
    return text[-1:] not in ",;:" and _core(text) in _TITLES


def _is_capitalised(text: str) -> bool:
    bare = text.lstrip(_PUNCT)
    return bool(bare) and bare[0].isupper() and _core(text) not in _NOT_NAMES


class _Stream:
    """The words as millisecond timings, lengths and the cost of breaking after each one."""

    def __init__(self, words: Sequence[Word]) -> None:
        kept = [w for w in words if w.text.strip()]
        self.words = kept
        self.texts = [" ".join(w.text.split()) for w in kept]
        self.start: list[int] = []
        self.end: list[int] = []
        for k, w in enumerate(kept):
            if not (math.isfinite(w.start) and math.isfinite(w.end)):
                raise InvalidInputError(f"Word {k + 1} ('{w.text}') has no valid timing.",
                                        "Transcribe or align the take again.")
            s = round(w.start * 1000)
            if self.start and s < self.start[-1]:
                raise InvalidInputError(
                    f"Word {k + 1} ('{w.text}') starts at {w.start:.3f} s, before the word before it.",
                    "Pass the words in the order they are spoken (sorted by start time).")
            self.start.append(s)
            self.end.append(max(s, round(w.end * 1000)))
        n = len(kept)
        self.chars_prefix = [0]
        self.words_prefix = [0]
        for t in self.texts:
            self.chars_prefix.append(self.chars_prefix[-1] + len(t) + 1)
            self.words_prefix.append(self.words_prefix[-1] + len(t.split()))
        sentence_end = [self._ends_sentence(k) for k in range(n)]
        self.line_cost = [0.0] * n  # a line break after word k
        self.cue_cost = [0.0] * n  # a cue break after word k
        self.inline = [20.0 if e else 0.0 for e in sentence_end]  # a sentence ending mid-line
        self.pause_cost = [0.0] * n  # the pause after word k staying inside one cue
        for k in range(n - 1):
            a, b = self.texts[k], self.texts[k + 1]
            clause = bool(_CLAUSE_END.search(a))
            glue = 0.0
            if not (clause or sentence_end[k]):
                if _is_title(a) and _is_capitalised(b):
                    glue = 60.0
                elif _is_capitalised(a) and _is_capitalised(b):
                    glue = 6.0 if (k == 0 or sentence_end[k - 1]) else 60.0
                elif a[:1].isdigit() or b[:1].isdigit():
                    glue = 6.0  # "type 2", "20 years"
            weak = 40.0 if (_core(a) in _WEAK and a[-1:] not in _PUNCT) else 0.0
            pause = (self.start[k + 1] - self.end[k]) / 1000
            base_line = 0.0 if sentence_end[k] else 1.0 if clause else 6.0
            base_cue = 0.0 if sentence_end[k] else 4.0 if clause else 25.0
            if pause > 0.5:
                base_cue = min(base_cue, 5.0)
                self.pause_cost[k] = 10.0 * (pause - 0.5) + (100.0 if pause > 1.5 else 0.0)
            self.line_cost[k] = base_line + glue + weak
            self.cue_cost[k] = base_cue + glue * 4 / 3 + weak * 1.6
        self.inline_prefix = [0.0]
        for c in self.inline:
            self.inline_prefix.append(self.inline_prefix[-1] + c)

    def _ends_sentence(self, k: int) -> bool:
        text = self.texts[k]
        if not _SENTENCE_END.search(text) or _is_title(text) or _INITIAL.match(text.rstrip(_CLOSERS)):
            return False
        nxt = self.texts[k + 1].lstrip(_PUNCT) if k + 1 < len(self.texts) else ""
        return not (nxt[:1].islower())

    def chars(self, i: int, j: int) -> int:
        """Characters of words i..j-1 joined by single spaces."""
        return self.chars_prefix[j] - self.chars_prefix[i] - 1

    def nwords(self, i: int, j: int) -> int:
        return self.words_prefix[j] - self.words_prefix[i]


def _balance(lengths: Sequence[int]) -> float:
    """Prefer lines of similar length, and a bottom-heavy pyramid over a top-heavy one."""
    cost = 0.0
    for top, bottom in zip(lengths, lengths[1:]):
        cost += 0.01 * (top - bottom) ** 2 + (0.1 * (top - bottom) if top > bottom else 0.0)
    return cost


def _layout(st: _Stream, i: int, j: int, p: CaptionProfile) -> tuple[float, tuple[int, ...]]:
    """Cheapest line breaks for words i..j-1 (indices of the words lines end after); inf if none fits."""
    width = p.max_chars_per_line
    inline = st.inline_prefix[j - 1] - st.inline_prefix[i]
    if st.chars(i, j) <= width:
        return inline, ()
    for n_lines in range(2, p.max_lines + 1):
        best: tuple[float, tuple[int, ...]] = (_INF, ())
        for breaks in _break_sets(st, i, j, n_lines, width):
            edges = (i - 1, *breaks, j - 1)
            lengths = [st.chars(a + 1, b + 1) for a, b in zip(edges, edges[1:])]
            cost = inline + _balance(lengths) + sum(st.line_cost[b] - st.inline[b] for b in breaks)
            if cost < best[0]:
                best = (cost, breaks)
        if best[0] < _INF:
            return best
    return _INF, ()


def _break_sets(st: _Stream, i: int, j: int, n_lines: int, width: int) -> Iterator[tuple[int, ...]]:
    """Every way to end n_lines-1 lines inside words i..j-1 with each line within `width`."""
    if n_lines == 1:
        if st.chars(i, j) <= width:
            yield ()
        return
    for b in range(i, j - 1):
        if st.chars(i, b + 1) > width:
            break
        for rest in _break_sets(st, b + 1, j, n_lines - 1, width):
            yield (b, *rest)


def _timing(st: _Stream, i: int, j: int, p: CaptionProfile) -> tuple[float, int, int]:
    """(cost, start ms, end ms) of a cue holding words i..j-1, the next cue starting on word j."""
    n = len(st.texts)
    start = st.start[i]
    need = p.required_ms(st.chars(i, j), st.nwords(i, j))
    longest = math.floor(p.max_duration * 1000 + 1e-6)
    gap = math.ceil(p.min_gap * 1000 - 1e-6)
    limit = st.start[j] - gap if j < n else None
    room = start + longest if limit is None else min(limit, start + longest)
    cost = 0.0
    if start + need > room:
        cost += _HARD + (start + need - room)
    if st.end[j - 1] > start + longest:
        cost += _SYNC + (st.end[j - 1] - start - longest)
    end = min(max(st.end[j - 1], start + need), room)
    if limit is not None and st.start[j] - end < p.close_gap * 1000:
        end = max(end, room)  # close a short gap to exactly min_gap (Netflix), within max_duration
    return cost, start, max(end, start + 1)


def _flag(w: Word) -> str:
    """A departure from the script, worded for the review list."""
    if w.departure == "changed" and w.heard and w.heard != w.text:
        return f"changed: heard '{w.heard}' for '{w.text}' at {w.start:.1f}s"
    if w.departure == "changed":  # the captions show what was said; the script's words are in the departures
        return f"changed: '{w.text}' differs from the script at {w.start:.1f}s"
    return f"{w.departure}: '{w.text}' at {w.start:.1f}s"


def _segment(words: Sequence[Word], p: CaptionProfile) -> list[tuple[int, int, Cue]]:
    """The cheapest segmentation as (first word, end word, cue) over the non-empty words."""
    st = _Stream(words)
    n = len(st.texts)
    best = [_INF] * (n + 1)
    back = [0] * (n + 1)
    best[0] = 0.0
    capacity = p.max_chars_per_line * p.max_lines
    for i in range(n):
        pauses = 0.0
        for j in range(i + 1, n + 1):
            if j > i + 1:
                pauses += st.pause_cost[j - 2]
                if st.chars(i, j) > capacity or st.start[j - 1] - st.start[i] > p.max_duration * 1000:
                    break
            lay, _ = _layout(st, i, j, p)
            if lay == _INF:
                if j > i + 1:
                    break
                lay = _HARD  # one word too long for a line: it gets a cue of its own
            cost = best[i] + _CUE + lay + pauses + _timing(st, i, j, p)[0]
            if j < n:
                cost += st.cue_cost[j - 1]
            if cost < best[j]:
                best[j], back[j] = cost, i
    bounds = []
    j = n
    while j > 0:
        bounds.append((back[j], j))
        j = back[j]
    out = []
    for i, j in reversed(bounds):
        lay, breaks = _layout(st, i, j, p)
        edges = (i - 1, *breaks, j - 1) if lay < _INF else (i - 1, j - 1)
        lines = tuple(" ".join(st.texts[a + 1:b + 1]) for a, b in zip(edges, edges[1:]))
        _, start, end = _timing(st, i, j, p)
        flags = tuple(_flag(w) for w in st.words[i:j] if w.departure)
        out.append((i, j, Cue(start / 1000, end / 1000, lines, flags)))
    return out


def build_cues(words: Sequence[Word], profile: CaptionProfile, fps: float | None = None) -> list[Cue]:
    """Split timed words into cues meeting every limit of `profile` (at `fps` if given) where possible."""
    return [cue for _, _, cue in _segment(words, profile.with_fps(fps))]


def break_lines(text: str, profile: CaptionProfile) -> tuple[str, ...]:
    """One cue's text broken into lines as `build_cues` breaks them; its timing is not touched.

    Text too long for `profile.max_lines` lines gets as few more lines as fit the width (`check_cues`
    then reports the cue); a word longer than a whole line gets a line of its own.
    """
    tokens = text.split()
    if not tokens:
        return ()
    width = profile.max_chars_per_line
    if any(len(t) > width for t in tokens):
        lines: list[str] = []
        for t in tokens:
            if lines and len(lines[-1]) + 1 + len(t) <= width:
                lines[-1] += " " + t
            else:
                lines.append(t)
        return tuple(lines)
    st = _Stream([Word(0.0, 0.0, t) for t in tokens])
    n = len(tokens)
    _, breaks = _layout(st, 0, n, replace(profile, max_lines=max(profile.max_lines, n)))
    edges = (-1, *breaks, n - 1)
    return tuple(" ".join(st.texts[a + 1:b + 1]) for a, b in zip(edges, edges[1:]))


def reflow(cues: Sequence[Cue], profile: CaptionProfile, fps: float | None = None) -> list[Cue]:
    """Re-cut existing cues (e.g. an imported SRT) to meet `profile`.

    Each cue's time is shared among its words in proportion to their characters, then `build_cues`
    lays them out again. Formatting tags are dropped; flags and WebVTT settings follow the words they
    came with. Where the source speech is faster than the profile allows and no silence follows to
    extend into, the result still breaks the limit and `check_cues` reports it.
    """
    p = profile.with_fps(fps)
    order = sorted(range(len(cues)), key=lambda k: (cues[k].start, cues[k].end))
    words: list[Word] = []
    origin: list[int] = []
    floor = 0.0
    for k in order:
        cue = cues[k]
        tokens = [t for line in cue.lines for t in visible_text(line).split()]
        if not tokens:
            continue
        start = max(cue.start, floor)
        end = max(cue.end, start + 0.001 * len(tokens))
        weights = [len(t) + 1 for t in tokens]
        total = sum(weights)
        at = start
        for token, weight in zip(tokens, weights):
            nxt = at + (end - start) * weight / total
            words.append(Word(at, nxt, token))
            origin.append(k)
            at = nxt
        floor = end
    out = []
    for i, j, cue in _segment(words, p):
        sources = list(dict.fromkeys(origin[i:j]))
        flags = tuple(dict.fromkeys(f for s in sources for f in cues[s].flags))
        out.append(replace(cue, flags=flags, settings=cues[origin[i]].settings))
    return out


def _seconds(t: float) -> str:
    return f"{t:.3f} s"


def _check_cue(cue: Cue, p: CaptionProfile) -> Iterator[tuple[str, str]]:
    """(rule, message) for every limit one cue breaks on its own."""
    lines = [t for t in (visible_text(ln) for ln in cue.lines) if t]
    if not lines:
        yield "empty", "has no text"
    for k, line in enumerate(lines, 1):
        if len(line) > p.max_chars_per_line:
            yield "chars-per-line", f"line {k} has {len(line)} characters; the limit is {p.max_chars_per_line}"
    if len(lines) > p.max_lines:
        yield "lines", f"has {len(lines)} lines; the limit is {p.max_lines}"
    duration = cue.end - cue.start
    if duration <= 0:
        yield "order", f"ends at {_seconds(cue.end)}, not after its start at {_seconds(cue.start)}"
        return
    chars, words = reading_chars(cue.lines), reading_words(cue.lines)
    if p.max_cps and chars and duration + TOLERANCE < chars / p.max_cps:
        yield "cps", (f"reading speed is {chars / duration:.1f} characters per second ({chars} characters "
                      f"in {duration:.3f} s); the limit is {p.max_cps:g}")
    if p.max_wpm and words and duration + TOLERANCE < words * 60 / p.max_wpm:
        yield "wpm", (f"reading speed is {words * 60 / duration:.0f} words per minute ({words} words "
                      f"in {duration:.3f} s); the limit is {p.max_wpm:g}")
    if duration + TOLERANCE < p.min_duration:
        yield "min-duration", f"is on screen for {duration:.3f} s; the minimum is {p.min_duration:.3f} s"
    if duration - TOLERANCE > p.max_duration:
        yield "max-duration", f"is on screen for {duration:.3f} s; the maximum is {p.max_duration:.3f} s"


def _check_pair(prev: Cue, cue: Cue, number: int, p: CaptionProfile) -> Iterator[tuple[str, str]]:
    """(rule, message) if cue `number` is out of order with, overlaps or follows too closely the one before."""
    gap = cue.start - prev.end
    if cue.start + TOLERANCE < prev.start:
        yield "order", (f"starts at {_seconds(cue.start)}, before cue {number - 1} "
                        f"(which starts at {_seconds(prev.start)})")
    elif gap + TOLERANCE < 0:
        yield "overlap", (f"starts at {_seconds(cue.start)}, {-gap:.3f} s before cue {number - 1} ends "
                          f"at {_seconds(prev.end)}")
    elif gap + TOLERANCE < p.min_gap:
        yield "gap", (f"starts {gap:.3f} s ({gap * p.fps:.1f} frames at {p.fps:g} fps) after cue "
                      f"{number - 1} ends; the minimum gap is {p.min_gap_frames} frames ({p.min_gap:.3f} s)")


def check_cues(cues: Sequence[Cue], profile: CaptionProfile) -> list[Violation]:
    """Every rule of `profile` each cue breaks, in cue order (timings compared to the millisecond)."""
    out: list[Violation] = []
    for number, cue in enumerate(cues, 1):
        found = list(_check_cue(cue, profile))
        if number > 1:
            found += _check_pair(cues[number - 2], cue, number, profile)
        out += [Violation(number, rule, message) for rule, message in found]
    return out
