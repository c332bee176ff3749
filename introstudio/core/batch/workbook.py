"""Why a roster named .xlsx cannot be read as a workbook, in words: not a workbook at all, or damaged.

An .xlsx is a ZIP of XML files. Rosters arrive cut off (a download or a copy that stopped), as a CSV or a
web page saved under an .xlsx name, or with a damaged part inside; each gets its own message and hint
instead of "File is not a zip file" or a parser's traceback.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from xml.etree.ElementTree import ParseError

from introstudio.core.errors import InvalidInputError

ZIP_MAGIC = b"PK\x03\x04"
RESAVE = "Open it in Excel and save it again as .xlsx (Excel may offer to repair it), or as CSV UTF-8."
# What reading a damaged workbook's parts can raise (openpyxl reads the sheets lazily, after opening).
DAMAGE = (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ParseError, OSError, ValueError)


def not_a_workbook(path: Path) -> InvalidInputError | None:
    """The error for an .xlsx-named file that is not a ZIP at all (empty, text/CSV, a web page); else None."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError:
        return None  # the reader says why
    if head.startswith(ZIP_MAGIC):
        return None
    name = path.name
    if not head:
        return InvalidInputError(f"{name} is empty (0 bytes), not an Excel workbook.",
                                 "The export or download did not finish: export the roster again.")
    sample = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if sample[:15].lower().startswith((b"<!doctype html", b"<html")):
        return InvalidInputError(f"{name} is a web page (HTML) saved with an .xlsx name, not an Excel workbook.",
                                 "The download probably saved a sign-in or error page: download the roster again.")
    if b"\0" not in head:
        text = head.decode("utf-8", errors="replace")
        if any(d in text for d in (",", ";", "\t")):
            return InvalidInputError(
                f"{name} is not an Excel workbook: it is a plain-text table (CSV) with an .xlsx name.",
                f"Rename it to {path.stem}.csv and import that, or open it in Excel and save it as a real .xlsx.")
        return InvalidInputError(f"{name} is a text file, not an Excel workbook (despite its name).",
                                 "Choose the roster itself; renaming a file does not convert it.")
    return InvalidInputError(f"{name} is not an Excel workbook (it does not start like one).", RESAVE)


def damaged_workbook(path: Path, exc: BaseException) -> InvalidInputError:
    """The error for an .xlsx that is a ZIP but cannot be read: cut off, damaged inside, or not a workbook."""
    name = path.name
    if isinstance(exc, KeyError) and "[Content_Types].xml" in str(exc):
        return InvalidInputError(f"{name} is a ZIP archive but not an Excel workbook.",
                                 "Unzip it and import the roster inside, or save the roster from Excel as .xlsx.")
    if isinstance(exc, zipfile.BadZipFile) and _cut_off(path):
        return InvalidInputError(
            f"{name} is incomplete: the workbook was cut off before its end (a download or copy that stopped).",
            "Copy or download the roster again; if this is the only copy, " + RESAVE[0].lower() + RESAVE[1:])
    return InvalidInputError(f"{name} is damaged inside, so its rows cannot be read ({_reason(exc)}).", RESAVE)


def _cut_off(path: Path) -> bool:
    """A ZIP whose central directory (written last) is missing: the file was truncated."""
    try:
        with open(path, "rb") as handle:
            handle.seek(max(0, path.stat().st_size - 66000))
            tail = handle.read()
    except OSError:
        return False
    return b"PK\x05\x06" not in tail


def _reason(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) <= 80 else text[:77] + "..."
