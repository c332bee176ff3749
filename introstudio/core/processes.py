"""Child processes that die with IntroStudio and stop the same way everywhere; whether a process still runs.

Every program IntroStudio runs (ffmpeg, ffprobe, a doctor check) is started by `start` or `run`, and every
worker process it spawns (the app's background jobs, the batch pool) calls `become_worker` first:

- A program is tied to our life. POSIX: it is started through `_guard.py`, which forks a watcher that kills
  the program's process group when a pipe only we hold closes (our death, even by SIGKILL) and then execs
  the program; on Linux the watcher is itself tied to the program by PR_SET_PDEATHSIG. This avoids
  `preexec_fn`, which CPython documents as unsafe with threads (the app has Qt's), and the prctl caveat
  that the death signal follows the parent *thread* (a job thread that ends would kill its ffmpeg).
  Windows: every child goes into a job object with JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE (winprocess.py).
- A worker runs our Python, so it watches for its parent itself: multiprocessing's parent sentinel
  (a pipe on POSIX, the parent's process handle on Windows) wakes a thread that stops the worker.
- Stopping is one routine (`stop`): ask (SIGINT to the process group; CTRL_BREAK on Windows), wait a
  grace period, then kill the group (which also takes anything the child started).
- SIGTERM and SIGHUP are handled like Ctrl-C: `stop_signals_raise` (CLI) raises `Terminated`, a
  KeyboardInterrupt, so every generator's `finally` runs (ffmpeg stopped, partial file removed).
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

INTERRUPT_GRACE = 2.0  # seconds a program gets to stop after it was asked, before its group is killed
REAP_SECONDS = 5.0  # how long to wait for a killed child to be reaped
WORKER_EXIT_GRACE = 5.0  # seconds a worker told to stop may spend unwinding before it exits regardless
GUARD_SCRIPT = Path(__file__).with_name("_guard.py")
GUARD_COMMAND_VARIABLE = "INTROSTUDIO_GUARD_COMMAND"  # how the guard gets the program's command (_guard.py)
GUARD_EXECUTABLE = "introstudio-guard"  # the frozen bundle's guard, beside its executable
_POLL = 0.02


# --- liveness -------------------------------------------------------------------------------------------

def pid_alive(pid: int) -> bool:
    """True if process `pid` runs (someone else's counts; a zombie, dead but not yet reaped, does not)."""
    if pid <= 0:
        return False
    if os.name == "nt":
        from introstudio.core.winprocess import windows_pid_alive

        return windows_pid_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return not _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    """Linux: the process has exited and waits to be reaped (state Z in /proc/PID/stat)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    return stat.rpartition(")")[2].strip()[:1] == "Z"


# --- starting programs ----------------------------------------------------------------------------------

_guard_lock = threading.Lock()
_guard_pipe: tuple[int, int] | None = None  # (read end handed to every watcher, write end only we hold)


def _guard_launcher() -> list[str]:
    """How to run `_guard.py`: the interpreter on the script; frozen, the bundle's `introstudio-guard` beside
    the executable (packaging/introstudio.spec), else its own `--guard` entry (introstudio/__main__.py)."""
    if not sys.executable:
        return []
    if getattr(sys, "frozen", False):
        own = Path(sys.executable).with_name(GUARD_EXECUTABLE)
        return [str(own)] if own.is_file() else [sys.executable, "--guard"]
    return [sys.executable, "-I", "-S", str(GUARD_SCRIPT)] if GUARD_SCRIPT.is_file() else []


def _guard_fd() -> int | None:
    """The read end of this process's life pipe (made once); None where the guard cannot run."""
    global _guard_pipe
    if not _guard_launcher():
        return None
    with _guard_lock:
        if _guard_pipe is None:
            _guard_pipe = os.pipe()  # both ends close-on-exec: no other child inherits the write end
        return _guard_pipe[0]


def _forget_guard_after_fork() -> None:
    """A forked copy of us must not keep our programs alive: drop the inherited pipe, make its own later."""
    global _guard_pipe
    if _guard_pipe is not None:
        for fd in _guard_pipe:
            with contextlib.suppress(OSError):
                os.close(fd)
        _guard_pipe = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_guard_after_fork)


def _executable(name: str, env: dict[str, str] | None) -> str:
    """Resolve a program like exec would, raising FileNotFoundError/PermissionError as Popen does."""
    if os.sep in name or (os.altsep and os.altsep in name):
        if not os.path.isfile(name):
            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), name)
        if not os.access(name, os.X_OK):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), name)
        return name
    found = shutil.which(name, path=(env or os.environ).get("PATH"))
    if found is None:
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), name)
    return found


