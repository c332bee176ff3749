"""Probing real files made by the bundled ffmpeg: size, rate, rotation, VFR, bit depth, round trips."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from introstudio.core.errors import MediaError
from introstudio.core.media import probe as probe_mod
from introstudio.core.media.probe import MediaInfo, probe
from introstudio.core.media.tools import run_ffmpeg


def test_constant_rate_clip_with_audio(clip):
    info = probe(clip("cfr"))
    assert info.duration == pytest.approx(2.0, abs=0.1)
    assert "mp4" in info.container
    assert info.size_bytes == clip("cfr").stat().st_size
    v = info.video
    assert v is not None
    assert (v.codec, v.width, v.height) == ("h264", 320, 240)
    assert (v.display_width, v.display_height, v.rotation) == (320, 240, 0)
    assert v.fps == pytest.approx(25.0)
    assert v.variable_frame_rate is False
    assert (v.pix_fmt, v.bit_depth, v.frames) == ("yuv420p", 8, 50)
    assert info.audio is not None
    assert (info.audio.codec, info.audio.sample_rate, info.audio.channels) == ("aac", 48000, 1)


@pytest.mark.parametrize(
    ("name", "rotation", "display"), [("rot90", 90, (240, 320)), ("rot180", 180, (320, 240)), ("rot270", 270, (240, 320))]
)
def test_rotation_comes_from_the_display_matrix(clip, name, rotation, display):
    v = probe(clip(name)).video
    assert v is not None
    assert (v.width, v.height) == (320, 240)  # stored pixels are not turned
    assert v.rotation == rotation
    assert (v.display_width, v.display_height) == display


def test_variable_frame_rate_is_detected(clip):
    info = probe(clip("vfr"))
    assert info.video is not None and info.video.variable_frame_rate is True
    assert info.video.fps == pytest.approx(25 * 2 / 3, abs=0.5)  # every third frame dropped
    assert info.duration == pytest.approx(3.0, abs=0.1)


@pytest.mark.parametrize("name", ["cfr", "ntsc", "cfr.mkv", "ntsc.mkv"])
def test_constant_rate_is_not_flagged(clip, name):
    """Including 29.97 fps in MKV's 1 ms time base, where frame intervals round to 33 and 34 ms."""
    v = probe(clip(name)).video
    assert v is not None and v.variable_frame_rate is False
    assert v.fps == pytest.approx(29.97 if name.startswith("ntsc") else 25.0, abs=0.01)


def test_b_frames_in_mpeg_ts_are_not_mistaken_for_vfr(tmp_path):
    """Packets arrive in decode order; a sample cut mid-GOP must not read as a dropped frame."""
    out = tmp_path / "camcorder.ts"
    source = "testsrc2=size=160x120:rate=25:duration=6"
    run_ffmpeg(["-f", "lavfi", "-i", source, "-c:v", "libx264", "-preset", "fast", "-bf", "3", out])
    v = probe(out).video
    assert v is not None and v.variable_frame_rate is False and v.fps == pytest.approx(25.0)


def test_ten_bit_and_odd_sizes(clip):
    ten = probe(clip("tenbit")).video
    assert ten is not None and (ten.pix_fmt, ten.bit_depth) == ("yuv420p10le", 10)
    odd = probe(clip("odd")).video
    assert odd is not None and (odd.width, odd.height) == (321, 241)


def test_cover_art_is_not_video(bad_corpus):
    info = probe(bad_corpus["audio_with_cover"])
    assert info.video is None
    assert info.audio is not None and info.audio.codec == "mp3"  # the codec, not the decoder 'mp3float'


def test_silent_clip_has_no_audio(clip):
    assert probe(clip("silent")).audio is None


@pytest.mark.parametrize("name", ["cfr", "rot90", "vfr"])
def test_to_dict_round_trips_exactly_through_json(clip, name):
    info = probe(clip(name))
    text = json.dumps(info.to_dict())
    again = MediaInfo.from_dict(json.loads(text))
    assert again == info
    assert again.to_dict() == info.to_dict()


def test_audio_only_round_trips(bad_corpus):
    info = probe(bad_corpus["audio_only"])
    assert info.video is None
    assert MediaInfo.from_dict(json.loads(json.dumps(info.to_dict()))) == info


def test_not_media_raises_media_error(bad_corpus):
    with pytest.raises(MediaError, match="text file"):
        probe(bad_corpus["text_as_mp4"])


def test_timing_tolerates_time_base_rounding_but_not_dropped_frames():
    ms = Fraction(1, 1000)
    ntsc_in_ms = [round(i * 1000 * 1001 / 30000) for i in range(60)]
    assert probe_mod._timing(ntsc_in_ms, ms) == (False, pytest.approx(1 / 30, abs=0.002))
    dropped = [t for i, t in enumerate(ntsc_in_ms) if i % 10 != 5]
    assert probe_mod._timing(dropped, ms)[0] is True
    assert probe_mod._timing([0, 40, 80], ms) == (False, None)  # too few to judge
