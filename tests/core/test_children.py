"""The one child-process runner with real processes: programs and workers die with their parent, stop alike.

Linux only here (the guard and PR_SET_PDEATHSIG are POSIX/Linux; /proc finds processes). The Windows job
object is checked for its structure layout only; macOS (the polling watcher) is not run in CI.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from tests.fakes.procs import wait_for

from introstudio.core import processes
from introstudio.core.processes import Terminated, pid_alive, run, start, stop, stop_signals_raise

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="real-process checks use Linux /proc")


def live_mentioning(marker: str, exclude: tuple[int, ...] = ()) -> list[int]:
    """Live (non-zombie) processes whose command line contains `marker`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) in exclude or int(entry.name) == os.getpid():
            continue
        try:
            if marker.encode() in (entry / "cmdline").read_bytes() and pid_alive(int(entry.name)):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def children_of(pid: int) -> list[int]:
    """Live direct children of `pid` (from /proc/*/stat)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


# --- the runner itself -------------------------------------------------------------------------------------

def test_a_guarded_program_is_transparent_exit_code_output_and_missing_program():
    result = run([sys.executable, "-c", "import sys; sys.stdout.write('out'); sys.stderr.write('err'); sys.exit(3)"])
    assert (result.returncode, result.stdout, result.stderr) == (3, b"out", b"err")
    killed = start([sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"])
    assert killed.wait(10) == -signal.SIGKILL  # the pid is the program's own, not a wrapper's
    with pytest.raises(FileNotFoundError):
        start(["no-such-program-introstudio"])
    with pytest.raises(FileNotFoundError):
        run(["/no/such/dir/ffmpeg"])


def test_a_timeout_stops_the_program_and_everything_it_started(tmp_path):
    marker = f"timeout-marker-{os.getpid()}-{time.monotonic_ns()}"
    code = ("import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)', "
            f"'{marker}-grandchild']); print('started', flush=True); time.sleep(60)")
    started = time.monotonic()
    with pytest.raises(subprocess.TimeoutExpired) as err:
        run([sys.executable, "-c", code, marker], timeout=1.5)
    assert time.monotonic() - started < 1.5 + processes.INTERRUPT_GRACE + 2
    assert b"started" in (err.value.output or b"")  # what it wrote before it was stopped
    assert wait_for(lambda: live_mentioning(marker) == [], 3), live_mentioning(marker)


def test_a_program_started_from_a_short_lived_thread_outlives_the_thread():
    """PR_SET_PDEATHSIG follows the parent *thread*: the guard must not kill a program when a job thread ends."""
    marker = f"thread-marker-{os.getpid()}-{time.monotonic_ns()}"
    box = []
    thread = threading.Thread(target=lambda: box.append(start([sys.executable, "-c", "import time; time.sleep(30)",
                                                                marker])))
    thread.start()
    thread.join()
    proc = box[0]
    time.sleep(1.0)
    assert proc.poll() is None and live_mentioning(marker), "the program died with the thread that started it"
    stop(proc)
    assert proc.returncode is not None and wait_for(lambda: live_mentioning(marker) == [], 3)


def test_pid_alive_says_no_for_a_zombie_and_the_dead():
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    assert wait_for(lambda: os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT | os.WNOHANG) is not None, 10)
    assert not pid_alive(proc.pid)  # exited, not yet reaped: a zombie is not a running holder
    proc.wait()
    assert not pid_alive(proc.pid) and pid_alive(os.getpid()) and not pid_alive(0)


def test_stop_signals_raise_like_ctrl_c_once_and_restore_handlers():
    before_term, before_hup = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as under nohup: must stay ignored
    cleaned = []
    try:
        with pytest.raises(Terminated) as err, stop_signals_raise():
            assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
            try:
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(5)
            finally:
                cleaned.append(signal.getsignal(signal.SIGTERM))
        assert isinstance(err.value, KeyboardInterrupt) and err.value.signum == signal.SIGTERM
        assert cleaned == [signal.SIG_IGN]  # while unwinding, a second SIGTERM cannot cut the cleanup short
        assert signal.getsignal(signal.SIGTERM) is before_term
    finally:
        signal.signal(signal.SIGHUP, before_hup)


def test_windows_job_object_structures_have_the_sdk_layout():
    """Untested on Windows itself; here: sizes and offsets as the Windows SDK lays them out."""
    from introstudio.core import winprocess as w

    wide = ctypes.sizeof(ctypes.c_void_p) == 8
    assert ctypes.sizeof(w.IO_COUNTERS) == 48
    assert ctypes.sizeof(w.JOBOBJECT_BASIC_LIMIT_INFORMATION) == (64 if wide else 48)
    assert ctypes.sizeof(w.JOBOBJECT_EXTENDED_LIMIT_INFORMATION) == (144 if wide else 112)
    assert w.JOBOBJECT_BASIC_LIMIT_INFORMATION.LimitFlags.offset == 16
    assert w.JOBOBJECT_EXTENDED_LIMIT_INFORMATION.IoInfo.offset == (64 if wide else 48)
    limits = w.kill_on_close_limits()
    assert limits.BasicLimitInformation.LimitFlags == w.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE == 0x2000
    with pytest.raises(OSError):
        w.assign_to_job(os.getpid())


# --- a parent that dies: the runner's ffmpeg, an app worker --------------------------------------------------

RUNNER_PARENT = textwrap.dedent("""
    import sys
    from introstudio.core.jobs import run_job
    from introstudio.core.media.tools import ffmpeg_exe
    from introstudio.core.processes import stop_signals_raise
    from introstudio.core.render.runner import run_ffmpeg_job


    def main(out, mode):
        args = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-re", "-f", "lavfi", "-i",
                "testsrc2=size=320x240:rate=25:duration=60", "-c:v", "libx264", "-preset", "ultrafast",
                "-progress", "pipe:1", "-nostats", "-stats_period", "0.2", out]
        said = []

        def report(step):
            if step.fraction and not said:
                said.append(print("encoding", flush=True))

        if mode == "worker":  # the app's way: the job runs in a spawned worker process, here a quiet one
            from introstudio.core.process_jobs import in_subprocess
            job = in_subprocess("quietjob:encode_quietly", args)
        else:
            job = run_ffmpeg_job(args, 60.0, "Encoding")
        try:
            with stop_signals_raise():
                run_job(job, report)
        finally:
            print("finally ran", flush=True)


    if __name__ == "__main__":
        main(sys.argv[1], sys.argv[2])
