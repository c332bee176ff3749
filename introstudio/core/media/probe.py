"""Probe a media file into typed facts (size, rate, rotation, VFR) with PyAV."""

from __future__ import annotations

import os
import statistics
from dataclasses import asdict, dataclass, fields
from fractions import Fraction
from pathlib import Path
from typing import Any

from introstudio.core.media.diagnose import require_file, unreadable

PTS_SAMPLE = 120  # video packets whose timestamps decide VFR (demux only, cheap)
SAMPLE_BYTES = 48 * 1024 * 1024  # stop sampling earlier on huge intra-only packets (ProRes, 4K)


@dataclass(frozen=True)
class VideoStreamInfo:
    """The first real video stream (cover art is not video).

    `rotation` is the clockwise turn (0/90/180/270) a player applies to show the picture upright;
    phone portrait footage is usually 90. `display_width/height` is that upright size, after the
    pixel aspect ratio. `fps` is the nominal rate for constant-rate video, the mean rate for VFR.
    """

    codec: str
    width: int
    height: int
    display_width: int
    display_height: int
    rotation: int
    fps: float
    variable_frame_rate: bool
    pix_fmt: str
    bit_depth: int
    frames: int | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> VideoStreamInfo:
        return cls(**{f.name: data[f.name] for f in fields(cls)})


@dataclass(frozen=True)
class AudioStreamInfo:
    """The first audio stream."""

    codec: str
    sample_rate: int
    channels: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AudioStreamInfo:
        return cls(**{f.name: data[f.name] for f in fields(cls)})


@dataclass(frozen=True)
class MediaInfo:
    """What IntroStudio knows about one media file; `container` is the ffmpeg demuxer name."""

    path: str
    size_bytes: int
    duration: float
    container: str
    video: VideoStreamInfo | None
    audio: AudioStreamInfo | None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict that `from_dict` turns back into an equal MediaInfo."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MediaInfo:
        video, audio = data.get("video"), data.get("audio")
        return cls(
            path=data["path"],
            size_bytes=data["size_bytes"],
            duration=data["duration"],
            container=data["container"],
            video=None if video is None else VideoStreamInfo.from_dict(video),
            audio=None if audio is None else AudioStreamInfo.from_dict(audio),
        )


def probe(path: str | os.PathLike[str]) -> MediaInfo:
    """Read `path`'s container and streams with PyAV; raise MediaError saying why when it is not usable media."""
    file = Path(os.path.abspath(path))
    size = require_file(file)
    return _probe_pyav(file, size)


def _probe_pyav(path: Path, size: int) -> MediaInfo:
    """Probe with PyAV: demux about PTS_SAMPLE video packets and decode one frame (for the display matrix)."""
    import av

    try:
        container = av.open(str(path), metadata_errors="replace")
    except (av.FFmpegError, OSError) as exc:
        raise unreadable(path, getattr(exc, "strerror", None) or str(exc)) from None
    with container:
        streams = [s for s in container.streams if s.type in ("video", "audio")]
        vstream = next((s for s in streams if s.type == "video" and not _is_cover(s.disposition)), None)
        astream = next((s for s in streams if s.type == "audio"), None)
        video = _pyav_video(container, vstream) if vstream is not None else None
        audio = None
        if astream is not None:
            cc = astream.codec_context
            rate, channels = getattr(cc, "sample_rate", 0), getattr(cc, "channels", 0)
            audio = AudioStreamInfo(_codec_name(astream), int(rate or 0), int(channels or 0))
        duration = _seconds(container.duration, Fraction(1, av.time_base))
        for stream in (vstream, astream):
            if duration is None and stream is not None:
                duration = _seconds(stream.duration, stream.time_base)
        return MediaInfo(str(path), size, round(duration or 0.0, 6), container.format.name, video, audio)


