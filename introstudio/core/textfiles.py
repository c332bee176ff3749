"""Text files whose encoding nobody told us (captions, rosters, scripts): one guesser with one policy.

The policy, for every text file IntroStudio reads:

- A byte-order mark is believed: UTF-8 or UTF-16. A file that is not what its mark says is damaged and is
  refused with the line of the first bad byte, rather than read with characters replaced.
- Without a mark: UTF-8 when the bytes are UTF-8; otherwise Windows-1252 (what Windows programs and
  Excel's plain "CSV" save); otherwise Latin-1, which maps every byte to a character.
- A guess is never silent: it comes back as a warning naming the encoding and the line of the first
  byte that was not UTF-8. No character is ever replaced by U+FFFD, so later checks (a roster cell's
  control characters, a caption's text) see exactly what the file holds.
- NUL bytes without a UTF-16 mark mean the file is not text (a video renamed .srt, a workbook): refused.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from introstudio.core.errors import InvalidInputError, NotFoundError

_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
_FALLBACKS = (("cp1252", "Windows-1252 (cp1252)"), ("latin-1", "Latin-1 (ISO-8859-1)"))
_SAVE_HINT = "Save it again as UTF-8 text."


@dataclass(frozen=True)
class GuessedText:
    """A file's text, the encoding it was read with and what had to be guessed to read it."""

    text: str
    encoding: str  # "utf-8", "utf-8-sig", "utf-16", "cp1252" or "latin-1"
    warnings: tuple[str, ...] = ()


def _line_of(data: bytes, offset: int) -> int:
    return data[:offset].count(b"\n") + 1


def decode_guess(data: bytes, name: str, what: str = "file") -> GuessedText:
    """Decode `data` by the policy above; `name` (the file's) and `what` (e.g. "caption file") are for messages."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return GuessedText(data.decode(encoding).lstrip("\ufeff"), encoding)
            except UnicodeDecodeError as exc:
                label = "UTF-8" if encoding == "utf-8-sig" else "UTF-16"
                raise InvalidInputError(f"{name} is marked as {label} text but is damaged (line "
                                        f"{_line_of(data, exc.start)}).", _SAVE_HINT) from None
    if b"\x00" in data:
        raise InvalidInputError(f"{name} is not a text {what} (it contains NUL bytes).",
                                "Choose the text file itself (for example .srt, .vtt, .csv or .txt).")
    try:
        return GuessedText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        line = _line_of(data, exc.start)
    for encoding, label in _FALLBACKS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return GuessedText(text, encoding, (f"{name} is not UTF-8 (first bad byte on line {line}); it was read as "
                                            f"{label}. Check accented letters, and save it as UTF-8.",))
    raise AssertionError("Latin-1 decodes every byte")  # pragma: no cover


def read_text_guess(path: str | os.PathLike[str], newlines: bool = True, what: str = "file") -> GuessedText:
    """Read a text file by the policy above; `newlines` turns \\r\\n and \\r into \\n (as text-mode open does)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise NotFoundError(f"{path} does not exist.", "Check the path, or choose the file again.") from None
    except IsADirectoryError:
        raise InvalidInputError(f"{path} is a folder, not a text file.", "Choose the file itself.") from None
    except OSError as exc:
        raise InvalidInputError(f"Cannot read {path}: {exc.strerror or exc}",
                                "Check that the file is readable and not open elsewhere.") from None
    guess = decode_guess(data, path.name, what)
    if newlines:
        return GuessedText(guess.text.replace("\r\n", "\n").replace("\r", "\n"), guess.encoding, guess.warnings)
    return guess
