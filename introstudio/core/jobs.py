"""Long work as generators of Progress: the CLI and the GUI drive the same job and may cancel it.

A job is a generator that yields `Progress` values and returns its result (``return value``).
`run_job` drives one to completion, calling a callback per step and checking a `CancelToken`
between steps, so cancelling never interrupts a step half-way.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import TypeVar

from introstudio.core.errors import Cancelled

T = TypeVar("T")


@dataclass(frozen=True)
class Progress:
    """One report from a running job. `fraction` is 0..1, or None when the total is unknown."""

    fraction: float | None
    message: str = ""
    eta_seconds: float | None = None
    speed: float | None = None  # e.g. x realtime for encodes/transcription

    @property
    def percent(self) -> float | None:
        return None if self.fraction is None else round(100.0 * self.fraction, 1)


Job = Generator[Progress, None, T]


class CancelToken:
    """Thread-safe flag a UI sets and a job checks between steps."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled()


def run_job(
    job: Job[T],
    on_progress: Callable[[Progress], None] | None = None,
    cancel: CancelToken | None = None,
) -> T:
    """Drive `job` to its result; on cancel, close the generator (its `finally` cleans up) and raise."""
    try:
        while True:
            if cancel is not None and cancel.cancelled:
                job.close()
                raise Cancelled()
            try:
                step = next(job)
            except StopIteration as stop:
                return stop.value
            if on_progress is not None:
                on_progress(step)
    finally:
        job.close()


def scaled(job: Job[T], start: float, end: float, prefix: str = "",
           progress: Callable[..., Progress] = Progress) -> Job[T]:
    """Run `job` as one stage of a bigger job: its 0..1 becomes start..end; returns its result.

    `progress` builds each report (e.g. a subclass with the outer job's own fields bound by functools.partial).
    """
    try:
        while True:
            try:
                step = next(job)
            except StopIteration as stop:
                return stop.value
            fraction = None if step.fraction is None else start + (end - start) * step.fraction
            yield progress(fraction, prefix + step.message, step.eta_seconds, step.speed)
    finally:
        job.close()
