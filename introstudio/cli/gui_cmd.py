"""`introstudio gui [DIR] [--page NAME] [--screenshot FILE.png]`: open the desktop app."""

from __future__ import annotations

import argparse
from pathlib import Path

PAGES_HELP = "clinician, script, record, takes, captions, look, export, publish"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("gui", help="open the desktop app (optionally on a project and a page)")
    p.add_argument("dir", type=Path, nargs="?", default=None, help="project folder to open")
    p.add_argument("--page", metavar="NAME", help=f"open on this step: {PAGES_HELP}")
    p.add_argument("--screenshot", type=Path, metavar="FILE.png",
                   help="save a PNG of the window once it is ready, then exit (for docs and checks)")
    p.set_defaults(func=cmd_gui)


def cmd_gui(args: argparse.Namespace) -> int:
    from introstudio.gui.app import run_gui  # PySide6 is imported only here, never for --help

    return run_gui(args.dir, args.page, args.screenshot, args.ctx)
