"""Project commands: new, script, import, info, templates."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from introstudio.cli.output import drive, emit_json

# CLI option -> clinician field, for every profile field except name (required, positional-like).
PROFILE_OPTIONS: dict[str, str] = {
    "--title": "title", "--credentials": "credentials", "--role": "role", "--pronouns": "pronouns",
    "--specialty": "specialty", "--department": "department", "--organisation": "organisation",
    "--focus-areas": "focus_areas", "--languages": "languages", "--clinic-location": "clinic_location",
    "--phone": "phone", "--web-page": "web_page", "--years-experience": "years_experience",
    "--first-visit-notes": "first_visit_notes",
}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("new", help="create a project for a clinician")
    p.add_argument("dir", type=Path, help="new (or empty) folder for the project")
    p.add_argument("--name", required=True, help='full name, e.g. "Maria Lopez"')
    for option, dest in PROFILE_OPTIONS.items():
        p.add_argument(option, dest=dest, default="", metavar="TEXT")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--template", metavar="ID", help="script template (see `introstudio templates`)")
    group.add_argument("--script-file", type=Path, metavar="FILE", help="your own script, a UTF-8 text file")
    p.add_argument("--set", action="append", default=[], metavar="VAR=VALUE",
                   help="fill a template variable that is not a profile field (repeatable)")
    p.add_argument("--wpm", type=int, metavar="N", help="reading pace in words per minute")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("script", help="print the filled script with its reading time")
    p.add_argument("dir", type=Path)
    p.add_argument("--wpm", type=int, metavar="N", help="reading pace for the estimate")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_script)

    p = sub.add_parser("import", help="add footage files to a project as takes")
    p.add_argument("dir", type=Path)
    p.add_argument("files", type=Path, nargs="+", metavar="FILE")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("info", help="show a project: clinician, script, takes, captions, exports")
    p.add_argument("dir", type=Path)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("templates", help="list the script templates")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_templates)

    p = sub.add_parser("demo", help="create the sample project from bundled footage (the README's run command)")
    p.add_argument("--where", type=Path, metavar="DIR", help="folder for the sample project")
    p.add_argument("--no-gui", action="store_true", help="do not open the desktop app afterwards")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_demo)


def cmd_new(args: argparse.Namespace) -> int:
    from introstudio.core.project import Clinician, Design, Script, create_project
    from introstudio.core.project.ops import filled_script

    clinician = Clinician(name=args.name.strip(), **{f: getattr(args, f).strip() for f in PROFILE_OPTIONS.values()})
    from introstudio.core.project.limits import check_clinician, clinician_warnings

    check_clinician(clinician)  # too long, control characters: refused before anything is made
    for warning in clinician_warnings(clinician):
        print(f"warning: {warning}", file=sys.stderr)
    script = Script(words_per_minute=args.wpm, values=_parse_sets(args.set))
    if args.script_file:
        script.free_text = _read_script_file(args.script_file)
    else:
        script.template_id = args.template or args.ctx.settings.default_template
    # Validate the script before creating anything, so a typo leaves no half-made folder behind.
    from introstudio.core.project.model import Project

    filled_script(Project(clinician=clinician, script=script))
    pf = create_project(args.dir, clinician, script, Design(preset=args.ctx.settings.default_preset))
    if args.json:
        emit_json({"ok": True, "project": str(pf.folder), "id": pf.project.id})
    else:
        print(f"Created the project for {clinician.name} in {pf.folder}")
        print(f"Next: `introstudio script \"{pf.folder}\"` to read the script, "
              f"`introstudio import \"{pf.folder}\" FILE` to add footage.")
    return 0


def cmd_script(args: argparse.Namespace) -> int:
    from introstudio.core.project import open_project
    from introstudio.core.project.ops import filled_script, script_words_per_minute
    from introstudio.core.script.reading import count_words, format_duration, reading_seconds

    pf = open_project(args.dir)
    script = filled_script(pf.project)
    wpm = args.wpm or script_words_per_minute(pf.project)
    paragraphs = [{"text": p, "words": count_words(p), "seconds": round(reading_seconds(p, wpm), 1)}
                  for p in script.paragraphs]
    total = reading_seconds(script.text, wpm)
    if args.json:
        emit_json({"template": pf.project.script.template_id, "language": script.language,
                   "words_per_minute": wpm, "words": script.word_count, "seconds": round(total, 1),
                   "paragraphs": paragraphs})
        return 0
    for i, para in enumerate(paragraphs, 1):
        print(f"[{i}] ({format_duration(para['seconds'])})")
        print(para["text"])
        print()
    print(f"{script.word_count} words, about {format_duration(total)} at {wpm} words per minute.")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from introstudio.core.project import open_project
    from introstudio.core.project.ops import import_takes

    pf = open_project(args.dir)
    takes = drive(import_takes(pf, args.files), show=not args.json)
    if args.json:
        emit_json({"ok": True, "takes": [_take_dict(pf, t) for t in takes]})
        return 0
    for take in takes:
        print(f"Added {take.name}: {take.file} ({_media_summary(take.media)})")
        for warning in take.warnings:
            print(f"  warning: {warning}")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    from introstudio.core.project import open_project

    pf = open_project(args.dir)
    p = pf.project
    if args.json:
        data = p.to_dict()
        data["folder"] = str(pf.folder)
        data["takes"] = [_take_dict(pf, t) for t in p.takes]
        emit_json(data)
        return 0
    c = p.clinician
    print(f"Project: {pf.folder}")
    print(f"Clinician: {' '.join(x for x in (c.title, c.name) if x)}" + (f", {c.credentials}" if c.credentials else ""))
    for label, value in (("Specialty", c.specialty), ("Department", c.department), ("Organisation", c.organisation)):
        if value:
            print(f"{label}: {value}")
    script = f"template {p.script.template_id}" if p.script.free_text is None else "own text"
    print(f"Script: {script}")
    current = p.current_take()
    print(f"Takes: {len(p.takes)}" + ("" if p.takes else " (add footage with `introstudio import DIR FILE`)"))
    for t in p.takes:
        mark = "*" if current and t.id == current.id else " "
        match = f", script match {t.script_match:.0%}" if t.script_match is not None else ""
        print(f" {mark}{t.id:>3}  {t.file}  ({_media_summary(t.media)}{match})")
        for warning in t.warnings:
            print(f"        warning: {warning}")
    for track in p.captions:
        print(f"Captions: take {track.take_id}, {len(track.cues)} cues ({track.language}, {track.profile})")
    for export in p.exports:
        print(f"Export: {export.get('file', '?')} ({export.get('preset', '?')})")
    return 0


def cmd_templates(args: argparse.Namespace) -> int:
    from introstudio.core.script.templates import list_templates

    templates = list_templates()
    if args.json:
        emit_json([{"id": t.id, "title": t.title, "language": t.language, "description": t.description,
                    "variables": [{"name": v.name, "label": v.label, "required": v.required}
                                  for v in t.variables]} for t in templates])
        return 0
    for t in templates:
        required = ", ".join(v.name for v in t.variables if v.required)
        print(f"{t.id:<22} {t.language:<3} {t.title}  (needs: {required})")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from introstudio.core.sample import create_sample_project

    where = args.where or args.paths.documents_dir / "Sample project"
    pf = drive(create_sample_project(where), show=not args.json)
    if args.json:
        emit_json({"ok": True, "project": str(pf.folder)})
        return 0
    print(f"The sample project is in {pf.folder}")
    args.dir = pf.folder
    cmd_info(args)
    if args.no_gui:
        return 0
    if not _has_display():
        print(f'No display here, so the desktop app was not opened. On a desktop: introstudio gui "{pf.folder}"')
        return 0
    from introstudio.gui.app import run_gui

    return run_gui(pf.folder, None, None, args.ctx)


def _has_display() -> bool:
    import os
    import sys

    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _parse_sets(items: list[str]) -> dict[str, str]:
    from introstudio.core.errors import InvalidInputError

    values = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InvalidInputError(f"--set {item!r} is not VAR=VALUE.", 'Write it like --set first_visit_notes="..."')
        values[key.strip()] = value.strip()
    return values


def _read_script_file(path: Path) -> str:
    """The script's text by the one encoding policy (core/textfiles.py); a guessed encoding is a warning."""
    from introstudio.core.textfiles import read_text_guess

    guess = read_text_guess(path, what="script")
    for warning in guess.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return guess.text


def _take_dict(pf, take) -> dict:
    from dataclasses import asdict

    d = asdict(take)
    d["path"] = str(pf.resolve(take.file))
    return d


def _media_summary(media: dict) -> str:
    parts = [f"{media.get('duration', 0):.1f} s"]
    video = media.get("video")
    if video:
        parts.append(f"{video.get('display_width')}x{video.get('display_height')}")
        parts.append(f"{video.get('fps', 0):.3g} fps" + (" VFR" if video.get("variable_frame_rate") else ""))
        if video.get("rotation"):
            parts.append(f"rotated {video['rotation']}°")
    parts.append("audio" if media.get("audio") else "no audio")
    return ", ".join(parts)
