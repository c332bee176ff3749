"""Check that folders can take what a long job will write, before the job starts.

Captions run Whisper for minutes; finding a read-only or full drive only when the result is saved wastes
that time. `ensure_writable` writes (and removes) a small file in each folder and checks the free space,
and raises the same DiskError the CLI and the app show for a failed write.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from pathlib import Path

from introstudio.core.errors import DiskError, disk_error

PROBE_BYTES = 64 * 1024  # written for real: a full drive refuses it even when a 0-byte file still fits


def ensure_writable(*folders: str | os.PathLike[str], need_bytes: int = 0) -> None:
    """Raise DiskError naming the folder when one cannot be written, or has less than `need_bytes` free.

    A folder that does not exist yet is checked through the nearest one that does (it will be made there).
    """
    for given in folders:
        folder = _existing(Path(given))
        try:
            # Named like atomic.py's temp files, so one left by a killed run is swept like theirs.
            fd, name = tempfile.mkstemp(prefix=f".introstudio-write-check.{os.getpid()}-", suffix=".tmp",
                                        dir=folder)
            probe = Path(name)
            try:
                os.write(fd, b"\0" * PROBE_BYTES)
                os.fsync(fd)
            finally:
                os.close(fd)
                probe.unlink(missing_ok=True)
        except OSError as exc:
            raise disk_error(exc, folder) or DiskError(
                f"IntroStudio cannot write in the folder {folder}: {exc.strerror or exc}.",
                "Check the drive is still connected, then try again.", folder) from exc
        free = shutil.disk_usage(folder).free
        if free < need_bytes:
            full = disk_error(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)), folder)
            assert full is not None
            raise DiskError(f"The drive holding the folder {folder} is nearly full: {size_text(free)} free, "
                            f"about {size_text(need_bytes)} needed.", full.hint, folder)


def _existing(folder: Path) -> Path:
    """`folder`, or its nearest parent that exists."""
    folder = Path(os.path.abspath(folder))
    while not folder.exists() and folder.parent != folder:
        folder = folder.parent
    return folder


def size_text(n: int) -> str:
    """Bytes for people: '129 KB', '1.2 MB', '3.4 GB'."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{max(n, 0) / 1e3:.0f} KB"
