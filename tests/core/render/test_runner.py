"""The ffmpeg runner with real processes: progress from -progress pipe:1, errors keep stderr, cancel kills the group."""

from __future__ import annotations

import os
import sys
import textwrap
import time
from pathlib import Path

import pytest

from introstudio.core.errors import ToolError
from introstudio.core.jobs import CancelToken, Progress, run_job
from introstudio.core.media.tools import ffmpeg_exe
from introstudio.core.render.runner import ProgressBlock, parse_progress_lines, run_ffmpeg_job

pytestmark = pytest.mark.skipif(os.name == "nt", reason="process groups are POSIX here")


def processes_mentioning(marker: str) -> list[int]:
    """Pids whose command line contains `marker` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
            state = next((ln for ln in (entry / "status").read_text().splitlines() if ln.startswith("State:")), "")
        except OSError:
            continue
        if marker in cmdline and "zombie" not in state:
            found.append(int(entry.name))
    return found


def test_parse_progress_lines():
    text = ("frame=10\nout_time_us=500000\nout_time_ms=500000\nspeed=N/A\nprogress=continue\n"
            "out_time_us=N/A\nout_time_ms=1250000\nspeed=2.5x\nprogress=continue\n"
            "out_time_us=3000000\nspeed= 3.1x\nprogress=end\n")
    assert list(parse_progress_lines(iter(text.splitlines()))) == [
        ProgressBlock(0.5, None, False), ProgressBlock(1.25, 2.5, False), ProgressBlock(3.0, 3.1, True)]


def test_progress_is_parsed_and_increases():
    args = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-progress", "pipe:1", "-nostats", "-stats_period", "0.1",
            "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30:duration=4", "-c:v", "libx264",
            "-preset", "ultrafast", "-f", "null", "-"]
    steps: list[Progress] = []
    stderr = run_job(run_ffmpeg_job(args, 4.0, "Encoding"), steps.append)
    fractions = [s.fraction for s in steps if s.fraction is not None]
    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0
    assert len([f for f in fractions if 0 < f < 1]) >= 2
    assert any(s.speed for s in steps) and any(s.eta_seconds is not None for s in steps)
    assert all(s.message == "Encoding" for s in steps)
    assert isinstance(stderr, str)


def test_failure_raises_tool_error_with_stderr(tmp_path):
    missing = tmp_path / "no such take.mp4"
    args = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-progress", "pipe:1", "-nostats", "-i", str(missing),
            "-f", "null", "-"]
    with pytest.raises(ToolError) as err:
        run_job(run_ffmpeg_job(args, 1.0, "Encoding"))
    assert err.value.returncode not in (0, None)
    assert "No such file" in err.value.stderr
    assert err.value.command == args
    assert "encoding" in err.value.message


def test_cancel_kills_ffmpeg(tmp_path):
    marker = str(tmp_path / "cancel-me.mp4")
    args = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-progress", "pipe:1", "-nostats", "-stats_period", "0.1",
            "-re", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=60", "-c:v", "libx264",
            "-preset", "ultrafast", "-y", marker]
    job = run_ffmpeg_job(args, 60.0, "Encoding")
    for step in job:
        if step.fraction and step.fraction > 0.005:
            break
    assert processes_mentioning(marker)
    started = time.monotonic()
    job.close()
    assert time.monotonic() - started < 4
    assert processes_mentioning(marker) == []


FAKE_FFMPEG = textwrap.dedent("""
    import signal, subprocess, sys, time
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a stuck ffmpeg: only SIGKILL stops it
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", sys.argv[1] + "-child"])
    for i in range(600):
        print(f"out_time_us={i * 100000}\\nspeed=1x\\nprogress=continue", flush=True)
        time.sleep(0.1)
""")


def test_cancel_kills_the_whole_process_group_even_when_sigint_is_ignored(tmp_path):
    script = tmp_path / "fake_ffmpeg.py"
    script.write_text(FAKE_FFMPEG)
    marker = f"marker-{os.getpid()}-{time.monotonic_ns()}"
    cancel = CancelToken()
    seen: list[Progress] = []

    def on_progress(p: Progress) -> None:
        seen.append(p)
        if len(seen) >= 4:
            cancel.cancel()

    from introstudio.core.errors import Cancelled

    with pytest.raises(Cancelled):
        run_job(run_ffmpeg_job([sys.executable, str(script), marker], 60.0, "Encoding"), on_progress, cancel)
    deadline = time.monotonic() + 3
    while processes_mentioning(marker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert processes_mentioning(marker) == []
