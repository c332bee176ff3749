"""Typed reading of project.json values: a wrong-typed field is a ProjectError naming it, never a crash.

A hand edit, a sync tool or another program can leave `"takes": "x"` or a cue with `"start": null`;
`Project.from_dict` reads every value through these helpers, so the message says which field is wrong
and what belongs there, and the hint points to the backup IntroStudio keeps.
"""

from __future__ import annotations

import math
from typing import Any

from introstudio.core.errors import ProjectError

RESTORE_HINT = ("IntroStudio keeps the previous version as project.json.bak in the project folder: copy it over "
                "project.json to restore it (copy the damaged file elsewhere first if you want to keep it), "
                "or correct the field in a text editor.")


class ProjectFieldError(ProjectError):
    """A project.json field holds the wrong kind of value; `field` is its path, e.g. 'takes[0].id'."""

    def __init__(self, message: str, hint: str = RESTORE_HINT, field: str = "") -> None:
        super().__init__(message, hint)
        self.field = field


def wrong(field: str, expected: str, value: Any) -> ProjectFieldError:
    """The error for `field` holding `value` where `expected` belongs."""
    return ProjectFieldError(f'The field "{field}" holds {describe(value)} where {expected} belongs.', field=field)


def describe(value: Any) -> str:
    """A JSON value in words: 'the text "x"', 'null', 'a list of 3 items'."""
    if value is None:
        return "null (nothing)"
    if isinstance(value, bool):
        return f"the value {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f'the text "{shown}"'
    if isinstance(value, list):
        return f"a list of {len(value)} item{'s' if len(value) != 1 else ''}"
    if isinstance(value, dict):
        return "a group of fields (a JSON object)"
    return f"a {type(value).__name__}"


def obj(value: Any, field: str, missing_ok: bool = True) -> dict[str, Any]:
    """A JSON object (absent or null: an empty one, when `missing_ok`)."""
    if value is None and missing_ok:
        return {}
    if not isinstance(value, dict):
        raise wrong(field, "a group of fields (a JSON object)", value)
    return value


def items(value: Any, field: str) -> list[Any]:
    """A JSON list (absent or null: empty)."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise wrong(field, "a list", value)
    return value


def whole(value: Any, field: str) -> int:
    """A whole number (3 or 3.0; never a bool or text)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or value != int(value):
        raise wrong(field, "a whole number", value)
    return int(value)


def opt_whole(value: Any, field: str) -> int | None:
    """A whole number or null."""
    if value is None:
        return None
    try:
        return whole(value, field)
    except ProjectFieldError:
        raise wrong(field, "a whole number or null", value) from None


def number(value: Any, field: str) -> float:
    """A finite number (never a bool or text)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise wrong(field, "a number", value)
    return float(value)


def opt_number(value: Any, field: str) -> float | None:
    """A finite number or null."""
    if value is None:
        return None
    try:
        return number(value, field)
    except ProjectFieldError:
        raise wrong(field, "a number or null", value) from None


def text(value: Any, field: str, default: str = "") -> str:
    """Text (absent or null: `default`); numbers are taken as their text (a hand-typed 12 years), lists not."""
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise wrong(field, "text", value)
    return value if isinstance(value, str) else str(value)


def opt_text(value: Any, field: str) -> str | None:
    """Text or null."""
    if value is None:
        return None
    try:
        return text(value, field)
    except ProjectFieldError:
        raise wrong(field, "text or null", value) from None


def flag(value: Any, field: str, default: bool = False) -> bool:
    """true or false (absent or null: `default`)."""
    if value is None:
        return default
    if not isinstance(value, bool):
        raise wrong(field, "true or false", value)
    return value


def texts(value: Any, field: str) -> list[str]:
    """A list of texts."""
    return [text(v, f"{field}[{i}]") for i, v in enumerate(items(value, field))]


def required(d: dict[str, Any], key: str, field: str) -> Any:
    """`d[key]`, or a ProjectError naming the missing field."""
    if key not in d:
        raise ProjectFieldError(f'The field "{field}" is missing.', field=field)
    return d[key]
