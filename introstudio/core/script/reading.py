"""Reading-time maths for scripts: word counts, seconds at a pace, and m:ss display."""

from __future__ import annotations

import math
import re

from introstudio.core.errors import InvalidInputError

MAX_WORDS_PER_MINUTE = 400

# A word is a run of letters/digits (any script, accents included) that may be joined by an
# apostrophe or hyphen ("don't", "follow-up") or, between digits, by . , : / ("1,200", "3.5", "24/7").
_WORD = re.compile(r"[^\W_]+(?:(?:['’\-‐]|(?<=\d)[.,:/](?=\d))[^\W_]+)*")


def count_words(text: str) -> int:
    """How many spoken words the text holds; punctuation and dashes alone do not count."""
    return len(_WORD.findall(text))


def reading_seconds(text_or_word_count: str | int, words_per_minute: float = 150) -> float:
    """Seconds needed to read the text (or that many words) aloud at the given pace."""
    if isinstance(words_per_minute, bool) or not isinstance(words_per_minute, (int, float)) \
            or not math.isfinite(words_per_minute) or words_per_minute <= 0 \
            or words_per_minute > MAX_WORDS_PER_MINUTE:
        raise InvalidInputError(
            f"Reading pace {words_per_minute!r} words per minute is not usable.",
            f"Use a pace between 1 and {MAX_WORDS_PER_MINUTE}; most people read aloud at 130-160.",
        )
    if isinstance(text_or_word_count, str):
        words = count_words(text_or_word_count)
    elif isinstance(text_or_word_count, int) and not isinstance(text_or_word_count, bool) \
            and text_or_word_count >= 0:
        words = text_or_word_count
    else:
        raise InvalidInputError(
            f"Cannot time {text_or_word_count!r}.", "Pass the script text or a word count of 0 or more."
        )
    return words * 60.0 / words_per_minute


def format_duration(seconds: float) -> str:
    """Seconds as m:ss (or h:mm:ss from an hour), rounded to the nearest second."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) \
            or not math.isfinite(seconds) or seconds < 0:
        raise InvalidInputError(f"Cannot show {seconds!r} as a duration.", "Pass 0 or more seconds.")
    total = int(math.floor(seconds + 0.5))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