def _pyav_video(container: Any, stream: Any) -> VideoStreamInfo:
    """Video facts from the stream header, the first packets' timestamps and the first frame."""
    import av

    pts: list[int] = []
    first = None
    read = 0
    try:
        for packet in container.demux(stream):
            read += packet.size
            if packet.pts is not None:
                pts.append(packet.pts)
            if first is None:
                try:
                    first = next(iter(packet.decode()), None)
                except (av.FFmpegError, ValueError, AttributeError):
                    pass  # undecodable: rotation falls back to the legacy 'rotate' tag
            if len(pts) >= PTS_SAMPLE or read > SAMPLE_BYTES:
                break
    except av.FFmpegError:
        pass  # damaged after the start: keep what was read
    cc = stream.codec_context  # None when this ffmpeg has no decoder for the codec
    ccw = first.rotation if first is not None else -_number(stream.metadata.get("rotate"), 0)
    width = int(getattr(cc, "width", 0) or (first.width if first is not None else 0))
    height = int(getattr(cc, "height", 0) or (first.height if first is not None else 0))
    pix_fmt = getattr(cc, "pix_fmt", None) or (first.format.name if first is not None else "")
    return _video_info(
        codec=_codec_name(stream),
        width=width,
        height=height,
        sar=stream.sample_aspect_ratio,
        ccw_rotation=ccw,
        avg_rate=stream.average_rate,
        base_rate=stream.guessed_rate or stream.base_rate,
        pts=pts,
        time_base=stream.time_base,
        pix_fmt=pix_fmt,
        frames=stream.frames or None,
    )


def _video_info(
    *,
    codec: str,
    width: int,
    height: int,
    sar: Fraction | None,
    ccw_rotation: float,
    avg_rate: Fraction | None,
    base_rate: Fraction | None,
    pts: list[int],
    time_base: Fraction | None,
    pix_fmt: str,
    frames: int | None,
) -> VideoStreamInfo:
    """Derive display size, rotation, fps and VFR from the stream's facts."""
    rotation = (int(round(-float(ccw_rotation) / 90.0)) % 4) * 90
    display_w, display_h = width, height
    if sar and sar > 0 and sar != 1:
        display_w = int(round(width * sar / 2)) * 2
    if rotation in (90, 270):
        display_w, display_h = display_h, display_w
    vfr, interval = _timing(pts, time_base)
    avg = float(avg_rate) if avg_rate else 0.0
    base = float(base_rate) if base_rate else 0.0
    if avg and base and not vfr:
        # Whole-file check: mean rate far from the nominal one (field rates of interlaced video excepted).
        tolerance = max(0.02, 2.0 / frames) if frames else 0.02
        vfr = abs(avg - base) / base > tolerance and abs(avg * 2 - base) / base > tolerance
    if vfr:
        fps = avg or (1.0 / interval if interval else base)
    else:
        fps = avg or base or (1.0 / interval if interval else 0.0)
    return VideoStreamInfo(
        codec=codec,
        width=width,
        height=height,
        display_width=display_w,
        display_height=display_h,
        rotation=rotation,
        fps=round(fps, 6),
        variable_frame_rate=vfr,
        pix_fmt=pix_fmt,
        bit_depth=_bit_depth(pix_fmt),
        frames=frames if frames and frames > 0 else None,
    )


def _timing(pts: list[int], time_base: Fraction | None) -> tuple[bool, float | None]:
    """(varies, median interval in seconds) of sampled packet timestamps, in presentation order."""
    ordered = sorted(set(pts))
    # A sample cut in decode order misses B-frames shown just before its last packets: drop that tail.
    ordered = ordered[: len(ordered) - min(8, len(ordered) // 4)]
    deltas = [b - a for a, b in zip(ordered, ordered[1:])]
    if len(deltas) < 3 or not time_base:
        return False, None
    median = statistics.median(deltas)
    tolerance = max(1.5, 0.1 * median)  # timestamp rounding in coarse time bases (1/1000 in MKV)
    varies = any(abs(d - median) > tolerance for d in deltas)
    return varies, float(median * time_base)


def _bit_depth(pix_fmt: str) -> int:
    """Bits per component of a pixel format (8 when unknown)."""
    try:
        from av.video.format import VideoFormat

        return max(c.bits for c in VideoFormat(pix_fmt).components)
    except (ValueError, TypeError, ImportError):
        return 8


def _codec_name(stream: Any) -> str:
    """Codec id name ('mp3', not the decoder name 'mp3float')."""
    codec = getattr(stream.codec_context, "codec", None)
    return str(getattr(codec, "canonical_name", None) or getattr(codec, "name", None) or "unknown")


def _is_cover(disposition: Any) -> bool:
    from av.stream import Disposition

    return bool(int(disposition) & int(Disposition.attached_pic))


def _seconds(value: int | None, time_base: Fraction | None) -> float | None:
    if value is None or value <= 0 or not time_base:
        return None
    return float(value * time_base)


def _number(value: Any, default: float) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default

