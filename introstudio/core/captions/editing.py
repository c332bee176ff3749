"""Hand edits of a cue list: split a caption in two, merge it with the next, delete it.

Pure functions on tuples of cues, so the caption editor, the CLI and tests share them. Times stay inside
the original cues (no caption moves into speech it did not cover); text is never lost by a split or a
merge. Lines are re-broken to the caption profile's line length with the layout's own line breaker.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from introstudio.core.captions.layout import break_lines
from introstudio.core.captions.cues import Cue
from introstudio.core.captions.profiles import CaptionProfile
from introstudio.core.errors import InvalidInputError

MIN_PART = 0.3  # seconds: the shortest caption a split may leave


def _check(cues: Sequence[Cue], index: int) -> Cue:
    if not 0 <= index < len(cues):
        raise InvalidInputError(f"There is no caption {index + 1}; there are {len(cues)}.",
                                "Choose a caption in the list first.")
    return cues[index]


def split_cue(cues: Sequence[Cue], index: int, profile: CaptionProfile) -> list[Cue]:
    """Caption `index` as two: the words split near the middle (at a sentence or clause end if there is
    one), the time split in proportion to the characters on each side."""
    cue = _check(cues, index)
    words = " ".join(cue.lines).split()
    if len(words) < 2:
        raise InvalidInputError(f"Caption {index + 1} is a single word and cannot be split.",
                                "Merge it with a neighbour instead, or edit its times.")
    if cue.duration < 2 * MIN_PART:
        raise InvalidInputError(f"Caption {index + 1} is on screen for {cue.duration:.2f} s, too short to split.",
                                f"Each part needs at least {MIN_PART:g} s; lengthen it first or merge it.")
    cut = _best_cut(words)
    first, second = " ".join(words[:cut]), " ".join(words[cut:])
    share = len(first) / max(1, len(first) + len(second))
    middle = cue.start + cue.duration * share
    middle = min(max(middle, cue.start + MIN_PART), cue.end - MIN_PART)
    a = replace(cue, end=round(middle, 3), lines=break_lines(first, profile))
    b = replace(cue, start=round(middle, 3), lines=break_lines(second, profile), flags=())
    return [*cues[:index], a, b, *cues[index + 1:]]


def _best_cut(words: Sequence[str]) -> int:
    """Where to cut `words` (1..len-1): after the punctuation nearest the middle, else at the middle."""
    middle = len(words) / 2
    marks = [i + 1 for i, w in enumerate(words[:-1]) if w[-1:] in ".?!;:,"]
    if marks:
        best = min(marks, key=lambda i: (abs(i - middle), -1 if words[i - 1][-1:] in ".?!" else 0))
        if abs(best - middle) <= len(words) / 3:
            return best
    return max(1, min(len(words) - 1, round(middle)))


def merge_with_next(cues: Sequence[Cue], index: int, profile: CaptionProfile) -> list[Cue]:
    """Caption `index` and the one after it as one caption, from the first's start to the second's end."""
    cue = _check(cues, index)
    if index + 1 >= len(cues):
        raise InvalidInputError(f"Caption {index + 1} is the last one; there is nothing after it to merge.",
                                "Choose the caption before it and merge that one.")
    nxt = cues[index + 1]
    text = " ".join([*cue.lines, *nxt.lines])
    merged = replace(cue, end=max(cue.end, nxt.end), lines=break_lines(text, profile),
                     flags=tuple(dict.fromkeys(cue.flags + nxt.flags)))
    return [*cues[:index], merged, *cues[index + 2:]]


def delete_cue(cues: Sequence[Cue], index: int) -> list[Cue]:
    """The cues without caption `index` (for a caption of noise the recogniser made up)."""
    _check(cues, index)
    return [*cues[:index], *cues[index + 1:]]
