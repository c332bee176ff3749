"""RenderPlan: every fact the export graph needs, decided once from the project (graphics drawn, captions written).

`plan_render` is the only step that touches files (it draws the cards into a work folder); the graph
builder then works from the plan alone, so tests can build plans by hand with plain PNG paths.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from introstudio.core.captions.cues import Cue
from introstudio.core.errors import InvalidInputError, MediaError, UserError
from introstudio.core.render.presets import Preset

if TYPE_CHECKING:
    from introstudio.core.media.probe import MediaInfo
    from introstudio.core.project.model import Clinician
    from introstudio.core.project.store import ProjectFolder
    from introstudio.core.render.brandkit import BrandKit
    from introstudio.core.render.cards import EndCardSpec, LowerThirdSpec, TitleCardSpec

STANDARD_RATES: tuple[Fraction, ...] = (Fraction(24000, 1001), Fraction(24), Fraction(25), Fraction(30000, 1001),
                                        Fraction(30), Fraction(50), Fraction(60000, 1001), Fraction(60))
DEFAULT_FPS = Fraction(30)
LOWER_THIRD_DEFAULT_START = 1.0  # seconds into the footage when there are no captions to find speech by
LOWER_THIRD_MIN_SECONDS = 1.0
# YouTube/EBU ask for <= -1 dBTP in the delivered file; AAC encoding overshoots the filtered peak by up to
# ~0.5 dB (measured: -0.9 dBTP on the sample with a -1.0 target), so loudnorm aims half a dB lower.
TARGET_TRUE_PEAK = -1.5
# loudnorm keeps the linear (gain-only) mode only when the measured LRA is within the target LRA; speech
# often measures 8-15 LU, so a wide target keeps the natural dynamics instead of falling back to compression.
TARGET_LRA = 20.0


@dataclass(frozen=True)
class Card:
    """A full-frame still (PNG at the output size) held for `seconds`."""

    image: Path
    seconds: float


@dataclass(frozen=True)
class LowerThird:
    """The lower third: an RGBA image placed at (x, y), shown from `start` to `end` s of the main footage."""

    image: Path
    x: int
    y: int
    start: float
    end: float
    fade: float = 0.3


@dataclass(frozen=True)
class LoudnormMeasure:
    """What loudnorm pass 1 measured on the take's audio."""

    input_i: float
    input_tp: float
    input_lra: float
    input_thresh: float
    target_offset: float

    @classmethod
    def from_report(cls, report: dict[str, Any]) -> LoudnormMeasure | None:
        """From `parse_loudnorm`'s dict; None when the audio is silent (nothing to normalise)."""
        try:
            values = {k: float(report[k]) for k in ("input_i", "input_tp", "input_lra", "input_thresh",
                                                    "target_offset")}
        except (KeyError, TypeError, ValueError):
            return None
        if not all(abs(v) != float("inf") for v in values.values()) or values["input_i"] < -60:
            return None
        return cls(**values)


@dataclass(frozen=True)
class RenderPlan:
    """One export, fully decided: source and trim, source facts, output format, graphics, loudness."""

    source: Path
    trim_in: float
    trim_out: float
    source_fps: float
    source_vfr: bool
    source_has_audio: bool
    source_rotation: int
    source_size: tuple[int, int]  # upright display size
    source_bit_depth: int
    preset: Preset
    fps: Fraction  # constant output frame rate
    output: Path
    title: Card | None = None
    lower_third: LowerThird | None = None
    captions_ass: Path | None = None
    fonts_dir: Path | None = None
    end: Card | None = None
    loudness: LoudnormMeasure | None = None
    target_lufs: float = -14.0
    target_tp: float = TARGET_TRUE_PEAK
    target_lra: float = TARGET_LRA
    source_color_matrix: str = "bt709"  # the scale filter's in_color_matrix for the take
    source_full_range: bool = False

    @property
    def main_seconds(self) -> float:
        return self.trim_out - self.trim_in

    @property
    def title_seconds(self) -> float:
        return self.title.seconds if self.title else 0.0

    @property
    def end_seconds(self) -> float:
        return self.end.seconds if self.end else 0.0

    @property
    def duration(self) -> float:
        """Expected length of the exported clip in seconds."""
        return self.title_seconds + self.main_seconds + self.end_seconds


