"""Read a clinician roster (CSV or XLSX) leniently, and report every bad row by the number Excel shows.

Encodings by the one policy of core/textfiles.py: UTF-8 with or without BOM, UTF-16 with BOM (Excel's
"Unicode Text"), else Windows-1252 (then Latin-1) with a warning. Delimiters `,` `;` and tab are sniffed. XLSX is read with openpyxl (read-only, cached formula
values); merged cells take the value of their top-left cell, numbers stored as numbers become text
("2155550100", not "2155550100.0"). Row numbers count the header as row 1, as in Excel, even when a
quoted CSV cell spans several lines.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from introstudio.core.errors import InvalidInputError, NotFoundError
from introstudio.core.batch.names import clinician_slug, natural_name
from introstudio.core.batch.workbook import DAMAGE, damaged_workbook, not_a_workbook
from introstudio.core.project.limits import field_problem
from introstudio.core.project.model import PROFILE_FIELDS, Clinician
from introstudio.core.textfiles import read_text_guess

# field -> header spellings (compared after `normalise_header`); footage/template are not profile fields.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("name", "full name", "provider", "provider name", "clinician", "clinician name", "physician",
             "physician name", "doctor", "display name", "preferred name"),
    "first_name": ("first name", "given name", "forename", "first"),
    "last_name": ("last name", "surname", "family name", "last"),
    "title": ("title", "honorific", "prefix", "salutation"),
    "credentials": ("credentials", "credential", "degree", "degrees", "qualifications", "suffix"),
    "role": ("role", "position", "job title", "provider type"),
    "pronouns": ("pronouns", "pronoun"),
    "specialty": ("specialty", "speciality", "specialties", "specialities", "primary specialty"),
    "department": ("department", "dept", "division", "service line"),
    "organisation": ("organisation", "organization", "hospital", "health system", "practice"),
    "focus_areas": ("focus", "focus areas", "areas of focus", "interests", "clinical interests",
                    "special interests"),
    "languages": ("languages", "language", "languages spoken", "spoken languages", "other languages"),
    "clinic_location": ("location", "clinic", "clinic location", "office", "office location", "site",
                        "address"),
    "phone": ("phone", "telephone", "phone number", "tel", "appointment phone"),
    "web_page": ("web", "url", "profile", "web page", "webpage", "website", "profile url", "link"),
    "years_experience": ("years", "years experience", "years of experience", "experience"),
    "first_visit_notes": ("first visit notes", "first visit", "visit notes"),
    "footage": ("footage", "video", "file", "video file", "clip", "footage file", "file name", "filename"),
    "template": ("template", "script template"),
}
_ALIAS_TO_FIELD = {alias: f for f, aliases in FIELD_ALIASES.items() for alias in aliases}
_EXCEL_ERRORS = {"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!", "#SPILL!", "#CALC!"}
_SCI_NUMBER = re.compile(r"^[+-]?\d(?:\.\d+)?E\+\d+$", re.IGNORECASE)
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u2060\ufeff"))
HEADER_SEARCH_ROWS = 10
UTF8_HINT = "Save the roster as 'CSV UTF-8' (Excel: File > Save As > CSV UTF-8), or as .xlsx."


@dataclass(frozen=True)
class RowProblem:
    """Why one roster row cannot be used; `row` is the number Excel shows (header = row 1)."""

    row: int
    message: str
    hint: str = ""
    column: str = ""

    def __str__(self) -> str:
        where = f"Row {self.row}" + (f", {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class RosterRow:
    """One clinician from the roster, cleaned: profile fields plus the optional footage and template."""

    row: int
    clinician: Clinician
    footage: str = ""
    template: str = ""

    @property
    def name(self) -> str:
        return self.clinician.name


@dataclass(frozen=True)
class Roster:
    """A roster as read: usable rows, problems by row number, and warnings about the file as a whole."""

    path: Path
    rows: tuple[RosterRow, ...]
    problems: tuple[RowProblem, ...]
    columns: tuple[tuple[str, str], ...]  # (header as written, field)
    warnings: tuple[str, ...] = ()
    header_row: int = 1
    sheet: str | None = None

    def bad_rows(self) -> set[int]:
        return {p.row for p in self.problems}

    def fields(self) -> set[str]:
        return {f for _, f in self.columns}


def normalise_header(text: str) -> str:
    """'  Full_Name (as shown) ' -> 'full name': how headers are compared."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"\(.*?\)|\[.*?\]", " ", text)
    text = re.sub(r"[^\w]+|_", " ", text)
    return " ".join(text.split())


