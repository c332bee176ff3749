"""Where a project stands, step by step: done, to do, or out of date (an input changed after the output was made).

Qt-free, so the app's step list, its start panel and the command line read one answer. Outputs know what they
were made from: a caption track records the take's trim (`CaptionTrack.span`), an export record the hash of its
inputs (`render/records.py`), an upload the SHA-256 of the file it sent (`publish.upload`).
"""

from __future__ import annotations

import os
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


def export_to_publish(pf: ProjectFolder, video: str | os.PathLike[str] | None = None,
                      ) -> tuple[ExportRecord, list[str]]:
    """The export to upload and what the user must be told about it (a preview; out of date).

    `video` names one on purpose; without it, the default (`default_export`). A project with previews only
    is refused rather than publishing a preview without saying so.
    """
    from introstudio.core.errors import NotFoundError, UserError
    from introstudio.core.render.records import export_records, recorded_export

    if video is not None:
        record = recorded_export(pf, video)
    else:
        found = default_export(pf)
        if found is None:
            if not export_records(pf.project):
                raise NotFoundError("This project has no exported video to publish yet.",
                                    "Export it first (Export step, or `introstudio render DIR`).")
            raise UserError("This project has only a quick preview export, not the full-quality video.",
                            "Export it in full quality first (Export step, or `introstudio render DIR`), or "
                            "choose the preview on purpose (`--video FILE`).")
        record = found
    name = record.file.rsplit("/", 1)[-1]
    warnings = []
    if is_preview(record):
        size = f" ({record.width}x{record.height})" if record.width and record.height else ""
        warnings.append(f"{name} is a quick preview{size}, not the full-quality video.")
    state = export_status(pf, record)
    if state.stale:
        warnings.append(f"{name} is out of date: {state.reason}. Export again to publish the project as it is now.")
    return record, warnings


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


@dataclass(frozen=True)
class CheckItem:
    """One line of an export's checklist: what, what the record says, and whether it looks right."""

    label: str
    text: str
    ok: bool


LOUDNESS_TOLERANCE = 1.5  # LU either side of the target that still counts as on target
PEAK_LIMIT = -0.5  # dBTP: louder peaks may clip after YouTube's own encode


def export_checklist(pf: ProjectFolder, record: ExportRecord) -> list[CheckItem]:
    """Format, duration, loudness, captions and cards of an export, from its record; then whether it is current."""
    from introstudio.core.render.presets import PRESETS
    from introstudio.core.script.reading import format_duration

    preset = PRESETS.get(record.preset)
    size = f"{record.width}x{record.height}" if record.width and record.height else "size unknown"
    fps = _fps_text(record.fps)
    kind = preset.description.split(" ")[0] if preset else record.preset
    fmt = f"{kind} {size}" + (f", {fps} fps" if fps else "") + " MP4"
    items = [CheckItem("Format", fmt + (" (a small preview, not full quality)" if is_preview(record) else ""),
                       not is_preview(record))]
    seconds = record.duration or 0.0
    items.append(CheckItem("Duration", format_duration(seconds) if seconds > 0 else "unknown", seconds > 0))
    if record.loudness_lufs is None:
        items.append(CheckItem("Loudness", "not measured", False))
    else:
        target = record.target_lufs if record.target_lufs is not None else pf.project.design.loudness_target
        peak = "" if record.true_peak is None else f", peaks {record.true_peak:.1f} dBTP"
        ok = abs(record.loudness_lufs - target) <= LOUDNESS_TOLERANCE and \
            (record.true_peak is None or record.true_peak <= PEAK_LIMIT)
        items.append(CheckItem("Loudness", f"{record.loudness_lufs:.1f} LUFS (aim {target:.0f}){peak}", ok))
    files = [x for x, v in (("SRT", record.srt), ("WebVTT", record.vtt)) if v]
    if record.burn_captions:
        captions = "in the picture" + (f" and as {' and '.join(files)} files" if files else "")
    else:
        captions = f"as {' and '.join(files)} files" if files else "none"
    items.append(CheckItem("Captions", captions, bool(files) or record.burn_captions))
    cards = [f"title card {record.title_seconds:g} s" if record.title_seconds else "no title card",
             "name strap" if record.lower_third else "no name strap",
             f"end card {record.end_seconds:g} s" if record.end_seconds else "no end card"]
    items.append(CheckItem("Cards", ", ".join(cards), True))
    state = export_status(pf, record)
    items.append(CheckItem("Up to date", "yes" if state.done else state.reason or state.state, state.done))
    return items


def _fps_text(fps: str) -> str:
    """'30000/1001' -> '29.97', '25' -> '25' ('' when unknown)."""
    from fractions import Fraction

    try:
        value = float(Fraction(fps)) if fps else 0.0
    except (ValueError, ZeroDivisionError):
        return ""
    return f"{value:.2f}".rstrip("0").rstrip(".") if value > 0 else ""
