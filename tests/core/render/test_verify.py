"""The decode check an export passes before it is kept: damage, cuts, missing streams and wrong lengths."""

from __future__ import annotations

from pathlib import Path

import pytest

from introstudio.core.errors import MediaError
from introstudio.core.jobs import run_job
from introstudio.core.media.testmedia import make_clip
from introstudio.core.media.tools import run_ffmpeg
from introstudio.core.render.verify import decode_all, verify_video

SECONDS = 3.0


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    """A 3 s H.264 + AAC MP4 with the index first, as exports are written (+faststart)."""
    folder = tmp_path_factory.mktemp("verify")
    clip = make_clip(folder / "clip.mp4", seconds=SECONDS, size=(320, 240))
    out = folder / "good.mp4"
    run_ffmpeg(["-y", "-i", str(clip), "-c", "copy", "-movflags", "+faststart", str(out)])
    return out


def damaged(good: Path, tmp_path: Path, how: str) -> Path:
    data = bytearray(good.read_bytes())
    mdat = data.find(b"mdat") + 4
    if how == "truncated":
        data = data[: mdat + (len(data) - mdat) * 2 // 3]
    else:  # bit-flipped: 12 runs of 48 inverted bytes spread over the media data
        for k in range(12):
            start = mdat + (len(data) - mdat) * (k + 2) // 15
            data[start:start + 48] = bytes(b ^ 0xFF for b in data[start:start + 48])
    out = tmp_path / f"{how}.mp4"
    out.write_bytes(bytes(data))
    return out


def test_a_good_export_decodes_with_every_stream_at_full_length(good):
    report = run_job(verify_video(good, SECONDS, need_audio=True))
    assert report.errors == 0 and report.messages == ()
    assert [s.kind for s in report.streams] == ["video", "audio"]
    video, audio = report.first("video"), report.first("audio")
    assert video.frames == video.packets == 75  # 3 s at 25 fps, every frame decoded
    assert abs(video.end - SECONDS) < 0.05 and abs(audio.end - SECONDS) < 0.05


def test_a_truncated_export_is_refused_saying_what_is_wrong(good, tmp_path):
    with pytest.raises(MediaError) as error:
        run_job(verify_video(damaged(good, tmp_path, "truncated"), SECONDS, need_audio=True, what="The export"))
    message = error.value.message
    assert message.startswith("The export truncated.mp4 is damaged:") and "It was not kept." in message
    assert "video stream lasts" in message and f"not {SECONDS:.2f} s" in message
    assert "Export again" in error.value.hint


def test_a_bit_flipped_export_has_decode_errors(good, tmp_path):
    flipped = damaged(good, tmp_path, "flipped")
    report = run_job(decode_all(flipped, SECONDS))
    assert report.errors > 0 and report.messages
    with pytest.raises(MediaError, match=r"flipped\.mp4 is damaged: \d+ decode error\(s\) \(first: "):
        run_job(verify_video(flipped, SECONDS, need_audio=True))


def test_wrong_length_and_missing_audio_are_refused(good, tmp_path):
    with pytest.raises(MediaError, match=r"video stream lasts 3\.00 s, not 9\.00 s"):
        run_job(verify_video(good, 9.0, need_audio=True))
    with pytest.raises(MediaError, match=r"damaged: its video stream lasts 3\.00 s, not 3\.30 s\. It was"):
        run_job(verify_video(good, 3.3, need_audio=True))  # whole packets missing at the end: no decode error
    silent = make_clip(tmp_path / "silent.mp4", seconds=SECONDS, size=(160, 120), audio=False)
    run_job(verify_video(silent, SECONDS, need_audio=False))
    with pytest.raises(MediaError, match="it has no audio stream"):
        run_job(verify_video(silent, SECONDS, need_audio=True))


def test_a_file_that_is_not_a_video_cannot_be_read(tmp_path):
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"\0" * 4096)
    with pytest.raises(MediaError, match="junk.mp4 cannot be read as a video"):
        run_job(verify_video(junk, SECONDS, need_audio=True))
