"""`introstudio review | approve | golive | takedown | audit`: from a private upload to the patient, recorded."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from introstudio.cli.output import drive, emit_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("review", help="write the review page (video, captions, script, details) and show approvals",
                       description="Write a self-contained review folder a reviewer opens in any browser (no "
                                   "server, nothing sent anywhere), and list which approvals are current.")
    p.add_argument("dir", type=Path, help="the project folder")
    p.add_argument("--out", type=Path, metavar="DIR", help="where to write the page (default: DIR/review)")
    p.add_argument("--status", action="store_true", help="only show the approvals, write nothing")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_review)

    a = sub.add_parser("approve", help="record an approval (clinician or communications) of exactly this export",
                       description="Record NAME's approval of the latest export, its captions and its YouTube "
                                   "text, with their SHA-256 hashes: any later change makes the approval stale.")
    a.add_argument("dir", type=Path, help="the project folder")
    a.add_argument("--as", dest="name", required=True, metavar="NAME", help="the approver's full name")
    a.add_argument("--role", required=True, choices=("clinician", "communications"))
    a.add_argument("--consent-form", type=Path, metavar="FILE",
                   help="the clinician's signed release form (PDF or image): copied into the project, hash recorded")
    a.add_argument("--visibility", choices=("public", "unlisted"),
                   help="what go-live will make the video (default: the organisation's, normally public)")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_approve)

    g = sub.add_parser("golive", help="make the approved, uploaded video public (or unlisted) on YouTube",
                       description="Change the uploaded video's privacy with videos.update (50 quota units) when "
                                   "every required approval is current; then write the web page files (embed, "
                                   "transcript, JSON-LD) into DIR/web.")
    g.add_argument("dir", type=Path, help="the project folder")
    g.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation")
    g.add_argument("--json", action="store_true")
    g.set_defaults(func=cmd_golive)

    t = sub.add_parser("takedown", help="make the video private again, with a reason (withdraws approvals)")
    t.add_argument("dir", type=Path, help="the project folder")
    t.add_argument("--reason", required=True, help='why, e.g. "Dr. Lopez left in March"')
    t.add_argument("--json", action="store_true")
    t.set_defaults(func=cmd_takedown)

    u = sub.add_parser("audit", help="show the project's audit trail; --verify checks nothing was changed")
    u.add_argument("dir", type=Path, help="the project folder")
    u.add_argument("--verify", action="store_true", help="check every line's hash chain; exit 1 naming any "
                                                         "edited or deleted line")
    u.add_argument("--json", action="store_true")
    u.set_defaults(func=cmd_audit)


def _open(args: argparse.Namespace, what: str) -> tuple[Any, Any, str | None]:
    from introstudio.core.project import open_project
    from introstudio.core.review.policy import load_policy

    pf = open_project(args.dir)
    pf.what = what
    kit = args.ctx.brand_kit(pf)
    return pf, load_policy(kit), kit


def _status_json(status: Any) -> dict[str, Any]:
    return {"state": status.state, "ready": status.ready, "visibility": status.visibility,
            "digest": status.subject.digest if status.subject else None, "problem": status.subject_error or None,
            "roles": [{"role": r.role, "required": r.required, "current": r.ok, "problem": r.problem or None,
                       "name": r.current.get("name") if r.current else None,
                       "at": r.current.get("at") if r.current else None} for r in status.roles]}


def _print_status(status: Any) -> None:
    from introstudio.core.review.approvals import ROLE_NAMES

    print(f"State: {status.state}. Go-live makes it {status.visibility}.")
    if status.subject is None:
        print(f"  {status.subject_error}")
    for r in status.roles:
        need = "required" if r.required else "optional"
        if r.ok:
            print(f"  {ROLE_NAMES[r.role]} ({need}): approved by {r.current['name']} at {r.current['at']}")
        else:
            print(f"  {ROLE_NAMES[r.role]} ({need}): {r.problem}")


def cmd_review(args: argparse.Namespace) -> int:
    from introstudio.core.review.approvals import review_status

    pf, policy, kit = _open(args, "introstudio review")
    page = None
    if not args.status:
        from introstudio.core.review.page import write_review_page

        page = write_review_page(pf, policy, args.out, kit)
    status = review_status(pf, policy, kit)
    if args.json:
        emit_json({"ok": True, "page": str(page.index) if page else None, **_status_json(status)})
        return 0
    if page is not None:
        print(f"Review page: {page.index}")
        print(f"  Open it in any browser; it plays {page.video.name} with {page.cues} captions. Nothing is sent "
              "anywhere.")
    _print_status(status)
    return 0


def cmd_approve(args: argparse.Namespace) -> int:
    from introstudio.core.review.approvals import record_approval, review_status

    pf, policy, kit = _open(args, "introstudio approve")
    approval = record_approval(pf, args.role, args.name, policy, consent_form=args.consent_form,
                               visibility=args.visibility, actor="introstudio approve", kit=kit)
    status = review_status(pf, policy, kit)
    if args.json:
        emit_json({"ok": True, "approval": {k: approval[k] for k in ("id", "role", "name", "at", "digest",
                                                                     "consent_form", "statements")},
                   **_status_json(status)})
        return 0
    subject = approval["subject"]
    print(f"Recorded: {approval['name']} approves as {approval['role']} at {approval['at']}:")
    for line in approval["statements"]:
        print(f"  - {line}")
    print(f"  video {subject['video']['file']} (SHA-256 {subject['video']['sha256'][:16]}...), "
          f"{', '.join(sorted(subject['captions'])) or 'no'} captions, title {subject['metadata']['title']!r}")
    if approval["consent_form"]:
        print(f"  consent form kept as {approval['consent_form']['file']}")
    _print_status(status)
    return 0


def _api(args: argparse.Namespace) -> tuple[Any, Any]:
    ledger = args.ctx.quota_ledger()
    return args.ctx.connector(ledger), ledger


def cmd_golive(args: argparse.Namespace) -> int:
    from introstudio.core.review.golive import check_ready, go_live

    pf, policy, kit = _open(args, "introstudio golive")
    status = check_ready(pf, policy, kit)  # refuse before asking
    if not args.yes:
        print(f"Make video https://youtu.be/{pf.project.publish.video_id} {status.visibility}? Anyone "
              f"{'can find and watch it' if status.visibility == 'public' else 'with the link can watch it'}. [y/N]",
              end=" ", file=sys.stderr, flush=True)
        if args.json or sys.stdin.readline().strip().lower() not in ("y", "yes"):
            print("Nothing was changed." + (" Pass --yes to confirm." if args.json else ""), file=sys.stderr)
            return 1
    connect, ledger = _api(args)
    result = drive(go_live(pf, policy, connect=connect, ledger=ledger, actor="introstudio golive", kit=kit),
                   show=not args.json)
    return _report(args, result, ledger)


def cmd_takedown(args: argparse.Namespace) -> int:
    from introstudio.core.review.golive import take_down

    pf, _policy, _kit = _open(args, "introstudio takedown")
    connect, ledger = _api(args)
    result = drive(take_down(pf, args.reason, connect=connect, ledger=ledger, actor="introstudio takedown"),
                   show=not args.json)
    return _report(args, result, ledger)


def _report(args: argparse.Namespace, result: Any, ledger: Any) -> int:
    usage = ledger.usage()
    if args.json:
        web = result.web
        emit_json({"ok": True, "video_id": result.video_id, "url": result.url, "before": result.before,
                   "after": result.after, "changed": result.changed, "units": result.units,
                   "units_left_today": usage.units_left,
                   "web": None if web is None else {"folder": str(web.folder), "embed": str(web.embed),
                                                    "transcript": str(web.transcript), "jsonld": str(web.jsonld),
                                                    "snippet": str(web.snippet)},
                   "removed": [str(p) for p in result.removed]})
        return 0
    verb = "Now" if result.changed else "Already"
    print(f"{verb} {result.after}: {result.url} (was {result.before}; {result.units} quota units, "
          f"{usage.units_left} left today)")
    if result.web is not None:
        print(f"For the web page: {result.web.snippet} (embed, transcript and JSON-LD; also as separate files "
              f"in {result.web.folder})")
    if result.removed:
        print(f"Removed {', '.join(p.name for p in result.removed)} from {result.removed[0].parent}: take the video "
              "off the clinician's web page too.")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from introstudio.core.project import open_project
    from introstudio.core.review.approvals import audit_heads
    from introstudio.core.review.audit import describe, verify

    pf = open_project(args.dir)
    report = verify(pf.folder, audit_heads(pf))
    if args.json:
        emit_json({"ok": report.ok, "file": str(report.file), "entries": len(report.entries),
                   "head": report.head, "problems": report.problems,
                   "history": [{"seq": e.seq, "at": e.at, "event": e.event, "by": e.by, "details": e.details}
                               for e in report.entries]})
    else:
        if not args.verify or not report.ok:
            for entry in report.entries:
                print(describe(entry))
        if not report.entries:
            print(f"The audit log {report.file} is empty.")
        if args.verify:
            if report.ok:
                head = report.head
                print(f"Audit log intact: {len(report.entries)} entries, chained by SHA-256"
                      + (f"; head #{head['seq']} {head['sha256'][:16]}..." if head else "") + ".")
            else:
                for problem in report.problems:
                    print(f"error: {problem}", file=sys.stderr)
                print("hint: the log was changed by hand or damaged; restore it from a backup. The project's "
                      "own records (approvals, go-live) are unaffected.", file=sys.stderr)
    return 0 if report.ok or not args.verify else 1
