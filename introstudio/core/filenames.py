"""File and folder names that work on Windows too, checked on every OS (projects travel on shared drives).

Windows refuses device names (CON, PRN, AUX, NUL, COM0-9, LPT0-9, COM¹²³, LPT¹²³, CONIN$, CONOUT$) whatever
the extension and trailing spaces ("nul.txt", "CON .mp4"), names ending in a dot or a space (silently cut,
so "Dr. Kim." becomes another folder than the one asked for), the characters <>:"/\\|?* and control
characters, and names longer than 255 UTF-16 units.
"""

from __future__ import annotations

import os
import re

from introstudio.core.errors import InvalidInputError

_DEVICES = frozenset({"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
                      *(f"{port}{n}" for port in ("COM", "LPT") for n in (*"0123456789", "¹", "²", "³"))})
_RESERVED_CHARS = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
MAX_UNITS = 255  # NTFS: a name of at most 255 UTF-16 code units


def is_device_name(name: str) -> bool:
    """True for a name Windows reads as a device: its part before the first dot, spaces cut, is CON, NUL, ..."""
    return name.split(".", 1)[0].rstrip(" ").upper() in _DEVICES


def windows_name_problem(name: str) -> str | None:
    """Why Windows cannot have a file or folder called `name`, in words for the user; None when it can."""
    if not name or name in (".", ".."):
        return "it is empty"
    bad = sorted(set(_RESERVED_CHARS.findall(name)))
    if bad:
        shown = ", ".join(repr(c) if c.isprintable() else f"U+{ord(c):04X}" for c in bad)
        return f"Windows does not allow {shown} in names"
    if name[-1] in ". ":
        return "Windows drops a dot or space at the end of a name"
    if is_device_name(name):
        return f"{name.split('.', 1)[0].rstrip(' ')} is a device name on Windows"
    if len(name.encode("utf-16-le")) // 2 > MAX_UNITS:
        return f"it is longer than the {MAX_UNITS} characters Windows allows"
    return None


def portable_name(name: str, fallback: str = "project") -> str:
    """`name` made valid on Windows as well: reserved characters become '_', a trailing dot or space goes,
    a device name gets a leading '_', an over-long name is cut; `fallback` when nothing is left."""
    name = _RESERVED_CHARS.sub("_", name).rstrip(". ")
    if not name:
        return fallback
    if is_device_name(name):
        name = "_" + name
    while len(name.encode("utf-16-le")) // 2 > MAX_UNITS:
        name = name[:-1].rstrip(". ")
    return name


def _on_windows() -> bool:
    return os.name == "nt"


def check_folder_name(name: str, windows: bool | None = None) -> None:
    """Refuse a project folder name Windows cannot hold (on Windows; `windows=True` checks anywhere)."""
    if not (_on_windows() if windows is None else windows):
        return
    problem = windows_name_problem(name)
    if problem is not None:
        raise InvalidInputError(f"The folder name {name!r} cannot be used: {problem}.",
                                f"Choose another name, for example {portable_name(name)!r}.")
