"""Clinician names in rosters: reading order ('Kim, Ana' -> 'Ana Kim') and stable folder names."""

from __future__ import annotations

import re
import unicodedata

_HONORIFICS = {"dr", "dra", "doctor", "doctora", "prof", "professor", "mr", "mrs", "ms", "mx"}
_CREDENTIAL = re.compile(r"[A-Z][A-Za-z]*(?:[-/][A-Z][A-Za-z]*)?")


def _is_credentials(segment: str) -> bool:
    """'MD', 'PhD', 'M.D.', 'PA-C', 'MD PhD': abbreviations with two or more capitals (not 'Ana', 'Jo')."""
    tokens = segment.split()
    return bool(tokens) and all(
        _CREDENTIAL.fullmatch(t.replace(".", "")) and sum(c.isupper() for c in t) >= 2 for t in tokens)


def natural_name(text: str) -> str:
    """A roster name in reading order: 'Kim, Ana' -> 'Ana Kim', 'Lopez, Maria J., MD' -> 'Maria J. Lopez, MD'.

    'Maria Lopez, MD' (credentials after the comma) and anything less clear are left as they are.
    """
    parts = [p.strip() for p in text.split(",")]
    if len(parts) < 2 or not parts[0] or not parts[1] or _is_credentials(parts[1]):
        return text
    if len(parts[0].split()) > 3 or len(parts[1].split()) > 3 or not all(_is_credentials(p) for p in parts[2:]):
        return text
    return ", ".join([f"{parts[1]} {parts[0]}", *parts[2:]])


def clinician_slug(name: str) -> str:
    """A stable folder name for a clinician: 'Dr. María López, MD' -> 'maria-lopez'."""
    text = name.split(",")[0]
    words = text.split()
    while len(words) > 1 and words[0].casefold().rstrip(".") in _HONORIFICS:
        words = words[1:]
    return slug(" ".join(words))


def slug(text: str) -> str:
    """Lower-case words joined by '-', accents dropped, other scripts kept: 'José O'Brien' -> 'jose-o-brien'."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return re.sub(r"[\W_]+", "-", text).strip("-")[:60].strip("-")
