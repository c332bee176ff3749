"""The one lock: exclusive across processes and threads, re-entrant in one thread, gone with its holder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from introstudio.core.errors import NotFoundError, UserError
from introstudio.core.locks import FileLock, LockBusy, is_locked, read_holder

HOLD = """
import sys, time
from introstudio.core.errors import NotFoundError, UserError
from introstudio.core.locks import FileLock
lock = FileLock(sys.argv[1], what="introstudio export").acquire()
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


def _holder(path: Path, seconds: float = 60.0) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(path), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_a_second_process_is_told_who_holds_the_lock(tmp_path: Path) -> None:
    path = tmp_path / ".project.lock"
    proc = _holder(path)
    try:
        with pytest.raises(LockBusy) as err:
            FileLock(path).acquire(wait=0.2)
        assert f"process {proc.pid}" in err.value.message and "introstudio export" in err.value.message
        assert read_holder(path)["pid"] == proc.pid
        assert is_locked(path)
    finally:
        proc.kill()
        proc.wait()


def test_a_killed_holder_frees_the_lock_at_once(tmp_path: Path) -> None:
    path = tmp_path / ".project.lock"
    proc = _holder(path)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with FileLock(path, what="next").acquire(wait=0):  # no stale-lock time-out to wait for
        assert read_holder(path)["what"] == "next"
    assert not is_locked(path)


def test_waiting_gets_the_lock_when_the_holder_finishes(tmp_path: Path) -> None:
    path = tmp_path / ".lock"
    proc = _holder(path, seconds=0.5)
    started = time.monotonic()
    with FileLock(path).acquire(wait=10):
        assert time.monotonic() - started < 8
    proc.wait()


def test_reentrant_in_one_thread_exclusive_between_threads(tmp_path: Path) -> None:
    path = tmp_path / ".lock"
    outer = FileLock(path).acquire()
    inner = FileLock(path).acquire()  # the same thread again: re-entrant
    errors: list[BaseException] = []

    def other() -> None:
        try:
            FileLock(path).acquire(wait=0.1)
        except LockBusy as exc:
            errors.append(exc)

    t = threading.Thread(target=other)
    t.start()
    t.join()
    assert len(errors) == 1 and "in this window" in errors[0].message
    inner.release()
    assert FileLock(path).held
    outer.release()
    assert not FileLock(path).held
    t = threading.Thread(target=lambda: FileLock(path).acquire(wait=0).release())
    t.start()
    t.join()


def test_a_missing_folder_is_named_and_never_created(tmp_path: Path) -> None:
    gone = tmp_path / "moved-away"
    with pytest.raises(NotFoundError) as err:
        FileLock(gone / ".project.lock").acquire()
    assert str(gone) in err.value.message and not gone.exists()
    assert not is_locked(gone / ".project.lock") and not gone.exists()


def test_a_lock_file_that_cannot_be_made_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / ".lock").mkdir()  # a folder where the lock file should be
    with pytest.raises(UserError) as err:
        FileLock(tmp_path / ".lock").acquire()
    assert str(tmp_path) in err.value.message
