"""The `introstudio` command: sub-commands that drive the same core jobs as the GUI.

Imports of anything heavy happen inside the command functions, so `introstudio --help` stays instant.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from introstudio import __version__

EXIT_OK, EXIT_FAILURE, EXIT_USER_ERROR, EXIT_CANCELLED = 0, 1, 2, 130
log = logging.getLogger("introstudio.cli")


def build_parser() -> argparse.ArgumentParser:
    from introstudio.cli import (
        batch_cmd,
        captions_cmd,
        doctor_cmd,
        gui_cmd,
        models_cmd,
        project_cmds,
        publish_cmd,
        render_cmd,
        review_cmds,
    )
    from introstudio.cli.forms import FormsParser

    parser = argparse.ArgumentParser(
        prog="introstudio",
        description="Make clinician introduction videos: script, record, caption, render, publish.",
    )
    parser.add_argument("--version", action="version", version=f"IntroStudio {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="show details and tracebacks")
    parser.add_argument("--home", type=Path, default=None, metavar="DIR",
                        help="keep settings, logs and cache in DIR (default: the usual per-user folders; "
                             "also INTROSTUDIO_HOME)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=FormsParser)
    project_cmds.register(sub)
    captions_cmd.register(sub)
    render_cmd.register(sub)
    publish_cmd.register(sub)
    batch_cmd.register(sub)
    gui_cmd.register(sub)
    doctor_cmd.register(sub)
    models_cmd.register(sub)
    review_cmds.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USER_ERROR
    from introstudio.core.context import AppContext
    from introstudio.core.logs import setup_logging

    args.ctx = AppContext.create(args.home, strict=False)  # the one place settings and folders are read
    args.paths = args.ctx.paths
    setup_logging(args.paths.log_file, verbose=args.verbose)
    log.info("introstudio %s: %s", __version__, " ".join(filter(None, (args.command, getattr(args, "form", None)))))
    if args.ctx.settings_error is not None:
        error = args.ctx.settings_error
        print(f"warning: {getattr(error, 'message', error)} The default settings are used for now.", file=sys.stderr)
        if getattr(error, "hint", ""):
            print(f"hint: {error.hint}", file=sys.stderr)
    return run_command(args)


def run_command(args: argparse.Namespace) -> int:
    """Call the command; turn typed errors into a message + hint and an exit code, never a traceback."""
    from introstudio.core.errors import Cancelled, IntroStudioError, ToolError, UserError

    as_json = getattr(args, "json", False)
    try:
        with _stop_signals(args):
            return int(args.func(args) or EXIT_OK)
    except Cancelled:
        _report("Stopped.", "", as_json, kind="cancelled")
        return EXIT_CANCELLED
    except BrokenPipeError:  # `introstudio ... | head`: the reader left, which is not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM/SIGHUP (processes.Terminated): `finally`s have run
        signum = getattr(exc, "signum", None)
        _report("Stopped by Ctrl-C." if signum is None else f"Stopped ({exc.name}).", "", as_json, kind="cancelled")
        return EXIT_CANCELLED if signum is None else 128 + signum
    except UserError as exc:
        log.info("user error: %s", exc.message)
        _report(exc.message, exc.hint, as_json, kind=type(exc).__name__)
        return EXIT_USER_ERROR
    except ToolError as exc:
        log.error("tool error: %s\ncommand: %s\n%s", exc.message, exc.command, exc.stderr)
        detail = exc.details() if args.verbose else exc.details(5)
        _report(exc.message, exc.hint, as_json, kind="ToolError", detail=detail)
        return EXIT_FAILURE
    except IntroStudioError as exc:
        log.exception("error")
        _report(exc.message, exc.hint, as_json, kind=type(exc).__name__)
        return EXIT_FAILURE
    except Exception as exc:  # a bug: say so plainly, keep the traceback in the log
        from introstudio.core.errors import disk_error

        disk = disk_error(exc)  # a full, read-only or forbidden folder is the user's to fix, not a bug
        if disk is not None:
            log.info("disk error: %r", exc)
            _report(disk.message, disk.hint, as_json, kind=type(disk).__name__)
            return EXIT_USER_ERROR
        log.exception("unexpected error")
        if args.verbose:
            raise
        _report(f"Unexpected error: {exc!r}",
                f"This is a bug. Details are in {args.paths.log_file}; run again with --verbose to see them.",
                as_json, kind="InternalError")
        return EXIT_FAILURE


def _stop_signals(args: argparse.Namespace) -> contextlib.AbstractContextManager[None]:
    """SIGTERM and SIGHUP stop a command like Ctrl-C, so its jobs clean up (ffmpeg stopped, partial files
    removed). Not for the app: Qt's event loop would swallow the exception; its children die with it."""
    if getattr(args, "command", None) == "gui":
        return contextlib.nullcontext()
    from introstudio.core.processes import stop_signals_raise

    return stop_signals_raise()


def _report(message: str, hint: str, as_json: bool, kind: str, detail: str = "") -> None:
    if as_json:
        from introstudio.cli.output import emit_json

        emit_json({"ok": False, "error": kind, "message": message, "hint": hint, "detail": detail})
        return
    print(f"error: {message}" if kind != "cancelled" else message, file=sys.stderr)
    if detail:
        print(detail, file=sys.stderr)
    if hint:
        print(f"hint: {hint}", file=sys.stderr)
