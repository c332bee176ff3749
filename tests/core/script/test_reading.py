"""Reading-time maths: word counts, seconds at a pace, m:ss display."""

from __future__ import annotations

import math

import pytest

from introstudio.core.errors import InvalidInputError
from introstudio.core.script.reading import count_words, format_duration, reading_seconds


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", 0),
        ("   \n\t ", 0),
        ("Hello world", 2),
        ("I'm Dr. Lopez.", 3),
        ("don't", 1),
        ("We’ll see", 2),
        ("a follow-up visit", 3),
        ("well — maybe", 2),
        ("— … !!", 0),
        ("1,200 patients", 2),
        ("3.5 million", 2),
        ("care 24/7", 2),
        ("call 555-0142", 2),
        ("María López García", 3),
        ("¿Cómo está? Muy bien, gracias.", 5),
        ("niño, corazón, pingüino", 3),
        ("MD, PhD", 2),
    ],
)
def test_count_words(text: str, words: int) -> None:
    assert count_words(text) == words


def test_reading_seconds_from_count_and_text() -> None:
    assert reading_seconds(150) == pytest.approx(60.0)
    assert reading_seconds(150, words_per_minute=140) == pytest.approx(150 * 60 / 140)
    assert reading_seconds(0) == 0.0
    assert reading_seconds("one two three", 180) == pytest.approx(1.0)
    assert reading_seconds(400, 400) == pytest.approx(60.0)


@pytest.mark.parametrize("wpm", [0, -10, 401, 1000, math.nan, math.inf])
def test_reading_seconds_rejects_absurd_pace(wpm: float) -> None:
    with pytest.raises(InvalidInputError) as info:
        reading_seconds(100, wpm)
    assert info.value.hint


@pytest.mark.parametrize("bad", [-1, True, 2.5, None])
def test_reading_seconds_rejects_bad_counts(bad: object) -> None:
    with pytest.raises(InvalidInputError):
        reading_seconds(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(0, "0:00"), (5, "0:05"), (59.4, "0:59"), (59.6, "1:00"), (83, "1:23"), (600, "10:00"),
     (3599.4, "59:59"), (3600, "1:00:00"), (3725, "1:02:05")],
)
def test_format_duration(seconds: float, shown: str) -> None:
    assert format_duration(seconds) == shown


@pytest.mark.parametrize("bad", [-1, math.nan, math.inf])
def test_format_duration_rejects_nonsense(bad: float) -> None:
    with pytest.raises(InvalidInputError):
        format_duration(bad)
