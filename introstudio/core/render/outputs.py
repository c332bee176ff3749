"""Where an export writes, and what it may overwrite: staged files per run, leftovers of dead runs, ownership.

Each export run writes its video, captions and thumbnail to hidden staged files tagged with its process id and
a random part (`.NAME.<pid>-<random>.partial.mp4`), so a run never writes into another run's file, not even an
encoder orphaned by a killed run. The staged files are moved into place together only after the video was
checked. Leftovers of runs whose process is gone are removed when the same export starts again.

Only what IntroStudio made is overwritten or deleted: a sidecar (.srt, .vtt) or thumbnail (.jpg) next to the
output is replaced only when a record of this project says IntroStudio wrote it and it still has the hash that
was recorded (or already has exactly the new content); and nothing is ever written onto a take's file or the
original it was imported from.
"""

from __future__ import annotations

import os
import re
import secrets
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from introstudio.core.errors import InvalidInputError
from introstudio.core.processes import pid_alive
from introstudio.core.render.records import export_records, file_sha256, stored_path

if TYPE_CHECKING:
    from introstudio.core.project.store import ProjectFolder

SIDECAR_SUFFIX = {"srt": ".srt", "vtt": ".vtt", "thumbnail": ".jpg"}
LEGACY_PARTIAL_AGE = 600.0  # seconds: the fixed-name partial of older versions is removed once this old
# What follows ".NAME." in a staged file: "<pid>-<random>.partial.<ext>", or "partial.mp4" (older versions).
_STAGED = re.compile(r"^(?:(\d+)-[0-9a-f]+\.)?partial(?:\.[\w-]+)+$")  # ".es.srt": a translation's sidecar


def run_tag() -> str:
    """'<pid>-<random>': names one export run's staged files."""
    return f"{os.getpid()}-{secrets.token_hex(4)}"


def staged_path(out: Path, tag: str, suffix: str = ".mp4") -> Path:
    """The hidden file one run writes before it is moved to `out` (with `suffix`): in the same folder."""
    return out.with_name(f".{out.stem}.{tag}.partial{suffix}")


def sidecar_paths(out: Path, languages: Sequence[str] = ()) -> dict[str, Path]:
    """{"srt": X.srt, "vtt": X.vtt, "thumbnail": X.jpg} next to X.mp4, and "srt.es": X.es.srt ... per language.

    A translation's captions carry the language before the extension (X.es.srt), the name players (VLC, mpv,
    Plex, Jellyfin) and YouTube Studio's uploader read as the track's language.
    """
    paths = {kind: out.with_suffix(suffix) for kind, suffix in SIDECAR_SUFFIX.items()}
    for language in languages:
        for kind in ("srt", "vtt"):
            paths[translation_kind(kind, language)] = out.with_name(f"{out.stem}.{language}.{kind}")
    return paths


def translation_kind(kind: str, language: str) -> str:
    """The sidecar kind of a translation's captions: "srt.es", "vtt.es"."""
    return f"{kind}.{language}"


def kind_languages(kinds: Sequence[str]) -> list[str]:
    """The languages of the translation kinds among `kinds` ("srt.es" -> "es"), in order, once each."""
    return list(dict.fromkeys(k.split(".", 1)[1] for k in kinds if "." in k))


def staged_files(out: Path) -> list[Path]:
    """Every staged file of any run for `out` in its folder (this run's included)."""
    prefix = f".{out.stem}."
    try:
        entries = list(out.parent.iterdir())
    except OSError:
        return []
    return [p for p in entries if p.name.startswith(prefix) and _STAGED.match(p.name[len(prefix):])]


def sweep_staged(out: Path) -> list[Path]:
    """Remove staged files of runs for `out` whose process is gone; returns them.

    Call it holding the output's lock: then no other live run of this version writes to `out`, and on Windows
    (no signal 0 to ask) a foreign process id is gone by that alone.
    """
    removed = []
    prefix = f".{out.stem}."
    for path in staged_files(out):
        match = _STAGED.match(path.name[len(prefix):])
        try:
            if match and match.group(1):
                pid = int(match.group(1))
                dead = pid != os.getpid() and (os.name == "nt" or not pid_alive(pid))
            else:  # the fixed `.NAME.partial.mp4` of older versions: once nothing has written it for a while
                dead = time.time() - path.stat().st_mtime > LEGACY_PARTIAL_AGE
            if dead:
                path.unlink()
                removed.append(path)
        except OSError:
            continue
    return removed


def _same_file(a: Path, b: Path) -> bool:
    if os.path.abspath(a) == os.path.abspath(b):
        return True
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def check_not_a_source(pf: ProjectFolder, path: Path) -> None:
    """Refuse `path` when it is one of the project's takes or the original a take was imported from."""
    for take in pf.project.takes:
        sources = [("one of the project's takes", pf.resolve(take.file))]
        if take.source and os.path.isabs(take.source):
            sources.append((f"the original footage of take {take.id}", Path(take.source)))
        for what, source in sources:
            if _same_file(path, source):
                raise InvalidInputError(f"{path.name} is {what}; the export would overwrite it.",
                                        "Choose another output file name.")


def owned_by_us(pf: ProjectFolder, path: Path, kind: str, new_sha256: str | None = None) -> bool:
    """Whether IntroStudio may replace or delete the existing `path` (a sidecar of kind srt/vtt/thumbnail).

    True when nothing is there, when it already has the content about to be written, or when a record of this
    project lists it as that export's sidecar and it still has the recorded hash (records of older versions
    kept no hash: their listing is taken as enough).
    """
    if not path.exists():
        return True
    if not path.is_file():
        return False
    current: str | None = None
    if new_sha256 is not None:
        current = file_sha256(path)
        if current == new_sha256:
            return True
    target = os.path.abspath(path)
    for record in export_records(pf.project):
        listed = stored_path(pf, record.sidecar(kind))
        if listed is None or os.path.abspath(listed) != target:
            continue
        recorded = record.sidecar_sha256.get(kind)
        if recorded is None:
            return True
        current = current or file_sha256(path)
        if current == recorded:
            return True
    return False


def refuse_if_not_ours(pf: ProjectFolder, out: Path, kinds: list[str],
                       new_hashes: dict[str, str] | None = None) -> None:
    """Raise before anything is written if a sidecar of `kinds` next to `out` exists and is not ours."""
    paths = sidecar_paths(out, kind_languages(kinds))
    for kind in kinds:
        path = paths[kind]
        check_not_a_source(pf, path)
        if not owned_by_us(pf, path, kind, (new_hashes or {}).get(kind)):
            raise InvalidInputError(
                f"{path} is already there and IntroStudio did not write it (or it was changed since); the export "
                f"would overwrite its {'thumbnail' if kind == 'thumbnail' else 'captions'} file.",
                f"Choose another output name (for example {out.stem}-intro.mp4), or move {path.name} away first.")


def remove_if_ours(pf: ProjectFolder, out: Path, kind: str) -> None:
    """Delete a stale sidecar next to `out` only when IntroStudio wrote it; anything else is left alone."""
    path = sidecar_paths(out, kind_languages([kind]))[kind]
    if path.exists() and owned_by_us(pf, path, kind):
        path.unlink(missing_ok=True)
