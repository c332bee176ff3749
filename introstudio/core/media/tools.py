"""Find ffmpeg (the imageio-ffmpeg wheel by default) and run short one-shot ffmpeg jobs."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from introstudio.core.errors import ToolError

ENV_FFMPEG = "INTROSTUDIO_FFMPEG"

_INSTALL_HINT = (
    "Reinstall IntroStudio's ffmpeg with `pip install --force-reinstall imageio-ffmpeg`, "
    f"or point the {ENV_FFMPEG} environment variable at an ffmpeg executable."
)


def ffmpeg_exe() -> str:
    """Path of the ffmpeg to use: $INTROSTUDIO_FFMPEG, else imageio-ffmpeg's, else `ffmpeg` on PATH."""
    override = os.environ.get(ENV_FFMPEG, "").strip()
    if override:
        found = _executable(override)
        if found is None:
            raise ToolError(
                f"{ENV_FFMPEG} is set to {override!r}, which is not an executable file.",
                hint=f"Fix the path in {ENV_FFMPEG}, or unset it to use the bundled ffmpeg.",
            )
        return found
    try:
        import imageio_ffmpeg

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except (ImportError, RuntimeError, OSError):
        pass
    on_path = shutil.which("ffmpeg")
    if on_path:
        return on_path
    raise ToolError("ffmpeg was not found.", hint=_INSTALL_HINT)


def ffmpeg_version() -> str:
    """The version string ffmpeg reports (e.g. 'n9.0.2-17-g2a571b6068-20260930'), for bug reports."""
    return _version_of(ffmpeg_exe())


@lru_cache(maxsize=8)
def _version_of(exe: str) -> str:
    result = _run([exe, "-hide_banner", "-version"], timeout=30)
    first = result.stdout.decode("utf-8", "replace").splitlines()[:1]
    words = first[0].split() if first else []
    if len(words) >= 3 and words[0] == "ffmpeg" and words[1] == "version":
        return words[2]
    raise ToolError(
        f"{exe} did not report an ffmpeg version.",
        command=[exe, "-version"],
        stderr=_decode(result.stderr),
        hint=_INSTALL_HINT,
    )


def run_ffmpeg(
    args: Sequence[str | os.PathLike[str]], timeout: float | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run ffmpeg with `args` to completion (stdout kept as bytes); raise ToolError with stderr on failure.

    For short one-shot jobs (fixtures, thumbnails). `-hide_banner -nostdin` are always added, and
    `-loglevel error` unless `args` sets a level, so stderr holds just the cause of a failure.
    Without `-y` an existing output is an error (ffmpeg 9 itself declines but exits 0).
    """
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin"]
    extra = [os.fspath(a) for a in args]
    if not any(a in ("-loglevel", "-v") for a in extra):
        command += ["-loglevel", "error"]
    command += extra
    result = _run(command, timeout=timeout)
    stderr = _decode(result.stderr)
    if "already exists. Exiting." in stderr:
        raise ToolError(
            "ffmpeg did not overwrite an existing output file.",
            command=command,
            stderr=stderr,
            returncode=result.returncode,
            hint="Delete the file first, or pass -y to overwrite it.",
        )
    return result


def _run(command: list[str], timeout: float | None, tool: str = "ffmpeg") -> subprocess.CompletedProcess[bytes]:
    """Run a tool to completion (no console window); every failure becomes a ToolError carrying stderr."""
    from introstudio.core.processes import run

    try:
        result = run(command, timeout=timeout)  # tied to our life, stopped like every child on a timeout
    except subprocess.TimeoutExpired as exc:
        raise ToolError(
            f"{tool} took longer than {timeout:g} s and was stopped.",
            command=command,
            stderr=_decode(exc.stderr),
            hint="Try again; if it keeps happening, check that the input file is not on a slow or sleeping drive.",
        ) from None
    except OSError as exc:
        raise ToolError(
            f"Could not start {tool} ({command[0]}): {exc.strerror or exc}.",
            command=command,
            hint=_INSTALL_HINT,
        ) from None
    if result.returncode != 0:
        stderr = _decode(result.stderr)
        last = next((ln for ln in reversed(stderr.splitlines()) if ln.strip()), "no error output")
        raise ToolError(
            f"{tool} failed (exit code {result.returncode}): {last.strip()}",
            command=command,
            stderr=stderr,
            returncode=result.returncode,
            hint="The last lines of ffmpeg's output above usually name the cause.",
        )
    return result


def _executable(name: str) -> str | None:
    """`name` as an absolute executable path if it is one (or resolves to one on PATH)."""
    candidate = Path(name).expanduser()
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return str(candidate.resolve())
    return shutil.which(name)


def _decode(data: bytes | str | None) -> str:
    if data is None:
        return ""
    return data if isinstance(data, str) else data.decode("utf-8", "replace")