def start(command: Sequence[str | os.PathLike[str]], **popen_kwargs: Any) -> subprocess.Popen:
    """Start a program in its own process group, tied to this process's life; stdin is /dev/null by default.

    Takes Popen's keyword arguments (stdout, stderr, text, env, cwd, ...). A program that does not exist
    raises FileNotFoundError, as Popen would. Stop it with `stop`.
    """
    args = [os.fspath(a) for a in command]
    popen_kwargs.setdefault("stdin", subprocess.DEVNULL)
    if os.name == "nt":
        flags = popen_kwargs.pop("creationflags", 0)
        flags |= getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0x200) | getattr(subprocess, "CREATE_NO_WINDOW", 0)
        proc = subprocess.Popen(args, creationflags=flags, **popen_kwargs)
        adopt(proc.pid)
        return proc
    args[0] = _executable(args[0], popen_kwargs.get("env"))
    fd = _guard_fd()
    if fd is None:
        log.debug("no guard for %s: it may outlive a killed IntroStudio", args[0])
        return subprocess.Popen(args, start_new_session=True, **popen_kwargs)
    env = dict(popen_kwargs.pop("env", None) or os.environ)
    env[GUARD_COMMAND_VARIABLE] = json.dumps(args)
    guarded = [*_guard_launcher(), str(fd)]
    proc = subprocess.Popen(guarded, pass_fds=(fd,), start_new_session=True, env=env, **popen_kwargs)
    log.debug("started %s as process %s", Path(args[0]).name, proc.pid)
    return proc


def adopt(pid: int) -> None:
    """Windows: put our child `pid` in our kill-on-close job (a failure is logged: the child then dies only
    when stopped). Elsewhere nothing to do: programs have their guard, workers watch their parent."""
    if os.name != "nt":
        return
    from introstudio.core.winprocess import assign_to_job

    try:
        assign_to_job(pid)
    except OSError as exc:
        log.warning("could not tie process %s to IntroStudio's life: %s", pid, exc)


def run(command: Sequence[str | os.PathLike[str]], *, timeout: float | None = None, input: Any = None,
        **popen_kwargs: Any) -> subprocess.CompletedProcess:
    """Like subprocess.run with capture_output: to completion, but started by `start` and stopped by `stop`
    on a timeout (subprocess.TimeoutExpired, with what it wrote) or an interrupt."""
    args = [os.fspath(a) for a in command]
    stdin = subprocess.PIPE if input is not None else popen_kwargs.pop("stdin", subprocess.DEVNULL)
    proc = start(args, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **popen_kwargs)
    with proc:
        try:
            out, err = proc.communicate(input, timeout=timeout)
        except subprocess.TimeoutExpired:
            stop(proc)
            out, err = proc.communicate()
            raise subprocess.TimeoutExpired(args, timeout or 0.0, output=out, stderr=err) from None
        except BaseException:
            stop(proc)
            raise
    return subprocess.CompletedProcess(args, proc.returncode, out, err)


# --- stopping -------------------------------------------------------------------------------------------

def ask_to_stop(pid: int) -> bool:
    """Ask our child (started by `start`, or a worker) to stop: SIGINT to its group (CTRL_BREAK on Windows).
    False if it has exited already (then its pid may be reused soon: nothing is sent)."""
    if os.name == "nt":
        try:
            os.kill(pid, signal.CTRL_BREAK_EVENT)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    if hasattr(os, "waitid") and _exit_state(pid) is not False:
        return False
    _signal_group(pid, signal.SIGINT)
    return True


def _signal_group(pid: int, sig: int) -> None:
    """Signal the process group led by `pid`, or `pid` alone if it leads none (a worker not yet set up)."""
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, sig)
    except PermissionError:
        pass


def _exit_state(pid: int) -> bool | None:
    """POSIX: True if our child `pid` has exited (left unreaped, so its group cannot be reused yet),
    False if it runs, None if it was reaped already."""
    try:
        return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT | os.WNOHANG) is not None
    except ChildProcessError:
        return None


def _wait_exit(proc: Any, timeout: float) -> bool | None:
    """Wait up to `timeout` s for `proc` (Popen or multiprocessing Process) to exit; see `_exit_state`."""
    deadline = time.monotonic() + timeout
    if os.name == "nt" or not hasattr(os, "waitid"):  # waitid: Linux; macOS from Python 3.13
        if isinstance(proc, subprocess.Popen):
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout)
            return proc.returncode is not None
        proc.join(timeout)
        return not proc.is_alive()
    while True:
        state = _exit_state(proc.pid)
        if state is not False or time.monotonic() >= deadline:
            return state
        time.sleep(_POLL)