def match_header(header: str) -> tuple[str | None, int]:
    """(field, score) for a header: 3 exact, 2 by its last words, 1 by its first words, (None, 0) otherwise."""
    h = normalise_header(header)
    if not h:
        return None, 0
    if h in _ALIAS_TO_FIELD:
        return _ALIAS_TO_FIELD[h], 3
    suffixes = [a for a in _ALIAS_TO_FIELD if h.endswith(" " + a)]
    prefixes = [a for a in _ALIAS_TO_FIELD if h.startswith(a + " ")]
    if suffixes:
        best = max(suffixes, key=len)
        qualifier = h[: -len(best)].strip()
        # "Department name", "Clinic name": a generic last word defers to a qualifier that names a field.
        if _ALIAS_TO_FIELD[best] == "name" and qualifier in _ALIAS_TO_FIELD:
            return _ALIAS_TO_FIELD[qualifier], 2
        return _ALIAS_TO_FIELD[best], 2
    if prefixes:
        return _ALIAS_TO_FIELD[max(prefixes, key=len)], 1
    return None, 0


def read_roster(path: str | Path) -> Roster:
    """Read and check a roster file; whole-file problems raise, row problems are listed in the result."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise NotFoundError(f"The roster {path} does not exist.", "Check the file name and folder.")
    try:
        head = path.open("rb").read(8)
    except OSError as exc:
        raise InvalidInputError(f"Cannot read the roster {path}: {exc.strerror}.",
                                "Close it in Excel if it is open, and check its permissions.") from exc
    suffix = path.suffix.lower()
    if suffix in (".xls", ".ods", ".numbers") or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InvalidInputError(f"{path.name} is an old Excel (.xls) or other spreadsheet format IntroStudio "
                                "cannot read.", "Save it as .xlsx, or as CSV UTF-8.")
    if suffix in (".xlsx", ".xlsm") or head.startswith(b"PK\x03\x04"):
        if (wrong := not_a_workbook(path)) is not None:
            raise wrong  # empty, a CSV or a web page with an .xlsx name
        table, sheet = _read_xlsx(path)
    else:
        table, sheet = _read_csv(path), None
    return _build(path, table.rows, list(table.warnings), sheet)


@dataclass(frozen=True)
class _Table:
    rows: list[list[str]]
    warnings: tuple[str, ...] = ()


def sniff_delimiter(text: str) -> str:
    """`,` `;` or tab: the one that splits the first lines into the most consistent number of columns."""
    sample = "\n".join(text.splitlines()[:30])
    best, best_score = ",", (-1, -1)
    for delimiter in (",", ";", "\t"):
        rows = [r for r in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter) if any(r)]
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        score = (sum(1 for r in rows if len(r) == width), width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(path: Path) -> _Table:
    guess = read_text_guess(path, newlines=False, what="roster")  # the csv module reads the line ends itself
    warnings = [f"{w} {UTF8_HINT}" for w in guess.warnings]
    text = guess.text
    hint = re.match(r"sep=(.)\r?\n", text)  # Excel's delimiter line; Excel hides it, so it is not row 1
    text, delimiter = (text[hint.end():], hint.group(1)) if hint else (text, sniff_delimiter(text))
    rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    return _Table(rows, tuple(warnings))


def _read_xlsx(path: Path) -> tuple[_Table, str]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException, ...
        raise damaged_workbook(path, exc) from exc
    try:
        candidates: list[tuple[int, str, list[list[str]]]] = []
        for ws in wb.worksheets:
            if getattr(ws, "sheet_state", "visible") != "visible":
                continue
            ws.reset_dimensions()  # some writers record a wrong size; read what is really there
            rows = [[xlsx_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
            _fill_merged(rows, _merged_ranges(ws))
            score = max((_header_score(r)[0] for r in rows[:HEADER_SEARCH_ROWS]), default=0)
            candidates.append((score, ws.title, rows))
    except DAMAGE as exc:  # the sheets are read lazily: a damaged part shows only now
        raise damaged_workbook(path, exc) from exc
    finally:
        wb.close()
    if not candidates:
        raise InvalidInputError(f"{path.name} has no visible sheet.", "Unhide the sheet with the roster.")
    best = max(candidates, key=lambda c: c[0])  # the first sheet with the most recognisable header
    warnings = [f"Read the sheet '{best[1]}' of {path.name}."] if len(candidates) > 1 else []
    return _Table(best[2], tuple(warnings)), best[1]


def xlsx_text(value: Any) -> str:
    """A cell value as the text a person sees: whole numbers without '.0', dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.15g}"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def _merged_ranges(ws: Any) -> list[tuple[int, int, int, int]]:
    """(min_row, min_col, max_row, max_col) of merged cells; read-only sheets do not expose them, so parse."""
    from xml.etree.ElementTree import iterparse

    from openpyxl.utils.cell import range_boundaries

    ranges: list[Any] = []
    try:
        source = ws._get_source()  # openpyxl's own handle on the sheet XML inside the workbook
    except AttributeError:
        return ranges
    with source:
        for _event, element in iterparse(source):
            if element.tag.endswith("}mergeCell") and element.get("ref"):
                min_col, min_row, max_col, max_row = range_boundaries(element.get("ref"))
                ranges.append((min_row, min_col, max_row, max_col))
            elif element.tag.endswith("}row"):
                element.clear()  # keep memory flat on big sheets
    return ranges


