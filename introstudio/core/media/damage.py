"""Find where a clip that opens is damaged inside: its data cut off early, or frames that do not decode.

A clip whose index (moov) is intact probes as perfectly good even when the data after 60 % is missing or
a copy flipped bytes in the middle. Only reading every packet and decoding it tells, so `scan_damage`
does that with PyAV (decoders told to fail on damage instead of hiding it) and reports the first place
in seconds. Cost: about one decode of the clip (see scripts/bench_damage_scan.py). Decoders do not notice
every damaged byte (a flip can decode into a wrong but valid picture): in our tests 14 of 15 frames with
8 flipped bytes were found, and zeroed bytes always.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from introstudio.core.jobs import Job, Progress

# Decoders report damage (instead of concealing it) with these flags: `explode` makes any error fatal.
ERROR_DETECTION = "crccheck+bitstream+buffer+explode"
CUT_TOLERANCE = 0.5  # seconds a stream may end before the clip's stated length without counting as cut
PROGRESS_EVERY = 2.0  # seconds of media between progress reports
PINPOINT_BACK = 2.0  # threaded decoding reports damage at most this late (60 frames at 30 fps)


@dataclass(frozen=True)
class Damage:
    """Where a clip is damaged: `cut_at` (data ends early) and/or the undecodable packets."""

    duration: float
    first_error: float | None = None
    last_error: float | None = None
    errors: int = 0
    error_stream: str = ""
    cut_at: float | None = None

    def warning(self, name: str) -> str:
        """The import warning, naming the time of the damage."""
        if self.cut_at is not None:
            return (f"{name} is cut off at {clock(self.cut_at)}: it should last {clock(self.duration)}, but the "
                    f"data after {clock(self.cut_at)} is missing, so the take ends there. If the original is "
                    "still on the phone, camera or card, copy it again.")
        assert self.first_error is not None
        more = ""
        if self.errors > 1 and self.last_error is not None and self.last_error > self.first_error:
            more = f" ({self.errors} frames affected, up to {clock(self.last_error)})"
        effect = "the sound may click or drop out" if self.error_stream == "audio" else \
            "the picture may freeze or break up"
        return (f"{name} is damaged at {clock(self.first_error)}{more}: part of it cannot be decoded, so "
                f"{effect} there. Copy it again from the device if you can, or trim that part out.")


def clock(seconds: float) -> str:
    """'5.1 s' under a minute, else 'm:ss.s'."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes)}:{rest:04.1f}"


def scan_damage(path: str | os.PathLike[str], duration: float) -> Job[Damage | None]:
    """Read and decode every audio and video packet of `path`; the damage found, or None for a whole clip."""
    import av

    name = Path(path).name
    first = last = None
    errors, error_stream = 0, ""
    ends: dict[int, float] = {}
    reported = 0.0
    with av.open(str(path), metadata_errors="replace") as container:
        streams = [s for s in container.streams if s.type in ("video", "audio") and not _is_cover(s)]
        if not streams:
            return None
        for stream in streams:
            stream.codec_context.options = {"err_detect": ERROR_DETECTION}
            if stream.type == "video":
                stream.thread_type = "AUTO"  # frame threads: damage surfaces a few frames late (`_pinpoint`)
        starts = {s.index: _seconds(s.start_time, s.time_base) or 0.0 for s in streams}
        expected = {s.index: _seconds(s.duration, s.time_base) or duration for s in streams}
        packets = container.demux(streams)
        while True:
            try:
                packet = next(packets)
            except StopIteration:
                break
            except (av.FFmpegError, OSError):
                break  # the data ends here (a cut-off file can stop the demuxer with an error)
            stream = packet.stream
            when = _packet_time(packet, starts[stream.index])
            if when is not None:
                end = when + (_seconds(packet.duration, packet.time_base) or 0.0)
                ends[stream.index] = max(ends.get(stream.index, 0.0), end)
            try:
                packet.decode()
            except (av.FFmpegError, ValueError):
                errors += 1
                error_stream = error_stream or stream.type
                if when is not None:
                    first = when if first is None else min(first, when)
                    last = when if last is None else max(last, when)
            if when is not None and when - reported >= PROGRESS_EVERY:
                reported = when
                yield Progress(min(when / duration, 1.0) if duration > 0 else None, f"Checking {name} for damage")
        for stream in streams:  # frames still held in the decoders
            try:
                context: Any = stream.codec_context
                context.decode(None)
            except av.error.EOFError:
                pass  # already drained
            except (av.FFmpegError, ValueError):
                errors += 1
                error_stream = error_stream or stream.type
                when = ends.get(stream.index, duration)
                first, last = (when if first is None else first), max(last or 0.0, when)
    cut_at = None
    for index, length in expected.items():  # indices taken while the container was open
        got = ends.get(index, 0.0)
        if length - got > CUT_TOLERANCE:
            cut_at = got if cut_at is None else min(cut_at, got)
    if cut_at is None and not errors:
        return None
    if cut_at is not None and first is not None and first < cut_at - CUT_TOLERANCE:
        cut_at = None  # damaged earlier than the end of the data: report that first
    if first is not None and error_stream == "video" and cut_at is None:
        first = _pinpoint(path, first)
    return Damage(duration=duration, first_error=first, last_error=last, errors=errors,
                  error_stream=error_stream, cut_at=cut_at)


def _pinpoint(path: str | os.PathLike[str], reported: float) -> float:
    """The exact time of the first video damage near `reported` (decoded again there, without threads)."""
    import av

    with av.open(str(path), metadata_errors="replace") as container:
        stream = next(s for s in container.streams.video if not _is_cover(s))
        stream.codec_context.options = {"err_detect": ERROR_DETECTION}
        start = _seconds(stream.start_time, stream.time_base) or 0.0
        if stream.time_base:
            target = int((max(0.0, reported - PINPOINT_BACK) + start) / stream.time_base)
            container.seek(target, stream=stream, backward=True, any_frame=False)
        try:
            for packet in container.demux(stream):
                when = _packet_time(packet, start)
                if when is not None and when > reported + 0.5:
                    break
                try:
                    packet.decode()
                except (av.FFmpegError, ValueError):
                    if when is not None:
                        return when
        except av.FFmpegError:
            pass
    return reported


def _packet_time(packet: Any, start: float) -> float | None:
    value = packet.pts if packet.pts is not None else packet.dts
    if value is None or not packet.time_base:
        return None
    return max(0.0, float(value * packet.time_base) - start)


def _seconds(value: int | None, time_base: Fraction | None) -> float | None:
    if value is None or not time_base:
        return None
    return float(value * time_base)


def _is_cover(stream: Any) -> bool:
    from av.stream import Disposition

    return bool(int(stream.disposition) & int(Disposition.attached_pic))
