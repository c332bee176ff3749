"""Export a project: measure loudness, encode in one ffmpeg pass, then sidecar captions, thumbnail, report.

The video is encoded to a hidden ".NAME.partial.mp4" next to the output and moved over it only when
ffmpeg succeeded, so a failure or a cancel never leaves a half-written file where the output should be.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from introstudio.core.errors import InvalidInputError, NotFoundError, ToolError, UserError
from introstudio.core.jobs import Job, Progress, scaled
from introstudio.core.processes import pid_alive
from introstudio.core.project.model import now_iso
from introstudio.core.project.store import ProjectFolder
from introstudio.core.render.graph import (
    build_command,
    build_frame_command,
    build_loudness_check_command,
    build_measure_command,
    parse_ebur128_report,
    parse_loudnorm,
)
from introstudio.core.render.plan import LoudnormMeasure, RenderPlan, card_specs, plan_render, shift_cues
from introstudio.core.render.presets import Preset, get_preset
from introstudio.core.render.runner import run_ffmpeg_job

T = TypeVar("T")
THUMBNAIL_AT = 3.0  # seconds into the trimmed take, or a third of it for short takes


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote and measured."""

    video: Path
    srt: Path | None
    vtt: Path | None
    thumbnail: Path | None
    preset: str
    duration: float
    loudness_lufs: float | None
    true_peak: float | None
    seconds_taken: float

    def to_dict(self) -> dict[str, Any]:
        return {k: (str(v) if isinstance(v, Path) else v) for k, v in dataclasses.asdict(self).items()}


WORK_PREFIX = "introstudio-render-"
STALE_WORK_AGE = 24 * 3600  # seconds: a work folder without an owner is left this long, then removed


def new_work_dir(root: Path | None = None) -> Path:
    """A fresh folder for one export's graphics, marked with this process id; leftovers of killed runs go."""
    sweep_work_dirs(root)
    work = Path(tempfile.mkdtemp(prefix=WORK_PREFIX, dir=root))
    (work / "owner.pid").write_text(str(os.getpid()), encoding="ascii")
    return work


def sweep_work_dirs(root: Path | None = None) -> list[Path]:
    """Remove the work folders of exports whose process is gone (killed, crashed); returns them."""
    removed = []
    for folder in Path(root or tempfile.gettempdir()).glob(WORK_PREFIX + "*"):
        try:
            pid: int | None = int((folder / "owner.pid").read_text(encoding="ascii"))
        except (OSError, ValueError):  # no owner written (killed at once, or an older version)
            pid = None
        try:
            if pid is not None and os.name != "nt":
                stale = pid != os.getpid() and not pid_alive(pid)
            else:  # no owner to ask: by age
                stale = time.time() - folder.stat().st_mtime > STALE_WORK_AGE
        except OSError:
            continue
        if stale and folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def partial_path(out: Path) -> Path:
    """Where an export is written before it is moved over `out`: a hidden file in the same folder."""
    return out.with_name(f".{out.stem}.partial.mp4")


def default_output(pf: ProjectFolder, preset: Preset) -> Path:
    """exports/<clinician name>-<preset>.mp4 in the project folder."""
    from introstudio.core.media.importing import safe_filename

    stem = safe_filename(pf.project.clinician.name.strip() or "intro").replace(" ", "-")
    return pf.exports_dir / f"{stem}-{preset.name}.mp4"


