"""Raw recordings to takes without Qt: remux, recovery of a file a crash cut short, and lock files."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from introstudio.core.errors import MediaError
from introstudio.core.jobs import run_job
from introstudio.core.media import recording
from introstudio.core.media.importing import check_importable
from introstudio.core.media.recording import (
    INTERRUPTED,
    RAW_PREFIX,
    RecordingLock,
    interrupted_recordings,
    lock_path,
    new_raw_path,
    recover_recordings,
    save_recording,
)
from introstudio.core.media.tools import run_ffmpeg
from introstudio.core.project.model import Clinician, Script
from introstudio.core.project.store import create_project, open_project

SECONDS = 4.0
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def pf(tmp_path):
    return create_project(tmp_path / "project", Clinician(name="Dr. Ada Byron"), Script(free_text="Hello."))


@pytest.fixture(scope="module")
def whole_mkv(tmp_path_factory) -> bytes:
    """What the recorder writes: MPEG-4 Part 2 + FLAC in Matroska, 25 fps, as bytes."""
    out = tmp_path_factory.mktemp("recording") / "whole.mkv"
    run_ffmpeg(["-f", "lavfi", "-i", f"testsrc2=size=320x240:rate=25:duration={SECONDS:g}",
                "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={SECONDS:g}",
                "-c:v", "mpeg4", "-q:v", "5", "-c:a", "flac", "-f", "matroska", str(out)], timeout=60)
    return out.read_bytes()


def raw_in(pf, data: bytes, name: str = "20260101-000000-abcdef") -> Path:
    raw = pf.media_dir / f"{RAW_PREFIX}{name}.mkv"
    raw.parent.mkdir(parents=True, exist_ok=True)
    raw.write_bytes(data)
    return raw


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def write_lock(raw: Path, pid: int, host: str | None = None) -> Path:
    """A lock file as QLockFile (and RecordingLock) lays it out: pid, application, host name."""
    lock = lock_path(raw)
    lock.write_text(f"{pid}\nintrostudio\n{host or socket.gethostname()}\n")
    return lock


def hidden(pf) -> list[str]:
    return sorted(p.name for p in pf.media_dir.iterdir() if p.name.startswith("."))


# --- from raw file to take ---------------------------------------------------------------------------

def test_a_finished_recording_becomes_a_take(pf, whole_mkv):
    raw = raw_in(pf, whole_mkv)
    take = run_job(save_recording(pf, raw, trim_in=60.0))
    file = pf.resolve(take.file)
    assert file.name == "take-20260101-000000.mkv" and take.source == "recorded" and take.warnings == []
    info, _ = check_importable(file)
    assert info.duration == pytest.approx(SECONDS, abs=0.1) and info.video.fps == 25
    assert info.video.codec == "mpeg4" and info.audio.codec == "flac"
    assert take.trim_in == pytest.approx(info.duration - 1.0, abs=0.001)  # clamped: a second stays
    assert not raw.exists() and hidden(pf) == []
    assert open_project(pf.folder).project.takes[0].file == take.file


def test_a_matroska_file_cut_short_is_recovered(pf, whole_mkv):
    raw = raw_in(pf, whole_mkv[: len(whole_mkv) * 6 // 10])  # a crash: no cues, a cluster cut mid-way
    lock = write_lock(raw, dead_pid())
    assert interrupted_recordings(pf.media_dir) == [raw]
    assert not lock.exists()  # the stale lock went
    progress = []
    takes, problems = run_job(recover_recordings(pf, [raw]), progress.append)
    assert problems == [] and len(takes) == 1 and progress[-1].fraction == 1.0
    take = takes[0]
    assert take.source == "recovered" and take.warnings[0] == INTERRUPTED
    info, _ = check_importable(pf.resolve(take.file))
    assert 1.0 < info.duration < SECONDS and info.video.fps == 25 and info.audio is not None
    assert hidden(pf) == [] and interrupted_recordings(pf.media_dir) == []
    assert open_project(pf.folder).project.takes[0].source == "recovered"


def test_unusable_recordings_are_kept_aside_not_lost(pf, whole_mkv):
    empty = raw_in(pf, b"", "20260101-000000-aaaaaa")
    with pytest.raises(MediaError, match="empty"):
        run_job(save_recording(pf, empty))
    assert not empty.exists()  # nothing to keep
    garbage = raw_in(pf, b"not a video" * 100, "20260101-000001-bbbbbb")
    short = raw_in(pf, whole_mkv[:20_000], "20260101-000002-cccccc")  # a crash right after the start
    takes, problems = run_job(recover_recordings(pf, [garbage, short]))
    assert takes == [] and "unreadable-recording-20260101-000001.mkv" in problems[0]
    assert "too short" in problems[1] and "unusable-recording-20260101-000002.mkv" in problems[1]
    assert len(list(pf.media_dir.glob("un*-recording-*.mkv"))) == 2 and hidden(pf) == []
    assert pf.project.takes == [] and interrupted_recordings(pf.media_dir) == []


# --- lock files ---------------------------------------------------------------------------------------

def test_new_raw_paths_are_hidden_unique_and_found(pf):
    a, b = new_raw_path(pf.media_dir), new_raw_path(pf.media_dir)
    assert a != b and a.name.startswith(RAW_PREFIX) and a.suffix == ".mkv" and a.parent == pf.media_dir


def test_a_stale_lock_from_a_dead_pid_is_stale(pf):
    raw = raw_in(pf, b"x")
    lock = write_lock(raw, dead_pid())
    assert interrupted_recordings(pf.media_dir) == [raw] and not lock.exists()
    write_lock(raw, dead_pid())
    held = RecordingLock.acquire(raw)  # a new recorder may take a stale lock over
    assert held.held and lock.read_text().split("\n")[0] == str(os.getpid())
    held.release()


def test_a_lock_held_in_this_process_is_live_until_released(pf):
    raw = raw_in(pf, b"x")
    held = RecordingLock.acquire(raw)
    lines = lock_path(raw).read_text().splitlines()
    assert lines == [str(os.getpid()), "introstudio", socket.gethostname()]  # QLockFile's layout
    assert interrupted_recordings(pf.media_dir) == []
    with pytest.raises(MediaError, match="Cannot lock"):
        RecordingLock.acquire(raw)
    held.release()
    held.release()  # a second release does nothing
    assert not lock_path(raw).exists() and interrupted_recordings(pf.media_dir) == [raw]


def test_a_lock_held_by_a_process_that_is_killed_becomes_stale(pf):
    raw = raw_in(pf, b"x")
    code = ("import sys; from pathlib import Path; from introstudio.core.media.recording import RecordingLock\n"
            "lock = RecordingLock.acquire(Path(sys.argv[1])); print('locked', flush=True); sys.stdin.read()")
    child = subprocess.Popen([sys.executable, "-c", code, str(raw)], cwd=ROOT, text=True,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "locked"
        assert interrupted_recordings(pf.media_dir) == []  # another live recorder
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
    assert lock_path(raw).exists()  # killed: nothing cleaned up
    assert interrupted_recordings(pf.media_dir) == [raw] and not lock_path(raw).exists()


@pytest.mark.skipif(os.name == "nt", reason="Windows locks by open handle, not flock")
def test_a_lock_file_still_being_written_is_not_stale(pf):
    raw = raw_in(pf, b"x")
    lock_path(raw).write_bytes(b"")  # created, pid not written yet
    assert interrupted_recordings(pf.media_dir) == []
    old = time.time() - 60
    os.utime(lock_path(raw), (old, old))  # empty for a minute: its writer is gone
    assert interrupted_recordings(pf.media_dir) == [raw]


@pytest.mark.skipif(os.name == "nt", reason="Windows locks by open handle, not flock")
def test_without_flock_the_pid_and_host_decide(pf, monkeypatch):
    monkeypatch.setattr(recording, "_try_flock", lambda fd, wait=False: None)  # e.g. a network share
    raw = raw_in(pf, b"x")
    write_lock(raw, os.getpid())
    assert interrupted_recordings(pf.media_dir) == []  # this process is alive
    write_lock(raw, dead_pid(), host="another-machine")
    assert interrupted_recordings(pf.media_dir) == []  # cannot tell: leave it alone
    write_lock(raw, dead_pid())
    assert interrupted_recordings(pf.media_dir) == [raw]
