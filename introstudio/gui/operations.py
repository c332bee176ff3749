"""The one way the GUI runs long work: a core job (generator of Progress) on a worker thread.

Modelled on Anki's ``CollectionOp``::

    Operation(self, lambda: import_takes(pf, files), "Importing footage")
        .on_success(self.show_takes).with_progress(self.panel).run()

The job runs in a QThread; each Progress reaches the UI thread through a queued signal, and so do the
result and any exception. Widgets are only ever touched from the UI thread. Cancel sets a CancelToken
that `run_job` checks between yields: it then closes the generator, so the job's ``finally`` runs (an
ffmpeg process is killed, a temp file removed) and the job ends with Cancelled, which is not reported.
Every other failure goes to `errors.show_error`, the single place errors are shown.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import shiboken6
from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QWidget

from introstudio.core.errors import Cancelled
from introstudio.core.jobs import CancelToken, Job, Progress, run_job
from introstudio.gui import errors

log = logging.getLogger("introstudio.gui")


def _join(thread: QThread, timeout: float) -> bool:
    """Wait for `thread` to end WITHOUT holding the GIL while waiting.

    QThread.wait() keeps the GIL, so a worker that still has a line of Python to run (returning from
    its slot, a cancelled job's `finally`) could never finish: a deadlock. Sleeping releases the GIL.
    """
    deadline = time.monotonic() + timeout
    while thread.isRunning():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.001)
    return thread.wait(1000)  # the OS thread has left run(): this returns at once


class _Worker(QObject):
    """Lives in the worker thread; drives the job and reports through signals only."""

    progress = Signal(object)
    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, job_factory: Callable[[], Job[Any]], token: CancelToken, min_interval: float) -> None:
        super().__init__()
        self._factory = job_factory
        self._token = token
        self._min_interval = min_interval
        self._last_emit = 0.0

    def _report(self, step: Progress) -> None:
        now = time.monotonic()
        if now - self._last_emit >= self._min_interval:
            self._last_emit = now
            self.progress.emit(step)

    @Slot()
    def run(self) -> None:
        try:
            result = run_job(self._factory(), self._report, self._token)
        except Exception as exc:  # every failure, including Cancelled, goes back to the UI thread
            self.failed.emit(exc)
        else:
            self.succeeded.emit(result)
        finally:
            QThread.currentThread().quit()  # the thread ends by itself, even if the UI thread is waiting


class Operation(QObject):
    """A background job with progress, cancel, and success/failure callbacks run on the UI thread."""

    progress = Signal(object)  # Progress, on the UI thread
    finished = Signal()  # after the callbacks, whatever the outcome

    _live: ClassVar[set[Operation]] = set()

    def __init__(self, parent: QWidget | None, job_factory: Callable[[], Job[Any]], label: str,
                 min_interval: float = 0.05) -> None:
        super().__init__()  # no Qt parent: a closed page must not delete a running thread
        self._parent = parent
        self._factory = job_factory
        self.label = label
        self.token = CancelToken()
        self._min_interval = min_interval
        self._success: list[Callable[[Any], None]] = []
        self._failure: list[Callable[[BaseException], None]] = []
        self._done: list[Callable[[], None]] = []
        self._thread: QThread | None = None
        self._worker: _Worker | None = None
        self.result: Any = None
        self.error: BaseException | None = None
        self.started_at = 0.0
        self._orphaned = False
        self.writes: Path | None = None  # the project folder the job saves itself (see `writing`)

    # --- building ----------------------------------------------------------------------------------
    def on_success(self, callback: Callable[[Any], None]) -> Operation:
        """Call `callback(result)` on the UI thread when the job returns."""
        self._success.append(callback)
        return self

    def on_failure(self, callback: Callable[[BaseException], None]) -> Operation:
        """Call `callback(exc)` after the error was shown (Cancelled too, silently): for page clean-up."""
        self._failure.append(callback)
        return self

    def on_finished(self, callback: Callable[[], None]) -> Operation:
        """Call `callback()` after success or failure."""
        self._done.append(callback)
        return self

    def writing(self, folder: Path) -> Operation:
        """Mark the job as saving the project in `folder` itself (on its own ProjectFolder, under the lock).

        The window then knows that changes to that project.json while the job runs are its own.
        """
        self.writes = Path(folder)
        return self

    def with_progress(self, panel: Any) -> Operation:
        """Show this operation in a ProgressPanel (percent, time left, Cancel)."""
        panel.attach(self)
        return self

    # --- running -----------------------------------------------------------------------------------
    def run(self) -> Operation:
        """Start the job on its own thread and return at once."""
        if self._thread is not None:
            raise RuntimeError("an Operation runs once")
        self._thread = QThread()
        self._thread.setObjectName(f"Operation: {self.label}")
        self._worker = _Worker(self._factory, self.token, self._min_interval)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        queued = Qt.ConnectionType.QueuedConnection  # always delivered on the UI thread, in order
        self._worker.progress.connect(self._on_progress, queued)
        self._worker.succeeded.connect(self._on_succeeded, queued)
        self._worker.failed.connect(self._on_failed, queued)
        Operation._live.add(self)
        self.started_at = time.monotonic()
        log.info("operation started: %s", self.label)
        self._thread.start()
        return self

    def cancel(self) -> None:
        """Ask the job to stop at its next step; it then ends as Cancelled."""
        self.token.cancel()

    @property
    def running(self) -> bool:
        return self in Operation._live

    def wait(self, timeout_ms: int = 30000) -> bool:
        """Block until the worker thread has stopped (for shutdown and tests)."""
        return self._thread is None or _join(self._thread, timeout_ms / 1000)

    @classmethod
    def running_operations(cls) -> list[Operation]:
        return list(cls._live)

    @classmethod
    def writing_to(cls, folder: Path) -> bool:
        """Whether a running operation saves the project in `folder` itself."""
        return any(op.writes == Path(folder) for op in cls._live)

    @classmethod
    def cancel_all(cls, timeout_ms: int = 15000) -> None:
        """Cancel every running operation and wait for its thread: called when the app closes."""
        ops = list(cls._live)
        for op in ops:
            op._orphaned = True  # the widgets are going away: no callbacks into them
            op.cancel()
        for op in ops:
            if not op.wait(timeout_ms):
                log.error("operation %r did not stop within %d ms", op.label, timeout_ms)

    # --- UI-thread slots ---------------------------------------------------------------------------
    @Slot(object)
    def _on_progress(self, step: Progress) -> None:
        if self.running and not self._orphaned:
            self.progress.emit(step)

    @Slot(object)
    def _on_succeeded(self, result: Any) -> None:
        self.result = result
        self._complete()
        log.info("operation done: %s (%.1f s)", self.label, time.monotonic() - self.started_at)
        if self._parent_alive():
            for callback in self._success:
                self._call(callback, result)
        self._finish()

    @Slot(object)
    def _on_failed(self, exc: BaseException) -> None:
        self.error = exc
        self._complete()
        if not isinstance(exc, Cancelled):
            log.info("operation failed: %s: %r", self.label, exc)
        if self._parent_alive():
            if not isinstance(exc, Cancelled):  # a user's cancel is not an error: nothing to show
                errors.show_error(self._parent, exc)
            for callback in self._failure:
                self._call(callback, exc)
        self._finish()

    def _complete(self) -> None:
        """The worker has emitted its last signal: stop its thread before anyone sees the outcome."""
        assert self._thread is not None
        self._thread.quit()
        if not _join(self._thread, 30.0):
            log.error("the thread of %r did not end after its last signal", self.label)
        self._worker = None
        Operation._live.discard(self)  # callbacks already see it as finished

    def _finish(self) -> None:
        if self._parent_alive():
            for callback in self._done:
                self._call(callback)
        self.finished.emit()

    def _parent_alive(self) -> bool:
        return not self._orphaned and (self._parent is None or shiboken6.isValid(self._parent))

    def _call(self, callback: Callable[..., None], *args: Any) -> None:
        try:
            callback(*args)
        except Exception as exc:  # a bug in a callback must still reach the user, once
            log.exception("callback of %s failed", self.label)
            errors.show_error(self._parent, exc)