def render_project(pf: ProjectFolder, preset_name: str | None = None, out_path: str | os.PathLike[str] | None = None,
                   burn_captions: bool | None = None) -> Job[ExportResult]:
    """Export the project's current take with the preset (default: the project's design preset)."""
    from introstudio.core.media.probe import probe
    from introstudio.core.media.tools import ffmpeg_exe

    started = time.monotonic()
    preset = get_preset(preset_name or pf.project.design.preset)
    out = _check_output(Path(out_path) if out_path else default_output(pf, preset), pf)
    burn = pf.project.design.burn_captions if burn_captions is None else bool(burn_captions)
    take = pf.project.current_take()
    if take is None:
        raise UserError("This project has no footage yet.", "Import a take with `introstudio import DIR FILE`.")
    if any(os.path.abspath(pf.resolve(t.file)) == str(out) for t in pf.project.takes):
        raise InvalidInputError(f"{out.name} is one of the project's takes; the export would overwrite it.",
                                "Choose another output file name.")
    exe = ffmpeg_exe()
    yield Progress(0.0, "Preparing graphics")
    info = probe(pf.resolve(take.file))
    partial = partial_path(out)
    work = new_work_dir()
    try:
        plan = plan_render(pf, preset, partial, burn, work, info=info)
        if plan.source_has_audio:
            stderr = yield from scaled(run_ffmpeg_job(build_measure_command(plan, exe), plan.main_seconds,
                                                       "Measuring loudness"), 0.02, 0.15)
            plan = dataclasses.replace(plan, loudness=LoudnormMeasure.from_report(parse_loudnorm(stderr)))
        yield from scaled(run_ffmpeg_job(build_command(plan, exe), plan.duration, "Encoding"), 0.15, 0.92)
        if not partial.is_file() or partial.stat().st_size == 0:
            raise ToolError("ffmpeg finished but wrote no video.", command=build_command(plan, exe))
        os.replace(partial, out)
        thumbnail = yield from _thumbnail(plan, pf, out, exe, work)
        srt, vtt = _write_sidecars(pf, take.id, plan, out)
        report = work / "loudness.txt"
        yield from scaled(run_ffmpeg_job(build_loudness_check_command(out, report, exe), plan.duration,
                                          "Measuring the result"), 0.95, 0.99)
        measured = parse_ebur128_report(report.read_text(encoding="utf-8", errors="replace"))
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    duration = probe(out).duration
    result = ExportResult(out, srt, vtt, thumbnail, preset.name, round(duration, 3), measured["integrated"],
                          measured["true_peak"], round(time.monotonic() - started, 2))
    _record(pf, result, plan, take.id, burn)
    yield Progress(1.0, f"Exported {out.name}")
    return result


def _check_output(out: Path, pf: ProjectFolder) -> Path:
    out = Path(os.path.abspath(out.expanduser()))
    if out.suffix.lower() != ".mp4":
        raise InvalidInputError(f"{out.name}: exports are MP4 files.", "Give an output name ending in .mp4.")
    if out.is_dir():
        raise InvalidInputError(f"{out} is a folder.", "Give a file name ending in .mp4.")
    if out.parent == pf.exports_dir:
        out.parent.mkdir(parents=True, exist_ok=True)
    if not out.parent.is_dir():
        raise NotFoundError(f"The folder {out.parent} does not exist.", "Create it first, or choose another folder.")
    return out


def _thumbnail(plan: RenderPlan, pf: ProjectFolder, out: Path, exe: str, work: Path) -> Job[Path]:
    """A 1280x720 JPEG (<= 2 MB) next to the video: a frame of the take a few seconds in, branded."""
    from PIL import Image

    from introstudio.core.render.brandkit import load_brand_kit
    from introstudio.core.render.cards import draw_thumbnail, save_thumbnail

    at = plan.trim_in + min(THUMBNAIL_AT, plan.main_seconds / 3)
    frame_png = work / "thumbnail-frame.png"
    yield from scaled(run_ffmpeg_job(build_frame_command(plan.source, at, frame_png, exe, width=1280), None,
                                      "Making the thumbnail"), 0.92, 0.95)
    kit = load_brand_kit(pf.project.design.brand_kit)
    title_spec, _, _ = card_specs(pf.project.clinician, kit)
    with Image.open(frame_png) as frame:
        image = draw_thumbnail(frame.convert("RGB"), title_spec, kit)
    return save_thumbnail(image, out.with_suffix(".jpg"))


def _write_sidecars(pf: ProjectFolder, take_id: int, plan: RenderPlan, out: Path) -> tuple[Path | None, Path | None]:
    """SRT and WebVTT timed to the exported video (after the title card); stale ones are removed."""
    from introstudio.core.captions.formats import write_srt, write_vtt

    srt, vtt = out.with_suffix(".srt"), out.with_suffix(".vtt")
    track = pf.project.captions_for(take_id)
    cues = shift_cues(track.cues, plan.trim_in, plan.trim_out, offset=plan.title_seconds) if track else []
    if not cues:
        srt.unlink(missing_ok=True)
        vtt.unlink(missing_ok=True)
        return None, None
    write_srt(cues, srt)
    write_vtt(cues, vtt)
    return srt, vtt


