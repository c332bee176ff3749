"""Rosters: CSV and XLSX quirks, lenient columns, bad rows by Excel row number, nothing created on error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from introstudio.core.batch.create import RosterInvalid, import_roster, match_footage
from introstudio.core.batch.names import clinician_slug
from introstudio.core.batch.roster import match_header, read_roster, sniff_delimiter
from introstudio.core.errors import InvalidInputError
from introstudio.core.jobs import run_job
from introstudio.core.project import open_project

HEADER = "Name,Credentials,Specialty,Department\n"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def batch_cli(cli):
    """The in-process CLI (the roster and batch commands are part of the main parser)."""
    return cli


# --- columns -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("header, field", [
    ("Name", "name"), (" Full_Name ", "name"), ("Provider", "name"), ("Provider Name", "name"),
    ("Degree", "credentials"), ("Speciality", "specialty"), ("Dept.", "department"),
    ("Department name", "department"), ("Clinic name", "clinic_location"), ("Clinic phone", "phone"),
    ("Web/URL", "web_page"), ("Profile URL", "web_page"), ("Clinical interests", "focus_areas"),
    ("Languages spoken (other than English)", "languages"), ("Video file", "footage"),
    ("Job title", "role"), ("Title", "title"), ("Script template", "template"), ("Favourite colour", None),
])
def test_headers_match_leniently(header, field):
    assert match_header(header)[0] == field


def test_slugs_are_stable_folder_names():
    assert clinician_slug("Dr. María  López, MD") == "maria-lopez"
    assert clinician_slug("José O'Brien") == "jose-o-brien"
    assert clinician_slug("王小明") == "王小明"


def test_delimiter_is_sniffed():
    assert sniff_delimiter("Name;Specialty\nA;B\n") == ";"
    assert sniff_delimiter("Name,Specialty\n\"Lopez, Maria\",B\n") == ","
    assert sniff_delimiter("Name\tSpecialty\nA\tB\n") == "\t"


# --- CSV ---------------------------------------------------------------------------------------------

def test_csv_with_bom_trailing_spaces_and_odd_headers(tmp_path):
    text = ("\ufeffFull Name ,Degree,Speciality , Dept ,Clinic phone,Profile URL,Pronouns,Notes\r\n"
            "  Maria\u00a0Lopez  ,MD , Endocrinology,Diabetes ,555-0142,example.org/lopez,she/her,x\r\n")
    roster = read_roster(write(tmp_path / "r.csv", text))
    assert not roster.problems
    c = roster.rows[0].clinician
    assert (c.name, c.credentials, c.specialty, c.department, c.phone, c.web_page, c.pronouns) == (
        "Maria Lopez", "MD", "Endocrinology", "Diabetes", "555-0142", "example.org/lopez", "she/her")
    assert any("Notes" in w for w in roster.warnings)


def test_cp1252_semicolon_csv_is_read_with_a_warning(tmp_path):
    text = "Name;Specialty\nJosé Núñez;Cardiología\nZoë Brontë;Pédiatrie\n"
    roster = read_roster(write(tmp_path / "r.csv", text, "cp1252"))
    assert [r.name for r in roster.rows] == ["José Núñez", "Zoë Brontë"]
    assert roster.rows[0].clinician.specialty == "Cardiología"
    assert any("Windows-1252" in w for w in roster.warnings)


def test_excel_sep_line_sets_the_delimiter_and_is_not_a_row(tmp_path):
    roster = read_roster(write(tmp_path / "r.csv", "sep=;\nName;Specialty\nMaria Lopez, MD;X\n;Y\n"))
    assert roster.rows[0].name == "Maria Lopez, MD" and roster.problems[0].row == 3


def test_utf16_tab_separated_excel_unicode_text(tmp_path):
    path = tmp_path / "r.txt"
    path.write_bytes("Name\tSpecialty\r\nŁucja Wójcik\tNeurology\r\n".encode("utf-16"))
    assert read_roster(path).rows[0].name == "Łucja Wójcik"


def test_bad_rows_are_reported_with_excel_row_numbers(tmp_path):
    text = (HEADER
            + '"Maria Lopez",MD,"Endocrinology","Line one\nline two"\n'  # row 2 spans two lines of the file
            + ",MD,Cardiology,Heart\n"  # row 3: no name
            + "maria  lopez,MD,Endocrinology,\n"  # row 4: duplicate of row 2
            + "Jos\ufffd Ruiz,MD,Cardiology,\n"  # row 5: unreadable character
            + "\n"  # row 6: blank, ignored
            + "Ana Kim,MD,,Dermatology\n"  # row 7: specialty, which physician-intro requires
            + "JosÃ© Lima,MD,Cardiology,\n"  # row 8: mojibake
            + "Tom Baker,MD,#N/A,\n")  # row 9: an Excel error value
    path = write(tmp_path / "roster.csv", text)
    into = tmp_path / "projects"
    with pytest.raises(RosterInvalid) as info:
        run_job(import_roster(path, into))
    rows = {p.row: p for p in info.value.problems}
    assert sorted(rows) == [3, 4, 5, 7, 8, 9]
    assert "already on row 2" in rows[4].message
    assert "could not be read" in rows[5].message
    assert rows[7].column == "Specialty" and "needs it" in rows[7].message
    assert "José Lima" in rows[8].message
    assert "#N/A" in rows[9].message
    assert "Row 3" in info.value.message and "nothing was created" in info.value.message
    assert "--skip-bad-rows" in info.value.hint
    assert not into.exists()


def test_skip_bad_rows_imports_the_good_ones(tmp_path):
    text = HEADER + "Maria Lopez,MD,Endocrinology,\n,MD,Cardiology,\nAna Kim,MD,Dermatology,\n"
    result = run_job(import_roster(write(tmp_path / "r.csv", text), tmp_path / "p", skip_bad_rows=True))
    assert [p.folder.name for p in result.projects] == ["maria-lopez", "ana-kim"]
    assert [p.row for p in result.skipped] == [3]
    assert open_project(tmp_path / "p" / "ana-kim").project.clinician.specialty == "Dermatology"


def test_a_roster_without_a_required_column_is_refused_whole(tmp_path):
    with pytest.raises(InvalidInputError, match="no column"):
        run_job(import_roster(write(tmp_path / "r.csv", "Name,Department\nMaria Lopez,X\n"), tmp_path / "p"))
    with pytest.raises(InvalidInputError, match="name"):
        read_roster(write(tmp_path / "s.csv", "Specialty,Department\nX,Y\n"))


def test_first_and_last_name_columns_make_the_name(tmp_path):
    roster = read_roster(write(tmp_path / "r.csv", "First name,Last name,Specialty\nMaria,Lopez,X\n"))
    assert roster.rows[0].name == "Maria Lopez"


# --- XLSX --------------------------------------------------------------------------------------------

def test_xlsx_merged_cells_numbers_and_trailing_spaces(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Physicians"
    ws.append(["Cardiology roster 2026"])
    ws.merge_cells("A1:F1")
    ws.append(["Name ", None, "Specialty", "Department", "Contact", None])  # row 2: header, top half
    ws.append([None, "Credentials", None, None, "Phone", "Years"])  # row 3: header, bottom half
    for col in "ACD":
        ws.merge_cells(f"{col}2:{col}3")
    ws.merge_cells("E2:F2")
    ws.append(["Maria Lopez  ", "MD", "Cardiology", "Heart Center", 2155550100, 12.0])  # row 4
    ws.append(["John Smith", "DO", "Cardiology", None, None, 7])  # row 5 (department merged from row 4)
    ws.merge_cells("D4:D5")
    ws.append([])  # row 6: blank
    ws.append([None, "MD", "Cardiology", None, None, None])  # row 7: no name
    wb.create_sheet("Notes").append(["nothing here"])
    path = tmp_path / "roster.xlsx"
    wb.save(path)

    roster = read_roster(path)
    assert roster.sheet == "Physicians" and roster.header_row == 3
    assert dict((f, h) for h, f in roster.columns).keys() >= {"name", "credentials", "specialty", "department",
                                                               "phone", "years_experience"}
    maria, john = roster.rows[0].clinician, roster.rows[1].clinician
    assert (maria.name, maria.phone, maria.years_experience) == ("Maria Lopez", "2155550100", "12")
    assert john.department == "Heart Center"
    assert [(p.row, p.column) for p in roster.problems] == [(7, "Name")]


def test_xlsx_phone_shortened_by_excel_is_a_bad_row(tmp_path):
    text = "Name,Specialty,Phone\nMaria Lopez,Cardiology,2.15555E+09\n"
    roster = read_roster(write(tmp_path / "r.csv", text))
    assert roster.problems[0].row == 2 and "digits were lost" in roster.problems[0].message


def test_old_excel_files_get_a_clear_message(tmp_path):
    path = tmp_path / "r.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(InvalidInputError, match="old Excel") as info:
        read_roster(path)
    assert ".xlsx" in info.value.hint


# --- footage -----------------------------------------------------------------------------------------

@pytest.fixture
def clip(tmp_path):
    from introstudio.core.media.testmedia import make_clip

    return make_clip(tmp_path / "clip.mp4", seconds=1.2, size=(160, 120))


def test_footage_by_column_and_by_file_name(tmp_path, clip):
    footage = tmp_path / "footage"
    footage.mkdir()
    (tmp_path / "takes").mkdir()
    for name in ("Lopez_Maria_final.mp4", "smith-john.MOV", "unrelated.mp4"):
        (footage / name).write_bytes(clip.read_bytes())
    (tmp_path / "takes" / "ana.mp4").write_bytes(clip.read_bytes())
    text = "Name,Specialty,Footage\nMaria Lopez,X,\nDr. John Smith,X,\nAna Kim,X,takes/ana.mp4\nTom Baker,X,\n"
    path = write(tmp_path / "roster.csv", text)
    result = run_job(import_roster(path, tmp_path / "p", footage_dirs=[footage]))
    got = {p.folder.name: (p.footage.name if p.footage else None, p.take_id) for p in result.projects}
    assert got == {"maria-lopez": ("Lopez_Maria_final.mp4", 1), "john-smith": ("smith-john.MOV", 1),
                   "ana-kim": ("ana.mp4", 1), "tom-baker": (None, None)}
    assert any("Tom Baker" in w for w in result.warnings)
    assert any("unrelated.mp4" in w for w in result.warnings)
    assert len(open_project(tmp_path / "p" / "ana-kim").project.takes) == 1


def test_missing_and_ambiguous_footage_are_bad_rows(tmp_path, clip):
    for name in ("maria-lopez-take1.mp4", "maria-lopez-take2.mp4"):
        (tmp_path / name).write_bytes(clip.read_bytes())
    text = "Name,Specialty,Video\nMaria Lopez,X,\nAna Kim,X,nowhere.mp4\n"
    path = write(tmp_path / "roster.csv", text)
    with pytest.raises(RosterInvalid) as info:
        run_job(import_roster(path, tmp_path / "p"))
    problems = {p.row: p for p in info.value.problems}
    assert "several files" in problems[2].message and problems[3].column == "Video"
    assert "nowhere.mp4" in problems[3].message


def test_a_file_that_is_not_footage_is_a_bad_row(tmp_path):
    (tmp_path / "maria-lopez.mp4").write_text("not a video")
    with pytest.raises(RosterInvalid) as info:
        run_job(import_roster(write(tmp_path / "r.csv", "Name,Specialty\nMaria Lopez,X\n"), tmp_path / "p"))
    assert info.value.problems[0].row == 2


def test_exact_file_name_wins_over_a_longer_one(tmp_path, clip):
    from introstudio.core.batch.roster import RosterRow
    from introstudio.core.project import Clinician

    for name in ("maria-lopez.mp4", "maria-lopez-garcia.mp4"):
        (tmp_path / name).write_bytes(clip.read_bytes())
    rows = [RosterRow(2, Clinician(name="Maria Lopez")), RosterRow(3, Clinician(name="Maria Lopez Garcia"))]
    found, problems, _ = match_footage(rows, tmp_path)
    assert not problems
    assert (found[2].name, found[3].name) == ("maria-lopez.mp4", "maria-lopez-garcia.mp4")


def test_importing_again_updates_and_never_duplicates(tmp_path, clip):
    (tmp_path / "maria-lopez.mp4").write_bytes(clip.read_bytes())
    path = write(tmp_path / "r.csv", "Name,Specialty,Phone\nMaria Lopez,Cardiology,555\n")
    first = run_job(import_roster(path, tmp_path / "p"))
    again = run_job(import_roster(path, tmp_path / "p"))
    assert [p.status for p in first.projects] == ["created"] and [p.status for p in again.projects] == ["unchanged"]
    pf = open_project(tmp_path / "p" / "maria-lopez")
    pf.project.clinician.pronouns = "she/her"  # typed in the app; the roster has no Pronouns column
    pf.save()
    write(path, "Name,Specialty,Phone\nMaria Lopez,Endocrinology,\n")
    changed = run_job(import_roster(path, tmp_path / "p"))
    c = open_project(tmp_path / "p" / "maria-lopez").project
    assert [p.status for p in changed.projects] == ["updated"]
    assert (c.clinician.specialty, c.clinician.phone, c.clinician.pronouns) == ("Endocrinology", "", "she/her")
    assert len(c.takes) == 1


def test_importing_again_keeps_a_chosen_template_unless_one_is_given(tmp_path):
    path = write(tmp_path / "r.csv", "Name,Specialty\nMaria Lopez,Surgery\n")
    preview = run_job(import_roster(path, tmp_path / "p", dry_run=True))
    assert [p.status for p in preview.projects] == ["would create"] and not (tmp_path / "p").exists()
    run_job(import_roster(path, tmp_path / "p"))
    pf = open_project(tmp_path / "p" / "maria-lopez")
    pf.project.script.template_id = "surgeon-intro"
    pf.save()
    run_job(import_roster(path, tmp_path / "p", default_template="physician-intro"))
    assert open_project(pf.folder).project.script.template_id == "surgeon-intro"
    run_job(import_roster(path, tmp_path / "p", template="physician-intro"))
    assert open_project(pf.folder).project.script.template_id == "physician-intro"


def test_a_foreign_folder_in_the_way_is_a_bad_row(tmp_path):
    (tmp_path / "p" / "maria-lopez").mkdir(parents=True)
    (tmp_path / "p" / "maria-lopez" / "notes.txt").write_text("mine")
    with pytest.raises(RosterInvalid, match="not an IntroStudio project"):
        run_job(import_roster(write(tmp_path / "r.csv", "Name,Specialty\nMaria Lopez,X\n"), tmp_path / "p"))


# --- CLI ---------------------------------------------------------------------------------------------

def test_cli_roster_import_reports_bad_rows_as_json(batch_cli, tmp_path):
    path = write(tmp_path / "r.csv", HEADER + "Maria Lopez,MD,Endocrinology,\n,MD,X,\n")
    bad = batch_cli("roster", "import", path, "--into", tmp_path / "p", "--json")
    assert bad.code == 2
    data = json.loads(bad.out)
    assert data["error"] == "RosterInvalid" and data["problems"][0]["row"] == 3
    assert not (tmp_path / "p").exists()
    ok = batch_cli("roster", "import", path, "--into", tmp_path / "p", "--skip-bad-rows")
    assert ok.code == 0, ok.err
    assert "created" in ok.out and "Row 3" in ok.out
    assert (tmp_path / "p" / "maria-lopez" / "project.json").is_file()


def test_roster_import_is_a_nested_command_and_only_there():
    from introstudio.cli import build_parser

    parser = build_parser()
    args = parser.parse_args(["--home", "h", "roster", "import", "r.csv", "--into", "x"])
    assert (args.command, args.roster_action, args.roster, args.func.__name__) == (
        "roster", "import", Path("r.csv"), "cmd_roster_import")
    args = parser.parse_args(["import", "roster", "import"])  # a project folder called roster, a file import
    assert (args.command, args.dir, args.files) == ("import", Path("roster"), [Path("import")])


def test_cli_batch_refuses_bad_requests_before_starting_workers(batch_cli, tmp_path):
    empty = batch_cli("batch", tmp_path, "--json")
    assert empty.code == 2 and "no IntroStudio projects" in empty.json()["message"]
    assert batch_cli("batch", tmp_path, "--steps", "captions,upload").code == 2
    assert batch_cli("batch", tmp_path, "--workers", "0").code == 2
    assert batch_cli("batch", tmp_path, "--workers", "2", "--scheduler", "tcp://127.0.0.1:1").code == 2
    publish = batch_cli("batch", tmp_path, "--steps", "render,publish")
    assert publish.code == 2 and "--yes" in publish.err


@pytest.mark.parametrize("text, expected", [
    ("Kim, Ana", "Ana Kim"),
    ("Lopez, Maria J.", "Maria J. Lopez"),
    ("Lopez, Maria J., MD", "Maria J. Lopez, MD"),
    ("de la Cruz, Ana", "Ana de la Cruz"),
    ("Maria Lopez, MD", "Maria Lopez, MD"),
    ("Maria Lopez, M.D., PhD", "Maria Lopez, M.D., PhD"),
    ("Ana Kim, PA-C", "Ana Kim, PA-C"),
    ("Maria Lopez", "Maria Lopez"),
    ("Lopez, Maria, Cardiology Fellow", "Lopez, Maria, Cardiology Fellow"),  # unclear: left alone
])
def test_last_first_names_are_put_in_reading_order(text, expected):
    from introstudio.core.batch.names import natural_name

    assert natural_name(text) == expected


def test_a_last_first_roster_makes_one_project_per_person(tmp_path):
    from introstudio.core.batch.roster import read_roster

    roster = tmp_path / "roster.csv"
    roster.write_text('Name,Specialty\n"Kim, Ana",Neurology\n"Kim, Joe",Cardiology\n"Lopez, Maria, MD",X\n',
                      encoding="utf-8")
    r = read_roster(roster)
    assert not r.problems
    assert [row.clinician.name for row in r.rows] == ["Ana Kim", "Joe Kim", "Maria Lopez, MD"]
    assert [clinician_slug(row.clinician.name) for row in r.rows] == ["ana-kim", "joe-kim", "maria-lopez"]
