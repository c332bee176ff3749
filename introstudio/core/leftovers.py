"""Files and folders a killed run left behind, found by the process id in their names and removed next time.

Every kind of scratch IntroStudio writes carries the writer's process id in its name: temp saves
(`.project.json.PID-xxxxxxxx.tmp`, project/atomic.py), import copies (`.importing-PID-<hex>.part`,
media/importing.py) and export work folders (`introstudio-render-PID-xxxx`, render/export.py). The next start of
the same work calls `sweep` on the folder, which removes what belongs to a process that is gone. (Staged export
files are judged under their output's lock instead: render/outputs.py.)
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import time
from pathlib import Path

from introstudio.core.processes import pid_alive

log = logging.getLogger(__name__)

DEAD_GRACE = 60.0  # a leftover of a process gone from this computer is removed once this old
STALE_AFTER = 3600.0  # untouched this long (seconds), it is a leftover whatever its name says


def is_leftover(path: Path, pid: int | None, now: float | None = None, stale_after: float = STALE_AFTER,
                dead_grace: float = DEAD_GRACE) -> bool:
    """Whether `path` is a dead run's: its process is gone (and it sat a minute), or it is untouched for long.

    The minute guards a file another computer is writing into a shared folder (its PID means nothing here);
    `stale_after` catches names without a PID and PIDs reused by an unrelated process.
    """
    try:
        age = (time.time() if now is None else now) - path.stat().st_mtime
    except OSError:
        return False
    if age > stale_after:
        return True
    return pid is not None and pid != os.getpid() and age >= dead_grace and not pid_alive(pid)


def sweep(folder: str | os.PathLike[str], pattern: re.Pattern[str], what: str,
          stale_after: float = STALE_AFTER, dead_grace: float = DEAD_GRACE) -> list[Path]:
    """Remove the entries of `folder` whose name fully matches `pattern` (group `pid`) and that are leftovers."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is None or entry.is_symlink():
            continue
        path = Path(entry.path)
        if not is_leftover(path, int(match["pid"]) if match["pid"] else None, stale_after=stale_after,
                           dead_grace=dead_grace):
            continue
        try:
            if entry.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
        except OSError:
            continue
        log.info("removed %s, left by %s that was killed", path, what)
        removed.append(path)
    return removed
