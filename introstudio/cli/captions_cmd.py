"""`introstudio captions ...`: make captions offline, check them against a profile, import and export."""

from __future__ import annotations

import argparse
from pathlib import Path

from introstudio.cli.forms import FormsParser
from introstudio.cli.output import drive, emit_json


def register(sub: argparse._SubParsersAction) -> None:
    """`captions DIR`, and its forms `captions check|import|export` (parsers of their own: cli/forms.py)."""
    p = sub.add_parser("captions", help="caption a take offline with Whisper, aligned to the script "
                                        "(also: captions check|import|export)",
                       description="Caption a take offline with Whisper, aligned to the script.")
    assert isinstance(p, FormsParser), "captions is registered on build_parser()'s sub-commands"
    p.add_argument("dir", type=Path, help="the project folder")
    p.add_argument("--take", type=int, metavar="N", help="which take (default: the chosen or newest one)")
    p.add_argument("--engine", default=None, choices=["faster-whisper", "openai-whisper"],
                   help="speech recogniser (default: the caption_engine setting, else faster-whisper)")
    p.add_argument("--model", metavar="PATH_OR_NAME", help="a local model folder/file or an installed model name "
                                                             "(default: the caption_model setting, else the "
                                                             "bundled tiny.en)")
    p.add_argument("--language", metavar="CODE", help="spoken language (default: the script's)")
    p.add_argument("--profile", default=None, metavar="NAME", help="caption profile: default, dcmp, bbc, "
                                                                   "clinical-ada")
    p.add_argument("--no-script", action="store_true", help="do not align to the project's script")
    p.add_argument("--script-prompt", action="store_true",
                   help="also give the recogniser the script's names as a prompt (off by default: on some takes it "
                        "makes the model lose speech, which is then heard again; the names are checked anyway)")
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help="also export to FILE.srt or FILE.vtt")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_captions)

    c = p.add_form("check", help="check a caption file or a project's captions against a profile (--fix re-flows)")
    c.add_argument("target", type=Path, metavar="FILE_OR_DIR")
    c.add_argument("--profile", default=None, metavar="NAME")
    c.add_argument("--take", type=int, metavar="N")
    c.add_argument("--fix", action="store_true", help="re-flow the cues to satisfy the profile")
    c.add_argument("-o", "--output", type=Path, metavar="FILE", help="with --fix on a file: write here instead")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_check)

    c = p.add_form("import", help="use an .srt or .vtt file as a take's captions")
    c.add_argument("dir", type=Path)
    c.add_argument("file", type=Path)
    c.add_argument("--take", type=int, metavar="N")
    c.add_argument("--language", default="en", metavar="CODE")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_import)

    c = p.add_form("export", help="write a take's captions to an .srt or .vtt file")
    c.add_argument("dir", type=Path)
    c.add_argument("file", type=Path)
    c.add_argument("--take", type=int, metavar="N")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_export)