def _record(pf: ProjectFolder, result: ExportResult, plan: RenderPlan, take_id: int, burn: bool) -> None:
    """Add the export to the project (replacing an older export to the same file) and save."""
    def rel(path: Path | None) -> str | None:
        if path is None:
            return None
        inside = Path(os.path.abspath(path)).is_relative_to(Path(os.path.abspath(pf.folder)))
        return pf.relative(path) if inside else str(path)

    lower = plan.lower_third
    entry = {
        "file": rel(result.video), "preset": result.preset, "created_at": now_iso(), "take_id": take_id,
        "trim_in": plan.trim_in, "trim_out": plan.trim_out, "fps": str(plan.fps),
        "duration": result.duration, "burn_captions": burn and plan.captions_ass is not None,
        "title_seconds": plan.title_seconds, "end_seconds": plan.end_seconds,
        "lower_third": None if lower is None else [round(plan.title_seconds + lower.start, 3),
                                                   round(plan.title_seconds + lower.end, 3)],
        "loudness_lufs": result.loudness_lufs, "true_peak": result.true_peak,
        "target_lufs": plan.target_lufs, "srt": rel(result.srt), "vtt": rel(result.vtt),
        "thumbnail": rel(result.thumbnail), "seconds_taken": result.seconds_taken,
    }
    pf.project.exports = [e for e in pf.project.exports if e.get("file") != entry["file"]] + [entry]
    pf.save()


def export_frames(pf: ProjectFolder, out_dir: str | os.PathLike[str], preset: str | None = None,
                  video: str | os.PathLike[str] | None = None) -> list[Path]:
    """Stills FROM THE RENDERED VIDEO for a person to check: title card, lower third with a caption, end card.

    Uses the project's latest export (of `preset`, if given) unless `video` names one it recorded.
    """
    from introstudio.core.jobs import run_job
    from introstudio.core.media.tools import ffmpeg_exe

    entry = _find_export(pf, preset, video)
    file = _export_path(pf, entry)
    if not file.is_file():
        raise NotFoundError(f"The exported video {file} is missing.", "Render the project again.")
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    exe = ffmpeg_exe()
    written = []
    for name, at in frame_moments(pf, entry):
        target = folder / f"{file.stem}-{name}.png"
        run_job(run_ffmpeg_job(build_frame_command(file, at, target, exe), None, f"Extracting the {name}"))
        written.append(target)
    return written


def frame_moments(pf: ProjectFolder, entry: dict[str, Any]) -> list[tuple[str, float]]:
    """(name, seconds) of the stills `export_frames` takes from an export recorded in the project."""
    title, end, duration = float(entry["title_seconds"]), float(entry["end_seconds"]), float(entry["duration"])
    moments = [("title-card", title / 2)] if title else []
    moments.append(("lower-third", _lower_third_moment(pf, entry)))
    if end:
        moments.append(("end-card", duration - end / 2))
    return moments


def _find_export(pf: ProjectFolder, preset: str | None, video: str | os.PathLike[str] | None) -> dict[str, Any]:
    candidates: Sequence[dict[str, Any]] = pf.project.exports
    if video is not None:
        wanted = os.path.abspath(video)
        candidates = [e for e in candidates if os.path.abspath(_export_path(pf, e)) == wanted]
    elif preset:
        candidates = [e for e in candidates if e.get("preset") == preset]
    if not candidates:
        raise NotFoundError("This project has no matching export to take frames from.",
                            "Render it first with `introstudio render DIR`.")
    return candidates[-1]


def _export_path(pf: ProjectFolder, entry: dict[str, Any]) -> Path:
    file = str(entry.get("file") or "")
    return Path(file) if os.path.isabs(file) else pf.resolve(file)


def _lower_third_moment(pf: ProjectFolder, entry: dict[str, Any]) -> float:
    """A moment in the output where the lower third is on and, if possible, a caption is too."""
    title = float(entry["title_seconds"])
    window = entry.get("lower_third")
    start, end = (window if window else (title + 1.0, title + 2.0))
    track = pf.project.captions_for(int(entry["take_id"]))
    cues = shift_cues(track.cues, float(entry["trim_in"]), float(entry["trim_out"]), offset=title) if track else []
    for cue in cues:
        a, b = max(cue.start, start + 0.5), min(cue.end, end - 0.5)  # past the fade in, before the fade out
        if b > a:
            return round((a + b) / 2, 3)
    return round((start + end) / 2, 3)
