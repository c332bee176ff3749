"""Export work folders and staged files: marked with their process, swept when that process was killed."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from introstudio.core.render.export import STALE_WORK_AGE, WORK_PREFIX, new_work_dir, sweep_work_dirs
from introstudio.core.render.outputs import run_tag, staged_files, staged_path, sweep_staged


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@pytest.mark.skipif(os.name == "nt", reason="process checks by signal 0 are POSIX")
def test_a_killed_exports_work_folder_is_removed_by_the_next_export(tmp_path):
    killed = tmp_path / f"{WORK_PREFIX}{dead_pid()}-abc123"
    killed.mkdir()
    (killed / "title.png").write_bytes(b"x" * 1000)
    running = tmp_path / f"{WORK_PREFIX}{os.getppid()}-def456"  # a live process, not this one
    running.mkdir()
    fresh_unmarked = tmp_path / f"{WORK_PREFIX}unmarked"  # an older version's: by age only
    fresh_unmarked.mkdir()
    old_unmarked = tmp_path / f"{WORK_PREFIX}old"
    old_unmarked.mkdir()
    long_ago = time.time() - STALE_WORK_AGE - 60
    os.utime(old_unmarked, (long_ago, long_ago))
    other = tmp_path / "someone-elses-folder"
    other.mkdir()

    work = new_work_dir(tmp_path)
    assert work.name.startswith(f"{WORK_PREFIX}{os.getpid()}-")
    assert not killed.exists() and not old_unmarked.exists()
    assert running.exists() and fresh_unmarked.exists() and other.exists() and work.exists()
    assert sweep_work_dirs(tmp_path) == []  # its own folder is never swept


@pytest.mark.skipif(os.name == "nt", reason="asks the OS whether a process id is alive")
def test_only_staged_files_of_dead_runs_of_this_output_are_swept(tmp_path):
    out = tmp_path / "intro.mp4"
    mine = staged_path(out, run_tag())
    dead = [staged_path(out, f"{dead_pid()}-0badc0de", suffix) for suffix in (".mp4", ".srt", ".jpg")]
    alive = staged_path(out, f"{os.getppid()}-12345678")  # the process that started the tests
    legacy_old, legacy_new = tmp_path / ".intro.partial.mp4", tmp_path / ".intro.partial.srt"
    other = staged_path(tmp_path / "intro.v2.mp4", f"{dead_pid()}-0badc0de")  # another output's
    unrelated = [tmp_path / ".intro.mp4.lock", tmp_path / ".intro.notes.txt"]
    for path in (mine, *dead, alive, legacy_old, legacy_new, other, *unrelated):
        path.write_bytes(b"x")
    os.utime(legacy_old, (1, 1))
    assert set(staged_files(out)) == {mine, *dead, alive, legacy_old, legacy_new}
    assert set(sweep_staged(out)) == {*dead, legacy_old}
    assert {p for p in tmp_path.iterdir()} == {mine, alive, legacy_new, other, *unrelated}