def cmd_captions(args: argparse.Namespace) -> int:
    from introstudio.core.captions.formats import write_captions
    from introstudio.core.captions.pipeline import caption_take
    from introstudio.core.captions.verify import PLACED_VERDICT
    from introstudio.core.project import open_project

    pf = open_project(args.dir)
    choice = args.ctx.captions(args.engine, args.model)  # the same engine, model and cache as the app and batch
    result = drive(caption_take(pf, args.take, engine=choice.engine, model=choice.model, language=args.language,
                                profile=args.ctx.caption_profile(pf, args.profile), use_script=not args.no_script,
                                cache_dir=choice.cache_dir, prompt=True if args.script_prompt else None),
                   show=not args.json)
    if args.output:
        write_captions(result.track.cues, args.output)
    track = result.track
    if args.json:
        emit_json({"ok": True, "take": track.take_id, "cues": len(track.cues), "engine": track.engine,
                   "model": track.model, "profile": track.profile, "script_match": result.script_match,
                   "departures": track.departures, "violations": [v.__dict__ for v in result.violations],
                   "needed_rescue": result.needed_rescue, "rescues": track.rescues,
                   "uncaptioned_speech": [r.to_dict() for r in result.uncaptioned],
                   "corrected": list(result.corrected), "seconds": result.seconds,
                   "files": [str(f) for f in result.files] + ([str(args.output)] if args.output else [])})
        return 0
    print(f"Take {track.take_id}: {len(track.cues)} captions ({track.engine} {track.model}, {track.profile} profile)")
    if result.script_match is not None:
        print(f"Script match: {result.script_match:.0%} of the script's words were spoken")
    if result.needed_rescue:
        print(f"Rescue: the recogniser missed {len(result.rescues)} stretch(es) of speech at first; check them:")
        for r in result.rescues:
            print(f"  rescue: {r.describe()}")
    slips = [d for d in result.corrected if d.get("verdict") != PLACED_VERDICT]
    if slips:
        print(f"Verified: {len(slips)} recogniser slip(s) shown as the script's words (the audio fits them as well)")
    for d in track.departures:
        where = f" at {d['start']:.1f}s" if d.get("start") is not None else ""
        scores = (f" (log-prob script {d['script_score']:.1f}, heard {d['heard_score']:.1f})"
                  if "script_score" in d else "")
        print(f"  review: {d['kind']}{where}: script {d['script_text']!r}, heard {d['heard_text']!r}{scores}")
    for v in result.violations:
        print(f"  {v}")
    for f in list(result.files) + ([args.output] if args.output else []):
        print(f"Wrote {f}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from introstudio.core.captions.formats import read_captions, write_captions
    from introstudio.core.captions.layout import check_cues
    from introstudio.core.captions.pipeline import fix_cues, store_track, track_for
    from introstudio.core.captions.profiles import get_profile
    from introstudio.core.project.store import PROJECT_FILE, open_project

    target: Path = args.target
    warnings: list[str] = []
    if target.is_dir() and (target / PROJECT_FILE).exists():
        pf = open_project(target)
        track = track_for(pf, args.take)
        cues, profile_name = list(track.cues), args.profile or track.profile
    else:
        pf, track = None, None
        loaded = read_captions(target)
        cues, warnings, profile_name = list(loaded.cues), list(loaded.warnings), args.profile or "default"
    profile = get_profile(profile_name)
    violations = check_cues(cues, profile)
    fixed_to = None
    if args.fix and violations:
        cues, violations = fix_cues(cues, profile.name)
        if pf is not None and track is not None:
            track.cues, track.profile, track.edited = cues, profile.name, True
            store_track(pf, track)
            fixed_to = pf.file
        else:
            fixed_to = args.output or target
            write_captions(cues, fixed_to)
    if args.json:
        emit_json({"ok": not violations, "profile": profile.name, "cues": len(cues), "warnings": warnings,
                   "fixed": str(fixed_to) if fixed_to else None,
                   "violations": [v.__dict__ for v in violations]})
        return 0 if not violations else 1
    for w in warnings:
        print(f"warning: {w}")
    if fixed_to:
        print(f"Re-flowed to the {profile.name} profile: {len(cues)} captions, saved to {fixed_to}")
    for v in violations:
        print(f"Cue {v.cue_number} [{v.rule}]: {v.message}")
    print(f"{len(cues)} captions, {len(violations)} problem(s) under the {profile.name} profile."
          + ("" if not violations or args.fix else " Run again with --fix to re-flow them."))
    return 0 if not violations else 1


def cmd_import(args: argparse.Namespace) -> int:
    from introstudio.core.captions.pipeline import import_captions
    from introstudio.core.project import open_project

    pf = open_project(args.dir)
    track, warnings = import_captions(pf, args.file, args.take, args.language)
    if args.json:
        emit_json({"ok": True, "take": track.take_id, "cues": len(track.cues), "warnings": warnings})
        return 0
    for w in warnings:
        print(f"warning: {w}")
    print(f"Imported {len(track.cues)} captions into take {track.take_id}.")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from introstudio.core.captions.pipeline import export_captions
    from introstudio.core.project import open_project

    out = export_captions(open_project(args.dir), args.file, args.take)
    if args.json:
        emit_json({"ok": True, "file": str(out)})
    else:
        print(f"Wrote {out}")
    return 0
