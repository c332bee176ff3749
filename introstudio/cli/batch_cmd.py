"""`introstudio roster import ...` (projects from a roster) and `introstudio batch FOLDER` (headless production)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from introstudio.cli.output import ProgressBar, drive, emit_json

PUBLISH_WAIT = 30.0  # seconds the batch waits for someone else's upload of a project before reporting it busy


def register(sub: argparse._SubParsersAction) -> None:
    roster = sub.add_parser("roster", help="make one project per clinician from a roster: roster import ROSTER "
                                           "--into DIR",
                            description="Form: `introstudio roster import ROSTER.csv|ROSTER.xlsx --into FOLDER "
                                        "[--template NAME] [--footage DIR] [--skip-bad-rows] [--dry-run]`.")
    roster.set_defaults(func=lambda args: _roster_usage(roster))
    actions = roster.add_subparsers(dest="roster_action", metavar="ACTION")

    p = actions.add_parser("import", help="create one project per clinician (CSV or XLSX)",
                           description="Create one project per clinician in a roster (CSV or XLSX). Nothing is "
                                       "created while any row is bad, unless --skip-bad-rows is given.")
    p.add_argument("roster", type=Path, metavar="ROSTER", help="a .csv or .xlsx file, one clinician per row")
    p.add_argument("--into", type=Path, required=True, metavar="FOLDER", help="where the project folders go")
    p.add_argument("--template", metavar="NAME", help="script template for rows without a Template column "
                                                      "(default: the settings' default template)")
    p.add_argument("--footage", type=Path, action="append", default=[], metavar="DIR",
                   help="folder of footage named after the clinicians (default: the roster's folder; repeatable)")
    p.add_argument("--skip-bad-rows", action="store_true", help="import the good rows and list the bad ones")
    p.add_argument("--dry-run", action="store_true", help="check everything and show what would be created")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_roster_import)

    p = sub.add_parser("batch", help="caption, render (and publish) every project in a folder, resumably",
                       description="Run the steps for every project in FOLDER that needs them. Stop it any "
                                   "time; run it again to continue. Writes FOLDER/batch-report.html and .csv.")
    p.add_argument("folder", type=Path, metavar="FOLDER", help="a folder of project folders")
    p.add_argument("--steps", default="captions,render", metavar="LIST",
                   help="comma-separated: captions, render, publish, golive (default: captions,render; golive makes "
                        "each approved, uploaded video public, skipping those without current approvals)")
    p.add_argument("--preset", metavar="NAME", help="export preset (default: each project's own)")
    p.add_argument("--workers", type=int, metavar="N", help="local worker processes (default: what is fastest "
                                                            "on this machine)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="run on a Dask cluster, e.g. tcp://host:8786 "
                                                          "(workers must see FOLDER at the same path)")
    p.add_argument("--retries", type=int, default=1, metavar="N", help="retry failed items N times at the end")
    p.add_argument("--force", action="store_true", help="redo steps even when their inputs are unchanged")
    p.add_argument("-y", "--yes", action="store_true", help="with the publish step: confirm the uploads "
                                                            "(each project's privacy, normally private)")
    p.add_argument("--confirm-public", action="store_true", help="with --yes: also allow projects set to public")
    p.add_argument("--no-captions", action="store_true",
                   help="with the publish step: also publish videos that have no captions (people who are deaf or "
                        "hard of hearing will not be able to follow them; recorded in each project). Without it, "
                        "uncaptioned projects are skipped")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_batch)


def _roster_usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def cmd_roster_import(args: argparse.Namespace) -> int:
    from introstudio.core.batch.create import RosterInvalid, import_roster

    default_template = args.ctx.settings.default_template
    job = import_roster(args.roster, args.into, template=args.template, skip_bad_rows=args.skip_bad_rows,
                        default_preset=args.ctx.settings.default_preset,
                        footage_dirs=args.footage, dry_run=args.dry_run, default_template=default_template)
    try:
        result = drive(job, show=not args.json)
    except RosterInvalid as exc:
        if not args.json:
            raise
        emit_json({"ok": False, "error": "RosterInvalid", "message": exc.message, "hint": exc.hint,
                   "problems": [_problem(p) for p in exc.problems]})
        return 2
    if args.json:
        emit_json({"ok": True, "dry_run": result.dry_run, "into": str(result.into),
                   "projects": [{"row": p.row, "name": p.name, "folder": str(p.folder), "status": p.status,
                                 "footage": str(p.footage) if p.footage else None, "take": p.take_id,
                                 "warnings": list(p.warnings)} for p in result.projects],
                   "skipped_rows": [_problem(p) for p in result.skipped], "warnings": list(result.warnings)})
        return 0
    for w in result.warnings:
        print(f"warning: {w}")
    for p in result.projects:
        footage = f", footage {p.footage.name}" + (f" (take {p.take_id})" if p.take_id else "") if p.footage else \
            ", no footage yet"
        print(f"{p.status:12} {p.folder.name}  (row {p.row}: {p.name}{footage})")
        for w in p.warnings:
            print(f"             warning: {w}")
    if result.skipped:
        print(f"Skipped {len({p.row for p in result.skipped})} bad row(s):")
        for problem in result.skipped:
            print(f"  {problem}" + (f" - {problem.hint}" if problem.hint else ""))
    verb = "would be ready" if result.dry_run else "ready"
    print(f"{len(result.projects)} project(s) {verb} in {result.into}. Next: `introstudio batch \"{result.into}\"`.")
    return 0


def _problem(p: Any) -> dict[str, Any]:
    return {"row": p.row, "column": p.column, "message": p.message, "hint": p.hint}


def cmd_batch(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from introstudio.core.batch.run import parse_steps, run_batch
    from introstudio.core.errors import InvalidInputError, UserError
    from introstudio.core.jobs import run_job

    if args.workers is not None and args.workers < 1:
        raise InvalidInputError(f"--workers must be 1 or more, not {args.workers}.", "E.g. --workers 2.")
    if args.workers is not None and args.scheduler:
        raise InvalidInputError("--workers counts local worker processes; with --scheduler the Dask cluster's "
                                "workers do the work.", "Give one of the two (start Dask workers with "
                                "`dask worker ADDRESS --nworkers N --nthreads 1`).")
    options = args.ctx.task_options(force=args.force)  # the engine, model and cache the CLI and app use
    publisher = None
    if "publish" in parse_steps(args.steps):
        if not args.yes:
            raise UserError("Nothing was run: the publish step uploads every rendered video to YouTube.",
                            "Add --yes to confirm (videos keep each project's privacy, normally private), "
                            "or leave publish out of --steps.")
        publisher = _publisher(args)
    goliver = None
    if "golive" in parse_steps(args.steps):
        if not args.yes:
            raise UserError("Nothing was run: the golive step makes every approved, uploaded video public on "
                            "YouTube.", "Add --yes to confirm, or leave golive out of --steps.")
        goliver = _goliver(args)
    job = run_batch(args.folder, args.steps, preset=args.preset, workers=args.workers,
                    scheduler_address=args.scheduler, retries=max(0, args.retries), options=options,
                    publisher=publisher, log_file=args.paths.log_file, goliver=goliver)
    show = not args.json
    bar = ProgressBar(enabled=show)

    def on_progress(p: Any) -> None:
        if getattr(p, "item", None) is not None and show:
            if bar.tty:
                bar.stream.write("\r\033[K")
            print(p.message, flush=True)  # the clinician's one-line result, on stdout
        bar(replace(p, message=p.counter or p.message))

    try:
        summary = run_job(job, on_progress)
    finally:
        bar.finish()
    if args.json:
        from dataclasses import asdict

        emit_json({"ok": summary.ok, "folder": str(summary.folder), "steps": list(summary.steps),
                   "runner": summary.runner, "seconds": round(summary.seconds, 1),
                   "report": {"html": str(summary.report_html), "csv": str(summary.report_csv)},
                   "counts": {s: summary.count(s) for s in ("done", "skipped", "failed")},
                   "items": [asdict(r) for r in summary.results]})
        return 0 if summary.ok else 1
    minutes, seconds = divmod(int(round(summary.seconds)), 60)
    print(f"{len(summary.results)} clinician(s): {summary.count('done')} done, {summary.count('skipped')} "
          f"up to date, {summary.count('failed')} failed in {minutes}:{seconds:02d} on {summary.runner}.")
    print(f"Report: {summary.report_html}")
    return 0 if summary.ok else 1


def _goliver(args: argparse.Namespace) -> Any:
    """go_live with this user's sign-in and quota ledger, and each project's approval policy."""
    from introstudio.core.review.golive import go_live
    from introstudio.core.review.policy import load_policy

    ledger = args.ctx.quota_ledger()
    connect = args.ctx.connector(ledger)

    def golive(pf: Any) -> Any:
        kit = args.ctx.brand_kit(pf)
        return go_live(pf, load_policy(kit), connect=connect, ledger=ledger, actor="introstudio batch", kit=kit)
    return golive


def _publisher(args: argparse.Namespace) -> Any:
    """publish_project with this user's sign-in, quota ledger and queue (the application context's) bound."""
    from introstudio.core.publish.publish import PublishOptions, publish_project

    ledger, queue = args.ctx.quota_ledger(), args.ctx.publish_queue()
    connect = args.ctx.connector(ledger)

    def publish(pf: Any) -> Any:
        from introstudio.core.project.progress import export_to_publish
        from introstudio.core.render.records import record_path

        record, _notes = export_to_publish(pf)  # the full-quality export, as the app and `publish` choose it
        kit = args.ctx.brand_kit(pf)
        options = PublishOptions(brand_kit=kit, allow_uncaptioned=args.no_captions, lock_wait=PUBLISH_WAIT,
                                 video=str(record_path(pf, record)),
                                 actor="introstudio batch" + (" --no-captions" if args.no_captions else ""))
        return publish_project(pf, None, confirmed=True, public_confirmed=args.confirm_public, connect=connect,
                               ledger=ledger, queue=queue, options=options)
    return publish
