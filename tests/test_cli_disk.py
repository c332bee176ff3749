"""A read-only folder and a full small filesystem (real tmpfs mounts): saving, importing, captions and export
say which folder and what to do (exit 2), never 'This is a bug'; captions stop before Whisper runs."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from introstudio.core.errors import DiskError
from introstudio.core.media.testmedia import make_clip


def _mount(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["mount", *args], capture_output=True, text=True, timeout=30, check=False)


@pytest.fixture
def small_fs(tmp_path):
    """A 3 MB tmpfs of our own (needs root and a system that allows mounting; skipped otherwise)."""
    if os.name != "posix" or shutil.which("mount") is None:
        pytest.skip("no mount command on this system")
    where = tmp_path / "drive"
    where.mkdir()
    r = _mount("-t", "tmpfs", "-o", "size=3m", "tmpfs", str(where))
    if r.returncode != 0:
        pytest.skip(f"cannot mount a small filesystem here (needs root, and a container that allows it): "
                    f"{r.stderr.strip()}")
    yield where
    _mount("-o", "remount,rw", str(where))
    subprocess.run(["umount", "-l", str(where)], capture_output=True, timeout=30, check=False)


@pytest.fixture
def project_on(small_fs, cli, tmp_path):
    """A project with one take and its captions file on the small filesystem; returns (project, clip)."""
    script = tmp_path / "script.txt"
    script.write_text("Hello, I am Sam Lee.\n", encoding="utf-8")
    clip = make_clip(tmp_path / "take.mp4", seconds=2.0, size=(160, 120))
    project = small_fs / "sam"
    assert cli("new", project, "--name", "Sam Lee", "--script-file", script).code == 0
    r = cli("import", project, clip)
    assert r.code == 0, r.err
    srt = tmp_path / "take.srt"
    srt.write_text("1\n00:00:00,000 --> 00:00:01,500\nHello, I am Sam Lee.\n", encoding="utf-8")
    return project, clip, srt


def _fill(folder: Path) -> None:
    """Write until the drive is full (ENOSPC), as a long recording or another program would."""
    with open(folder / "filler.bin", "wb") as fh:
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC


def _commands(project: Path, clip: Path, srt: Path) -> dict[str, list]:
    return {
        "import": ["import", project, clip],
        "captions": ["captions", project],
        "captions import (a save)": ["captions", "import", project, srt],
        "render": ["render", project],
        "new": ["new", project.parent / "another", "--name", "Ana Kim", "--script-file", srt],
    }


def _check(r, words: str, folder: Path) -> None:
    assert r.code == 2, r.err
    assert words in r.err and str(folder) in r.err and "hint:" in r.err, r.err
    assert "bug" not in r.err.lower() and "Traceback" not in r.err
    assert "Transcribing" not in r.err  # captions refused before Whisper ran


def test_read_only_folder(project_on, small_fs, cli):
    project, clip, srt = project_on
    before = (project / "project.json").read_bytes()
    assert _mount("-o", "remount,ro", str(small_fs)).returncode == 0
    for command in _commands(project, clip, srt).values():
        r = cli(*command)
        _check(r, "read-only", small_fs)
    assert (project / "project.json").read_bytes() == before


def test_full_filesystem(project_on, small_fs, cli):
    project, clip, srt = project_on
    before = (project / "project.json").read_bytes()
    _fill(small_fs)
    for command in _commands(project, clip, srt).values():
        r = cli(*command)
        _check(r, "full", small_fs)
    assert (project / "project.json").read_bytes() == before
    json.loads(before)
    left = [p.name for p in project.rglob("*") if p.name.endswith((".tmp", ".part")) or "partial" in p.name]
    assert left == []


def test_full_filesystem_json_names_the_error(project_on, small_fs, cli):
    project, clip, _srt = project_on
    _fill(small_fs)
    r = cli("import", project, clip, "--json")
    err = json.loads(r.out)
    assert r.code == 2 and err["error"] == "DiskError" and str(project) in err["message"] and err["hint"]


def test_a_real_failed_save_in_the_app_and_a_worker_is_not_a_bug(project_on, small_fs):
    """The app's one error display and the background-process hop map a real EROFS the same way."""
    from introstudio.core.process_jobs import _portable
    from introstudio.gui.errors import describe

    project, _clip, _srt = project_on
    assert _mount("-o", "remount,ro", str(small_fs)).returncode == 0
    with pytest.raises(OSError) as info:
        (project / "notes.txt").write_text("x")
    message, hint, _details = describe(info.value)
    assert "read-only" in message and str(project) in message and "bug" not in hint.lower()
    carried = _portable(info.value)
    assert isinstance(carried, DiskError) and str(project) in carried.message


def test_import_larger_than_the_free_space_is_refused_before_copying(project_on, small_fs, cli, tmp_path):
    project, _clip, _srt = project_on
    big = make_clip(tmp_path / "long take.mp4", seconds=2.0, size=(160, 120))
    with open(big, "ab") as fh:  # padding after the MP4's last box, so it is bigger than what is left
        fh.write(b"\0" * 2_500_000)
    with open(small_fs / "filler.bin", "wb") as fh:
        fh.write(b"\0" * (shutil.disk_usage(small_fs).free - 600_000))
    r = cli("import", project, big)
    assert r.code == 2, r.err
    assert "nearly full" in r.err and "MB needed" in r.err and str(project) in r.err
    assert "Checking" not in r.err  # refused before the clip was decoded
    assert [p.name for p in (project / "media").iterdir()] == ["take.mp4"]
