"""What an approval approves, hashed: the export's bytes, its caption files, the YouTube text and the visibility.

`current_subject` reads them as they are now (the export file checked against its record first); an approval
keeps the subject it was given for, and `changes` compares the two part by part, so a stale approval can say
what changed since ("the title", "the video file", "the captions").
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from introstudio.core.project.store import ProjectFolder

METADATA_FIELDS = ("title", "description", "tags", "category_id", "language", "contains_synthetic_media")
PART_NAMES = {"video": "the video file", "srt": "the captions (SRT)", "vtt": "the captions (WebVTT)",
              "visibility": "the visibility", "consent_form": "the consent form",
              **{f"metadata.{k}": f"the {k.replace('_', ' ')}" for k in METADATA_FIELDS}}


def digest(value: Any) -> str:
    """SHA-256 of the canonical JSON of `value` (sorted keys, no spaces)."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Subject:
    """Exactly what a reviewer is shown and approves; `to_dict` is what an approval stores."""

    video: dict[str, Any]  # {"file", "size", "sha256"}
    captions: dict[str, dict[str, Any]]  # "srt"/"vtt" -> {"file", "sha256"}
    metadata: dict[str, Any]  # METADATA_FIELDS -> value
    visibility: str
    take_id: int | None = None
    duration: float | None = None

    def parts(self) -> dict[str, str]:
        """Each part's hash (or value): what staleness compares."""
        out = {"video": str(self.video.get("sha256")), "visibility": self.visibility}
        for kind in ("srt", "vtt"):
            out[kind] = str((self.captions.get(kind) or {}).get("sha256"))
        for kind in sorted(k for k in self.captions if "." in k):  # a translation's "srt.es" (only when there is one)
            out[kind] = str(self.captions[kind].get("sha256"))
        for key in METADATA_FIELDS:
            out[f"metadata.{key}"] = digest(self.metadata.get(key))
        return out

    @property
    def digest(self) -> str:
        return digest(self.parts())

    def to_dict(self) -> dict[str, Any]:
        return {"video": dict(self.video), "captions": {k: dict(v) for k, v in self.captions.items()},
                "metadata": dict(self.metadata), "visibility": self.visibility, "take_id": self.take_id,
                "duration": self.duration, "digest": self.digest}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Subject:
        raw = d.get("captions")
        captions: dict[str, Any] = raw if isinstance(raw, dict) else {}
        return cls(dict(d.get("video") or {}), {str(k): dict(v) for k, v in captions.items() if isinstance(v, dict)},
                   dict(d.get("metadata") or {}), str(d.get("visibility") or ""),
                   d.get("take_id") if isinstance(d.get("take_id"), int) else None,
                   d.get("duration") if isinstance(d.get("duration"), (int, float)) else None)


def current_subject(pf: ProjectFolder, visibility: str, kit: str | None = None) -> Subject:
    """The latest export (checked: the very file recorded), its caption files and the metadata, as now."""
    from introstudio.core.publish.assets import find_assets
    from introstudio.core.publish.metadata import build_metadata, load_templates
    from introstudio.core.render.records import recorded_export, stored_path, verify_recorded

    assets = find_assets(pf, check_sidecars=False)  # a changed caption file makes an approval stale, named below
    record = recorded_export(pf, assets.video)
    video = assets.video
    sha = sha256_of(video)
    if (record.size is not None and record.size != video.stat().st_size) or record.sha256 not in (None, sha):
        verify_recorded(pf, record)  # raises the export check's own error (changed after it was exported)
    captions: dict[str, dict[str, Any]] = {}
    translated = [(kind, stored_path(pf, value)) for kind, value in sorted(record.translations.items())]
    for kind, path in (("srt", assets.srt), ("vtt", stored_path(pf, record.vtt)), *translated):
        if path is not None and path.is_file():
            captions[kind] = {"file": _stored(pf, path), "sha256": sha256_of(path)}
    meta = build_metadata(pf.project, load_templates(pf.project.design.brand_kit or kit), None, None)
    metadata = {k: list(v) if isinstance(v := getattr(meta, k), tuple) else v for k in METADATA_FIELDS}
    return Subject({"file": _stored(pf, video), "size": video.stat().st_size, "sha256": sha}, captions, metadata,
                   visibility, record.take_id, record.duration)


_HASHES: dict[tuple[str, int, int, int], str] = {}


def sha256_of(path: Path) -> str:
    """SHA-256 of a file, remembered while its size, mtime and inode stay the same (the app re-checks approvals
    on every visit: a large export is hashed once, not each time)."""
    from introstudio.core.render.records import file_sha256

    st = path.stat()
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns, st.st_ino)
    if key not in _HASHES:
        if len(_HASHES) > 256:
            _HASHES.clear()
        _HASHES[key] = file_sha256(path)
    return _HASHES[key]


def _stored(pf: ProjectFolder, path: Path) -> str:
    from introstudio.core.render.records import store_path

    return store_path(pf, path) or str(path)


def changes(approved: Subject, now: Subject) -> list[str]:
    """What differs between an approved subject and now, in words ('the title', 'the video file')."""
    before, after = approved.parts(), now.parts()
    out = []
    for key in after:
        if before.get(key) != after[key]:
            name = PART_NAMES.get(key) or (f"the {key.split('.', 1)[1]} captions ({key.split('.')[0].upper()})"
                                           if key.startswith(("srt.", "vtt.")) else key)
            if key == "visibility":
                name += f" ({before.get(key)} -> {after[key]})"
            out.append(name)
    return out
