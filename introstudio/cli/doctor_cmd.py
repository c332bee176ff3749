"""`introstudio doctor`: what works here and how to fix what does not."""

from __future__ import annotations

import argparse

MARK = {"ok": "ok  ", "warn": "WARN", "fail": "FAIL"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("doctor", help="check ffmpeg, the Whisper model, Qt and the keyring")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_doctor)


def cmd_doctor(args: argparse.Namespace) -> int:
    from introstudio.cli.output import emit_json
    from introstudio.core.doctor import FAIL, run_checks

    checks = []
    for check in run_checks(args.paths):
        checks.append(check)
        if not args.json:
            print(f"[{MARK[check.status]}] {check.name}: {check.detail}", flush=True)
            if check.hint:
                print(f"       fix: {check.hint}", flush=True)
    failed = [c for c in checks if c.status == FAIL]
    if args.json:
        emit_json({"ok": not failed, "checks": [c.to_dict() for c in checks]})
    elif failed:
        print(f"{len(failed)} problem(s) found; see the fixes above.")
    else:
        print("IntroStudio is ready.")
    return 1 if failed else 0
