"""SRT and WebVTT: strict reading with line numbers, encoding fallbacks, exact round trips."""

from __future__ import annotations

import shutil
from pathlib import Path

import pysrt
import pytest

from introstudio.core.captions.formats import (
    CaptionFile,
    read_captions,
    read_srt,
    read_vtt,
    write_captions,
    write_srt,
    write_vtt,
)
from introstudio.core.captions.layout import build_cues
from introstudio.core.captions.cues import Cue, Word
from introstudio.core.captions.profiles import get_profile
from introstudio.core.errors import InvalidInputError, NotFoundError

DATA = Path(__file__).parent / "data"
CLINICIAN = [
    Cue(0.5, 3.2, ("Hi, I'm Dr. María López,", "MD, PhD.")),
    Cue(3.267, 6.0, ("I'm an endocrinologist.",)),
    Cue(6.067, 9.15, ("Endocrinology, Diabetes", "and Metabolism")),
]


def built_cues() -> list[Cue]:
    text = ("Hi, I'm Dr. Maria Lopez, MD, PhD, in the Division of Endocrinology, Diabetes and Metabolism. "
            "I care for adults with diabetes & thyroid disease; 2 < 3 > 1 is not a caption. See you soon.")
    words, t = [], 0.137
    for tok in text.split():
        words.append(Word(t, t + 0.05 * len(tok) + 0.1, tok))
        t += 0.05 * len(tok) + 0.17 + (0.4 if tok.endswith(".") else 0)
    return build_cues(words, get_profile("default"))


def test_good_srt_with_bom_and_crlf():
    assert read_srt(DATA / "good.srt") == CaptionFile(tuple(CLINICIAN), (), "srt")


def test_good_vtt_keeps_header_settings_and_entities():
    f = read_vtt(DATA / "good.vtt")
    assert f.format == "vtt" and f.warnings == ()
    assert f.header == ("Kind: captions", "Language: en")
    assert f.cues == (
        Cue(0.5, 3.2, ("Hi, I'm Dr. María López,", "MD, PhD."), settings="line:10% align:center"),
        Cue(3.267, 6.0, ("Diabetes & Metabolism <3",)),  # NOTE and STYLE blocks skipped, no identifier
        Cue(3606.067, 3609.15, ("<i>Endocrinology</i>",), settings="position:50% align:start"),
    )


@pytest.mark.parametrize(
    "name, line, words",
    [
        ("bad_timing.srt", 6, "malformed timing line '00:00:04,000 -> 00:00:06,000'"),
        ("missing_blank.srt", 5, "a timing line inside the text of cue 1; a blank line is probably missing"),
        ("bad_index.srt", 9, "expected a cue number, found 'three'"),
        ("end_before_start.srt", 6, "cue 2 ends before it starts"),
        ("bad_timing.vtt", 8, "malformed timing line '00:04,000 --> 00:06.000'"),
        ("missing_blank.vtt", 5, "a timing line inside a cue's text; a blank line is probably missing"),
        ("no_header.vtt", 1, "must start with 'WEBVTT'"),
    ],
)
def test_malformed_files_name_the_line(name, line, words):
    with pytest.raises(InvalidInputError) as info:
        read_captions(DATA / name)
    assert info.value.message.startswith(f"{name}, line {line}: ")
    assert words in info.value.message
    assert info.value.hint


def test_pysrt_alone_would_hide_the_missing_blank_line():
    # The reason for our own checks: pysrt's lenient default folds the second cue into the first's text.
    items = pysrt.open(str(DATA / "missing_blank.srt"))
    assert len(items) == 2 and "00:00:04,000 --> 00:00:06,000" in items[0].text


def test_cp1252_file_reads_with_a_warning():
    f = read_srt(DATA / "cp1252.srt")
    assert [c.lines for c in f.cues] == [("Soy la Dra. María López.",), ("Endocrinología – “bienvenidos”.",)]
    (warning,) = f.warnings
    assert "not UTF-8" in warning and "Windows-1252" in warning and "line 3" in warning


def test_latin1_fallback_when_cp1252_cannot_decode(tmp_path):
    path = tmp_path / "odd.srt"
    path.write_bytes(b"1\n00:00:01,000 --> 00:00:02,000\nCaf\xe9 \x81\n")
    f = read_srt(path)
    assert f.cues[0].lines == ("Café \x81",)
    assert "Latin-1" in f.warnings[0]


def test_utf16_with_bom_reads_with_a_warning(tmp_path):
    path = tmp_path / "wide.srt"
    path.write_bytes("1\r\n00:00:01,000 --> 00:00:02,000\r\nHola\r\n".encode("utf-16"))
    f = read_srt(path)
    assert f.cues == (Cue(1.0, 2.0, ("Hola",)),) and "UTF-16" in f.warnings[0]


def test_srt_oddities_that_are_accepted_with_warnings(tmp_path):
    path = tmp_path / "odd.srt"
    path.write_text("5\n00:00:01.000 --> 00:00:02,000 X1:10 X2:20 Y1:5 Y2:9\nOne\n\n\n\n"
                    "6\n00:00:03,000 --> 00:00:04,000\n\n", encoding="utf-8")
    f = read_srt(path)
    assert f.cues == (Cue(1.0, 2.0, ("One",)), Cue(3.0, 4.0, ()))
    assert len(f.warnings) == 3  # numbering, '.' before milliseconds, display coordinates


