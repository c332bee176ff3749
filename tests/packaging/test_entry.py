"""The frozen app's entry (introstudio/__main__.py) without building a bundle: the guard, `-c`, the windowed name.

A frozen app is imitated by a child Python that sets `sys.frozen` and points `sys.executable` at a small shell
wrapper running `python -m introstudio`, as the bundle's executable runs the same entry.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.fakes.procs import wait_for

from introstudio.__main__ import restore_library_path, windowed_arguments
from introstudio.core.processes import pid_alive

REPO = Path(__file__).resolve().parents[2]
posix_only = pytest.mark.skipif(os.name != "posix", reason="the guard is POSIX; Windows uses job objects")


@pytest.fixture
def frozen_exe(tmp_path: Path) -> Path:
    """A stand-in for the bundle's executable: `exe ARGS` = `python -m introstudio ARGS`."""
    exe = tmp_path / "introstudio"
    exe.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m introstudio "$@"\n')
    exe.chmod(0o755)
    return exe


@posix_only
@pytest.mark.parametrize("guard_beside", [True, False], ids=["introstudio-guard", "own --guard entry"])
def test_a_frozen_app_starts_programs_through_its_guard(tmp_path: Path, frozen_exe: Path, guard_beside: bool) -> None:
    expected = [str(frozen_exe), "--guard"]
    if guard_beside:  # the bundle's small guard executable (packaging/introstudio.spec)
        guard = frozen_exe.with_name("introstudio-guard")
        guard.write_text(f'#!/bin/sh\nexec "{sys.executable}" -I -S "{REPO}/introstudio/core/_guard.py" "$@"\n')
        guard.chmod(0o755)
        expected = [str(guard)]
    owner = textwrap.dedent(f"""
        import sys, time
        sys.frozen, sys.executable = True, {str(frozen_exe)!r}
        from introstudio.core import processes
        assert processes._guard_launcher() == {expected!r}, processes._guard_launcher()
        proc = processes.start(["sleep", "60"])
        print(proc.pid, flush=True)
        time.sleep(60)
    """)
    parent = subprocess.Popen([sys.executable, "-c", owner], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        program = int(parent.stdout.readline())
        assert wait_for(lambda: Path(f"/proc/{program}/cmdline").read_bytes().endswith(b"sleep\x0060\x00"), 10)
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        assert wait_for(lambda: not pid_alive(program), 5), "the program outlived its killed owner"
    finally:
        parent.kill()
        parent.wait()


@posix_only
def test_guard_flag_runs_the_program_and_passes_its_exit_code(tmp_path: Path, frozen_exe: Path) -> None:
    read, write = os.pipe()
    env = {**os.environ, "INTROSTUDIO_GUARD_COMMAND": '["sh", "-c", "echo hi; exit 7"]'}
    done = subprocess.run([str(frozen_exe), "--guard", str(read)], pass_fds=(read,), env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=30)
    os.close(read)
    os.close(write)
    assert (done.returncode, done.stdout) == (7, "hi\n")


def test_dash_c_runs_code_like_python_when_frozen(tmp_path: Path) -> None:
    code = "import sys; sys.frozen = True; from introstudio.__main__ import entry; raise SystemExit(entry(sys.argv))"
    script = tmp_path / "entry.py"
    script.write_text(code)
    ran = subprocess.run([sys.executable, str(script), "-c", "import sys; print(sys.argv); sys.exit(3)", "x", "y"],
                         cwd=REPO, capture_output=True, text=True, timeout=60)
    assert ran.returncode == 3 and ran.stdout == "['-c', 'x', 'y']\n", ran.stderr


def test_windowed_executable_opens_the_app_and_survives_no_console(monkeypatch) -> None:
    assert windowed_arguments([r"C:\Program Files\IntroStudio\IntroStudioApp.exe"])[1:] == ["gui"]
    assert windowed_arguments(["/Applications/IntroStudio.app/Contents/MacOS/IntroStudioApp", "doctor"])[1:] == [
        "doctor"]
    assert windowed_arguments(["/opt/introstudio/introstudio"]) == ["/opt/introstudio/introstudio"]
    monkeypatch.setattr(sys, "stdout", None)
    windowed_arguments(["IntroStudioApp"])
    print("nowhere")  # would raise AttributeError on None
    assert sys.stdout is not None


def test_started_programs_get_the_system_library_path_back() -> None:
    env = {"LD_LIBRARY_PATH": "/opt/bundle/_internal", "LD_LIBRARY_PATH_ORIG": "/usr/local/lib", "PATH": "/bin"}
    restore_library_path(env)
    assert env == {"LD_LIBRARY_PATH": "/usr/local/lib", "PATH": "/bin"}
    env = {"LD_LIBRARY_PATH": "/opt/bundle/_internal", "DYLD_LIBRARY_PATH": "/Users/me/lib"}
    restore_library_path(env)
    assert env == {"DYLD_LIBRARY_PATH": "/Users/me/lib"}  # PyInstaller sets no DYLD path: the user's stays
