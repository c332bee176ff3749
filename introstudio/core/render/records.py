"""The export record: one typed value per exported video, one writer, one file-naming rule, one inputs hash.

The render (CLI, app, batch worker) is the only writer: `record_export` replaces the record of the same file and
saves (`put_records` does the same in memory, for the app, which saves the records its export child made). Everything that decides whether an export is still good reads it through `ExportRecord`: batch skips an
export only when its `inputs_hash` matches what a render would use now AND the file still has the recorded size
and SHA-256 (`is_up_to_date`); publish checks the same before it uploads (`verify_recorded`). Records written
by older versions (plain dicts without hashes) still load: `from_dict` takes what it understands and keeps the
rest in `extra`, so a round trip loses nothing.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from introstudio.core.errors import IntroStudioError, MediaError, NotFoundError

if TYPE_CHECKING:
    from introstudio.core.project.model import Project
    from introstudio.core.project.store import ProjectFolder

# Bump when the render graph changes what a given project produces (filters, encoder settings, card layout),
# so every recorded export counts as out of date once.
RENDER_GRAPH_VERSION = 2
SIDECARS = ("srt", "vtt", "thumbnail")


def is_sidecar_kind(kind: Any) -> bool:
    """"srt", "vtt", "thumbnail", or a translation's "srt.es"/"vtt.es-MX" (outputs.translation_kind)."""
    return isinstance(kind, str) and (kind in SIDECARS or re.fullmatch(r"(srt|vtt)\.[A-Za-z]{2,3}(-\w{2,8})*", kind)
                                      is not None)


def _float(value: Any) -> float | None:
    try:
        return None if value is None or isinstance(value, bool) else float(value)
    except (TypeError, ValueError):
        return None


def _int(value: Any) -> int | None:
    try:
        return None if value is None or isinstance(value, bool) else int(value)
    except (TypeError, ValueError):
        return None


def _str(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


@dataclass(frozen=True)
class ExportRecord:
    """One exported video as project.json records it; paths are relative to the project (POSIX) or absolute."""

    file: str
    preset: str
    take_id: int | None = None
    created_at: str = ""
    trim_in: float = 0.0
    trim_out: float | None = None
    fps: str = ""
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    burn_captions: bool = False
    title_seconds: float = 0.0
    end_seconds: float = 0.0
    lower_third: tuple[float, float] | None = None
    loudness_lufs: float | None = None
    true_peak: float | None = None
    target_lufs: float | None = None
    srt: str | None = None
    vtt: str | None = None
    thumbnail: str | None = None
    seconds_taken: float | None = None
    inputs_hash: str | None = None  # what the video was made from (see `inputs_hash`)
    size: int | None = None  # bytes of the video when it was recorded
    sha256: str | None = None  # of the video when it was recorded
    sidecar_sha256: dict[str, str] = field(default_factory=dict)  # "srt"/"vtt"/"thumbnail" -> what we wrote
    # A translation track's captions (captions/parallel.py): "srt.es"/"vtt.es" -> the file, as `srt` is stored.
    translations: dict[str, str] = field(default_factory=dict)
    verified: dict[str, Any] = field(default_factory=dict)  # what the decode check found (streams, frames, time)
    extra: dict[str, Any] = field(default_factory=dict)  # keys this version does not know, kept as they were

    def sidecar(self, kind: str) -> str | None:
        """The stored path of the sidecar of `kind` ("srt", "thumbnail", "srt.es", ...), None if none."""
        return getattr(self, kind) if kind in SIDECARS else self.translations.get(kind)

    def to_dict(self) -> dict[str, Any]:
        d = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "extra"}
        if not self.translations:
            d.pop("translations")  # records without one read as before
        else:
            d["translations"] = dict(self.translations)
        d["lower_third"] = None if self.lower_third is None else list(self.lower_third)
        d["sidecar_sha256"] = dict(self.sidecar_sha256)
        d["verified"] = dict(self.verified)
        return {**self.extra, **d}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ExportRecord:
        """Tolerant of old and hand-edited records: unknown keys are kept, wrong types become 'unknown'."""
        known = {f.name for f in dataclasses.fields(cls)}
        window = d.get("lower_third")
        lower = None
        if isinstance(window, (list, tuple)) and len(window) == 2 and None not in map(_float, window):
            lower = (float(window[0]), float(window[1]))
        hashes = d.get("sidecar_sha256")
        translations = d.get("translations")
        return cls(
            file=str(d.get("file") or d.get("video") or ""),  # "video": the key of early batch records
            preset=str(d.get("preset") or ""),
            take_id=_int(d.get("take_id")),
            created_at=str(d.get("created_at") or ""),
            trim_in=_float(d.get("trim_in")) or 0.0,
            trim_out=_float(d.get("trim_out")),
            fps=str(d.get("fps") or ""),
            width=_int(d.get("width")),
            height=_int(d.get("height")),
            duration=_float(d.get("duration")),
            burn_captions=d.get("burn_captions") is True,
            title_seconds=_float(d.get("title_seconds")) or 0.0,
            end_seconds=_float(d.get("end_seconds")) or 0.0,
            lower_third=lower,
            loudness_lufs=_float(d.get("loudness_lufs")),
            true_peak=_float(d.get("true_peak")),
            target_lufs=_float(d.get("target_lufs")),
            srt=_str(d.get("srt")),
            vtt=_str(d.get("vtt")),
            thumbnail=_str(d.get("thumbnail")),
            seconds_taken=_float(d.get("seconds_taken")),
            inputs_hash=_str(d.get("inputs_hash")),
            size=_int(d.get("size")),
            sha256=_str(d.get("sha256")),
            sidecar_sha256={str(k): str(v) for k, v in hashes.items() if is_sidecar_kind(k) and isinstance(v, str)}
            if isinstance(hashes, dict) else {},
            translations={k: v for k, v in translations.items() if is_sidecar_kind(k) and k not in SIDECARS
                          and isinstance(v, str) and v} if isinstance(translations, dict) else {},
            verified=dict(d["verified"]) if isinstance(d.get("verified"), dict) else {},
            extra={k: v for k, v in d.items() if k not in known and k != "video"},
        )


