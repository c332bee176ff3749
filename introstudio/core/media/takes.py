"""Facts about a project's takes that the app and the CLI share: length, frame rate, the best take, a moved file."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from introstudio.core.errors import MediaError, NotFoundError
from introstudio.core.project.model import Project, Take
from introstudio.core.project.store import ProjectFolder

log = logging.getLogger("introstudio.media")

SAME_LENGTH = 0.5  # seconds: a located file this close to the take's recorded length is taken to be that take


def take_duration(take: Take) -> float:
    """The take's length in seconds, as measured at import (0.0 when unknown)."""
    return float(take.media.get("duration") or 0.0)


def take_fps(take: Take) -> float:
    """The take's frame rate (25 when unknown, e.g. audio only)."""
    return float((take.media.get("video") or {}).get("fps") or 25.0)


def best_take(project: Project) -> Take | None:
    """The take that matches the script best (once captioned); the newest wins a tie; None before any match."""
    scored = [t for t in project.takes if t.script_match is not None]
    return max(scored, key=lambda t: (t.script_match, t.id)) if scored else None


def missing_file(pf: ProjectFolder, take: Take) -> Path | None:
    """The path the take's file should be at, when nothing is there (moved, renamed, on a drive not plugged in)."""
    path = pf.resolve(take.file)
    return None if path.is_file() else path


def relocate_take(pf: ProjectFolder, take_id: int, path: Path) -> Take:
    """Point take `take_id` at `path` (the user found its moved file), after checking it is the same recording.

    The file must be readable media whose length is within SAME_LENGTH of the take's recorded length;
    otherwise nothing changes and the error says why. The project is not saved here (the caller saves).
    """
    from introstudio.core.media.probe import probe

    take = pf.project.take(take_id)
    path = Path(path).expanduser().absolute()
    if not path.is_file():
        raise NotFoundError(f"{path} is not there.", "Choose the take's video file.")
    info = probe(path)  # MediaError in plain words for a file that is not a readable video
    expected = take_duration(take)
    if expected > 0 and abs(info.duration - expected) > SAME_LENGTH:
        raise MediaError(f"{path.name} is not take {take.id}: it is {info.duration:.1f} s long, take {take.id} "
                         f"was {expected:.1f} s.",
                         f"Choose the file of take {take.id} (the one that is {expected:.1f} s long), or import "
                         "this file as a new take.")
    try:
        stored = Path(os.path.relpath(path, pf.folder)).as_posix()
    except ValueError:  # another drive (Windows): keep the full path
        stored = path.as_posix()
    log.info("take %d located at %s (was %s)", take.id, stored, take.file)
    take.file = stored
    return take
