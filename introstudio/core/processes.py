"""Whether a process still runs: the one check behind stale locks and leftover work folders."""

from __future__ import annotations

import os


def pid_alive(pid: int) -> bool:
    """True if process `pid` exists (someone else's counts). POSIX only: on Windows os.kill would end it,
    so callers there must decide another way (e.g. by age)."""
    if os.name == "nt":
        raise NotImplementedError("pid_alive uses signal 0, which Windows does not have")
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True
