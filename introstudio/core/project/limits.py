"""Sane limits on the clinician profile: how long each field may be, what it may hold, what cards cannot draw.

Limits are in characters (Unicode code points after NFC) and generous for every script: a name of 80
characters fills two lines of a title card in any of them. Problems (too long, control characters) stop a
value from being saved; warnings (a glyph no bundled font has) let it be saved but say what the cards will
show instead.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from introstudio.core.errors import InvalidInputError

FIELD_LIMITS: dict[str, int] = {
    "name": 80, "title": 30, "credentials": 80, "role": 80, "pronouns": 30, "specialty": 120,
    "department": 160, "organisation": 160, "focus_areas": 500, "languages": 200, "clinic_location": 200,
    "phone": 40, "web_page": 300, "years_experience": 20, "first_visit_notes": 2000,
}
DEFAULT_LIMIT = 500  # template variables and anything not listed above
# Fields drawn on the title card, lower third, end card and thumbnail.
CARD_FIELDS: tuple[str, ...] = ("name", "title", "credentials", "specialty", "department", "organisation",
                                "phone", "web_page")
_ALLOWED_CONTROLS = {"first_visit_notes": "\n\t", "focus_areas": "\n"}
_LABELS = {"web_page": "web page", "focus_areas": "focus areas", "clinic_location": "clinic location",
           "years_experience": "years of experience", "first_visit_notes": "first visit notes"}


@dataclass(frozen=True)
class FieldProblem:
    """Why a value cannot be saved in a field: a message and what to do about it."""

    field: str
    message: str
    hint: str

    def __str__(self) -> str:
        return self.message


def label(field: str) -> str:
    """'web_page' -> 'web page': how a field is named in messages."""
    return _LABELS.get(field, field.replace("_", " "))


def limit_of(field: str) -> int:
    return FIELD_LIMITS.get(field, DEFAULT_LIMIT)


def field_problem(field: str, value: str) -> FieldProblem | None:
    """The first reason `value` cannot be saved as `field` (too long, control characters), or None."""
    text = unicodedata.normalize("NFC", value.strip())
    most = limit_of(field)
    if len(text) > most:
        what = label(field).capitalize()
        return FieldProblem(field, f"{what} is {len(text):,} characters long; at most {most} fit.",
                            f"Shorten the {label(field)} to {most} characters or fewer"
                            + (" (put degrees in Credentials, details in other fields)." if field == "name" else "."))
    allowed = _ALLOWED_CONTROLS.get(field, "")
    controls = sorted({c for c in text if unicodedata.category(c) == "Cc" and c not in allowed})
    if controls:
        codes = ", ".join(f"U+{ord(c):04X}" for c in controls[:5])
        return FieldProblem(field, f"The {label(field)} holds invisible control characters ({codes}).",
                            "Retype it; it was probably pasted from another program.")
    return None


def field_warning(field: str, value: str) -> str | None:
    """What the cards cannot draw of a card field (characters no bundled font has), or None."""
    if field not in CARD_FIELDS or not value.strip():
        return None
    from introstudio.core.render.fonts import describe_characters, shaping_warning, undrawable_characters

    missing = undrawable_characters(value)
    if missing:
        return (f"The cards cannot draw {describe_characters(missing)} in the {label(field)}: no bundled font "
                "has it, so an empty box shows instead. Replace it, or leave it out of this field.")
    return shaping_warning(value)


def clinician_problems(values: Mapping[str, str] | object, fields: Iterable[str] | None = None) -> list[FieldProblem]:
    """Every field problem of a clinician (a Clinician or a mapping of field -> value)."""
    data = values if isinstance(values, Mapping) else vars(values)
    names = list(fields) if fields is not None else list(data)
    return [p for f in names if isinstance(data.get(f), str) and (p := field_problem(f, data[f])) is not None]


def clinician_warnings(values: Mapping[str, str] | object) -> list[str]:
    """Warnings about the card fields of a clinician (a Clinician or a mapping)."""
    data = values if isinstance(values, Mapping) else vars(values)
    return [w for f in CARD_FIELDS if isinstance(data.get(f), str) and (w := field_warning(f, data[f]))]


def check_clinician(values: Mapping[str, str] | object) -> None:
    """Raise InvalidInputError naming every field that cannot be saved."""
    problems = clinician_problems(values)
    if problems:
        raise InvalidInputError(" ".join(p.message for p in problems), problems[0].hint)