""")


QUIET_JOB = textwrap.dedent("""
    from introstudio.core.jobs import Progress, run_job
    from introstudio.core.render.runner import run_ffmpeg_job


    def encode_quietly(args):
        \"\"\"A job that reports once, then works for a long time without a word (like a model load).\"\"\"
        yield Progress(0.01, "Encoding")
        run_job(run_ffmpeg_job(args, 60.0, "Encoding"))
""")


def start_parent(tmp_path: Path, mode: str) -> tuple[subprocess.Popen, Path]:
    script = tmp_path / "parent.py"
    script.write_text(RUNNER_PARENT)
    (tmp_path / "quietjob.py").write_text(QUIET_JOB)
    out = tmp_path / f"encoded-{mode}-{time.monotonic_ns()}.mp4"
    parent = subprocess.Popen([sys.executable, str(script), str(out), mode], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None and parent.stdout.readline().strip() == "encoding"
    return parent, out


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGHUP], ids=lambda s: s.name)
def test_ffmpeg_dies_with_a_parent_that_is_killed_or_terminated(tmp_path, sig):
    parent, out = start_parent(tmp_path, "runner")
    assert live_mentioning(str(out), exclude=(parent.pid,)), "ffmpeg should be encoding"
    parent.send_signal(sig)
    code = parent.wait(10)
    assert wait_for(lambda: live_mentioning(str(out)) == [], 3), "ffmpeg outlived its parent"
    size = out.stat().st_size if out.exists() else 0
    time.sleep(1.0)
    assert (out.stat().st_size if out.exists() else 0) == size, "something still writes the output"
    if sig == signal.SIGKILL:
        assert code == -signal.SIGKILL
    else:  # handled like Ctrl-C: the job's `finally` stopped ffmpeg before the parent ended
        assert "finally ran" in parent.stdout.read()


def test_an_app_worker_and_its_ffmpeg_die_with_a_killed_parent(tmp_path):
    parent, out = start_parent(tmp_path, "worker")
    assert wait_for(lambda: live_mentioning(str(out), exclude=(parent.pid,)), 10)
    workers = children_of(parent.pid)
    ffmpeg = live_mentioning(str(out), exclude=(parent.pid, *workers))
    assert workers and ffmpeg
    parent.kill()
    parent.wait(10)
    assert wait_for(lambda: not any(pid_alive(p) for p in workers), processes.WORKER_EXIT_GRACE + 3), \
        "the worker outlived its parent"
    assert wait_for(lambda: live_mentioning(str(out)) == [], 3), "ffmpeg outlived the worker's parent"


# --- the paths other systems take, run here -----------------------------------------------------------------

def test_stop_without_waitid_as_on_macos_still_kills_the_group(monkeypatch, tmp_path):
    """macOS Pythons before 3.13 have no os.waitid: stop() then waits with Popen.wait and kills the group."""
    marker = f"nowaitid-marker-{os.getpid()}-{time.monotonic_ns()}"
    code = ("import signal, subprocess, sys, time; signal.signal(signal.SIGINT, signal.SIG_IGN); "
            "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)', sys.argv[1] + '-child']); "
            "print('up', flush=True); time.sleep(60)")
    proc = start([sys.executable, "-c", code, marker], stdout=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline() == b"up\n"
    monkeypatch.delattr(os, "waitid")
    started = time.monotonic()
    stop(proc, grace=0.5)
    assert proc.returncode == -signal.SIGKILL and time.monotonic() - started < 3
    assert wait_for(lambda: live_mentioning(marker) == [], 3)


POLLING_GUARD = textwrap.dedent("""
    import importlib.util, sys
    spec = importlib.util.spec_from_file_location("guard", sys.argv[1])
    guard = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(guard)
    guard._set_death_signal = lambda sig: False  # as on macOS: no PR_SET_PDEATHSIG, the watcher polls
    guard.main(["guard", sys.argv[2]])
