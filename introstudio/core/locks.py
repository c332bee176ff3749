"""The one lock of IntroStudio: an OS file lock that dies with its holder, and says who holds it.

Every writer of a project (the CLI, the app, a batch worker) takes a named lock in the project folder before
the part of its work that must be exclusive: `.project.lock` for the read-merge-write of project.json (held
for milliseconds), `.publish.lock` for an upload, `exports/.<name>.lock` for an export to one file, `.batch.lock`
for a batch worker's turn at a project. The lock is `fcntl.flock` (POSIX) or `msvcrt.locking` (Windows) on the
lock file, so a holder that dies (kill -9, power cut, closed lid) releases it with its last file handle: there is
no stale lock to break and no time-out to guess. The lock file holds a line of JSON saying who holds it (process,
host, what it is doing, since when) so the next actor can be told; the file itself is left in place (removing
it would let two actors lock two different files of one name).

Within one process the lock is re-entrant for the thread that holds it (an export that saves the project while
holding its own export lock, a batch worker that calls the CLI's code); another thread of the same process
waits like another process would.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from introstudio.core.errors import UserError, disk_error

POLL = 0.05  # seconds between attempts while waiting for a lock
# Windows locks are mandatory byte ranges: lock a byte far past the holder's note, so others can still read it.
WINDOWS_LOCK_OFFSET = 0x7FFF_FFF0


class LockBusy(UserError):
    """Another actor (process, or thread of this process) holds the lock; the message says who."""

    def __init__(self, message: str, hint: str = "", holder: dict | None = None) -> None:
        super().__init__(message, hint)
        self.holder = holder or {}


@dataclass
class _Held:
    fd: int
    thread: int
    count: int


_held: dict[str, _Held] = {}
_held_lock = threading.Lock()


def _os_lock(fd: int) -> bool:
    """Try to take the OS lock on `fd` without waiting; True when taken."""
    if os.name == "nt":
        import msvcrt

        try:
            os.lseek(fd, WINDOWS_LOCK_OFFSET, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        finally:
            os.lseek(fd, 0, os.SEEK_SET)
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _os_unlock(fd: int) -> None:
    if os.name == "nt":
        import msvcrt

        with contextlib.suppress(OSError):
            os.lseek(fd, WINDOWS_LOCK_OFFSET, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
    else:
        import fcntl

        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)


def read_holder(path: Path) -> dict:
    """Who last took the lock at `path` ({} when unknown); the data is advice for messages only."""
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}
    start = text.find("{")
    try:
        data = json.loads(text[start:].splitlines()[0]) if start >= 0 else {}
    except (ValueError, IndexError):
        return {}
    return data if isinstance(data, dict) else {}


def describe_holder(holder: dict) -> str:
    """'introstudio export (process 123 on lab-pc, since 2026-12-05T18:00:00+00:00)' or 'another process'."""
    if not holder:
        return "another process"
    what = holder.get("what") or "IntroStudio"
    return f"{what} (process {holder.get('pid', '?')} on {holder.get('host', '?')}, since {holder.get('since', '?')})"


class FileLock:
    """An exclusive, re-entrant, named lock on `path`; use as a context manager or acquire()/release()."""

    def __init__(self, path: str | os.PathLike[str], what: str = "IntroStudio", wait: float = 0.0) -> None:
        self.path = Path(os.path.abspath(path))
        self.what = what
        self.wait = wait

    def acquire(self, wait: float | None = None) -> FileLock:
        """Take the lock, waiting up to `wait` s (default: the constructor's) for its holder; else LockBusy."""
        wait = self.wait if wait is None else wait
        key = str(self.path)
        me = threading.get_ident()
        deadline = time.monotonic() + max(0.0, wait)
        while True:
            with _held_lock:
                held = _held.get(key)
                if held is not None and held.thread == me:
                    held.count += 1
                    return self
                if held is None and self._try_take(key, me):
                    return self
            if time.monotonic() >= deadline:
                raise self._busy()
            time.sleep(POLL)

    def _try_take(self, key: str, me: int) -> bool:
        if not self.path.parent.is_dir():  # never re-create a project folder that was moved or deleted
            from introstudio.core.errors import NotFoundError

            raise NotFoundError(f"The folder {self.path.parent} is gone (moved, renamed or deleted).",
                                "Open the project again from where it is now.")
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise disk_error(exc, self.path.parent) or UserError(  # read-only, full, forbidden: say which
                f"Cannot lock {self.path.parent}: {exc.strerror or exc}.",
                "Check that the folder exists and that you may write there (a read-only or full "
                "disk, or a folder of another user).") from exc
        if not _os_lock(fd):
            os.close(fd)
            return False
        since = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
        info = {"pid": os.getpid(), "host": socket.gethostname(), "what": self.what, "since": since}
        with contextlib.suppress(OSError):  # who holds it is advice; a lock we cannot describe is still ours
            data = (json.dumps(info) + "\n").encode("utf-8")
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, data)
        _held[key] = _Held(fd, me, 1)
        return True

    def _busy(self) -> LockBusy:
        holder = read_holder(self.path)
        if holder.get("pid") == os.getpid() and holder.get("host") == socket.gethostname():
            holder = dict(holder, what=f"{holder.get('what', 'IntroStudio')} in this window")
        return LockBusy(
            f"{self.path.parent.name} is busy: {describe_holder(holder)} is working on it.",
            "Wait for that to finish and try again. If that process is gone, the lock is already free: "
            "a lock ends with the process that held it.",
            holder)

    def release(self) -> None:
        """Let go once (the OS lock goes with the last release of this thread)."""
        key = str(self.path)
        with _held_lock:
            held = _held.get(key)
            if held is None or held.thread != threading.get_ident():
                return
            held.count -= 1
            if held.count > 0:
                return
            del _held[key]
            _os_unlock(held.fd)
            with contextlib.suppress(OSError):
                os.close(held.fd)

    @property
    def held(self) -> bool:
        """Whether this thread holds the lock."""
        held = _held.get(str(self.path))
        return held is not None and held.thread == threading.get_ident()

    def __enter__(self) -> FileLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def is_locked(path: str | os.PathLike[str]) -> bool:
    """Whether someone (another process or thread) holds the lock at `path` right now (creates nothing)."""
    if not Path(path).is_file():
        return False  # every holder has the file: no file, no holder
    lock = FileLock(path)
    try:
        lock.acquire(wait=0)
    except LockBusy:
        return True
    lock.release()
    return False


