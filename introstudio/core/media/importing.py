"""Decide whether a file can be imported as footage, and copy it into a project without touching it."""

from __future__ import annotations

import errno
import logging
import os
import re
import stat
import unicodedata
import uuid
from collections.abc import Sequence
from pathlib import Path

from introstudio.core.errors import DiskError, MediaError, UserError, disk_error
from introstudio.core.filenames import is_device_name
from introstudio.core.jobs import Job, Progress, run_job
from introstudio.core.media.diagnose import require_file
from introstudio.core.media.probe import MediaInfo, probe

MIN_SECONDS = 1.0
LONG_SECONDS = 20 * 60
_IMAGE_CODECS = {"png", "mjpeg", "jpegls", "bmp", "tiff", "webp", "gif", "apng", "jpeg2000", "jpegxl", "heif", "qoi"}
_COPY_CHUNK = 8 * 1024 * 1024
log = logging.getLogger(__name__)


def check_importable(path: str | os.PathLike[str], scan_damage: bool = False) -> tuple[MediaInfo, list[str]]:
    """Probe `path` and apply the import rules: MediaError if it cannot be footage, else warnings.

    Quick (reads the index and a few packets). `scan_damage` also decodes the whole clip to find damage
    inside it; an import does that through `check_importable_job`, which reports progress.
    """
    return run_job(check_importable_job(path, scan_damage=scan_damage))


def check_importable_job(path: str | os.PathLike[str],
                         scan_damage: bool = True) -> Job[tuple[MediaInfo, list[str]]]:
    """`check_importable` as a job; by default it decodes every packet and warns where the clip is damaged."""
    info = probe(path)
    video = info.video
    if video is None or video.width <= 0 or video.height <= 0:
        _refuse_damaged_index(Path(info.path))  # a garbled index makes video vanish or look like audio only
    warnings = review(info)
    if scan_damage:
        from introstudio.core.media.damage import scan_damage as scan

        damage = yield from scan(info.path, info.duration)
        if damage is not None and damage.cut_at is not None and damage.cut_at < MIN_SECONDS:
            raise MediaError(
                f'"{Path(info.path).name}" is damaged: its index is there, but no picture or sound can be read '
                "from it (the data it points to is missing or in the wrong place).",
                hint="Copy it again from the phone, camera or card; a repair tool such as untrunc can sometimes "
                "rebuild it using another clip recorded on the same device.",
            )
        if damage is not None:
            log.info("%s: %s", info.path, damage)
            warnings.insert(0, damage.warning(f'"{Path(info.path).name}"'))
    return info, warnings


def _refuse_damaged_index(path: Path) -> None:
    """Raise the 'damaged index' MediaError when `path` is an MP4/MOV whose moov box is garbled."""
    from introstudio.core.media.diagnose import damaged_index, is_iso_media
    from introstudio.core.media.isobmff import index_problem

    try:
        with open(path, "rb") as handle:
            if not is_iso_media(handle.read(16)):
                return
        problem = index_problem(path)
    except OSError:
        return
    if problem:
        raise damaged_index(path, problem)


def review(info: MediaInfo) -> list[str]:
    """The import rules for already-probed media (pure): raise MediaError, or return warnings."""
    name = f'"{Path(info.path).name}"'
    video = info.video
    if video is None and info.audio is None:
        raise MediaError(f"{name} contains no video or audio.", hint="Choose the video recording itself.")
    if video is not None and _is_still_image(info):
        kind = video.codec.upper() if video.codec in _IMAGE_CODECS else "picture"
        raise MediaError(
            f"{name} is a still image ({kind}), not video footage.",
            hint="Import a video recording of the clinician; a photo can go on the title card instead.",
        )
    if video is None:
        raise MediaError(
            f"{name} is audio only: it has no picture.",
            hint="IntroStudio needs video footage of the clinician speaking. Import the video recording "
            "(phones and cameras keep sound and picture together in one file).",
        )
    if video.width <= 0 or video.height <= 0:
        codec = f" ({video.codec})" if video.codec != "unknown" else ""
        raise MediaError(
            f"{name}'s picture cannot be read: its video stream{codec} has no size, so it is damaged or in a "
            "format IntroStudio cannot decode.",
            hint="Check it plays in a video player; export or convert it to an MP4 (H.264) video, then import that.",
        )
    if info.duration <= 0:
        raise MediaError(
            f"{name} has no length (0 seconds of footage).",
            hint="The recording probably failed. Record the take again, or copy it again from the device.",
        )
    if info.duration < MIN_SECONDS:
        raise MediaError(
            f"{name} is too short ({info.duration:.1f} s); footage must be at least {MIN_SECONDS:g} second long.",
            hint="Choose the full recording, or record the take again.",
        )

    warnings: list[str] = []
    if info.audio is None:
        warnings.append(f"{name} has no sound; the video will be silent and captions cannot be made from speech.")
    if video.variable_frame_rate:
        warnings.append(
            f"{name} has a variable frame rate (common on phones, about {video.fps:.3g} fps on average); "
            "it will be made constant on export."
        )
    if video.rotation:
        how = "upside down" if video.rotation == 180 else "sideways"
        warnings.append(f"{name} is stored {how} (rotated {video.rotation}°); it will be turned upright.")
    if video.bit_depth > 8:
        warnings.append(
            f"{name} is {video.bit_depth}-bit video (HDR or log footage); it will be converted to 8-bit "
            "on export, so colours may look slightly different."
        )
    if video.width % 2 or video.height % 2:
        warnings.append(
            f"{name} has an odd size ({video.width}×{video.height}); it will be resized by a pixel "
            "to an even size on export."
        )
    if info.duration > LONG_SECONDS:
        warnings.append(
            f"{name} is long ({info.duration / 60:.0f} min); IntroStudio is made for short introductions, "
            "so captions and export will take a while. Consider trimming it first."
        )
    return warnings


