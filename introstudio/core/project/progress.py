"""Where a project stands, step by step: done, to do, or out of date (an input changed after the output was made).

Qt-free, so the app's step list, its start panel and the command line read one answer. Outputs know what they
were made from: a caption track records the take's trim (`CaptionTrack.span`), an export record the hash of its
inputs (`render/records.py`), an upload the SHA-256 of the file it sent (`publish.upload`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from introstudio.core.errors import IntroStudioError

if TYPE_CHECKING:
    from introstudio.core.project.model import Project
    from introstudio.core.project.store import ProjectFolder
    from introstudio.core.render.records import ExportRecord

DONE, TODO, STALE = "done", "to do", "out of date"
STEPS = ("clinician", "script", "record", "takes", "captions", "look", "export", "publish")
STEP_TITLES = {"clinician": "Clinician", "script": "Script", "record": "Record or import", "takes": "Takes",
               "captions": "Captions", "look": "Look", "export": "Export", "publish": "Publish"}
REQUIRED_PROFILE = ("name", "specialty")  # the cards cannot be made without these
PREVIEW_PRESETS = frozenset({"preview"})  # small quick checks, never what goes on YouTube unless asked for
TRIM_SLACK = 0.25  # seconds a trim may widen past what was captioned before the captions count as out of date


@dataclass(frozen=True)
class StepStatus:
    """One step's state and, for 'to do' and 'out of date', the plain reason."""

    state: str
    reason: str = ""

    @property
    def done(self) -> bool:
        return self.state == DONE

    @property
    def stale(self) -> bool:
        return self.state == STALE


def is_preview(record: ExportRecord) -> bool:
    """Whether an export is a small preview rather than a full-quality video."""
    return record.preset in PREVIEW_PRESETS


def default_export(pf: ProjectFolder) -> ExportRecord | None:
    """The export to publish unless the user picks another: the newest full-quality one whose file is there.

    The project's own format wins over other full-quality ones; a preview is never the default.
    """
    from introstudio.core.render.records import export_records, record_path

    present = [r for r in export_records(pf.project) if not is_preview(r) and record_path(pf, r).is_file()]
    preferred = [r for r in present if r.preset == pf.project.design.preset]
    chosen = (preferred or present)
    return chosen[-1] if chosen else None


def export_status(pf: ProjectFolder, record: ExportRecord) -> StepStatus:
    """Whether `record` still matches the project: its file is there and its inputs are what a render uses now."""
    from introstudio.core.render.records import inputs_hash, record_path

    path = record_path(pf, record)
    if not path.is_file():
        return StepStatus(TODO, f"{path.name} is missing: export again")
    if record.size is not None and path.stat().st_size != record.size:
        return StepStatus(STALE, f"{path.name} changed after it was exported")
    take = pf.project.current_take()
    if take is not None and record.take_id is not None and record.take_id != take.id:
        return StepStatus(STALE, f"made from take {record.take_id}; take {take.id} is chosen now")
    if record.inputs_hash is None:
        return StepStatus(DONE)  # an export from an older version: nothing to compare with
    try:
        now = inputs_hash(pf, record.preset, record.burn_captions)
    except (IntroStudioError, OSError):
        return StepStatus(STALE, "its take is missing or unreadable")
    if now != record.inputs_hash:
        return StepStatus(STALE, "the profile, look, captions or take changed after it was made")
    return StepStatus(DONE)


def captions_status(project: Project) -> StepStatus:
    """Captions of the chosen take: none, made, or made for a narrower trim (or for another take only)."""
    take = project.current_take()
    if take is None:
        return StepStatus(TODO, "record or import a take first")
    track = project.captions_for(take.id)
    if track is None:
        others = [c.take_id for c in project.captions]
        if others:
            return StepStatus(STALE, f"made for take {others[-1]}; take {take.id} has none yet")
        return StepStatus(TODO)
    if track.span is not None and track.engine != "imported":
        was_in, was_out = track.span
        wider_start = take.trim_in < was_in - TRIM_SLACK
        wider_end = was_out is not None and (take.trim_out is None or take.trim_out > was_out + TRIM_SLACK)
        if wider_start or wider_end:
            return StepStatus(STALE, "the trim now includes speech that has no captions")
    return StepStatus(DONE)


def publish_status(pf: ProjectFolder) -> StepStatus:
    """Uploaded or not, and whether a newer export was made after the upload."""
    publish = pf.project.publish
    if not publish.video_id:
        return StepStatus(TODO)
    sent = (publish.upload or {}).get("sha256")
    best = default_export(pf)
    if sent and best is not None and best.sha256 and best.sha256 != sent:
        return StepStatus(STALE, f"{best.file.rsplit('/', 1)[-1]} is newer than the uploaded video")
    return StepStatus(DONE)


def step_statuses(pf: ProjectFolder, deep: bool = True) -> dict[str, StepStatus]:
    """Every step in order. `deep=False` skips hashing the export's inputs (a quick look for the start panel)."""
    from introstudio.core.project.ops import filled_script
    from introstudio.core.render.records import export_records

    project = pf.project
    c = project.clinician
    missing = [f for f in REQUIRED_PROFILE if not getattr(c, f).strip()]
    out: dict[str, StepStatus] = {
        "clinician": StepStatus(TODO, "needs " + " and ".join(missing)) if missing else StepStatus(DONE)}
    try:
        out["script"] = StepStatus(DONE) if filled_script(project).paragraphs else StepStatus(TODO, "empty")
    except IntroStudioError as exc:
        out["script"] = StepStatus(TODO, exc.message)
    out["record"] = StepStatus(DONE) if project.takes else StepStatus(TODO)
    out["takes"] = StepStatus(DONE) if project.selected_take is not None or len(project.takes) == 1 else \
        StepStatus(TODO, "choose the take to use" if project.takes else "")
    out["captions"] = captions_status(project)
    out["look"] = StepStatus(DONE) if out["captions"].state != TODO else StepStatus(TODO)
    records = export_records(project)
    best = default_export(pf) or (records[-1] if records else None)
    if best is None:
        out["export"] = StepStatus(TODO)
    elif not deep:
        out["export"] = StepStatus(DONE)
    else:
        out["export"] = export_status(pf, best)
    out["publish"] = publish_status(pf)
    return out


def next_step(statuses: dict[str, StepStatus]) -> str:
    """The first step that is not done (the last step when all are)."""
    return next((name for name, s in statuses.items() if not s.done), next(reversed(statuses)))