_MATRICES = {1: "bt709", 4: "fcc", 5: "bt470", 6: "smpte170m", 7: "smpte240m", 9: "bt2020", 10: "bt2020"}


def source_colour(path: Path, width: int, height: int) -> tuple[str, bool]:
    """(YCbCr matrix, full range?) of a take from its tags; untagged HD is BT.709, untagged SD BT.601.

    Knowing it lets the scale filter pass HD footage through untouched (bt709 in = bt709 out) instead of
    converting it as if it were BT.601, which costs a colour conversion per frame and shifts hues.
    """
    import av

    guess = "bt709" if max(width, height) >= 1280 or min(width, height) >= 720 else "smpte170m"
    try:
        with av.open(str(path)) as container:
            cc = container.streams.video[0].codec_context
            space, full = int(cc.colorspace or 2), int(cc.color_range or 0) == 2
            full = full or str(cc.pix_fmt or "").startswith("yuvj")
    except (av.FFmpegError, OSError, IndexError, ValueError):
        return guess, False
    return _MATRICES.get(space, guess), full


def output_fps(source_fps: float, vfr: bool, fps_max: float) -> Fraction:
    """A standard constant rate near the source's (integer rates for VFR phone video), at most `fps_max`."""
    if not source_fps or source_fps <= 0:
        rate = DEFAULT_FPS
    else:
        candidates = [r for r in STANDARD_RATES if not vfr or r.denominator == 1]
        rate = min(candidates, key=lambda r: abs(float(r) - source_fps) / float(r))
    while float(rate) > fps_max + 0.01:
        rate /= 2
    return rate


def shift_cues(cues: Sequence[Cue], start: float, end: float, offset: float = 0.0) -> list[Cue]:
    """Cues of the source seen through a trim [start, end], moved to start at `offset` in the output."""
    shifted = []
    for cue in cues:
        a, b = max(cue.start, start), min(cue.end, end)
        if b - a < 0.05:
            continue
        shifted.append(Cue(round(a - start + offset, 3), round(b - start + offset, 3), cue.lines, cue.flags,
                           cue.settings))
    return shifted


def lower_third_window(cues: Sequence[Cue], main_seconds: float, seconds: float) -> tuple[float, float] | None:
    """(start, end) in the main footage: from the first caption (speech), else 1 s in; None if too short."""
    start = cues[0].start if cues else LOWER_THIRD_DEFAULT_START
    start = max(0.0, min(start, main_seconds - LOWER_THIRD_MIN_SECONDS - 0.2))
    end = min(start + seconds, main_seconds - 0.2)
    if end - start < LOWER_THIRD_MIN_SECONDS:
        return None
    return round(start, 3), round(end, 3)


