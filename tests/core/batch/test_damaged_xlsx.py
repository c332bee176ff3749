"""Damaged .xlsx rosters (cut off, damaged inside, a CSV or a web page under an .xlsx name) get a clear
InvalidInputError naming the file and what to do; the CLI exits 2 without 'This is a bug'."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from introstudio.core.batch.roster import read_roster
from introstudio.core.errors import InvalidInputError


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("roster") / "cardiology.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Name", "Specialty", "Department"])
    for i in range(500):
        ws.append([f"Ana Kim {i}", "Cardiology", "Heart and Vascular"])
    wb.save(path)
    return path


def _rewrite(src: Path, dest: Path, change) -> Path:
    """Copy the workbook's ZIP member by member, passing the first sheet's XML through `change`."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            zout.writestr(item, change(data) if item.filename == "xl/worksheets/sheet1.xml" else data)
    return dest


def _flip_sheet_bytes(src: Path, dest: Path) -> Path:
    """Flip bytes inside the sheet's compressed data, as a bad copy would (the ZIP's CRC no longer matches)."""
    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    middle = start + info.compress_size // 2
    for i in range(middle, middle + 32):
        data[i] ^= 0xFF
    dest.write_bytes(bytes(data))
    return dest


def _cases(good: Path, tmp: Path) -> dict[str, tuple[Path, list[str], str]]:
    """name -> (file, words its message must hold, a word its hint must hold)."""
    data = good.read_bytes()
    cut = tmp / "cut.xlsx"
    cut.write_bytes(data[: len(data) * 6 // 10])
    csv = tmp / "roster.xlsx"
    csv.write_text("Name,Specialty\nAna Kim,Cardiology\n", encoding="utf-8")
    html = tmp / "download.xlsx"
    html.write_text("<!DOCTYPE html><html><body>Your session expired</body></html>", encoding="utf-8")
    empty = tmp / "empty.xlsx"
    empty.write_bytes(b"")
    other_zip = tmp / "photos.xlsx"
    with zipfile.ZipFile(other_zip, "w") as z:
        z.writestr("photo.txt", "not a workbook")
    broken_xml = _rewrite(good, tmp / "broken xml.xlsx", lambda xml: xml[: len(xml) // 2])
    flipped = _flip_sheet_bytes(good, tmp / "flipped.xlsx")
    return {
        "cut off at 60%": (cut, ["incomplete", "cut off"], "again"),
        "a CSV named .xlsx": (csv, ["not an Excel workbook", "CSV"], "roster.csv"),
        "a web page named .xlsx": (html, ["web page"], "download"),
        "empty": (empty, ["empty"], "again"),
        "another ZIP": (other_zip, ["not an Excel workbook"], "unzip"),
        "sheet XML cut": (broken_xml, ["damaged inside"], "Excel"),
        "bytes flipped in the sheet": (flipped, ["damaged inside"], "Excel"),
    }


CASE_NAMES = ["cut off at 60%", "a CSV named .xlsx", "a web page named .xlsx", "empty", "another ZIP",
              "sheet XML cut", "bytes flipped in the sheet"]


@pytest.mark.parametrize("case", CASE_NAMES)
def test_damaged_roster_is_explained(good, tmp_path, case):
    path, words, hint_word = _cases(good, tmp_path)[case]
    with pytest.raises(InvalidInputError) as info:
        read_roster(path)
    err = info.value
    assert path.name in err.message
    for word in words:
        assert word in err.message, err.message
    assert hint_word.lower() in err.hint.lower(), err.hint


def test_the_good_workbook_still_reads(good):
    assert len(read_roster(good).rows) == 500


@pytest.mark.parametrize("case", ["cut off at 60%", "bytes flipped in the sheet"])
def test_cli_roster_import_exits_2(cli, good, tmp_path, case):
    path = _cases(good, tmp_path)[case][0]
    r = cli("roster", "import", path, "--into", tmp_path / "projects")
    assert r.code == 2, r.err
    assert path.name in r.err and "hint:" in r.err
    assert "bug" not in r.err.lower() and "Traceback" not in r.err
    assert not (tmp_path / "projects").exists() or not any((tmp_path / "projects").iterdir())
