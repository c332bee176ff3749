"""Export a project: measure loudness, encode in one ffmpeg pass, then sidecar captions, thumbnail, report.

Each run encodes to its own hidden ".NAME.<pid>-<random>.partial.mp4" next to the output (outputs.py), decodes
it end to end (verify.py), and only then moves it, with its captions and thumbnail, into place and records it
(records.py), so a failure, a cancel, a kill or a damaged encode never leaves a file that is called good.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from introstudio.core.errors import (
    InvalidInputError,
    NotFoundError,
    ToolError,
    UserError,
)
from introstudio.core.jobs import Job, Progress, scaled
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
from introstudio.core.render.outputs import (
    check_not_a_source,
    kind_languages,
    refuse_if_not_ours,
    remove_if_ours,
    run_tag,
    sidecar_paths,
    staged_files,
    staged_path,
    sweep_staged,
    translation_kind,
)
from introstudio.core.render.plan import (
    LoudnormMeasure,
    RenderPlan,
    card_specs,
    plan_render,
    shift_cues,
)
from introstudio.core.render.presets import get_preset
from introstudio.core.render.records import (
    ExportRecord,
    export_path,
    export_records,
    file_sha256,
    inputs_hash,
    is_sidecar_kind,
    record_export,
    record_path,
    recorded_export,
    store_path,
)
from introstudio.core.render.runner import run_ffmpeg_job
from introstudio.core.render.verify import VerifyReport, verify_video

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
    translations: dict[str, Path] = dataclasses.field(default_factory=dict)  # "srt.es" -> X.es.srt (parallel.py)

    def to_dict(self) -> dict[str, Any]:
        d = {k: (str(v) if isinstance(v, Path) else v) for k, v in dataclasses.asdict(self).items()}
        d["translations"] = {k: str(v) for k, v in self.translations.items()}
        return d


WORK_PREFIX = "introstudio-render-"
_WORK = re.compile(re.escape(WORK_PREFIX) + r"(?:(?P<pid>\d+)-)?[\w-]+")
STALE_WORK_AGE = 24 * 3600  # seconds: a work folder is a leftover after this, whatever its name says


def new_work_dir(root: Path | None = None) -> Path:
    """A fresh folder for one export's graphics, named with this process id; leftovers of killed runs go."""
    sweep_work_dirs(root)
    return Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}{os.getpid()}-", dir=root))


def sweep_work_dirs(root: Path | None = None) -> list[Path]:
    """Remove the work folders of exports whose process is gone (killed, crashed); returns them."""
    from introstudio.core.leftovers import sweep

    # In this computer's own temp folder a process id is this computer's: a dead one's folder goes at once.
    return sweep(root or tempfile.gettempdir(), _WORK, "an export", stale_after=STALE_WORK_AGE, dead_grace=0.0)