def plan_render(pf: ProjectFolder, preset: Preset, out_path: Path, burn_captions: bool, work_dir: Path,
                info: MediaInfo | None = None) -> RenderPlan:
    """Decide the export of the project's current take: draw the graphics into `work_dir`, write the ASS.

    `info` is the take's MediaInfo when the caller already probed it.
    """
    from introstudio.core.media.probe import probe
    from introstudio.core.render import cards
    from introstudio.core.render.ass import write_ass
    from introstudio.core.render.brandkit import load_brand_kit

    project = pf.project
    take = project.current_take()
    if take is None:
        raise UserError("This project has no footage yet.", "Import a take with `introstudio import DIR FILE`.")
    source = pf.resolve(take.file)
    info = info or probe(source)
    if info.video is None:
        raise MediaError(f'"{source.name}" has no video stream.', "Import a video take.")
    trim_in = max(0.0, float(take.trim_in or 0.0))
    trim_out = float(take.trim_out) if take.trim_out is not None else float(info.duration)
    trim_out = min(trim_out, float(info.duration)) if info.duration else trim_out
    if trim_out - trim_in < 0.5:
        raise UserError(f"Take {take.id} is trimmed to {max(0.0, trim_out - trim_in):.2f} s, too short to export.",
                        "Move the trim points further apart (at least half a second).")
    design = project.design
    if not -70 <= float(design.loudness_target) <= -5:
        raise InvalidInputError(f"The loudness target {design.loudness_target:g} LUFS is out of range.",
                                "Use -14 (YouTube and most streaming), -16 or -23 (EBU R128 broadcast).")
    kit = load_brand_kit(design.brand_kit)
    size = preset.size
    work_dir = Path(work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    main_seconds = trim_out - trim_in
    video = info.video
    fps = output_fps(video.fps, video.variable_frame_rate, preset.fps_max)

    def whole_frames(seconds: float) -> float:
        """Card lengths in whole frames, so sidecar captions line up with the picture exactly."""
        return round(float(max(1, round(seconds * fps)) / fps), 6)

    title = end = lower = None
    title_spec, lower_spec, end_spec = card_specs(project.clinician, kit)
    if design.title_card:
        image = cards.draw_title_card(title_spec, kit, size)
        title = Card(_save(image, work_dir / "title.png"), whole_frames(kit.title_card_seconds))
    if design.end_card:
        image = cards.draw_end_card(end_spec, kit, size)
        end = Card(_save(image, work_dir / "end.png"), whole_frames(kit.end_card_seconds))
    track = project.captions_for(take.id)
    cues = shift_cues(track.cues, trim_in, trim_out) if track else []
    window = lower_third_window(cues, main_seconds, float(kit.lower_third_seconds)) if design.lower_third else None
    if window is not None:
        image = cards.draw_lower_third(lower_spec, kit, size)
        lower = _lower_third(image, work_dir / "lower_third.png", window)
    ass = None
    if burn_captions and cues:
        ass = work_dir / "captions.ass"
        write_ass(cues, ass, kit, size, avoid=[window] if window else [])
    matrix, full_range = source_colour(source, int(video.display_width), int(video.display_height))
    return RenderPlan(
        source=Path(os.path.abspath(source)), trim_in=round(trim_in, 3), trim_out=round(trim_out, 3),
        source_fps=float(video.fps), source_vfr=bool(video.variable_frame_rate),
        source_has_audio=info.audio is not None, source_rotation=int(video.rotation),
        source_size=(int(video.display_width), int(video.display_height)), source_bit_depth=int(video.bit_depth),
        preset=preset, fps=fps, output=Path(out_path),
        title=title, lower_third=lower, captions_ass=ass, fonts_dir=kit.fonts_dir if ass else None, end=end,
        target_lufs=float(design.loudness_target), source_color_matrix=matrix, source_full_range=full_range,
    )


def name_line(clinician: Clinician) -> str:
    """'Dr. Maria Lopez, MD, PhD': title, name and credentials as the cards show them."""
    name = " ".join(x for x in (clinician.title.strip(), clinician.name.strip()) if x)
    return ", ".join(x for x in (name, clinician.credentials.strip()) if x)


def card_specs(clinician: Clinician, kit: BrandKit) -> tuple[TitleCardSpec, LowerThirdSpec, EndCardSpec]:
    """(TitleCardSpec, LowerThirdSpec, EndCardSpec) for a clinician; the kit fills what the profile lacks."""
    from introstudio.core.render.cards import EndCardSpec, LowerThirdSpec, TitleCardSpec

    c = clinician
    organisation = c.organisation.strip() or kit.organisation
    line = name_line(c)
    title = TitleCardSpec(line, c.specialty.strip(), c.department.strip(), organisation)
    lower = LowerThirdSpec(line, " \u00b7 ".join(x for x in (c.specialty.strip(), c.department.strip()) if x))
    end = EndCardSpec.from_kit(kit, phone=c.phone.strip(), web=c.web_page.strip(), organisation=organisation)
    return title, lower, end


def _save(image: Any, path: Path) -> Path:
    """Save a card as an RGB(A) PNG (fast compression: ffmpeg reads it once per frame)."""
    image.save(path, format="PNG", compress_level=1)
    return path


def _lower_third(image: Any, path: Path, window: tuple[float, float]) -> LowerThird:
    """Crop the full-frame RGBA lower third to its visible part, so the overlay blends a small image."""
    rgba = image.convert("RGBA")
    box = rgba.getchannel("A").getbbox() or (0, 0, rgba.width, rgba.height)
    left, top = box[0] - box[0] % 2, box[1] - box[1] % 2  # even offsets keep 4:2:0 chroma aligned
    right, bottom = min(rgba.width, box[2] + box[2] % 2), min(rgba.height, box[3] + box[3] % 2)
    _save(rgba.crop((left, top, right, bottom)), path)
    return LowerThird(path, left, top, window[0], window[1])
