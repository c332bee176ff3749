"""Finding ffmpeg and running one-shot jobs, with the real bundled binary."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

from introstudio.core.errors import ToolError
from introstudio.core.media import tools


@pytest.fixture
def no_bundled_ffmpeg(monkeypatch, tmp_path):
    """Hide imageio-ffmpeg, the env override and any ffmpeg on PATH."""
    monkeypatch.delenv(tools.ENV_FFMPEG, raising=False)
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    return empty


def test_bundled_ffmpeg_is_found_and_reports_a_version(monkeypatch):
    monkeypatch.delenv(tools.ENV_FFMPEG, raising=False)
    exe = Path(tools.ffmpeg_exe())
    assert exe.is_file() and os.access(exe, os.X_OK)
    assert re.search(r"\d+\.\d+", tools.ffmpeg_version())


def test_env_override_wins_and_a_bad_one_says_how_to_fix_it(monkeypatch, tmp_path):
    real = tools.ffmpeg_exe()
    monkeypatch.setenv(tools.ENV_FFMPEG, real)
    assert tools.ffmpeg_exe() == str(Path(real).resolve())
    monkeypatch.setenv(tools.ENV_FFMPEG, str(tmp_path / "no-such-ffmpeg"))
    with pytest.raises(ToolError) as info:
        tools.ffmpeg_exe()
    assert "not an executable" in info.value.message
    assert tools.ENV_FFMPEG in info.value.hint


def test_falls_back_to_ffmpeg_on_path(no_bundled_ffmpeg):
    fake = no_bundled_ffmpeg / "ffmpeg"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    assert tools.ffmpeg_exe() == str(fake)


def test_no_ffmpeg_anywhere_raises_with_install_hint(no_bundled_ffmpeg):
    with pytest.raises(ToolError) as info:
        tools.ffmpeg_exe()
    assert "not found" in info.value.message
    assert "pip install" in info.value.hint and "imageio-ffmpeg" in info.value.hint


def test_run_ffmpeg_writes_output(tmp_path):
    out = tmp_path / "tone.wav"
    result = tools.run_ffmpeg(["-y", "-f", "lavfi", "-i", "sine=duration=0.2", out])
    assert result.returncode == 0
    assert out.stat().st_size > 1000
    assert "-loglevel" in result.args and "-nostdin" in result.args


def test_run_ffmpeg_refuses_to_overwrite_silently(tmp_path):
    out = tmp_path / "tone.wav"
    tools.run_ffmpeg(["-f", "lavfi", "-i", "sine=duration=0.1", out])
    with pytest.raises(ToolError, match="did not overwrite") as info:
        tools.run_ffmpeg(["-f", "lavfi", "-i", "sine=duration=0.2", out])
    assert "-y" in info.value.hint
    tools.run_ffmpeg(["-y", "-f", "lavfi", "-i", "sine=duration=0.2", out])


def test_run_ffmpeg_failure_keeps_command_and_stderr(tmp_path):
    missing = tmp_path / "missing.mp4"
    with pytest.raises(ToolError) as info:
        tools.run_ffmpeg(["-i", missing, "-f", "null", "-"])
    err = info.value
    assert err.returncode not in (0, None)
    assert str(missing) in err.command
    assert "No such file" in err.stderr and "No such file" in err.message
    assert "No such file" in err.details()


def test_run_ffmpeg_timeout_stops_the_process():
    with pytest.raises(ToolError) as info:
        tools.run_ffmpeg(["-re", "-f", "lavfi", "-i", "testsrc2=duration=30", "-f", "null", "-"], timeout=0.3)
    assert "took longer" in info.value.message
