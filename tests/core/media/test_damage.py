"""Damaged clips on real files: data cut off or bytes flipped (a warning naming the time), a garbled index
(refused as damaged, never 'audio only'), and no false alarm on any good test clip."""

from __future__ import annotations

from pathlib import Path

import av
import pytest

from introstudio.core.errors import MediaError
from introstudio.core.jobs import run_job
from introstudio.core.media.damage import scan_damage
from introstudio.core.media.importing import check_importable, check_importable_job
from introstudio.core.media.testmedia import make_clip
from introstudio.core.media.tools import run_ffmpeg

GOOD_CLIPS = ["cfr", "rot90", "rot180", "vfr", "ntsc", "tenbit", "silent", "odd", "cfr.mkv"]  # conftest.CLIPS


@pytest.fixture(scope="module")
def faststart(tmp_path_factory) -> Path:
    """A 4 s clip with its index (moov) before the data, as phones and cameras often write it."""
    folder = tmp_path_factory.mktemp("damage")
    plain = make_clip(folder / "plain.mp4", seconds=4.0, size=(320, 240))
    out = folder / "faststart.mp4"
    run_ffmpeg(["-y", "-i", str(plain), "-c", "copy", "-movflags", "+faststart", str(out)])
    data = out.read_bytes()
    assert data.find(b"moov") < data.find(b"mdat")
    return out


def _packets(path: Path) -> list[tuple[str, float, int, int]]:
    """(stream type, seconds, byte offset, size) of every packet, read from the intact file."""
    with av.open(str(path)) as container:
        return [(p.stream.type, float(p.pts * p.time_base), p.pos, p.size)
                for p in container.demux() if p.pts is not None and p.pos is not None and p.pos >= 0]


def test_data_cut_at_60_percent_warns_with_the_time(faststart, tmp_path):
    data = faststart.read_bytes()
    keep = int(len(data) * 0.6)
    cut = tmp_path / "cut at 60.mp4"
    cut.write_bytes(data[:keep])
    # The first packet the cut reaches, worked out from the intact file's own packet table.
    expected = min(t for _kind, t, pos, size in _packets(faststart) if pos + size > keep)

    info, quick = check_importable(cut)  # the quick check still sees a whole, good clip
    assert quick == [] and info.duration == pytest.approx(4.0, abs=0.1)
    _info, warnings = run_job(check_importable_job(cut))
    assert len(warnings) == 1
    assert "cut off at" in warnings[0] and cut.name in warnings[0]
    said = float(warnings[0].split("cut off at ")[1].split(" s")[0])
    assert said == pytest.approx(expected, abs=0.1)


def test_bytes_damaged_in_the_middle_warn_with_the_time(faststart, tmp_path):
    """Zeroed bytes inside the frame two seconds in (decoders miss some single flips: see damage.py)."""
    video = [p for p in _packets(faststart) if p[0] == "video" and p[3] > 64]
    _kind, when, pos, size = min(video, key=lambda p: abs(p[1] - 2.0))  # the frame two seconds in
    data = bytearray(faststart.read_bytes())
    middle = pos + size // 2
    data[middle:middle + 16] = bytes(16)
    flipped = tmp_path / "flipped.mp4"
    flipped.write_bytes(bytes(data))

    damage = run_job(scan_damage(flipped, 4.0))
    assert damage is not None and damage.cut_at is None and damage.error_stream == "video"
    assert damage.first_error == pytest.approx(when, abs=0.05)
    _info, warnings = run_job(check_importable_job(flipped))
    assert f"damaged at {when:.1f} s" in warnings[0] and "trim" in warnings[0]


def _garble(src: Path, dest: Path, marker: bytes, length: int = 8) -> Path:
    """Overwrite the header of the first box named `marker` (its size and type) with junk."""
    data = bytearray(src.read_bytes())
    at = data.find(marker) - 4
    assert at > 0
    data[at:at + length] = bytes((37 * i + 11) % 256 for i in range(length))
    dest.write_bytes(bytes(data))
    return dest


@pytest.mark.parametrize("marker", [b"hdlr", b"tkhd", b"stsd", b"moov", b"trak"])
def test_garbled_index_is_damaged_not_audio_only(faststart, tmp_path, marker):
    bad = _garble(faststart, tmp_path / f"garbled {marker.decode()}.mp4", marker)
    with pytest.raises(MediaError) as info:
        check_importable(bad)
    message = info.value.message
    assert "damaged" in message and "index" in message and bad.name in message
    assert "audio only" not in message and "no video or audio" not in message
    assert "copy it again" in info.value.hint.lower()


@pytest.mark.parametrize("name", GOOD_CLIPS)
def test_good_clips_have_no_damage(clip, name):
    path = clip(name)
    _info, warnings = run_job(check_importable_job(path))
    assert not any("damaged" in w or "cut off" in w for w in warnings), warnings


def test_scan_reports_progress_with_the_file_name(tmp_path):
    path = make_clip(tmp_path / "long.mp4", seconds=6.0, size=(160, 120))
    steps = []
    assert run_job(scan_damage(path, 6.0), on_progress=steps.append) is None
    assert len(steps) >= 2 and all("long.mp4" in s.message for s in steps)
    assert [s.fraction for s in steps] == sorted(s.fraction for s in steps)
