"""The files a publish sends: the exported video, its sidecar SRT and its thumbnail JPEG, checked first."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from introstudio.core.errors import InvalidInputError, NotFoundError
from introstudio.core.project.store import ProjectFolder

MAX_THUMBNAIL_BYTES = 2 * 1024 * 1024
MAX_CAPTION_BYTES = 100 * 1024 * 1024
MAX_VIDEO_BYTES = 256 * 1024**3
VIDEO_TYPES = {".mp4": "video/mp4", ".mov": "video/quicktime", ".m4v": "video/mp4", ".webm": "video/webm",
               ".mkv": "video/x-matroska"}


@dataclass(frozen=True)
class PublishAssets:
    """The video, and the caption file and thumbnail when the export has them."""

    video: Path
    srt: Path | None
    thumbnail: Path | None
    caption_language: str = "en"
    translations: tuple[tuple[str, Path], ...] = ()  # (language, SRT) of the script's translation (parallel.py)

    @property
    def mimetype(self) -> str:
        return VIDEO_TYPES.get(self.video.suffix.lower(), "application/octet-stream")


def _path(pf: ProjectFolder, value: Any) -> Path | None:
    if not value:
        return None
    text = str(value)
    return Path(text) if os.path.isabs(text) else pf.resolve(text)


def find_assets(pf: ProjectFolder, video: str | os.PathLike[str] | None = None,
                check_sidecars: bool = True) -> PublishAssets:
    """The latest export (or the one recorded for `video`), with the sidecars the render wrote next to it.

    Sidecars are the record's own, checked by hash (`check_sidecars`), never files that happen to lie beside it.
    """
    exports = [e for e in pf.project.exports if e.get("file")]
    if video is not None:
        wanted = os.path.abspath(video)
        exports = [e for e in exports if os.path.abspath(_path(pf, e["file"]) or "") == wanted]
        if not exports:
            raise NotFoundError(f"{video} is not an export of this project.",
                                "Choose a file listed by `introstudio info DIR`, or render the project first.")
    if not exports:
        raise NotFoundError("This project has no exported video to publish yet.",
                            "Render it first with `introstudio render DIR`.")
    entry = exports[-1]
    file = _path(pf, entry["file"])
    assert file is not None
    if not file.is_file():
        raise NotFoundError(f"The exported video {file} is missing.", "Render the project again.")
    size = file.stat().st_size
    if size == 0 or size > MAX_VIDEO_BYTES:
        raise InvalidInputError(f"{file} is {size} bytes; YouTube takes 1 byte to 256 GB.", "Render the project again.")
    from introstudio.core.render.records import ExportRecord, sidecar_path

    record = ExportRecord.from_dict(entry)
    if record.sha256 is not None:  # what this export wrote, checked by hash; never a file found lying next to it
        srt = sidecar_path(pf, record, "srt", check_sidecars)
        thumb = sidecar_path(pf, record, "thumbnail", check_sidecars)
    else:  # an older IntroStudio's record: its sidecars were not recorded by hash
        srt = _path(pf, entry.get("srt")) or _beside(file, (".srt",))
        thumb = _path(pf, entry.get("thumbnail")) or _beside(file, (".jpg", ".jpeg", ".png"))
    language = pf.project.publish.language or "en"  # the captions' own language, when the project knows it
    take_id = entry.get("take_id")
    if take_id is not None and (track := pf.project.captions_for(int(take_id))) is not None:
        language = track.language or language
    translated = entry.get("translations")
    translated = translated if isinstance(translated, dict) else {}
    translations = tuple((kind.split(".", 1)[1], path) for kind in sorted(translated)
                         if kind.startswith("srt.") and (path := sidecar_path(pf, record, kind, check_sidecars)) is not None)
    return PublishAssets(file, srt if srt and srt.is_file() else None,
                         thumb if thumb and thumb.is_file() else None, language, translations)


def _beside(video: Path, suffixes: tuple[str, ...]) -> Path | None:
    for suffix in suffixes:
        candidate = video.with_suffix(suffix)
        if candidate.is_file():
            return candidate
    return None


def check_captions(srt: Path) -> int:
    """Parse the SRT strictly (YouTube no longer times captions itself); returns the cue count."""
    from introstudio.core.captions.formats import read_srt

    size = srt.stat().st_size
    if size > MAX_CAPTION_BYTES:
        raise InvalidInputError(f"The caption file {srt} is {size} bytes; YouTube takes up to 100 MB.",
                                "Export the captions again.")
    cues = read_srt(srt).cues
    if not cues:
        raise InvalidInputError(f"The caption file {srt} has no captions.", "Make captions, then render again.")
    return len(cues)


def check_thumbnail(image: Path) -> tuple[str, list[str]]:
    """(MIME type, warnings) for a JPEG/PNG of at most 2 MB; anything else is an InvalidInputError."""
    size = image.stat().st_size
    if size > MAX_THUMBNAIL_BYTES:
        raise InvalidInputError(f"The thumbnail {image.name} is {size / 1e6:.1f} MB; YouTube takes up to 2 MB.",
                                "Render again, or save it as a smaller JPEG.")
    with open(image, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"\xff\xd8\xff"):
        mime = "image/jpeg"
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        mime = "image/png"
    else:
        raise InvalidInputError(f"The thumbnail {image.name} is not a JPEG or PNG image.", "Render the project again.")
    warnings = []
    try:
        from PIL import Image

        with Image.open(image) as img:
            width, height = img.size
        if width < 640:
            warnings.append(f"The thumbnail is {width} px wide; YouTube recommends 1280x720 (at least 640 wide).")
        elif abs(width / height - 16 / 9) > 0.02:
            warnings.append(f"The thumbnail is {width}x{height}; YouTube recommends 16:9 (1280x720).")
    except Exception:  # noqa: BLE001 - Pillow missing or an odd file: the upload will tell
        pass
    return mime, warnings
