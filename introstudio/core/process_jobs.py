"""Run a core job in a spawned child process, as a job of the same shape, for work that holds the GIL.

A worker thread keeps the UI responsive only while the job releases the GIL. Loading the Whisper model
(its Rust tokenizer, CTranslate2's first load), decoding audio into numpy and drawing cards with Pillow
hold it for 50-300 ms at a time, and the UI thread stalls for as long. So heavy jobs run in a child
process (the `spawn` start method: never fork a process that runs Qt), and `in_subprocess` relays its
Progress. It is itself a job, so it runs through the one `Operation` API like any other.

The child is a worker in the sense of core/processes.py: it leads its own process group, stops (its
job's `finally` runs) on SIGINT/SIGTERM/SIGHUP, and stops by itself when the parent dies, however it dies.
A cancel is `processes.stop`: ask, wait CANCEL_GRACE, kill, as for every child (on Windows the ask is a
"cancel" message on the pipe, seen between the job's steps).

The child works on a detached copy of the project: its `save()` writes nothing and caption files go to
a scratch folder, so the project file has a single writer, the UI process. The job's result comes back
with the child's copy of the project, and the caller commits what it needs on the UI thread.

It lives in the core (the import contract keeps it free of Qt: the child process imports it); the GUI runs
it through its `Operation` like any other job.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import multiprocessing
import os
import pickle
import shutil
import tempfile
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from introstudio.core.errors import Cancelled, IntroStudioError, ToolError, disk_error
from introstudio.core.jobs import Job, Progress
from introstudio.core.processes import WorkerStopped, adopt, become_worker, stop
from introstudio.core.project.model import Project
from introstudio.core.project.store import ProjectFolder

log = logging.getLogger(__name__)

HEARTBEAT = 0.1  # seconds between checks for a cancel while the child is quiet
CANCEL_GRACE = 5.0  # seconds the child gets to close its job (its `finally` runs) before it is killed
BACKGROUND_NICENESS = 10  # the child runs at a lower CPU priority than the window it works for


@dataclass
class DetachedFolder(ProjectFolder):
    """A project folder whose saves go nowhere and whose caption files go to a scratch folder."""

    scratch: Path = field(default_factory=Path)
    save_requests: int = 0

    @property
    def captions_dir(self) -> Path:
        return self.scratch / "captions"

    def save(self) -> bool:
        """Count the request, write nothing: nobody else's changes come in (False)."""
        self.save_requests += 1
        return False


def _resolve(ref: str) -> Any:
    module, _, name = ref.partition(":")
    target: Any = importlib.import_module(module)
    for part in name.split("."):
        target = getattr(target, part)
    return target


def _portable(exc: BaseException) -> BaseException:
    """`exc` as it can travel back: our own errors as they are, anything else with the child's traceback."""
    if isinstance(exc, IntroStudioError):
        try:
            pickle.loads(pickle.dumps(exc))
            return exc
        except Exception:
            return IntroStudioError(str(exc), getattr(exc, "hint", ""))
    disk = disk_error(exc)  # a full, read-only or forbidden folder: the user's to fix, not a bug
    if disk is not None:
        return disk
    detail = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return ToolError(f"Unexpected error in the background process: {exc!r}", stderr=detail,
                     hint="This is a bug; the details say where it happened.")


@dataclass(frozen=True)
class ChildOutcome:
    """What a job in a child process returned, and its copy of the project afterwards (if it had one)."""

    result: Any
    project: Project | None


