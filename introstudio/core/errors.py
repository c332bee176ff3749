"""Typed errors: every failure a user can cause or fix carries a message and a hint saying what to do."""

from __future__ import annotations

import errno
import os
from collections.abc import Sequence
from pathlib import Path


class IntroStudioError(Exception):
    """Base of every error IntroStudio raises on purpose."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class UserError(IntroStudioError):
    """Bad input or a situation the user can fix; shown without a traceback."""


class NotFoundError(UserError):
    """A file, folder, template or take the user named does not exist."""


class InvalidInputError(UserError):
    """Input exists but is unusable (wrong format, missing value, out of range)."""


class MediaError(UserError):
    """A media file cannot be used (not media, truncated, no video stream, ...)."""


class ProjectError(UserError):
    """A project folder or project.json is missing, corrupt or from a newer IntroStudio."""


class DiskError(UserError):
    """A folder cannot be written: its drive is full or read-only, or IntroStudio may not write there."""

    def __init__(self, message: str, hint: str = "", folder: Path | None = None) -> None:
        super().__init__(message, hint)
        self.folder = folder


class TemplateError(UserError):
    """A script template is malformed, or a variable is missing or unknown."""


class Cancelled(IntroStudioError):
    """The user stopped a long operation; not a failure, never reported as one."""

    def __init__(self, message: str = "Cancelled.") -> None:
        super().__init__(message)


class ToolError(IntroStudioError):
    """An external tool (ffmpeg, ...) failed; keeps the command and its stderr for the report."""

    def __init__(
        self,
        message: str,
        command: Sequence[str] = (),
        stderr: str = "",
        returncode: int | None = None,
        hint: str = "",
    ) -> None:
        super().__init__(message, hint)
        self.command = list(command)
        self.stderr = stderr
        self.returncode = returncode

    def details(self, tail_lines: int = 20) -> str:
        """The last lines of the tool's stderr, which usually name the real cause."""
        lines = [ln for ln in self.stderr.splitlines() if ln.strip()]
        return "\n".join(lines[-tail_lines:])


_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_DENIED = {errno.EACCES, errno.EPERM}


def disk_error(exc: BaseException, folder: str | os.PathLike[str] | None = None) -> DiskError | None:
    """`exc` as a DiskError naming the folder when it is a full, read-only or forbidden disk; else None.

    `folder` names where the writing happened when the OSError does not carry a file name
    (a failed `write()` on an open file has none).
    """
    if not isinstance(exc, OSError) or exc.errno not in (*_FULL, *_DENIED, errno.EROFS, errno.EFBIG):
        return None
    where = Path(folder) if folder is not None else _folder_of(exc.filename)
    place = f"the folder {where}" if where is not None else "the folder IntroStudio was writing to"
    if exc.errno in _FULL:
        return DiskError(
            f"The drive holding {place} is full, so IntroStudio cannot write there.",
            "Free some space on that drive (empty the bin, remove old exports or copies of footage), or move "
            "the project to a drive with more room, then try again.",
            where,
        )
    if exc.errno == errno.EROFS:
        return DiskError(
            f"{place[0].upper()}{place[1:]} is on a read-only drive, so IntroStudio cannot write there.",
            "Copy the project folder to a drive you can write to (e.g. your Documents folder) and open the copy, "
            "or ask IT to make this drive writable (on an SD card or USB stick, check its lock switch).",
            where,
        )
    if exc.errno == errno.EFBIG:
        return DiskError(
            f"The file is too large for the drive holding {place} (FAT32 drives stop at 4 GB per file).",
            "Export or copy to a drive formatted as exFAT or NTFS (or APFS on a Mac), or use a shorter take.",
            where,
        )
    name = Path(exc.filename).name if exc.filename else ""
    return DiskError(
        f"IntroStudio is not allowed to use {place}" + (f' ("{name}": permission denied).' if name else
                                                     " (permission denied)."),
        "Move the project to a folder you own (e.g. your Documents folder), or ask IT for write access to this one.",
        where,
    )


def _folder_of(filename: object) -> Path | None:
    """The folder an OSError's file name is in (the name itself when it is a folder)."""
    if not isinstance(filename, (str, bytes, os.PathLike)):
        return None
    path = Path(os.fsdecode(filename))
    return path if path.is_dir() else path.parent
