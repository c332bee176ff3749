"""One encoding policy for every text file: marks believed, UTF-8 then Windows-1252 then Latin-1, guesses warned."""

from __future__ import annotations

import pytest

from introstudio.core.batch.roster import read_roster
from introstudio.core.captions.formats import read_srt
from introstudio.core.errors import InvalidInputError, NotFoundError
from introstudio.core.textfiles import decode_guess, read_text_guess

# Windows-1252 bytes with a byte (0x81) that Windows-1252 leaves undefined: only Latin-1 reads it.
CP1252 = "José Núñez – “Cardiología”".encode("cp1252")
UNDEFINED = b"Zo\xeb Bront\xeb \x81"


@pytest.mark.parametrize("data, text, encoding", [
    ("Café\n".encode(), "Café\n", "utf-8"),
    (b"\xef\xbb\xbf" + "Café\n".encode(), "Café\n", "utf-8-sig"),
    ("Łucja\tWójcik\n".encode("utf-16"), "Łucja\tWójcik\n", "utf-16"),  # BOM + little-endian
    (b"\xfe\xff" + "Łucja".encode("utf-16-be"), "Łucja", "utf-16"),
    (b"", "", "utf-8"),
])
def test_utf_text_is_read_exactly_without_warnings(data, text, encoding):
    guessed = decode_guess(data, "x.txt")
    assert (guessed.text, guessed.encoding, guessed.warnings) == (text, encoding, ())


def test_windows_1252_is_guessed_with_a_warning_naming_the_line():
    guessed = decode_guess(b"Name;Specialty\n" + CP1252 + b"\n", "r.csv")
    assert guessed.text == "Name;Specialty\nJosé Núñez – “Cardiología”\n" and guessed.encoding == "cp1252"
    (warning,) = guessed.warnings
    assert warning.startswith("r.csv is not UTF-8 (first bad byte on line 2)") and "Windows-1252" in warning


def test_latin1_reads_what_windows_1252_cannot_and_nothing_is_replaced():
    guessed = decode_guess(UNDEFINED, "r.csv")
    assert guessed.text == "Zoë Brontë \x81" and guessed.encoding == "latin-1" and "\ufffd" not in guessed.text
    assert "Latin-1" in guessed.warnings[0]


@pytest.mark.parametrize("data, words", [
    (b"\xef\xbb\xbfok\nbad \xff\n", "marked as UTF-8 text but is damaged (line 2)"),
    (b"\xff\xfe" + "ok".encode("utf-16-le") + b"\x00\xd8", "marked as UTF-16 text but is damaged"),
    (b"\x00\x00\x00\x18ftypmp42", "is not a text file (it contains NUL bytes)"),
])
def test_damaged_or_binary_files_are_refused(data, words):
    with pytest.raises(InvalidInputError) as info:
        decode_guess(data, "x.txt")
    assert words in info.value.message and info.value.hint


def test_reading_a_file_normalises_newlines_unless_asked_not_to(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"one\r\ntwo\rthree\n")
    assert read_text_guess(path).text == "one\ntwo\nthree\n"
    assert read_text_guess(path, newlines=False).text == "one\r\ntwo\rthree\n"
    with pytest.raises(NotFoundError):
        read_text_guess(tmp_path / "missing.txt")
    with pytest.raises(InvalidInputError, match="is a folder"):
        read_text_guess(tmp_path)


def test_captions_rosters_and_scripts_read_the_same_bytes_the_same_way(tmp_path, cli):
    """The drift this module ended: the roster replaced such bytes with U+FFFD where captions used Latin-1."""
    srt = tmp_path / "c.srt"
    srt.write_bytes(b"1\n00:00:01,000 --> 00:00:02,000\n" + UNDEFINED + b"\n")
    roster = tmp_path / "r.csv"
    roster.write_bytes(b"Name,Specialty\n" + UNDEFINED + b",Cardiology\n")
    script = tmp_path / "s.txt"
    script.write_bytes(UNDEFINED + b"\n")
    expected = "Zoë Brontë \x81"

    caption = read_srt(srt)
    assert caption.cues[0].lines == (expected,) and "Latin-1" in caption.warnings[0]
    read = read_roster(roster)
    assert any("Latin-1" in w for w in read.warnings)
    assert [p.message for p in read.problems if "U+0081" in p.message]  # the cell's control character is named
    made = cli("new", tmp_path / "p", "--name", "Sam Lee", "--script-file", script)
    assert made.code == 0 and "Latin-1" in made.err, made.err
    assert cli("script", tmp_path / "p", "--json").json()["paragraphs"][0]["text"] == expected.strip()