def total_size(files: Sequence[str | os.PathLike[str]]) -> int:
    """Bytes an import of `files` will copy (files that cannot be read count 0: the check refuses them)."""
    total = 0
    for file in files:
        try:
            info = os.stat(file)
        except OSError:
            continue
        total += info.st_size if stat.S_ISREG(info.st_mode) else 0
    return total


def _is_still_image(info: MediaInfo) -> bool:
    """A picture rather than footage: an image demuxer, or a lone frame with no duration."""
    video = info.video
    assert video is not None
    if info.container.endswith("_pipe") or info.container in ("image2", "gif", "apng"):
        return info.audio is None
    return info.audio is None and info.duration < 0.05 and (video.frames or 0) <= 1


def copy_into_project(src: str | os.PathLike[str], dest_dir: str | os.PathLike[str]) -> Path:
    """Copy `src` into the project's media folder (never modifying it) and return the copy's path."""
    return run_job(copy_into_project_job(src, dest_dir))


def copy_into_project_job(src: str | os.PathLike[str], dest_dir: str | os.PathLike[str]) -> Job[Path]:
    """`copy_into_project` as a cancellable job with progress, for large files on slow drives.

    Copies to a hidden temporary name, fsyncs, keeps the original's modification time, then renames
    atomically to a safe unique name (" (2)", " (3)", ... on collisions). A file already inside
    `dest_dir` is returned as it is. Cancelling or failing removes the temporary file; one left by a
    killed run (its process id is in the name) is removed by the next import into the folder.
    """
    source = Path(os.path.abspath(src))
    size = require_file(source)
    folder = Path(dest_dir)
    name = f'"{source.name}"'
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if source.parent.resolve() == folder.resolve():
            return source
        sweep_import_leftovers(folder)
        before = source.stat()
        temp = folder / f".importing-{os.getpid()}-{uuid.uuid4().hex}.part"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    except OSError as exc:
        raise _copy_error(exc, name, folder) from None
    done = 0
    try:
        with os.fdopen(fd, "wb") as out, open(source, "rb") as inp:
            while chunk := inp.read(_COPY_CHUNK):
                out.write(chunk)
                done += len(chunk)
                yield Progress(min(done / size, 1.0), f"Copying {source.name}")
            out.flush()
            os.fsync(out.fileno())
        if done != before.st_size:
            raise MediaError(
                f"{name} changed while it was being copied.",
                hint="Wait until the recording or download has finished, then import it again.",
            )
        os.utime(temp, ns=(before.st_atime_ns, before.st_mtime_ns))
        final = move_to_unique(temp, folder, safe_filename(source.name))
        temp = final
        return final
    except OSError as exc:
        raise _copy_error(exc, name, folder) from None
    finally:
        if temp.name.startswith(".importing-"):
            temp.unlink(missing_ok=True)


_PART = re.compile(r"\.importing-(?:(?P<pid>\d+)-)?[0-9a-f]{32}\.part")


def sweep_import_leftovers(folder: str | os.PathLike[str]) -> list[Path]:
    """Remove the `.importing-*.part` copies that killed imports left in `folder`; returns them."""
    from introstudio.core.leftovers import sweep

    return sweep(folder, _PART, "an import")


def _copy_error(exc: OSError, name: str, folder: Path) -> UserError:
    """A copy failure in words: full disk, read-only drive, no permission, or the operating system's reason."""
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return DiskError(
            f"There is not enough free space to copy {name} into the project ({folder}).",
            hint=f"Free some space on the drive holding {folder}, or move the project to a larger drive.",
            folder=folder,
        )
    disk = disk_error(exc, None if exc.filename else folder)  # a failed write() names no file: it was ours
    if disk is not None:
        return disk
    return MediaError(
        f"Could not copy {name} into the project: {exc.strerror or exc}.",
        hint="Check the drive the file is on is still connected, then import it again.",
    )


_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_MAX_STEM_BYTES = 120


def safe_filename(name: str) -> str:
    """A file name valid on Windows, macOS and Linux that keeps accents, dashes and apostrophes."""
    name = unicodedata.normalize("NFC", name)
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem.strip(" .") or not re.fullmatch(r"\w{1,10}", suffix):
        stem, suffix = name, ""
    stem = _UNSAFE.sub("_", stem).strip(" .") or "clip"
    if is_device_name(stem):  # CON, nul.tar, "CON " and COM¹ too (core/filenames.py)
        stem = "_" + stem
    while len(stem.encode("utf-8")) > _MAX_STEM_BYTES:
        stem = stem[:-1].rstrip(" .")
    return f"{stem}.{suffix}" if suffix else stem


def move_to_unique(src: Path, folder: Path, name: str) -> Path:
    """Move `src` to `folder / name`, or to the first free "stem (n).ext"; never over another file.

    The name is claimed with O_CREAT|O_EXCL before the rename, so two processes importing "IMG_0001.MOV" at
    once get "IMG_0001.MOV" and "IMG_0001 (2).MOV" (a check-then-rename would let the second replace the first).
    """
    stem, suffix = Path(name).stem, Path(name).suffix
    candidate, n = folder / name, 2
    while True:
        try:
            os.close(os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
            break
        except FileExistsError:
            candidate = folder / f"{stem} ({n}){suffix}"
            n += 1
    try:
        os.replace(src, candidate)
    except BaseException:
        candidate.unlink(missing_ok=True)
        raise
    return candidate
