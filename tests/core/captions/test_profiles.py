"""Caption profiles: the published numbers, lookup by name, and how reading speed is counted."""

from __future__ import annotations

import dataclasses

import pytest

from introstudio.core.captions.profiles import (
    PROFILES,
    CaptionProfile,
    get_profile,
    profile_names,
    reading_chars,
    reading_words,
)
from introstudio.core.errors import InvalidInputError, NotFoundError


def test_profile_names():
    assert profile_names() == ["default", "dcmp", "bbc", "clinical-ada"]


@pytest.mark.parametrize(
    "name, chars, lines, cps, wpm, min_s, max_s",
    [
        ("default", 42, 2, 20.0, None, 5 / 6, 7.0),
        ("dcmp", 32, 2, None, 160.0, 2.0, 7.0),
        ("bbc", 37, 2, None, 180.0, 1.0, 7.0),
        ("clinical-ada", 32, 2, 17.0, None, 1.0, 7.0),
    ],
)
def test_profile_numbers(name, chars, lines, cps, wpm, min_s, max_s):
    p = get_profile(name)
    assert (p.max_chars_per_line, p.max_lines, p.max_cps, p.max_wpm) == (chars, lines, cps, wpm)
    assert (p.min_duration, p.max_duration) == (pytest.approx(min_s), max_s)
    assert (p.min_gap_frames, p.fps, p.close_gap_frames) == (2, 30.0, 12)
    assert p.description


def test_lookup_ignores_case_and_underscores():
    assert get_profile(" Clinical_ADA ") is PROFILES["clinical-ada"]


def test_unknown_profile_lists_the_names():
    with pytest.raises(NotFoundError) as info:
        get_profile("netflx")
    assert "netflx" in info.value.message
    assert info.value.hint == "Use one of: default, dcmp, bbc, clinical-ada."


def test_profiles_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        get_profile("default").max_lines = 3  # type: ignore[misc]


def test_gaps_in_seconds_follow_fps():
    p = get_profile("default")
    assert p.min_gap == pytest.approx(2 / 30)
    assert p.close_gap == pytest.approx(0.4)
    assert p.with_fps(24).min_gap == pytest.approx(2 / 24)
    assert p.with_fps(None) is p


def test_required_duration_takes_the_strictest_limit():
    ada = get_profile("clinical-ada")
    assert ada.required_duration(chars=10, words=2) == 1.0  # minimum duration wins
    assert ada.required_duration(chars=34, words=6) == pytest.approx(2.0)  # 34 characters at 17 cps
    assert ada.required_ms(34, 6) == 2000
    assert ada.required_ms(35, 6) == 2059  # 2058.8 ms rounded up, never down
    bbc = get_profile("bbc")
    assert bbc.required_duration(chars=200, words=9) == pytest.approx(3.0)  # 9 words at 180 wpm; no cps limit


def test_reading_speed_counts_spaces_and_punctuation_not_tags():
    # Netflix counts every character including spaces; a line break stands for the space it replaced.
    assert reading_chars(["Hi, I'm Dr. Lopez,", "MD, PhD."]) == len("Hi, I'm Dr. Lopez, MD, PhD.")
    assert reading_chars(["<i>Hello</i> there", "{\\an8}again"]) == len("Hello there again")
    assert reading_chars(["", "  "]) == 0
    assert reading_words(["Hi, I'm Dr. Lopez,", "MD, PhD."]) == 6


@pytest.mark.parametrize(
    "changes",
    [{"max_chars_per_line": 0}, {"max_cps": -1.0}, {"min_duration": 8.0}, {"fps": 0.0}, {"min_gap_frames": -1}],
)
def test_invalid_profiles_are_refused(changes):
    fields = dict(name="x", description="x", max_chars_per_line=32, max_lines=2, max_cps=17.0,
                  min_duration=1.0, max_duration=7.0) | changes
    with pytest.raises(InvalidInputError, match="Caption profile 'x' is invalid"):
        CaptionProfile(**fields)
