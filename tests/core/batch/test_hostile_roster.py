"""A roster HR exported with names nobody expected: every script imports, the cards' gaps are warned about,
over-long and control-character cells are refused by row, and the CSV report never runs a formula."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from introstudio.core.batch.create import import_roster
from introstudio.core.batch.report import ReportInfo, read_report_csv, render_csv, write_report
from introstudio.core.batch.roster import read_roster
from introstudio.core.batch.tasks import ItemResult
from introstudio.core.jobs import run_job
from introstudio.core.project import open_project
from introstudio.core.project.limits import FIELD_LIMITS, check_clinician, field_problem
from introstudio.core.project.model import Clinician

LONG_NAME = "Maria " + "Fernanda " * 30 + "Lopez"
ROWS = [
    ("د. محمد عبد الله", "Cardiology"),  # 2 Arabic, right to left
    ("张伟", "Endocrinology"),  # 3 Chinese
    ("प्रिया शर्मा", "Neurology"),  # 4 Devanagari
    ("דוד כהן", "Paediatrics"),  # 5 Hebrew
    ("Zoë Ng 👩‍⚕️", "Oncology"),  # 6 emoji
    ("=cmd|' /C calc'!A0", "Surgery"),  # 7 a formula (DDE), as a name
    ("+Ana Kim", "-Dermatology"),  # 8 formula prefixes
    (LONG_NAME, "Cardiology"),  # 9 too long
    ("Tom\x07 Baker", "Cardiology"),  # 10 a control character
    ("Zoë Ng 👩‍⚕️", "Oncology"),  # 11 duplicate of row 6
    ("Ankh \U00013000 Smith", "Radiology"),  # 12 a glyph no bundled font has
]


def write_roster(path: Path, rows) -> Path:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Name", "Specialty"])
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def test_hostile_names_import_with_row_problems_and_glyph_warnings(tmp_path):
    roster = write_roster(tmp_path / "hr.csv", ROWS)
    result = run_job(import_roster(roster, tmp_path / "projects", skip_bad_rows=True))
    skipped = {p.row: p for p in result.skipped}
    assert sorted(skipped) == [9, 10, 11]
    assert f"at most {FIELD_LIMITS['name']}" in skipped[9].message and skipped[9].column == "Name"
    assert "U+0007" in skipped[10].message
    assert "already on row 6" in skipped[11].message
    by_row = {p.row: p for p in result.projects}
    assert sorted(by_row) == [2, 3, 4, 5, 6, 7, 8, 12]
    assert [w for r in (2, 3, 4, 5, 6, 7, 8) for w in by_row[r].warnings] == []
    assert any("cannot draw" in w and "U+13000" in w for w in by_row[12].warnings)
    arabic = open_project(by_row[2].folder).project.clinician
    assert arabic.name == "د. محمد عبد الله"
    assert open_project(by_row[7].folder).project.clinician.name == "=cmd|' /C calc'!A0"


def test_length_limits_say_what_fits(tmp_path):
    problem = field_problem("name", "x" * 81)
    assert problem is not None and "81 characters" in problem.message and "80" in problem.hint
    assert field_problem("name", "x" * 80) is None and field_problem("name", "张" * 80) is None
    assert field_problem("first_visit_notes", "Line one\nLine two") is None
    try:
        check_clinician(Clinician(name="Ana", specialty="x" * 500))
    except Exception as exc:  # noqa: BLE001 - the type and both texts are what matter
        assert type(exc).__name__ == "InvalidInputError" and "Specialty is 500" in str(exc)
    else:
        raise AssertionError("a 500-character specialty was accepted")
    rows = read_roster(write_roster(tmp_path / "r.csv", [("Ana Kim", "x" * 121)]))
    assert rows.problems and rows.problems[0].column == "Specialty"


def _result(name: str, **kw) -> ItemResult:
    return ItemResult(folder="/p/" + name[:3], name=name, status="failed", **kw)


def test_csv_report_cells_that_look_like_formulas_get_an_apostrophe(tmp_path):
    results = [_result('=HYPERLINK("http://x.example","Click")', error="-1 frames", hint="@admin"),
               _result("+Ana Kim", error="\tTabbed", hint="\rCarriage"),
               _result("Maria Lopez", loudness_lufs=-14.04, true_peak=-1.0)]
    rows = list(csv.reader(io.StringIO(render_csv(results))))
    header, cells = rows[0], [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert header[0] == "name"
    assert cells[0]["name"] == '\'=HYPERLINK("http://x.example","Click")'
    assert cells[0]["error"] == "'-1 frames" and cells[0]["hint"] == "'@admin"
    assert cells[1]["name"] == "'+Ana Kim" and cells[1]["error"] == "'\tTabbed" and cells[1]["hint"] == "'\rCarriage"
    assert cells[2]["name"] == "Maria Lopez" and cells[2]["loudness_lufs"] == "-14.0"  # numbers stay numbers
    assert cells[2]["true_peak"] == "-1.0"
    for row in cells:
        assert not any(v[:1] in ("=", "+", "-", "@", "\t", "\r") for k, v in row.items()
                       if k not in ("loudness_lufs", "true_peak"))
    write_report(results, ReportInfo(tmp_path, ("render",), None, "now", "1 local worker"))
    back = read_report_csv(tmp_path / "batch-report.csv")
    assert [r["name"] for r in back] == [r.name for r in results]  # read back as written