def test_srt_round_trip_to_the_millisecond(tmp_path):
    cues = built_cues()
    assert len(cues) > 3
    path = tmp_path / "out.srt"
    write_srt(cues, path)
    back = read_srt(path)
    assert back.warnings == ()
    assert [(c.start, c.end, c.lines) for c in back.cues] == [(c.start, c.end, c.lines) for c in cues]
    data = path.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data
    assert data.startswith(b"1\n00:00:00,137 --> ")
    assert len(pysrt.open(str(path))) == len(cues)  # other tools read it too
    assert [p.name for p in tmp_path.iterdir()] == ["out.srt"]  # no temp file left behind


def test_vtt_round_trip_to_the_millisecond_with_settings(tmp_path):
    cues = [c if k % 2 else Cue(c.start, c.end, c.lines, settings="line:10% align:center")
            for k, c in enumerate(built_cues())]
    path = tmp_path / "out.vtt"
    write_vtt(cues, path, header=("Kind: captions", "Language: en"))
    back = read_vtt(path)
    assert back.header == ("Kind: captions", "Language: en")
    assert [(c.start, c.end, c.lines, c.settings) for c in back.cues] == [
        (c.start, c.end, c.lines, c.settings) for c in cues]
    text = path.read_text(encoding="utf-8")
    assert text.startswith("WEBVTT\nKind: captions\nLanguage: en\n\n1\n00:00:00.137 --> ")
    assert "&amp;" in text and "&lt;" in text


def test_vtt_file_round_trips_through_our_writer(tmp_path):
    original = read_vtt(DATA / "good.vtt")
    write_vtt(original.cues, tmp_path / "copy.vtt", header=original.header)
    assert read_vtt(tmp_path / "copy.vtt") == original


def test_vtt_default_settings_apply_to_cues_without_their_own(tmp_path):
    cues = [Cue(1, 2, ("Top",)), Cue(3, 4, ("Own",), settings="align:start")]
    write_vtt(cues, tmp_path / "x.vtt", settings="line:10%")
    assert [c.settings for c in read_vtt(tmp_path / "x.vtt").cues] == ["line:10%", "align:start"]


def test_choose_format_by_extension(tmp_path):
    write_captions(CLINICIAN, tmp_path / "a.SRT")
    write_captions(CLINICIAN, tmp_path / "a.vtt", settings="line:90%")
    assert read_captions(tmp_path / "a.SRT").cues == tuple(CLINICIAN)
    vtt = read_captions(tmp_path / "a.vtt")
    assert vtt.format == "vtt" and {c.settings for c in vtt.cues} == {"line:90%"}
    for bad in (tmp_path / "a.txt", tmp_path / "a"):
        with pytest.raises(InvalidInputError) as info:
            read_captions(bad)
        assert ".srt" in info.value.hint and ".vtt" in info.value.hint
    with pytest.raises(InvalidInputError):
        write_captions(CLINICIAN, tmp_path / "a.ass")


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(NotFoundError):
        read_captions(tmp_path / "nope.srt")
    with pytest.raises(NotFoundError):
        write_srt(CLINICIAN, tmp_path / "no" / "such" / "folder.srt")


def test_writer_refuses_what_a_file_cannot_hold(tmp_path):
    with pytest.raises(InvalidInputError, match="Cue 2"):
        write_srt([Cue(0, 1, ("ok",)), Cue(3, 2, ("backwards",))], tmp_path / "x.srt")
    with pytest.raises(InvalidInputError, match="-->"):
        write_vtt([Cue(0, 1, ("a --> b",))], tmp_path / "x.vtt")
    assert not list(tmp_path.iterdir())


def test_overwrite_replaces_the_old_file(tmp_path):
    path = tmp_path / "x.srt"
    shutil.copy(DATA / "good.srt", path)
    write_srt([Cue(1, 2, ("New",))], path)
    assert read_srt(path).cues == (Cue(1.0, 2.0, ("New",)),)


def test_binary_file_is_refused(tmp_path):
    path = tmp_path / "video.srt"
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42")
    with pytest.raises(InvalidInputError, match="not a text caption file"):
        read_srt(path)


def test_srt_cues_are_pysrts_own_parse_of_the_checked_lines(tmp_path, monkeypatch):
    path = tmp_path / "x.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:02,500\n  Hello  \n\n", encoding="utf-8")
    parsed = []
    real = pysrt.SubRipFile.stream

    def stream(source, **kwargs):
        for item in real(source, **kwargs):
            parsed.append(item)
            yield item

    monkeypatch.setattr(pysrt.SubRipFile, "stream", stream)
    assert read_srt(path).cues == (Cue(1.0, 2.5, ("Hello",)),)
    assert [(i.start.ordinal, i.end.ordinal) for i in parsed] == [(1000, 2500)]


def test_line_separators_inside_a_caption_line_stay_in_it(tmp_path):
    # pysrt.from_string would break these lines at U+2028 and NEL (str.splitlines); they are one line each.
    path = tmp_path / "x.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:02,000\nx\u2028y\nSoy \x85 z\n", encoding="utf-8")
    assert read_srt(path).cues == (Cue(1.0, 2.0, ("x\u2028y", "Soy \x85 z")),)


def test_a_tab_before_display_coordinates_is_refused_naming_the_timing_line(tmp_path):
    path = tmp_path / "x.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:02,000\nOne\n\n2\n00:00:03,000 --> 00:00:04,000\tX1:10\nTwo\n",
                    encoding="utf-8")
    with pytest.raises(InvalidInputError) as info:
        read_srt(path)
    assert info.value.message.startswith("x.srt, line 6: the timing of cue 2 cannot be read")
    assert "single space" in info.value.hint
