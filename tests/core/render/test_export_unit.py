"""Export work folders: marked with their process, and swept when that process was killed."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from introstudio.core.render.export import STALE_WORK_AGE, WORK_PREFIX, new_work_dir, sweep_work_dirs


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@pytest.mark.skipif(os.name == "nt", reason="process checks by signal 0 are POSIX")
def test_a_killed_exports_work_folder_is_removed_by_the_next_export(tmp_path):
    killed = tmp_path / f"{WORK_PREFIX}killed"
    killed.mkdir()
    (killed / "owner.pid").write_text(str(dead_pid()), encoding="ascii")
    (killed / "title.png").write_bytes(b"x" * 1000)
    running = tmp_path / f"{WORK_PREFIX}running"
    running.mkdir()
    (running / "owner.pid").write_text(str(os.getppid()), encoding="ascii")  # a live process, not this one
    fresh_unmarked = tmp_path / f"{WORK_PREFIX}unmarked"
    fresh_unmarked.mkdir()
    old_unmarked = tmp_path / f"{WORK_PREFIX}old"
    old_unmarked.mkdir()
    long_ago = time.time() - STALE_WORK_AGE - 60
    os.utime(old_unmarked, (long_ago, long_ago))
    other = tmp_path / "someone-elses-folder"
    other.mkdir()

    work = new_work_dir(tmp_path)
    assert work.name.startswith(WORK_PREFIX) and (work / "owner.pid").read_text() == str(os.getpid())
    assert not killed.exists() and not old_unmarked.exists()
    assert running.exists() and fresh_unmarked.exists() and other.exists() and work.exists()
    assert sweep_work_dirs(tmp_path) == []  # its own folder is never swept
