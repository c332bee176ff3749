"""Run one ffmpeg command as a job: progress from `-progress pipe:1`, stderr kept, stopped like every child.

The command must carry `-progress pipe:1` (graph.py adds it): ffmpeg then writes blocks of key=value
lines to stdout, each block ending with `progress=continue` or `progress=end`. Nothing here reads
ffmpeg's human-readable log for progress; stderr is only kept (its tail) for error reports.
"""

from __future__ import annotations

import collections
import contextlib
import subprocess
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from introstudio.core.errors import ToolError
from introstudio.core.jobs import Job, Progress
from introstudio.core.processes import INTERRUPT_GRACE, start, stop

STDERR_LINES = 400  # lines of stderr kept for the error report (and for loudnorm's JSON)


@dataclass(frozen=True)
class ProgressBlock:
    """One `-progress` report: media time written so far, speed (x real time) and whether it ended."""

    out_seconds: float | None
    speed: float | None
    ended: bool


def parse_progress_lines(lines: Iterator[str]) -> Iterator[ProgressBlock]:
    """Group ffmpeg's key=value progress lines into blocks (a block ends at its `progress=` line)."""
    block: dict[str, str] = {}
    for raw in lines:
        key, sep, value = raw.strip().partition("=")
        if not sep:
            continue
        block[key] = value.strip()
        if key == "progress":
            yield ProgressBlock(_out_seconds(block), _speed(block.get("speed", "")), value.strip() == "end")
            block = {}


def _out_seconds(block: dict[str, str]) -> float | None:
    """out_time_us (or out_time_ms, which ffmpeg also reports in microseconds) as seconds."""
    for key in ("out_time_us", "out_time_ms"):
        try:
            micros = int(block[key])
        except (KeyError, ValueError):
            continue
        return max(0.0, micros / 1_000_000)
    return None


def _speed(text: str) -> float | None:
    try:
        value = float(text.rstrip("x").strip())
    except ValueError:
        return None  # "N/A" at the start
    return value if value > 0 else None


def run_ffmpeg_job(args: Sequence[str], duration_seconds: float | None, label: str) -> Job[str]:
    """Run the ffmpeg command `args` (args[0] is the executable), yielding Progress; return stderr's tail.

    On a non-zero exit raise ToolError with the command and the stderr tail. If the generator is closed
    (cancel) or interrupted, `processes.stop` asks ffmpeg's group to stop, then kills it after a grace period;
    if IntroStudio itself dies, ffmpeg dies with it (processes.start).
    """
    command = [str(a) for a in args]
    stderr_tail: collections.deque[str] = collections.deque(maxlen=STDERR_LINES)
    proc = _start(command)
    drainer = threading.Thread(target=_drain, args=(proc.stderr, stderr_tail), daemon=True)
    drainer.start()
    started = time.monotonic()
    finished = False
    try:
        yield Progress(0.0, label)
        assert proc.stdout is not None
        for block in parse_progress_lines(iter(proc.stdout.readline, "")):
            yield _to_progress(block, duration_seconds, label, time.monotonic() - started)
        returncode = proc.wait()
        drainer.join(timeout=5)
        finished = True
    finally:
        if not finished:
            stop(proc, INTERRUPT_GRACE)
            drainer.join(timeout=1)
        _close(proc)
    stderr = "\n".join(stderr_tail)
    if returncode != 0:
        last = next((ln for ln in reversed(stderr_tail) if ln.strip()), "no error output")
        raise ToolError(f"ffmpeg failed while {label.lower()} (exit code {returncode}): {last.strip()}",
                        command=command, stderr=stderr, returncode=returncode,
                        hint="The last lines of ffmpeg's output above usually name the cause.")
    yield Progress(1.0, label, 0.0)
    return stderr


def _to_progress(block: ProgressBlock, duration: float | None, label: str, elapsed: float) -> Progress:
    if block.ended:
        return Progress(1.0, label, 0.0, block.speed)
    if not duration or block.out_seconds is None:
        return Progress(None, label, None, block.speed)
    fraction = min(1.0, block.out_seconds / duration)
    eta = None
    if block.speed:
        eta = max(0.0, (duration - block.out_seconds) / block.speed)
    elif fraction > 0.01:
        eta = elapsed * (1 - fraction) / fraction
    return Progress(fraction, label, eta, block.speed)


def _start(command: list[str]) -> subprocess.Popen[str]:
    """Start ffmpeg through the one child runner: its own process group, and it dies with us."""
    try:
        return start(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
                     errors="replace", bufsize=1)
    except OSError as exc:
        raise ToolError(f"Could not start ffmpeg ({command[0]}): {exc.strerror or exc}.", command=command,
                        hint="Run `introstudio doctor` to check the ffmpeg installation.") from None


def _drain(stream, tail: collections.deque[str]) -> None:
    """Read stderr to its end so ffmpeg never blocks on a full pipe; keep the last lines."""
    with contextlib.suppress(ValueError, OSError):
        for line in iter(stream.readline, ""):
            tail.append(line.rstrip("\n"))


def _close(proc: subprocess.Popen) -> None:
    for stream in (proc.stdout, proc.stderr):
        with contextlib.suppress(OSError, ValueError):
            if stream is not None:
                stream.close()
