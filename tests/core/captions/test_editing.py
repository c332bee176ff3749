"""Hand edits of captions: split, merge, delete keep the words and stay inside the original times."""

from __future__ import annotations

import pytest

from introstudio.core.captions.editing import delete_cue, merge_with_next, split_cue
from introstudio.core.captions.cues import Cue
from introstudio.core.captions.profiles import get_profile
from introstudio.core.errors import InvalidInputError

PROFILE = get_profile("default")
CUES = [
    Cue(0.0, 4.0, ("Hello, I'm Dr. Maria Lopez. I treat", "heart failure at St Mary's.")),
    Cue(4.2, 5.0, ("Welcome.",)),
    Cue(5.1, 6.0, ("Um.",), flags=("added: 'Um.' at 5.1s",)),
]


def words(cues):
    return " ".join(" ".join(c.lines) for c in cues).split()


def test_split_cuts_at_the_sentence_end_nearest_the_middle_and_shares_the_time():
    out = split_cue(CUES, 0, PROFILE)
    assert len(out) == 4 and words(out) == words(CUES)
    a, b = out[0], out[1]
    assert " ".join(a.lines) == "Hello, I'm Dr. Maria Lopez."
    assert " ".join(b.lines) == "I treat heart failure at St Mary's."
    assert a.start == 0.0 and b.end == 4.0 and a.end == b.start
    chars_a, chars_b = len(" ".join(a.lines)), len(" ".join(b.lines))
    assert a.end == pytest.approx(4.0 * chars_a / (chars_a + chars_b), abs=0.01)
    assert out[2:] == CUES[1:]


def test_split_refuses_a_single_word_or_a_cue_too_short():
    with pytest.raises(InvalidInputError, match="single word"):
        split_cue(CUES, 1, PROFILE)
    with pytest.raises(InvalidInputError, match="too short"):
        split_cue([Cue(0.0, 0.5, ("two words",))], 0, PROFILE)
    with pytest.raises(InvalidInputError, match="no caption 9"):
        split_cue(CUES, 8, PROFILE)


def test_merge_joins_text_and_time_and_re_breaks_the_lines():
    out = merge_with_next(CUES, 1, PROFILE)
    assert len(out) == 2 and words(out) == words(CUES)
    merged = out[1]
    assert (merged.start, merged.end) == (4.2, 6.0)
    assert merged.lines == ("Welcome. Um.",) and merged.flags == ("added: 'Um.' at 5.1s",)
    long = merge_with_next(split_cue(CUES, 0, PROFILE), 0, PROFILE)[0]
    assert all(len(line) <= PROFILE.max_chars_per_line for line in long.lines) and len(long.lines) == 2
    with pytest.raises(InvalidInputError, match="last one"):
        merge_with_next(CUES, 2, PROFILE)


def test_delete_drops_only_that_caption():
    assert delete_cue(CUES, 2) == CUES[:2]
    with pytest.raises(InvalidInputError):
        delete_cue([], 0)
