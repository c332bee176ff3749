"""kill -9 during an import or a save leaves hidden temp files; the next import into the project removes them
(those of dead processes, and any untouched for an hour), never a live run's."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from introstudio.core.media.importing import sweep_import_leftovers
from introstudio.core.media.testmedia import make_clip
from introstudio.core.leftovers import DEAD_GRACE, STALE_AFTER
from introstudio.core.project.atomic import sweep_stale_temps

pytestmark = pytest.mark.skipif(os.name == "nt", reason="SIGKILL is POSIX")


def _killed(code: str) -> None:
    """Run `code` in a new Python that SIGKILLs itself at the marked moment; check it really died so."""
    r = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                       timeout=120, check=False)
    assert r.returncode == -9, r.stderr


def _age(path: Path, seconds: float) -> None:
    """Make `path` look untouched for `seconds` (the time a user waits before importing again)."""
    then = time.time() - seconds
    os.utime(path, (then, then))


def _kill_mid_copy(source: Path, media: Path) -> Path:
    _killed(f"""
        import os, signal
        from introstudio.core.media.importing import copy_into_project_job
        job = copy_into_project_job({str(source)!r}, {str(media)!r})
        next(job)  # the first chunk is copied into the hidden part file
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    parts = list(media.glob(".importing-*.part"))
    assert len(parts) == 1 and parts[0].stat().st_size > 0
    return parts[0]


def _kill_mid_save(folder: Path) -> Path:
    _killed(f"""
        import os, signal
        from pathlib import Path
        from introstudio.core.project import atomic
        def die(*args):
            os.kill(os.getpid(), signal.SIGKILL)
        atomic.os.replace = die  # the temp file is written and fsynced; die before the rename
        atomic.atomic_write_text(Path({str(folder / "project.json")!r}), "{{}}")
    """)
    temps = list(folder.glob(".project.json.*.tmp"))
    assert len(temps) == 1
    return temps[0]


@pytest.fixture(scope="module")
def big_clip(tmp_path_factory) -> Path:
    """Larger than one copy chunk (8 MB), so a kill after the first chunk leaves a partial copy."""
    path = tmp_path_factory.mktemp("src") / "take.mp4"
    make_clip(path, seconds=2.0, size=(160, 120))
    with open(path, "ab") as fh:  # padding after the MP4's last box; players ignore it
        fh.write(b"\0" * (9 * 1024 * 1024))
    return path


def test_killed_import_part_is_swept_once_its_process_is_gone(big_clip, tmp_path):
    media = tmp_path / "media"
    part = _kill_mid_copy(big_clip, media)
    assert sweep_import_leftovers(media) == []  # just died: could be another computer's live copy
    _age(part, DEAD_GRACE + 5)
    assert sweep_import_leftovers(media) == [part]
    assert not part.exists()


def test_live_and_foreign_parts_are_kept_until_an_hour(tmp_path):
    mine = tmp_path / f".importing-{os.getpid()}-{'a' * 32}.part"
    unmarked = tmp_path / f".importing-{'b' * 32}.part"  # an older IntroStudio's name: no process id
    user_file = tmp_path / ".importing-notes.part"  # not our pattern: never touched
    for path in (mine, unmarked, user_file):
        path.write_bytes(b"x")
        _age(path, DEAD_GRACE + 5)
    assert sweep_import_leftovers(tmp_path) == []
    for path in (mine, unmarked, user_file):
        _age(path, STALE_AFTER + 5)
    assert sorted(sweep_import_leftovers(tmp_path)) == sorted([mine, unmarked])
    assert user_file.exists()


def test_killed_save_temp_is_swept(tmp_path):
    temp = _kill_mid_save(tmp_path)
    _age(temp, DEAD_GRACE + 5)
    assert sweep_stale_temps(tmp_path) == [temp]
    assert list(tmp_path.iterdir()) == []


def test_next_cli_import_cleans_both(big_clip, tmp_path):
    home = tmp_path / "home"
    script = tmp_path / "script.txt"
    script.write_text("Hello, I am Sam.\n", encoding="utf-8")
    project = tmp_path / "p"
    exe = [sys.executable, "-m", "introstudio", "--home", str(home)]
    r = subprocess.run([*exe, "new", str(project), "--name", "Sam Lee", "--script-file", str(script)],
                       capture_output=True, text=True, timeout=120, check=False)
    assert r.returncode == 0, r.stderr
    part = _kill_mid_copy(big_clip, project / "media")
    temp = _kill_mid_save(project)
    for path in (part, temp):
        _age(path, DEAD_GRACE + 5)
    r = subprocess.run([*exe, "import", str(project), str(big_clip)], capture_output=True, text=True,
                       timeout=120, check=False)
    assert r.returncode == 0, r.stderr
    assert not part.exists() and not temp.exists()
    assert [p.name for p in (project / "media").iterdir()] == ["take.mp4"]