def _fill_merged(rows: list[list[str]], ranges: Iterable[tuple[int, int, int, int]]) -> None:
    """Give every cell of a merged range the value of its top-left cell (1-based, inclusive ranges)."""
    for min_row, min_col, max_row, max_col in ranges:
        if min_row > len(rows):
            continue
        top = rows[min_row - 1]
        value = top[min_col - 1] if min_col - 1 < len(top) else ""
        for r in range(min_row, min(max_row, len(rows)) + 1):
            row = rows[r - 1]
            if len(row) < max_col:
                row.extend([""] * (max_col - len(row)))
            for c in range(min_col, max_col + 1):
                row[c - 1] = value


def _header_score(cells: Sequence[str]) -> tuple[int, bool]:
    """(number of recognised columns, has a name) for a candidate header row."""
    fields = {match_header(c)[0] for c in cells} - {None}
    return len(fields), bool(fields & {"name", "first_name", "last_name"})


def _choose_header(rows: list[list[str]]) -> int:
    """Index of the header: the most recognisable of the first rows that names the clinician."""
    best, best_score = -1, 0
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        score, has_name = _header_score(row)
        if has_name and score > best_score:
            best, best_score = i, score
    return best


def _build(path: Path, rows: list[list[str]], warnings: list[str], sheet: str | None) -> Roster:
    header_index = _choose_header(rows)
    if header_index < 0:
        seen = ", ".join(repr(c.strip()) for c in (rows[0] if rows else []) if c.strip()) or "nothing"
        raise InvalidInputError(
            f"{path.name} has no column for the clinician's name (first row: {seen}).",
            "Put a header row first with at least a 'Name' column (or 'First name' and 'Last name').")
    header = rows[header_index]
    # Cells merged across header rows (e.g. 'Name' spanning rows 1-2) leave blanks in the lower row.
    if header_index > 0:
        above = rows[header_index - 1]
        header = [h or (above[i] if i < len(above) and match_header(above[i])[0] else "")
                  for i, h in enumerate(header)]
    chosen: dict[str, tuple[int, int, str]] = {}  # field -> (score, column index, header)
    for index, cell in enumerate(header):
        field, score = match_header(cell)
        if field is None:
            if cell.strip():
                warnings.append(f"Column '{cell.strip()}' is not used (no clinician field matches it).")
            continue
        current = chosen.get(field)
        if current is None or score > current[0]:
            if current is not None:
                warnings.append(f"Column '{current[2]}' is not used: '{cell.strip()}' gives the {field}.")
            chosen[field] = (score, index, cell.strip())
        else:
            warnings.append(f"Column '{cell.strip()}' is not used: '{current[2]}' already gives the {field}.")
    columns = tuple(sorted(((h, f) for f, (_, _, h) in chosen.items()), key=lambda hf: chosen[hf[1]][1]))
    problems: list[RowProblem] = []
    out: list[RosterRow] = []
    first_row_of: dict[str, int] = {}
    for index in range(header_index + 1, len(rows)):
        number = index + 1
        cells = rows[index]
        raw = {f: cells[i] if i < len(cells) else "" for f, (_, i, _) in chosen.items()}
        if not any(v.strip() for v in raw.values()):
            continue
        values: dict[str, str] = {}
        for field, text in raw.items():
            header_text = chosen[field][2]
            problem = unreadable(text, field)
            if problem:
                problems.append(RowProblem(number, problem[0], problem[1], header_text))
            values[field] = clean_text(text)
            too_long = None if problem or field not in PROFILE_FIELDS else field_problem(field, values[field])
            if too_long:
                problems.append(RowProblem(number, too_long.message, too_long.hint, header_text))
        first, last = values.pop("first_name", ""), values.pop("last_name", "")
        if values.get("name"):
            values["name"] = natural_name(values["name"])  # "Kim, Ana" is Ana Kim, not Kim with credentials "Ana"
        else:
            values["name"] = " ".join(p for p in (first, last) if p)
            joined = field_problem("name", values["name"])
            if joined:
                problems.append(RowProblem(number, joined.message, joined.hint, chosen.get(
                    "last_name", chosen.get("first_name", (0, 0, "Name")))[2]))
        if not values["name"]:
            problems.append(RowProblem(number, "no name: every clinician needs one.",
                                       "Fill in the clinician's full name, or delete the row.",
                                       chosen.get("name", chosen.get("first_name", (0, 0, "Name")))[2]))
            continue
        key = clinician_slug(values["name"]) or values["name"].casefold()
        if key in first_row_of:
            problems.append(RowProblem(
                number, f"{values['name']} is already on row {first_row_of[key]}.",
                "Delete one of the two rows; if they are different people, tell the names apart "
                "(e.g. with a middle initial)."))
            continue
        first_row_of[key] = number
        profile = {k: v for k, v in values.items() if k in PROFILE_FIELDS}
        out.append(RosterRow(number, Clinician(**profile), values.get("footage", ""), values.get("template", "")))
    if not out and not problems:
        raise InvalidInputError(f"{path.name} has a header but no clinicians.",
                                "Add one row per clinician under the header row.")
    return Roster(path, tuple(out), tuple(sorted(problems, key=lambda p: p.row)), columns, tuple(warnings),
                  header_index + 1, sheet)