""")


@pytest.mark.parametrize("ending", ["owner dies", "program ends"])
def test_the_guard_without_a_death_signal_as_on_macos(ending):
    marker = f"polling-guard-{os.getpid()}-{time.monotonic_ns()}"
    read_end, write_end = os.pipe()
    seconds = 60 if ending == "owner dies" else 0.3
    env = dict(os.environ, **{processes.GUARD_COMMAND_VARIABLE: json.dumps(
        [sys.executable, "-c", f"import time; time.sleep({seconds})", marker])})
    program = subprocess.Popen([sys.executable, "-c", POLLING_GUARD, str(processes.GUARD_SCRIPT), str(read_end),
                                marker + "-watcher"], pass_fds=(read_end,), env=env, start_new_session=True)
    os.close(read_end)
    try:
        assert wait_for(lambda: len(live_mentioning(marker)) == 2, 10), "program and watcher should run"
        if ending == "owner dies":
            os.close(write_end)  # what the kernel does when the owner process dies
            write_end = -1
            assert program.wait(5) == -signal.SIGKILL
        else:
            assert program.wait(10) == 0
        assert wait_for(lambda: live_mentioning(marker) == [], processes_poll_bound()), "the watcher stayed"
    finally:
        if write_end >= 0:
            os.close(write_end)
        stop(program)


def processes_poll_bound() -> float:
    """How long a polling watcher may take to notice, with room for a loaded machine."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("guard", processes.GUARD_SCRIPT)
    assert spec is not None and spec.loader is not None
    guard = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(guard)
    return guard.POLL_SECONDS + 2.0