def render_project(pf: ProjectFolder, preset_name: str | None = None, out_path: str | os.PathLike[str] | None = None,
                   burn_captions: bool | None = None) -> Job[ExportResult]:
    """Export the project's current take with the preset (default: the project's design preset).

    Holds the output's lock; video, captions and thumbnail are staged, the video is decoded end to end, and only
    then are they moved into place and recorded (with the inputs hash and the video's size and SHA-256).
    """
    from introstudio.core.locks import output_lock
    from introstudio.core.media.probe import probe
    from introstudio.core.media.tools import ffmpeg_exe

    started = time.monotonic()
    preset = get_preset(preset_name or pf.project.design.preset)
    out = _check_output(Path(out_path) if out_path else export_path(pf, preset.name), pf)
    burn = pf.project.design.burn_captions if burn_captions is None else bool(burn_captions)
    take = pf.project.current_take()
    if take is None:
        raise UserError("This project has no footage yet.", "Import a take with `introstudio import DIR FILE`.")
    check_not_a_source(pf, out)
    refuse_foreign_video(pf, out)
    from introstudio.core.diskcheck import ensure_writable

    ensure_writable(out.parent, need_bytes=_size_of(pf.resolve(take.file)))  # read-only or full: say so now
    digest = inputs_hash(pf, preset.name, burn)
    track = pf.project.captions_for(take.id)
    translated = [translation_kind(kind, t.language) for t in _translations(pf, take.id) for kind in ("srt", "vtt")]
    refuse_if_not_ours(pf, out, ["thumbnail"] + (["srt", "vtt"] if track and track.cues else []) + translated)
    exe = ffmpeg_exe()
    yield Progress(0.0, "Preparing graphics")
    info = probe(pf.resolve(take.file))
    with output_lock(out, f"an export of {pf.folder.name} ({preset.name})"):
        sweep_staged(out)
        tag = run_tag()
        partial = staged_path(out, tag)
        work = new_work_dir()
        try:
            plan = plan_render(pf, preset, partial, burn, work, info=info)
            if plan.source_has_audio:
                stderr = yield from scaled(run_ffmpeg_job(build_measure_command(plan, exe), plan.main_seconds,
                                                           "Measuring loudness"), 0.02, 0.12)
                plan = dataclasses.replace(plan, loudness=LoudnormMeasure.from_report(parse_loudnorm(stderr)))
            yield from scaled(run_ffmpeg_job(build_command(plan, exe), plan.duration, "Encoding"), 0.12, 0.82)
            if not partial.is_file() or partial.stat().st_size == 0:
                raise ToolError("ffmpeg finished but wrote no video.", command=build_command(plan, exe))
            checked = yield from scaled(verify_video(partial, plan.duration, plan.source_has_audio), 0.82, 0.92)
            report = work / "loudness.txt"
            yield from scaled(run_ffmpeg_job(build_loudness_check_command(partial, report, exe), plan.duration,
                                              "Measuring the result"), 0.92, 0.97)
            measured = parse_ebur128_report(report.read_text(encoding="utf-8", errors="replace"))
            staged = {"thumbnail": (yield from _thumbnail(plan, pf, staged_path(out, tag, ".jpg"), exe, work))}
            staged.update(_write_sidecars(pf, take.id, plan, out, tag))
            hashes = {kind: file_sha256(path) for kind, path in staged.items()}
            video_sha = file_sha256(partial)
            refuse_if_not_ours(pf, out, list(staged), hashes)  # again: someone may have put a file there since
            for kind in ("srt", "vtt", *_recorded_translations(pf, out)):
                if kind not in staged:
                    remove_if_ours(pf, out, kind)
            refuse_foreign_video(pf, out)  # again, as for the sidecars
            finals = sidecar_paths(out, kind_languages(list(staged)))
            os.replace(partial, out)  # the video first: if a sidecar cannot follow, no new one sits by an old video
            for kind, path in staged.items():
                os.replace(path, finals[kind])
        finally:
            for path in staged_files(out):
                if tag in path.name:
                    path.unlink(missing_ok=True)
            shutil.rmtree(work, ignore_errors=True)
        duration = max((s.end for s in checked.streams), default=plan.duration)
        result = ExportResult(out, finals["srt"] if "srt" in staged else None,
                              finals["vtt"] if "vtt" in staged else None, finals["thumbnail"], preset.name,
                              round(duration, 3), measured["integrated"],
                              measured["true_peak"], round(time.monotonic() - started, 2),
                              {kind: finals[kind] for kind in staged if "." in kind})
        _record(pf, result, plan, take.id, burn, digest, video_sha, hashes, checked)
    yield Progress(1.0, f"Exported {out.name}")
    return result


