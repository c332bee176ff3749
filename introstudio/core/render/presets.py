"""Export presets: frame size, frame-rate cap and encoder settings, following YouTube's upload recommendations.

YouTube asks for MP4 with the index at the front, H.264 High profile, 4:2:0, a closed GOP of half the
frame rate, two consecutive B-frames, AAC-LC at 48 kHz, and at least 8 Mbps at 1080p30 (12 at 60),
5 Mbps at 720p30 (7.5 at 60). square and vertical reframe by cropping the centre of the picture, where
the speaker usually sits; reframing that follows a detected face is out of scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from introstudio.core.errors import NotFoundError

HIGH_FPS = 30.5  # above this, YouTube's "high frame rate" bitrates apply
HFR_FACTOR = 1.5  # 8 -> 12 Mbps at 1080p, 5 -> 7.5 at 720p


@dataclass(frozen=True)
class Preset:
    """One export format; bitrates in kbit/s, `crf` set for quality-based presets (then no bitrate)."""

    name: str
    description: str
    width: int
    height: int
    fps_max: float
    video_bitrate: int | None  # target at <= 30 fps
    maxrate: int | None
    bufsize: int | None
    x264_preset: str
    crf: float | None = None
    profile: str = "high"
    pix_fmt: str = "yuv420p"
    audio_bitrate: int = 192
    audio_rate: int = 48000
    reframe: str = "fit"  # "fit" (scale, pad with black) or "crop-center"

    def __post_init__(self) -> None:
        if self.width % 2 or self.height % 2 or self.width <= 0 or self.height <= 0:
            raise ValueError(f"preset {self.name}: size {self.width}x{self.height} must be positive and even")
        if (self.crf is None) == (self.video_bitrate is None):
            raise ValueError(f"preset {self.name}: set exactly one of crf and video_bitrate")
        if self.reframe not in ("fit", "crop-center"):
            raise ValueError(f"preset {self.name}: reframe must be 'fit' or 'crop-center'")

    @property
    def size(self) -> tuple[int, int]:
        return (self.width, self.height)

    def rates_for(self, fps: float | Fraction) -> tuple[int, int, int] | None:
        """(bitrate, maxrate, bufsize) in kbit/s for `fps`, scaled up for high frame rates; None for crf."""
        if self.video_bitrate is None:
            return None
        factor = HFR_FACTOR if float(fps) > HIGH_FPS else 1.0
        maxrate = self.maxrate or self.video_bitrate
        bufsize = self.bufsize or 2 * maxrate
        return (round(self.video_bitrate * factor), round(maxrate * factor), round(bufsize * factor))

    def gop_for(self, fps: float | Fraction) -> int:
        """Keyframe interval in frames: half the frame rate (YouTube's recommendation), at least 1."""
        return max(1, int(round(float(fps) / 2)))


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset("youtube-1080p", "YouTube 1920x1080, 8 Mbps (12 at 60 fps)", 1920, 1080, 60,
               8000, 12000, 16000, "veryfast"),
        Preset("youtube-720p", "YouTube 1280x720, 5 Mbps (7.5 at 60 fps)", 1280, 720, 60,
               5000, 7500, 10000, "veryfast"),
        Preset("square", "Square 1080x1080 for feeds, centre crop", 1080, 1080, 30,
               6000, 9000, 12000, "veryfast", reframe="crop-center"),
        Preset("vertical", "Vertical 1080x1920 for Shorts and stories, centre crop", 1080, 1920, 30,
               8000, 12000, 16000, "veryfast", reframe="crop-center"),
        Preset("preview", "Quick small preview 640x360", 640, 360, 30,
               None, None, None, "ultrafast", crf=28.0, audio_bitrate=128),
    )
}
DEFAULT_PRESET = "youtube-1080p"


def preset_names() -> list[str]:
    return list(PRESETS)


def get_preset(name: str) -> Preset:
    """The preset called `name`; NotFoundError listing the names otherwise."""
    try:
        return PRESETS[name]
    except KeyError:
        names = ", ".join(PRESETS)
        raise NotFoundError(f"There is no export preset called {name!r}.", f"Choose one of: {names}.") from None