# --- reading ------------------------------------------------------------------------------------------------

def export_records(project: Project) -> list[ExportRecord]:
    """The project's exports, oldest first, as typed records (entries without a file are left out)."""
    records = [ExportRecord.from_dict(e) for e in project.exports if isinstance(e, dict)]
    return [r for r in records if r.file]


def stored_path(pf: ProjectFolder, stored: str | None) -> Path | None:
    """A path as a record stores it (relative to the project, or absolute) as an absolute path."""
    if not stored:
        return None
    return Path(stored) if os.path.isabs(stored) else pf.resolve(stored)


def record_path(pf: ProjectFolder, record: ExportRecord) -> Path:
    """The video a record describes, as an absolute path."""
    path = stored_path(pf, record.file)
    assert path is not None, "records without a file are never returned by export_records"
    return path


def store_path(pf: ProjectFolder, path: Path | None) -> str | None:
    """How a record stores `path`: relative (POSIX) inside the project folder, absolute outside it."""
    if path is None:
        return None
    absolute = Path(os.path.abspath(path))
    return pf.relative(absolute) if absolute.is_relative_to(Path(os.path.abspath(pf.folder))) else str(absolute)


def recorded_export(pf: ProjectFolder, video: str | os.PathLike[str]) -> ExportRecord:
    """The newest record of the video file `video`; NotFoundError when the project never recorded it."""
    wanted = os.path.abspath(video)
    for record in reversed(export_records(pf.project)):
        if os.path.abspath(record_path(pf, record)) == wanted:
            return record
    raise NotFoundError(f"{Path(video).name} is not an export of this project.",
                        "Export the project again, or choose a file listed by `introstudio info DIR`.")


# --- naming and inputs --------------------------------------------------------------------------------------

def export_path(pf: ProjectFolder, preset_name: str) -> Path:
    """The one naming rule: exports/<project folder name>-<preset>.mp4 (stable when the clinician is renamed)."""
    from introstudio.core.media.importing import safe_filename

    stem = safe_filename(pf.folder.name.strip() or "intro").replace(" ", "-")
    return pf.exports_dir / f"{stem}-{preset_name}.mp4"