def stop(proc: Any, grace: float = INTERRUPT_GRACE,
         ask: Callable[[int], bool] | None = ask_to_stop) -> None:
    """Stop a child (a Popen from `start`, or a multiprocessing Process): ask it, give it `grace` seconds,
    then kill its whole process group, and reap it. `ask=None` kills at once."""
    state = _wait_exit(proc, 0)
    if state is None:
        return  # reaped already: its group id may belong to someone else by now
    if not state and ask is not None and ask(proc.pid) and _wait_exit(proc, grace) is False:
        log.warning("process %s did not stop within %g s of being asked; killing it", proc.pid, grace)
    if os.name == "nt":
        with contextlib.suppress(OSError):
            proc.kill()
    else:
        _signal_group(proc.pid, signal.SIGKILL)  # the leader is at worst a zombie: the group is still ours
    if isinstance(proc, subprocess.Popen):
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(REAP_SECONDS)
    else:
        proc.join(REAP_SECONDS)


# --- signals: SIGTERM and SIGHUP like Ctrl-C; workers ----------------------------------------------------

class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP (a logout, `timeout`, systemd), raised like Ctrl-C so `finally` blocks run."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name


def _stop_signals() -> list[int]:
    names = ("SIGTERM", "SIGBREAK") if os.name == "nt" else ("SIGTERM", "SIGHUP")
    return [getattr(signal, n) for n in names if hasattr(signal, n)]


@contextlib.contextmanager
def stop_signals_raise() -> Iterator[None]:
    """Within: SIGTERM/SIGHUP raise Terminated in the main thread, once (repeats are ignored while it
    unwinds); the previous handlers come back after. A signal ignored before (nohup) stays ignored."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.getsignal(sig) for sig in _stop_signals()}
    handled = [sig for sig, handler in previous.items() if handler is not signal.SIG_IGN]

    def on_signal(signum: int, frame: Any) -> None:
        for sig in handled:
            signal.signal(sig, signal.SIG_IGN)
        raise Terminated(signum)

    for sig in handled:
        signal.signal(sig, on_signal)
    try:
        yield
    finally:
        for sig in handled:
            signal.signal(sig, previous[sig])


class WorkerStopped(SystemExit):
    """A worker was asked to stop, or its parent died: unwinds `finally` blocks, then the worker exits."""


def become_worker(exit_grace: float = WORKER_EXIT_GRACE) -> None:
    """First thing in a spawned worker: lead its own process group (a terminal's Ctrl-C is the parent's
    business), let SIGINT/SIGTERM/SIGHUP raise WorkerStopped once (and exit regardless after
    `exit_grace`), and treat the parent's death as such a signal."""
    if os.name != "nt":
        with contextlib.suppress(OSError):
            os.setpgid(0, 0)
    stopping: list[int] = []  # a plain flag: a signal handler must not wait for any lock
    signals = [signal.SIGINT, *_stop_signals()]

    def on_stop(signum: int, frame: Any) -> None:
        if stopping:
            return
        stopping.append(signum)
        for sig in signals:
            signal.signal(sig, signal.SIG_IGN)
        _exit_later(exit_grace, 128 + signum)  # a loop that catches everything must not keep us alive
        raise WorkerStopped(128 + signum)

    for sig in signals:
        signal.signal(sig, on_stop)
    import multiprocessing

    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_stop_when_parent_dies, args=(parent.sentinel, exit_grace, signals), daemon=True,
                         name="introstudio-parent-watch").start()


def _exit_later(seconds: float, code: int) -> None:
    """End the process after `seconds` whatever it is doing. POSIX: a kernel timer whose SIGALRM ends it
    (starting a thread inside a signal handler could wait forever on a lock the interrupted code holds)."""
    if hasattr(signal, "setitimer"):
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        return
    timer = threading.Timer(seconds, os._exit, args=(code,))
    timer.daemon = True
    timer.start()


def _stop_when_parent_dies(sentinel: Any, exit_grace: float, signals: list[int]) -> None:
    """Worker thread: when the parent is gone, stop the main thread as a SIGTERM would; exit if it cannot."""
    from multiprocessing.connection import wait

    if hasattr(signal, "pthread_sigmask"):  # stop signals go to the main thread, interrupting what it waits for
        signal.pthread_sigmask(signal.SIG_BLOCK, signals)

    wait([sentinel])
    log.warning("the parent process ended; this worker (pid %s) stops", os.getpid())
    if os.name == "nt":
        import _thread

        _thread.interrupt_main(signal.SIGTERM)
    else:
        signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGTERM)  # interrupts a blocking call
    time.sleep(exit_grace + 1.0)
    os._exit(128 + signal.SIGTERM)
