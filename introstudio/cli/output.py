"""CLI output: JSON or text reports, error printing and a progress bar that drives core jobs."""

from __future__ import annotations

import json
import sys
import time
from typing import Any, TextIO, TypeVar

from introstudio.core.jobs import Job, Progress, run_job

T = TypeVar("T")


def emit_json(data: Any, stream: TextIO | None = None) -> None:
    stream = stream or sys.stdout
    json.dump(data, stream, indent=2, ensure_ascii=False, default=str)
    stream.write("\n")


class ProgressBar:
    """Draws a one-line bar on a terminal, or prints a line per 10% step when output is a file/pipe."""

    def __init__(self, stream: TextIO | None = None, enabled: bool = True) -> None:
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.tty = self.stream.isatty()
        self._last_step = -1
        self._last_message = ""
        self._started = time.monotonic()

    def __call__(self, p: Progress) -> None:
        if not self.enabled:
            return
        pct = p.percent
        extra = ""
        if p.speed:
            extra += f" {p.speed:.1f}x"
        if p.eta_seconds is not None:
            extra += f" ~{_clock(p.eta_seconds)} left"
        if self.tty:
            bar = "" if pct is None else "[" + "#" * int(pct / 5) + "-" * (20 - int(pct / 5)) + f"] {pct:5.1f}% "
            line = f"\r{bar}{p.message}{extra}"
            self.stream.write(line[:120].ljust(min(120, len(line) + 10)))
            self.stream.flush()
            return
        step = -1 if pct is None else int(pct // 10)
        if step != self._last_step or (p.message != self._last_message and pct is None):
            self._last_step, self._last_message = step, p.message
            prefix = "" if pct is None else f"{pct:5.1f}% "
            self.stream.write(f"{prefix}{p.message}{extra}\n")
            self.stream.flush()

    def finish(self) -> None:
        if self.enabled and self.tty:
            self.stream.write("\n")
            self.stream.flush()


def drive(job: Job[T], show: bool = True) -> T:
    """Run a core job with a progress bar; Ctrl-C closes the job cleanly (its `finally` runs)."""
    bar = ProgressBar(enabled=show)
    try:
        return run_job(job, bar)
    finally:
        bar.finish()


def _clock(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 60}:{seconds % 60:02d}"