_CONTENT: dict[tuple[str, int, int], str] = {}


def _content_sha256(path: Path) -> str:
    """SHA-256 of a brand kit file (logo, font), remembered while its size and time stay the same."""
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key not in _CONTENT:
        _CONTENT[key] = file_sha256(path)
    return _CONTENT[key]


def _file_identity(path: Path) -> list[Any]:
    stat = path.stat()
    return [str(path), stat.st_size, stat.st_mtime_ns]


def render_inputs(pf: ProjectFolder, preset_name: str, burn_captions: bool | None = None) -> dict[str, Any]:
    """Everything that decides the output: take file and trims, captions, what the cards show, design, preset."""
    from introstudio.core.render.brandkit import load_brand_kit
    from introstudio.core.render.plan import card_specs
    from introstudio.core.render.presets import get_preset

    project = pf.project
    take = project.current_take()
    if take is None:
        from introstudio.core.errors import UserError

        raise UserError("This project has no footage yet.", "Import a take with `introstudio import DIR FILE`.")
    track = project.captions_for(take.id)
    design = dataclasses.asdict(project.design)
    design.pop("preset", None)  # the preset used is hashed in full below; the project's default is not
    try:
        kit = load_brand_kit(project.design.brand_kit)
        brand: dict[str, Any] = dataclasses.asdict(kit)
        cards: Any = [dataclasses.asdict(spec) for spec in card_specs(project.clinician, kit)]
    except IntroStudioError as exc:  # the render will say so; the hash only needs to be stable
        brand, cards = {"error": exc.message}, None
    for key, value in list(brand.items()):  # the logo and fonts by content: the same on every machine and install
        if isinstance(value, Path) and value.is_file():
            brand[key] = [value.name, _content_sha256(value)]
    return {
        "render_graph": RENDER_GRAPH_VERSION,
        # the take by its place in the project (a moved project stays up to date), size and modification time
        "take": {"file": [take.file, *_file_identity(pf.resolve(take.file))[1:]], "trim_in": take.trim_in,
                 "trim_out": take.trim_out},
        "captions": None if track is None else {"language": track.language, "profile": track.profile,
                                                "cues": [c.to_dict() for c in track.cues]},
        **_translation_inputs(project, take.id),
        "cards": cards,
        "design": design,
        "burn_captions": project.design.burn_captions if burn_captions is None else bool(burn_captions),
        "preset": dataclasses.asdict(get_preset(preset_name)),
        "brand_kit": brand,
    }


def _translation_inputs(project: Project, take_id: int) -> dict[str, Any]:
    """The take's translation tracks (their sidecars are part of the export); nothing when there are none."""
    tracks = [c for c in project.captions if c.take_id == take_id and c.kind == "translation"]
    if not tracks:
        return {}  # so the hash of a project without translations is what it always was
    return {"translations": [{"language": t.language, "profile": t.profile, "cues": [c.to_dict() for c in t.cues]}
                             for t in tracks]}


