"""Launcher that ties a foreign program (ffmpeg) to IntroStudio's life: `python -I -S _guard.py FD`, the
program's command line as a JSON list in the environment variable INTROSTUDIO_GUARD_COMMAND (so that the
watcher's own command line does not look like the program's to `ps` or `pgrep -f`).

A program like ffmpeg cannot watch a pipe, so this script forks a tiny watcher and then becomes the program
(exec: same pid, same stdin/stdout/stderr, same exit code). The watcher sits in the program's process group
holding the read end FD of a pipe whose write end only the IntroStudio process holds. When that process
ends in any way (even SIGKILL), the pipe reads end-of-file and the watcher kills the whole group. The
watcher itself ends with the program: on Linux by the parent-death signal (its parent is the single-
threaded launcher that became the program, so the thread caveat of PR_SET_PDEATHSIG does not apply),
elsewhere by noticing its parent changed. It must stay standard-library only: it runs without site-packages.
"""

import json
import os
import select
import signal
import sys

COMMAND_VARIABLE = "INTROSTUDIO_GUARD_COMMAND"
POLL_SECONDS = 0.5  # how often the watcher checks that the program still runs where there is no PDEATHSIG


def _set_death_signal(sig: int) -> bool:
    """Linux: ask the kernel to send `sig` when our parent ends; False elsewhere or on failure."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(1, sig, 0, 0, 0) == 0  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return False


def _watch(fd: int, program: int) -> None:
    """The watcher: kill the process group when the owner's pipe closes; leave when the program ends."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)  # a cancel asks the program, not us; SIGKILL ends us with it
    null = os.open(os.devnull, os.O_RDWR)
    for std in (0, 1, 2):
        os.dup2(null, std)  # never hold the program's pipes open: its reader must see them close
    os.close(null)
    armed = _set_death_signal(signal.SIGKILL)
    if os.getppid() != program:  # the program ended before we were ready
        os._exit(0)
    poller = select.poll()  # not select(): the descriptor may be numbered past FD_SETSIZE
    poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
    while True:
        try:
            ready = poller.poll(None if armed else POLL_SECONDS * 1000)
        except InterruptedError:
            continue
        if ready and not os.read(fd, 1):  # end of file: the owner is gone
            os.killpg(0, signal.SIGKILL)  # the program, anything it started, and this watcher
            os._exit(0)
        if os.getppid() != program:
            os._exit(0)


def main(argv: list[str]) -> None:
    """Start the watcher, then become the program."""
    fd, command = int(argv[1]), json.loads(os.environ.pop(COMMAND_VARIABLE))
    program = os.getpid()
    if os.fork() == 0:
        try:
            _watch(fd, program)
        finally:
            os._exit(0)
    os.close(fd)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGPIPE, signal.SIGXFSZ):
        signal.signal(sig, signal.SIG_DFL)  # Python ignores some of these, and exec keeps ignored ones
    try:
        os.execvp(command[0], command)
    except OSError as exc:
        os.write(2, f"could not start {command[0]}: {exc.strerror or exc}\n".encode("utf-8", "replace"))
        os._exit(127)


if __name__ == "__main__":
    main(sys.argv)
