"""Small GUI-side jobs (generators of Progress) for an Operation: frame grabs for thumbnails and previews."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from introstudio.core.errors import IntroStudioError
from introstudio.core.jobs import Job, Progress

log = logging.getLogger("introstudio.gui")


def grab_frame(path: Path, at: float, width: int) -> bytes | None:
    """One frame of `path` at `at` seconds as PNG bytes `width` pixels wide (None if it cannot be read)."""
    from introstudio.core.media.tools import run_ffmpeg

    args = ["-ss", f"{max(0.0, at):.3f}", "-i", str(path), "-frames:v", "1", "-vf", f"scale={width}:-2",
            "-f", "image2pipe", "-c:v", "png", "-"]
    try:
        data = run_ffmpeg(args, timeout=60).stdout
    except IntroStudioError as exc:
        log.warning("no frame from %s at %.2f s: %s", path, at, exc)
        return None
    return data or None


def thumbnails_job(items: Sequence[tuple[int, Path, float]], width: int = 160) -> Job[dict[int, bytes]]:
    """PNG thumbnails for (key, file, seconds) items; a file that cannot be read just gets none."""
    out: dict[int, bytes] = {}
    for n, (key, path, at) in enumerate(items):
        yield Progress(n / max(1, len(items)), f"Thumbnail {n + 1} of {len(items)}")
        data = grab_frame(path, at, width)
        if data:
            out[key] = data
    yield Progress(1.0, "Thumbnails ready")
    return out
