"""Export presets follow YouTube's recommendations; frame-rate choice is standard and capped."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import pytest

from introstudio.core.errors import NotFoundError
from introstudio.core.render.plan import output_fps
from introstudio.core.render.presets import PRESETS, get_preset, preset_names


def test_names_and_lookup():
    assert preset_names() == ["youtube-1080p", "youtube-720p", "square", "vertical", "preview"]
    assert get_preset("square").size == (1080, 1080)
    assert get_preset("vertical").size == (1080, 1920)
    with pytest.raises(NotFoundError) as err:
        get_preset("4k")
    assert "youtube-1080p" in err.value.hint and "preview" in err.value.hint


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_is_youtube_safe(name):
    p = get_preset(name)
    assert (p.profile, p.pix_fmt, p.audio_rate) == ("high", "yuv420p", 48000)
    assert p.width % 2 == 0 and p.height % 2 == 0
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.width = 2  # type: ignore[misc]


def test_youtube_bitrates_at_30_and_60_fps():
    assert get_preset("youtube-1080p").rates_for(30)[0] == 8000
    assert get_preset("youtube-1080p").rates_for(Fraction(60000, 1001))[0] == 12000
    assert get_preset("youtube-720p").rates_for(25)[0] == 5000
    assert get_preset("youtube-720p").rates_for(50)[0] == 7500
    rate, maxrate, bufsize = get_preset("youtube-1080p").rates_for(30)
    assert rate <= maxrate <= bufsize
    assert get_preset("preview").rates_for(30) is None and get_preset("preview").crf is not None


def test_gop_is_half_the_frame_rate():
    p = get_preset("youtube-1080p")
    assert p.gop_for(30) == 15 and p.gop_for(60) == 30 and p.gop_for(25) == 12 and p.gop_for(1) == 1


def test_reframe():
    assert get_preset("youtube-1080p").reframe == "fit"
    assert get_preset("square").reframe == get_preset("vertical").reframe == "crop-center"


def test_invalid_preset_refused():
    with pytest.raises(ValueError):
        dataclasses.replace(get_preset("preview"), width=641)
    with pytest.raises(ValueError):
        dataclasses.replace(get_preset("preview"), video_bitrate=1000)  # both crf and bitrate


@pytest.mark.parametrize(
    ("source", "vfr", "cap", "expected"),
    [
        (29.97, False, 60, Fraction(30000, 1001)),
        (30.0, False, 60, Fraction(30)),
        (25.0, False, 60, Fraction(25)),
        (23.976, False, 60, Fraction(24000, 1001)),
        (59.94, False, 60, Fraction(60000, 1001)),
        (59.94, False, 30, Fraction(30000, 1001)),
        (50.0, False, 30, Fraction(25)),
        (120.0, False, 60, Fraction(60)),
        (28.7, True, 60, Fraction(30)),  # phone VFR: an integer rate
        (0.0, False, 60, Fraction(30)),
    ],
)
def test_output_fps(source, vfr, cap, expected):
    assert output_fps(source, vfr, cap) == expected