def _child(conn: Any, ref: str, detached: tuple[str, dict[str, Any], str] | None, args: tuple[Any, ...],
           kwargs: dict[str, Any]) -> None:
    """Child process: drive the job, send ('progress', p) ... then ('done', result, project) or ('error', exc)."""
    job = None
    become_worker(CANCEL_GRACE)
    if hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(BACKGROUND_NICENESS)  # yield the CPU to the UI process (inherited by ffmpeg)
    try:
        pf = None
        if detached is not None:
            folder, project, scratch = detached
            pf = DetachedFolder(Path(folder), Project.from_dict(project), scratch=Path(scratch))
            args = (pf, *args)
        job = _resolve(ref)(*args, **kwargs)
        while True:
            if conn.poll() and conn.recv() == "cancel":
                job.close()  # the job's finally runs here (e.g. ffmpeg is stopped)
                conn.send(("cancelled",))
                return
            try:
                step = next(job)
            except StopIteration as done:
                conn.send(("done", done.value, pf.project.to_dict() if pf is not None else None))
                return
            conn.send(("progress", step))
    except (WorkerStopped, KeyboardInterrupt):  # asked to stop (a cancel), or the parent died
        if job is not None:
            job.close()
        with contextlib.suppress(OSError, ValueError):
            conn.send(("cancelled",))
    except BaseException as exc:  # noqa: BLE001 - everything goes back to the UI process
        if job is not None:
            job.close()
        with contextlib.suppress(OSError, ValueError):
            conn.send(("error", _portable(exc)))
    finally:
        conn.close()


def in_subprocess(ref: str, *args: Any, detached: tuple[Path, dict[str, Any]] | None = None,
                  **kwargs: Any) -> Job[ChildOutcome]:
    """Run the core job `ref(*args, **kwargs)` ('module:function') in a child process, relaying its progress.

    With `detached=(project folder, pf.project.to_dict())` (taken on the UI thread), the job gets a
    DetachedFolder as its first argument. Closing this job (a cancel) asks the child to close its job,
    and kills the child if it has not within CANCEL_GRACE.
    """
    ctx = multiprocessing.get_context("spawn")
    here, there = ctx.Pipe()
    scratch = Path(tempfile.mkdtemp(prefix="introstudio-job-"))
    child_detached = None if detached is None else (str(detached[0]), detached[1], str(scratch))
    proc = ctx.Process(target=_child, name=f"introstudio {ref}", daemon=True,
                       args=(there, ref, child_detached, args, kwargs))
    finished = started = False
    last = Progress(0.0, "Starting")
    try:
        proc.start()
        started = True
        adopt(proc.pid or 0)  # Windows: into our kill-on-close job
        there.close()
        yield last
        while True:
            if not here.poll(HEARTBEAT):
                if not proc.is_alive() and not here.poll():
                    raise ToolError(f"The background process stopped unexpectedly (exit code {proc.exitcode}).",
                                    hint="Try again; if it keeps happening, the log holds the details.")
                yield last  # a heartbeat, so a cancel is seen within HEARTBEAT
                continue
            try:
                message = here.recv()
            except EOFError:  # the child is gone without a word
                raise ToolError(f"The background process stopped unexpectedly (exit code {proc.exitcode}).",
                                hint="Try again; if it keeps happening, the log holds the details.") from None
            kind = message[0]
            if kind == "progress":
                last = message[1]
                yield last
            elif kind == "done":
                finished = True
                return ChildOutcome(message[1], None if message[2] is None else Project.from_dict(message[2]))
            elif kind == "error":
                finished = True
                raise message[1]
            elif kind == "cancelled":
                finished = True
                raise Cancelled()
    finally:
        if started:
            _stop(proc, here, finished)
        here.close()
        shutil.rmtree(scratch, ignore_errors=True)


def _stop(proc: Any, conn: Any, finished: bool) -> None:
    """Stop the child like any other (ask, CANCEL_GRACE, kill the group) unless it finished; reap it."""
    if finished:
        proc.join(CANCEL_GRACE)
    stop(proc, CANCEL_GRACE, ask=None if finished else _asker(conn))


def _asker(conn: Any) -> Any:
    """How to ask the child to stop: SIGINT to its group (POSIX), or a "cancel" message (Windows)."""
    if os.name != "nt":
        from introstudio.core.processes import ask_to_stop

        return ask_to_stop

    def ask(pid: int) -> bool:
        try:
            conn.send("cancel")
        except (OSError, ValueError):
            return False
        return True

    return ask
