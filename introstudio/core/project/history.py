"""Undo and redo by parts of a project: snapshots of the one part an edit touched, and their restore.

An edit is remembered as the part it changed, its value before and its value after (plain JSON
values). Undo writes the old value back into that part only, so work that happened meanwhile in other
parts (a take imported, captions made for another take, an export) is never rolled back with it.

Parts:
  "clinician"        the profile
  "script"           template choice, own text, reading pace
  "design"           look, caption standard, preset, loudness
  "publish"          title, description, tags, privacy... (not the upload state)
  "selected_take"    which take is used
  "take:<id>"        a take's trim and label (not its file or media facts)
  "captions:<id>"    a take's whole caption track (None: it has none)
"""

from __future__ import annotations

import copy
from dataclasses import asdict
from typing import Any

from introstudio.core.errors import InvalidInputError
from introstudio.core.project.model import CaptionTrack, Clinician, Design, Project, Publish, Script
from introstudio.core.project.store import ProjectFolder

PUBLISH_EDITABLE = ("title", "description", "tags", "category_id", "privacy", "language",
                    "contains_synthetic_media")
TAKE_EDITABLE = ("trim_in", "trim_out", "label")


def take_part(take_id: int) -> str:
    return f"take:{take_id}"


def captions_part(take_id: int) -> str:
    return f"captions:{take_id}"


def _split(part: str) -> tuple[str, int | None]:
    kind, _, rest = part.partition(":")
    if kind in ("take", "captions"):
        try:
            return kind, int(rest)
        except ValueError:
            pass
    elif not rest and kind in ("clinician", "script", "design", "publish", "selected_take"):
        return kind, None
    raise InvalidInputError(f"“{part}” is not a part of a project that can be undone.",
                            "This is a bug in IntroStudio; please report it.")


def snapshot(project: Project, part: str) -> Any:
    """The current value of `part`, as a deep, JSON-like copy that later edits cannot change."""
    kind, take_id = _split(part)
    if kind == "clinician":
        return asdict(project.clinician)
    if kind == "script":
        return asdict(project.script)
    if kind == "design":
        return asdict(project.design)
    if kind == "publish":
        values = asdict(project.publish)
        return {k: values[k] for k in PUBLISH_EDITABLE}
    if kind == "selected_take":
        return project.selected_take
    if kind == "take":
        take = next((t for t in project.takes if t.id == take_id), None)
        return None if take is None else {k: copy.deepcopy(getattr(take, k)) for k in TAKE_EDITABLE}
    track = project.captions_for(take_id) if take_id is not None else None  # kind == "captions"
    return None if track is None else track.to_dict()


def restore(project: Project, part: str, value: Any) -> None:
    """Put a value taken by `snapshot` back into `part` (a take that is gone is left alone)."""
    kind, take_id = _split(part)
    value = copy.deepcopy(value)
    if kind == "clinician":
        project.clinician = Clinician.from_dict(value)
    elif kind == "script":
        project.script = Script.from_dict(value)
    elif kind == "design":
        project.design = Design.from_dict(value)
    elif kind == "publish":  # in place: an upload running meanwhile writes its state into this object
        restored = Publish.from_dict(asdict(project.publish) | {k: value[k] for k in PUBLISH_EDITABLE if k in value})
        for key in PUBLISH_EDITABLE:
            setattr(project.publish, key, getattr(restored, key))
    elif kind == "selected_take":
        ids = {t.id for t in project.takes}
        project.selected_take = value if value in ids else None
    elif kind == "take":
        take = next((t for t in project.takes if t.id == take_id), None)
        if take is not None and value is not None:
            for key in TAKE_EDITABLE:
                if key in value:
                    setattr(take, key, value[key])
    else:  # captions
        others = [c for c in project.captions if c.take_id != take_id or c.kind != "spoken"]  # translations stay
        project.captions = others + ([CaptionTrack.from_dict(value)] if value is not None else [])


def save_part(pf: ProjectFolder, part: str) -> None:
    """Write the project after `part` changed, keeping a caption track's SRT/WebVTT copies in step."""
    kind, take_id = _split(part)
    if kind == "captions" and take_id is not None:
        track = pf.project.captions_for(take_id)
        if track is not None:
            from introstudio.core.captions.pipeline import store_track

            store_track(pf, track)
            return
        for ext in (".srt", ".vtt"):
            (pf.captions_dir / f"take-{take_id}{ext}").unlink(missing_ok=True)
    pf.save()
