"""`python -m introstudio` and the frozen app's entry point: the CLI, a spawned worker, or the process guard.

A frozen app (PyInstaller) has no Python interpreter to run `core/_guard.py`, a multiprocessing child or a
`sys.executable -c CODE` check (doctor) with, so its own executable plays all three: `--guard FD` runs the
guard (processes.py's fallback when the bundle has no `introstudio-guard` executable beside it), `-c CODE
ARGS` runs CODE as `python -c` would,
and `freeze_support()` turns a spawned-worker command line into the worker. All are checked before anything
heavy is imported, so a guard starts in the time the executable takes to load.
"""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping
from pathlib import PureWindowsPath

GUARD_FLAG = "--guard"  # processes.py: the frozen executable's first argument that makes it the guard
WINDOWED_NAME = "introstudioapp"  # the windowed executable of the Windows/macOS bundle (packaging/introstudio.spec)


def entry(argv: list[str]) -> int:
    """Run the guard if asked (it never returns: it becomes the program), else the `introstudio` command."""
    if getattr(sys, "frozen", False):
        restore_library_path(os.environ)
        argv = windowed_arguments(argv)
    if len(argv) > 1 and argv[1] == GUARD_FLAG:
        from introstudio.core import _guard

        _guard.main(argv[1:])  # execs the program or exits 127
        return 127
    if len(argv) > 2 and argv[1] == "-c" and getattr(sys, "frozen", False):
        return run_code(argv[2], argv[3:])
    import multiprocessing

    multiprocessing.freeze_support()  # frozen: a spawned worker runs here and exits; otherwise a no-op
    from introstudio.cli import main

    return main(argv[1:])


def restore_library_path(environ: MutableMapping[str, str]) -> None:
    """Frozen on Linux: programs we start (a browser for the YouTube sign-in, xdg-open) get the system's
    LD_LIBRARY_PATH, not the bundle's, which PyInstaller's launcher set for itself and keeps in *_ORIG
    (the bundle's own executable, started again as a worker or guard, sets it again itself)."""
    for name in ("LD_LIBRARY_PATH", "DYLD_LIBRARY_PATH"):
        if name + "_ORIG" in environ:
            environ[name] = environ.pop(name + "_ORIG")
        elif name == "LD_LIBRARY_PATH":  # set by the launcher, the user had none
            environ.pop(name, None)


def windowed_arguments(argv: list[str]) -> list[str]:
    """The windowed executable (no console: Start menu, Finder) opens the app when given nothing else to do,
    and writes what it prints to nowhere instead of failing on a missing console."""
    if PureWindowsPath(argv[0] if argv else "").stem.lower() != WINDOWED_NAME:  # either slash
        return argv
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 - for the process's life
    return argv if len(argv) > 1 else [*argv, "gui"]


def run_code(code: str, args: list[str]) -> int:
    """`python -c CODE ARGS` inside the frozen app: sys.argv is ['-c', *ARGS], as the interpreter sets it."""
    sys.argv = ["-c", *args]
    exec(compile(code, "<string>", "exec"), {"__name__": "__main__"})  # a SystemExit in CODE ends us as it would
    return 0


if __name__ == "__main__":
    raise SystemExit(entry(sys.argv))
