"""Looking at real processes from tests (Linux /proc): who runs, below whom, writing where; waiting for a state."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path


def processes() -> list[tuple[int, int, str]]:
    """(pid, parent pid, command line) of every live process (zombies left out)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rpartition(")")[2].split()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if stat[0] != "Z":
            found.append((int(entry.name), int(stat[1]), cmdline))
    return found


def descendants(pid: int) -> set[int]:
    """Every live process below `pid` (workers, guards, ffmpeg)."""
    children: dict[int, list[int]] = {}
    for child, parent, _ in processes():
        children.setdefault(parent, []).append(child)
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def writing_to(folder: Path, program: str = "") -> list[int]:
    """Live processes (other than this one) whose command line names a file in `folder`, and `program` if given."""
    return [pid for pid, _, cmd in processes()
            if str(folder) + os.sep in cmd and program in cmd and pid != os.getpid()]


def wait_for(condition: Callable[[], object], timeout: float, step: float = 0.05) -> bool:
    """Poll `condition` until it holds or `timeout` s pass; its last answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return bool(condition())