def _size_of(path: Path) -> int:
    """Bytes of the take: about what an export of it needs (0 when it cannot be read; the probe says why)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


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


def refuse_foreign_video(pf: ProjectFolder, out: Path) -> None:
    """Refuse to replace a video at `out` that is not a recorded export of this project (someone else's file)."""
    if not os.path.lexists(out):
        return
    try:
        recorded_export(pf, out)
    except NotFoundError:
        raise InvalidInputError(f"{out} already exists and is not an export of this project; it was left as it is.",
                                "Choose another file name, or move that file away first: IntroStudio only "
                                "replaces videos it exported.") from None


def _thumbnail(plan: RenderPlan, pf: ProjectFolder, target: Path, exe: str, work: Path) -> Job[Path]:
    """A 1280x720 JPEG (<= 2 MB) at `target`: a frame of the take a few seconds in, branded."""
    from PIL import Image

    from introstudio.core.render.brandkit import load_brand_kit
    from introstudio.core.render.cards import draw_thumbnail, save_thumbnail

    at = plan.trim_in + min(THUMBNAIL_AT, plan.main_seconds / 3)
    frame_png = work / "thumbnail-frame.png"
    yield from scaled(run_ffmpeg_job(build_frame_command(plan.source, at, frame_png, exe, width=1280), None,
                                      "Making the thumbnail"), 0.97, 0.99)
    kit = load_brand_kit(pf.project.design.brand_kit)
    title_spec, _, _ = card_specs(pf.project.clinician, kit)
    with Image.open(frame_png) as frame:
        image = draw_thumbnail(frame.convert("RGB"), title_spec, kit)
    return save_thumbnail(image, target)


def _write_sidecars(pf: ProjectFolder, take_id: int, plan: RenderPlan, out: Path, tag: str) -> dict[str, Path]:
    """Staged SRT and WebVTT timed to the exported video (after the title card); none without captions.

    A translation track of the take (captions/parallel.py) gets its own pair, "srt.es" -> .NAME...partial.es.srt.
    """
    from introstudio.core.captions.formats import write_srt, write_vtt

    staged: dict[str, Path] = {}
    track = pf.project.captions_for(take_id)
    for language, source in [("", track)] + [(t.language, t) for t in _translations(pf, take_id)]:
        cues = shift_cues(source.cues, plan.trim_in, plan.trim_out, offset=plan.title_seconds) if source else []
        if not cues:
            continue
        srt, vtt = (staged_path(out, tag, f".{language}.{kind}" if language else f".{kind}") for kind in ("srt", "vtt"))
        write_srt(cues, srt)
        write_vtt(cues, vtt)
        staged[translation_kind("srt", language) if language else "srt"] = srt
        staged[translation_kind("vtt", language) if language else "vtt"] = vtt
    return staged


def _translations(pf: ProjectFolder, take_id: int) -> list[Any]:
    """The take's translation tracks with captions and a language fit for a file name (es, es-MX)."""
    from introstudio.core.captions.parallel import translations_for

    return [t for t in translations_for(pf.project, take_id) if t.cues and is_sidecar_kind(f"srt.{t.language}")]


def _recorded_translations(pf: ProjectFolder, out: Path) -> set[str]:
    """Translation sidecar kinds earlier exports to `out` recorded (stale ones go when this export has none)."""
    target = os.path.abspath(out)
    return {kind for r in export_records(pf.project) if os.path.abspath(record_path(pf, r)) == target
            for kind in r.translations}


def _record(pf: ProjectFolder, result: ExportResult, plan: RenderPlan, take_id: int, burn: bool, digest: str,
            video_sha: str, hashes: dict[str, str], checked: VerifyReport) -> None:
    """Record the export in the project (replacing an older record of the same file) through the one writer."""
    lower = plan.lower_third
    video = checked.first("video")
    record = ExportRecord(
        file=store_path(pf, result.video) or "", preset=result.preset, take_id=take_id, created_at=now_iso(),
        trim_in=plan.trim_in, trim_out=plan.trim_out, fps=str(plan.fps),
        width=plan.preset.width, height=plan.preset.height, duration=result.duration,
        burn_captions=burn and plan.captions_ass is not None, title_seconds=plan.title_seconds,
        end_seconds=plan.end_seconds,
        lower_third=None if lower is None else (round(plan.title_seconds + lower.start, 3),
                                                round(plan.title_seconds + lower.end, 3)),
        loudness_lufs=result.loudness_lufs, true_peak=result.true_peak, target_lufs=plan.target_lufs,
        srt=store_path(pf, result.srt), vtt=store_path(pf, result.vtt), thumbnail=store_path(pf, result.thumbnail),
        translations={kind: store_path(pf, path) or "" for kind, path in result.translations.items()},
        seconds_taken=result.seconds_taken, inputs_hash=digest, size=result.video.stat().st_size,
        sha256=video_sha, sidecar_sha256=hashes,
        verified={"streams": len(checked.streams), "video_frames": video.frames if video else 0,
                  "decode_errors": checked.errors, "seconds": checked.seconds_taken})
    record_export(pf, record)


def export_frames(pf: ProjectFolder, out_dir: str | os.PathLike[str], preset: str | None = None,
                  video: str | os.PathLike[str] | None = None) -> list[Path]:
    """Stills FROM THE RENDERED VIDEO for a person to check: title card, lower third with a caption, end card.

    Uses the project's latest export (of `preset`, if given) unless `video` names one it recorded.
    """
    from introstudio.core.jobs import run_job
    from introstudio.core.media.tools import ffmpeg_exe

    record = _find_export(pf, preset, video)
    file = record_path(pf, record)
    if not file.is_file():
        raise NotFoundError(f"The exported video {file} is missing.", "Render the project again.")
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    exe = ffmpeg_exe()
    written = []
    for name, at in frame_moments(pf, record):
        target = folder / f"{file.stem}-{name}.png"
        run_job(run_ffmpeg_job(build_frame_command(file, at, target, exe), None, f"Extracting the {name}"))
        written.append(target)
    return written


def frame_moments(pf: ProjectFolder, record: ExportRecord) -> list[tuple[str, float]]:
    """(name, seconds) of the stills `export_frames` takes from an export recorded in the project."""
    title, end, duration = record.title_seconds, record.end_seconds, record.duration or 0.0
    moments = [("title-card", title / 2)] if title else []
    moments.append(("lower-third", _lower_third_moment(pf, record)))
    if end:
        moments.append(("end-card", duration - end / 2))
    return moments


def _find_export(pf: ProjectFolder, preset: str | None, video: str | os.PathLike[str] | None) -> ExportRecord:
    if video is not None:
        return recorded_export(pf, video)
    candidates = [r for r in export_records(pf.project) if not preset or r.preset == preset]
    if not candidates:
        raise NotFoundError("This project has no matching export to take frames from.",
                            "Render it first with `introstudio render DIR`.")
    return candidates[-1]


def _lower_third_moment(pf: ProjectFolder, record: ExportRecord) -> float:
    """A moment in the output where the lower third is on and, if possible, a caption is too."""
    title = record.title_seconds
    start, end = record.lower_third or (title + 1.0, title + 2.0)
    track = pf.project.captions_for(record.take_id) if record.take_id is not None else None
    trim_out = record.trim_out if record.trim_out is not None else record.trim_in + (record.duration or 0.0)
    cues = shift_cues(track.cues, record.trim_in, trim_out, offset=title) if track else []
    for cue in cues:
        a, b = max(cue.start, start + 0.5), min(cue.end, end - 0.5)  # past the fade in, before the fade out
        if b > a:
            return round((a + b) / 2, 3)
    return round((start + end) / 2, 3)
