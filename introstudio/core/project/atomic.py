"""Crash-safe file writes: temp file in the same folder, fsync, os.replace, fsync of the folder.

Temp files are named `.NAME.PID-xxxxxxxx.tmp` (PID: the writing process), so the leftovers of a killed
run are recognised and removed by `sweep_stale_temps` at the next start of the same work.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

_TEMP = re.compile(r"\.(?P<target>.+?)\.(?:(?P<pid>\d+)-)?[a-z0-9_]{8}\.tmp")


def fsync_dir(folder: Path) -> None:
    """Make a rename inside `folder` durable (no-op where directories cannot be opened, e.g. Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes, keep_previous: Path | None = None) -> None:
    """Replace `path` with `data` so a crash leaves either the old or the new file, never half of one.

    With `keep_previous`, the file being replaced is first copied there (itself atomically).
    """
    path = Path(path)
    folder = path.parent
    fd, tmp_name = tempfile.mkstemp(prefix=_prefix(path.name), suffix=".tmp", dir=folder)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _mode_for(path))  # mkstemp makes 0600; keep the file's mode, or a normal one
        if keep_previous is not None and path.exists():
            _copy_atomic(path, Path(keep_previous))
        os.replace(tmp, path)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.filename is None:
            exc.filename = str(path)  # a failed write() names no file; a full-disk message names the folder
        raise
    fsync_dir(folder)


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def atomic_write_text(path: Path, text: str, keep_previous: Path | None = None) -> None:
    atomic_write_bytes(path, text.encode("utf-8"), keep_previous=keep_previous)


def _copy_atomic(src: Path, dest: Path) -> None:
    fd, tmp_name = tempfile.mkstemp(prefix=_prefix(dest.name), suffix=".tmp", dir=dest.parent)
    os.close(fd)
    try:
        shutil.copy2(src, tmp_name)
        with open(tmp_name, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp_name, dest)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def _prefix(name: str) -> str:
    return f".{name}.{os.getpid()}-"


def sweep_stale_temps(folder: str | os.PathLike[str]) -> list[Path]:
    """Remove the temp saves (`.NAME.PID-xxxxxxxx.tmp`) that killed runs left in `folder`; returns them."""
    from introstudio.core.leftovers import sweep

    return sweep(folder, _TEMP, "a save")