# --- the named locks of a project folder -----------------------------------------------------------------

PROJECT_LOCK = ".project.lock"  # the read-merge-write of project.json
PUBLISH_LOCK = ".publish.lock"  # an upload to YouTube, start to finish
BATCH_LOCK = ".batch.lock"  # a batch worker's turn at one project


def project_lock(folder: str | os.PathLike[str], what: str = "IntroStudio", wait: float = 30.0) -> FileLock:
    """The lock every save of project.json takes (briefly); waits up to `wait` s for another saver."""
    return FileLock(Path(folder) / PROJECT_LOCK, what, wait)


def publish_lock(folder: str | os.PathLike[str], what: str = "an upload", wait: float = 0.0) -> FileLock:
    """Held for a whole upload, so two publishers never make two videos of one project."""
    return FileLock(Path(folder) / PUBLISH_LOCK, what, wait)


def batch_lock(folder: str | os.PathLike[str], what: str = "a batch worker", wait: float = 0.0) -> FileLock:
    """One batch worker per project at a time."""
    return FileLock(Path(folder) / BATCH_LOCK, what, wait)


def output_lock(output: str | os.PathLike[str], what: str = "an export", wait: float = 0.0) -> FileLock:
    """Held while one export writes `output`: a second export to the same file is refused, not interleaved."""
    out = Path(output)
    return FileLock(out.with_name(f".{out.name}.lock"), what, wait)


@contextlib.contextmanager
def holding(*locks: FileLock) -> Iterator[None]:
    """Take several locks in order (all or none), release them in reverse order."""
    taken: list[FileLock] = []
    try:
        for lock in locks:
            taken.append(lock.acquire())
        yield
    finally:
        for lock in reversed(taken):
            lock.release()