def unreadable(text: str, field: str = "") -> tuple[str, str] | None:
    """(message, hint) when a cell holds text that cannot be trusted in a script; None when it is fine."""
    if "\ufffd" in text:
        return (f"{_short(text)!r} has a character that could not be read (shown as \ufffd).",
                "The file was probably saved in another encoding. " + UTF8_HINT)
    controls = sorted({c for c in text if unicodedata.category(c) == "Cc" and c not in "\t\n\r"})
    if controls:
        codes = ", ".join(f"U+{ord(c):04X}" for c in controls)
        return (f"{_short(text)!r} holds invisible control characters ({codes}).",
                "Retype the cell; it was probably pasted from another program.")
    stripped = text.strip()
    if stripped.upper() in _EXCEL_ERRORS:
        return (f"the cell shows the Excel error {stripped.upper()}.", "Fix the formula, or type the value.")
    if field == "phone" and _SCI_NUMBER.match(stripped):
        return (f"{stripped} is a number Excel shortened, so digits were lost.",
                "Format the Phone column as Text in Excel and type the numbers again.")
    if any(ord(c) > 127 for c in text):
        try:
            repaired = text.encode("cp1252").decode("utf-8")
        except UnicodeError:
            return None
        if repaired != text:
            return (f"{_short(text)!r} looks garbled (probably {_short(repaired)!r}).",
                    "The text was converted between encodings twice; fix the cell. " + UTF8_HINT)
    return None


def clean_text(text: str) -> str:
    """NFC, no zero-width or non-breaking spaces, whitespace runs (trailing spaces, line breaks) collapsed."""
    text = unicodedata.normalize("NFC", text).translate(_ZERO_WIDTH)
    return " ".join(text.split())


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"

