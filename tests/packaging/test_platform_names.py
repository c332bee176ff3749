"""Windows-invalid project folder and file names, checked here on Linux: CON, NUL, COM1, a trailing dot, <>:"/\\|?*."""

from __future__ import annotations

from pathlib import Path

import pytest

from introstudio.core import filenames
from introstudio.core.batch.create import import_roster
from introstudio.core.errors import InvalidInputError
from introstudio.core.filenames import check_folder_name, is_device_name, portable_name, windows_name_problem
from introstudio.core.jobs import run_job
from introstudio.core.media.importing import safe_filename
from introstudio.core.project import Clinician, Script, create_project


@pytest.mark.parametrize("name", ["CON", "con", "Nul", "PRN", "aux", "COM1", "com9", "LPT1", "COM0", "COM¹", "LPT³",
                                  "CONIN$", "nul.txt", "CON .mp4", "con.tar.gz", "AUX  "])
def test_device_names(name: str) -> None:
    assert is_device_name(name)


@pytest.mark.parametrize("name", ["CONSOLE", "context", "COM10", "LPT", "nullable", "_CON", "Dr. Con", "acon"])
def test_ordinary_names_that_look_close(name: str) -> None:
    assert not is_device_name(name)
    assert windows_name_problem(name) is None


@pytest.mark.parametrize(("name", "words"), [
    ("CON", "device name"), ("nul.txt", "device name"), ("Dr. Kim.", "dot or space at the end"),
    ("Maria Lopez ", "dot or space at the end"), ("a<b", "'<'"), ('Q&A: "Intro"', "':'"), ("a|b?c*", "'*'"),
    ("back\\slash", "'\\\\'"), ("tab\there", "U+0009"), ("", "empty"), ("x" * 256, "longer than"),
])
def test_problems_are_said_in_words(name: str, words: str) -> None:
    problem = windows_name_problem(name)
    assert problem is not None and words in problem, problem


@pytest.mark.parametrize(("name", "fixed"), [
    ("CON", "_CON"), ("nul.txt", "_nul.txt"), ("Dr. Kim.", "Dr. Kim"), ("Lopez . ", "Lopez"),
    ('Q&A: "Intro"?', "Q&A_ _Intro__"), ("...", "project"), ("COM1 ", "_COM1"), ("María José", "María José"),
])
def test_portable_name_fixes_each(name: str, fixed: str) -> None:
    assert portable_name(name) == fixed
    assert windows_name_problem(fixed) is None


def test_portable_name_cuts_long_names_to_what_ntfs_holds() -> None:
    cut = portable_name("é" * 300 + ".")
    assert len(cut) == 255 and windows_name_problem(cut) is None
    emoji = portable_name("😀" * 200)  # two UTF-16 units each
    assert len(emoji.encode("utf-16-le")) // 2 <= 255 and windows_name_problem(emoji) is None


def test_safe_filename_for_imported_takes_covers_spaced_device_names() -> None:
    assert safe_filename("CON .tar.gz") == "_CON .tar.gz"
    assert safe_filename("com¹.mp4") == "_com¹.mp4"
    assert safe_filename("take 1.mov") == "take 1.mov"


def test_check_folder_name_refuses_only_where_windows_is(tmp_path: Path) -> None:
    check_folder_name("CON", windows=False)
    with pytest.raises(InvalidInputError) as caught:
        check_folder_name("Dr. Kim.", windows=True)
    assert "Dr. Kim." in caught.value.message and "'Dr. Kim'" in caught.value.hint


def test_create_project_on_windows_refuses_a_device_name(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(filenames, "_on_windows", lambda: True)
    with pytest.raises(InvalidInputError, match="device name"):
        create_project(tmp_path / "nul", Clinician(name="Ana Kim"), Script(free_text="Hello."))
    assert not (tmp_path / "nul").exists()
    assert create_project(tmp_path / "ana-kim", Clinician(name="Ana Kim"), Script(free_text="Hi.")).folder.is_dir()


def test_roster_clinicians_named_like_devices_get_portable_folders(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("Name,Specialty\nDr. Con,Cardiology\n\"Aux, Prn\",Surgery\nNul,Dermatology\n", encoding="utf-8")
    result = run_job(import_roster(roster, tmp_path / "projects"))
    names = sorted(p.folder.name for p in result.projects)
    assert names == ["_con", "_nul", "prn-aux"]
    assert all(windows_name_problem(n) is None for n in names)