def inputs_hash(pf: ProjectFolder, preset_name: str, burn_captions: bool | None = None) -> str:
    """A stable digest of `render_inputs` (sorted JSON, SHA-256): equal means the render would be the same."""
    text = json.dumps(render_inputs(pf, preset_name, burn_captions), sort_keys=True, ensure_ascii=False,
                      default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- checking -----------------------------------------------------------------------------------------------

def file_sha256(path: Path, block: int = 4 << 20) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb", buffering=0) as fh:
        view = memoryview(bytearray(block))
        while n := fh.readinto(view):
            digest.update(view[:n])
    return digest.hexdigest()


def verify_recorded(pf: ProjectFolder, record: ExportRecord, sha256: str | None = None) -> Path:
    """The record's video, checked to be the very file that was recorded (size, then SHA-256).

    `sha256` is the file's hash when the caller has just computed it (publish hashes it anyway). Raises
    NotFoundError when the file is gone and MediaError when it changed. A record from an older IntroStudio has no
    hash to compare with: its file is then decoded end to end instead, and refused when damaged (such exports
    were made before exports were checked, and a killed run could leave a corrupt one).
    """
    path = record_path(pf, record)
    if not path.is_file():
        raise NotFoundError(f"The exported video {path} is missing.", "Export the project again.")
    hint = ("Export the project again: IntroStudio only uses a video it can tell is the one it made and checked. "
            "(A file edited or replaced by hand, or damaged on disk, is not.)")
    size = path.stat().st_size
    if record.size is not None and size != record.size:
        raise MediaError(f"{path.name} changed after it was exported: it is {size:,} bytes, the export was "
                         f"{record.size:,} bytes.", hint)
    if record.sha256 is None:
        _check_unhashed(path, record)
    elif (sha256 or file_sha256(path)) != record.sha256:
        raise MediaError(f"{path.name} changed after it was exported: its content (SHA-256) is not what was "
                         "recorded.", hint)
    return path


def _check_unhashed(path: Path, record: ExportRecord) -> None:
    """Decode an export recorded without a hash (an older IntroStudio's) end to end; MediaError when damaged."""
    from introstudio.core.jobs import run_job
    from introstudio.core.render.verify import decode_all, verify_video

    what = "The export (made by an older IntroStudio, so checked now)"
    if record.duration:
        run_job(verify_video(path, record.duration, need_audio=False, what=what))
        return
    report = run_job(decode_all(path))
    if report.errors or report.first("video") is None:
        raise MediaError(f"{what} {path.name} is damaged ({report.errors} decode errors).",
                         "Export the project again.")


def sidecar_path(pf: ProjectFolder, record: ExportRecord, kind: str, check: bool = True) -> Path | None:
    """The record's sidecar of `kind` ("srt", "thumbnail", "srt.es", ...) if it is still what the export wrote.

    None when the record has none or it is gone; MediaError when it was changed after the export (unless `check`
    is off: approvals compare it with what was approved and name the change themselves). A record without
    hashes (older IntroStudio) is trusted on existence, as before.
    """
    path = stored_path(pf, record.sidecar(kind))
    if path is None or not path.is_file():
        return None
    expected = record.sidecar_sha256.get(kind)
    if check and expected is not None and file_sha256(path) != expected:
        raise MediaError(f"{path.name} changed after it was exported with {Path(record.file).name}.",
                         "Export the project again, so the captions and thumbnail that go with the video are the "
                         "ones checked with it.")
    return path


def is_up_to_date(pf: ProjectFolder, record: ExportRecord, digest: str) -> bool:
    """Whether `record` was made from exactly these inputs and its file is still exactly what was recorded."""
    if record.inputs_hash != digest or record.sha256 is None:
        return False
    try:
        verify_recorded(pf, record)
    except IntroStudioError:
        return False
    return True


def find_up_to_date(pf: ProjectFolder, preset_name: str, digest: str) -> ExportRecord | None:
    """The newest export of `preset_name` that `is_up_to_date`, checked again now; None when there is none."""
    for record in reversed(export_records(pf.project)):
        if record.preset == preset_name and is_up_to_date(pf, record, digest):
            return record
    return None


# --- the one writer -----------------------------------------------------------------------------------------

def put_records(pf: ProjectFolder, records: list[ExportRecord]) -> None:
    """Add `records` to the project in memory, each replacing older records of the same video file."""
    for record in records:
        target = os.path.abspath(record_path(pf, record))
        kept = [e for e in pf.project.exports
                if not (isinstance(e, dict) and (old := ExportRecord.from_dict(e)).file
                        and os.path.abspath(record_path(pf, old)) == target)]
        pf.project.exports = [*kept, record.to_dict()]


def record_export(pf: ProjectFolder, record: ExportRecord) -> ExportRecord:
    """Add `record` to the project, replacing every older record of the same video file, and save."""
    put_records(pf, [record])
    pf.save()
    from introstudio.core.review import audit  # the audit trail of what the public will see (core/review)

    audit.record(pf.folder, "export", audit.actor(pf.what), {
        "file": record.file, "preset": record.preset, "size": record.size, "sha256": record.sha256,
        "inputs_hash": record.inputs_hash, "sidecar_sha256": dict(record.sidecar_sha256)})
    return record
