"""Check that an exported video decodes end to end before it is called good.

ffmpeg exits 0 on some broken outputs (an orphaned encoder still writing into the same file, a full disk
under a filter graph that swallowed the error), so an export is decoded with PyAV before it is moved into
place: every packet of every stream, with the decoders told to fail on damage (`err_detect=explode`) and
libav's own error messages counted, and each stream's end compared with the expected duration.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from introstudio.core.errors import MediaError
from introstudio.core.jobs import Job, Progress

MAX_MESSAGES = 3  # decode error messages kept for the report
_LOG_LEVEL_LOCK = threading.Lock()  # libav's log level is process-wide: one check changes it at a time


@dataclass(frozen=True)
class StreamCheck:
    """What decoding one stream found."""

    index: int
    kind: str  # "video", "audio", or another type (demuxed, not decoded)
    codec: str
    packets: int
    frames: int
    end: float  # seconds: where the stream's last packet ends
    errors: int


@dataclass(frozen=True)
class VerifyReport:
    """Every stream of a checked file, the first decode error messages and how long the check took."""

    path: Path
    streams: tuple[StreamCheck, ...]
    messages: tuple[str, ...]
    seconds_taken: float

    @property
    def errors(self) -> int:
        return sum(s.errors for s in self.streams)

    def first(self, kind: str) -> StreamCheck | None:
        return next((s for s in self.streams if s.kind == kind), None)


def tolerance_for(expected: float, kind: str = "video") -> float:
    """How far a stream's end may be from the expected duration.

    Video is constant-rate and planned to the frame (exports measured within 5 ms): 0.2 s, or 0.2% of long ones,
    so a file cut at a packet boundary is still caught. Audio gets 0.5 s or 1%: without an end card the take's
    own audio ends the file, and phones often stop it a little before the picture.
    """
    if kind == "video":
        return max(0.2, 0.002 * expected)
    return max(0.5, 0.01 * expected)


def verify_video(path: Path, expected_seconds: float, need_audio: bool, what: str = "The export") -> Job[VerifyReport]:
    """Decode all of `path`; raise MediaError naming what is wrong (damage, missing stream, wrong length)."""
    report = yield from decode_all(path, expected_seconds)
    problems = []
    if report.errors:
        problems.append(f"{report.errors} decode error(s) (first: {report.messages[0] if report.messages else '?'})")
    for kind, needed in (("video", True), ("audio", need_audio)):
        stream = report.first(kind)
        if stream is None:
            if needed:
                problems.append(f"it has no {kind} stream")
            continue
        if stream.frames == 0:
            problems.append(f"its {kind} stream has no decodable frames")
        elif abs(stream.end - expected_seconds) > tolerance_for(expected_seconds, kind):
            problems.append(f"its {kind} stream lasts {stream.end:.2f} s, not {expected_seconds:.2f} s")
    if problems:
        raise MediaError(f"{what} {path.name} is damaged: " + "; ".join(problems) + ". It was not kept.",
                         "Export again. If it happens again, check that the disk has room and is not failing, and "
                         "that no other program writes to the exports folder; the log has the details.")
    return report


def decode_all(path: Path, expected_seconds: float | None = None) -> Job[VerifyReport]:
    """Demux and decode every packet of every stream, counting errors; yields progress by position."""
    import av
    import av.logging

    started = time.monotonic()
    with _LOG_LEVEL_LOCK:
        old_level = av.logging.get_level()
        av.logging.set_level(av.logging.ERROR)
        try:
            with av.logging.Capture(True) as logs:
                report = yield from _decode(path, expected_seconds, started)
        finally:
            av.logging.set_level(old_level)
    logged = [f"{name}: {message.strip()}" for level, name, message in logs if level <= av.logging.ERROR]
    if not logged:
        return report
    # libav names its component ("h264", "aac"), not the stream: each message counts on the first stream with
    # that codec, else on the first stream.
    streams = list(report.streams)
    for line in logged:
        name = line.split(":", 1)[0]
        i = next((k for k, s in enumerate(streams) if s.codec == name), 0)
        if streams:
            streams[i] = replace(streams[i], errors=streams[i].errors + 1)
    messages = (*report.messages, *logged)[:MAX_MESSAGES]
    return VerifyReport(report.path, tuple(streams), messages, report.seconds_taken)


def _decode(path: Path, expected_seconds: float | None, started: float) -> Job[VerifyReport]:
    import av

    yield Progress(0.0, "Checking the video")
    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, OSError) as exc:
        raise MediaError(f"{path.name} cannot be read as a video: {exc}.",
                         "Export again; if it happens again, check the disk (full or failing).") from exc
    messages: list[str] = []
    with container:
        streams = list(container.streams)
        packets = {s.index: 0 for s in streams}
        frames = {s.index: 0 for s in streams}
        errors = {s.index: 0 for s in streams}
        ends = {s.index: 0.0 for s in streams}
        decoded = {s.index for s in streams if s.type in ("video", "audio") and s.codec_context is not None}
        contexts: dict[int, Any] = {s.index: s.codec_context for s in streams if s.index in decoded}
        for context in contexts.values():
            context.options = {"err_detect": "explode"}  # damage is an error, not concealed
            context.thread_type = "AUTO"

        def failed(index: int, at: float, exc: Exception) -> None:
            errors[index] += 1
            if len(messages) < MAX_MESSAGES:
                messages.append(f"{streams[index].type} at {at:.2f} s: {exc}")

        last_report = time.monotonic()
        try:
            for packet in container.demux(*streams):
                index = packet.stream.index
                if packet.pts is not None and packet.time_base is not None:
                    ends[index] = max(ends[index], float((packet.pts + (packet.duration or 0)) * packet.time_base))
                if packet.size == 0:
                    continue
                packets[index] += 1
                if index in decoded:
                    try:
                        frames[index] += len(packet.decode())
                    except av.error.FFmpegError as exc:
                        failed(index, ends[index], exc)
                if expected_seconds and time.monotonic() - last_report > 0.25:
                    last_report = time.monotonic()
                    yield Progress(min(1.0, ends[index] / expected_seconds), "Checking the video")
            for index, context in contexts.items():  # drain the decoders (threaded ones hold frames back)
                try:
                    frames[index] += len(context.decode(None))
                except av.error.FFmpegError as exc:
                    failed(index, ends[index], exc)
        except av.error.FFmpegError as exc:  # the container itself is cut or damaged
            messages.append(f"reading the file: {exc}")
            if streams:
                errors[streams[0].index] += 1
        checks = tuple(StreamCheck(s.index, s.type, s.codec_context.name if s.codec_context else "", packets[s.index],
                                   frames[s.index], round(ends[s.index], 3), errors[s.index]) for s in streams)
    return VerifyReport(path, checks, tuple(messages), round(time.monotonic() - started, 3))
