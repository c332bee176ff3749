"""`introstudio publish` (upload to YouTube after an explicit yes) and `introstudio auth login|status|logout`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from introstudio.cli.output import drive, emit_json

PRIVACY = ("private", "unlisted", "public")
DEFAULT_CHUNK = 8 * 1024 * 1024
DEFAULT_WAIT = 600.0  # seconds a second publisher of one project waits for the first


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("publish", help="upload the exported clip to YouTube for approval (private by default)",
                       description="Upload the project's latest export with its title, description, tags, "
                                   "captions and thumbnail. Asks before uploading; if interrupted, run it again "
                                   "to resume the same upload.")
    p.add_argument("dir", type=Path, nargs="?", help="the project folder (omit with --queued)")
    p.add_argument("--privacy", choices=PRIVACY, default=None,
                   help="who can see the video (default: the project's setting, normally private)")
    p.add_argument("-y", "--yes", action="store_true", help="upload without asking for confirmation")
    p.add_argument("--confirm-public", action="store_true",
                   help="the second confirmation --privacy public needs when there is no prompt")
    p.add_argument("--video", type=Path, metavar="FILE", help="which export to upload (default: the newest full-quality one; a preview only when named here)")
    p.add_argument("--no-captions", action="store_true",
                   help="publish without captions, on purpose: people who are deaf or hard of hearing will not be "
                        "able to follow the video (the choice is recorded in the project; without captions and "
                        "without this flag, publish refuses)")
    p.add_argument("--no-thumbnail", action="store_true", help="do not set the custom thumbnail")
    p.add_argument("--new-video", action="store_true",
                   help="upload as another video although the project was published before")
    p.add_argument("--synthetic-media", action="store_true",
                   help="declare that the video contains realistic AI-generated or altered content")
    p.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK, metavar="BYTES",
                   help="bytes per upload request, a multiple of 262144 (default 8 MiB)")
    p.add_argument("--wait", type=float, default=DEFAULT_WAIT, metavar="SECONDS",
                   help="when someone else is uploading this project, wait this long for them to finish "
                        f"(default {DEFAULT_WAIT:.0f}; 0 refuses at once)")
    p.add_argument("--queued", action="store_true", help="publish the projects that waited for the quota reset")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_publish)

    a = sub.add_parser("auth", help="sign in to YouTube, show the sign-in, or sign out (login|status|logout)")
    actions = a.add_subparsers(dest="auth_action", metavar="ACTION")
    a.set_defaults(func=lambda args: _auth_usage(a))
    lg = actions.add_parser("login", help="sign in with the organisation's OAuth client in the browser")
    lg.add_argument("--client-secrets", type=Path, metavar="FILE",
                    help="the organisation's Desktop-app OAuth client file (remembered in settings)")
    lg.add_argument("--no-browser", action="store_true", help="only print the address to open")
    lg.add_argument("--no-captions", action="store_true", help="ask for upload permission only, not captions")
    lg.add_argument("--store-in-file", action="store_true",
                    help="without a system keyring, keep the sign-in in a file only you can read")
    lg.add_argument("--timeout", type=float, default=300.0, metavar="SECONDS", help=argparse.SUPPRESS)
    lg.add_argument("--json", action="store_true")
    lg.set_defaults(func=cmd_login)
    st = actions.add_parser("status", help="show whether IntroStudio can publish, and check the sign-in")
    st.add_argument("--offline", action="store_true", help="do not contact Google to check the sign-in")
    st.add_argument("--json", action="store_true")
    st.set_defaults(func=cmd_status)
    lo = actions.add_parser("logout", help="revoke the sign-in at Google and delete it from this computer")
    lo.add_argument("--json", action="store_true")
    lo.set_defaults(func=cmd_logout)


def _auth_usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _context(args: argparse.Namespace) -> tuple[Any, Path]:
    """(ApiConfig, token file) for this run, from the one application context."""
    return args.ctx.api_config(), args.ctx.token_file


def _ask(question: str) -> str:
    print(question, end=" ", file=sys.stderr, flush=True)
    line = sys.stdin.readline()
    return line.strip().lower()


def cmd_publish(args: argparse.Namespace) -> int:
    from introstudio.core.errors import InvalidInputError

    if args.queued:
        return _publish_queued(args)
    if args.dir is None:
        raise InvalidInputError("Say which project to publish.", "introstudio publish DIR (or --queued).")
    from introstudio.core.project import open_project
    from introstudio.core.publish.assets import find_assets
    from introstudio.core.publish.metadata import build_metadata, load_templates
    from introstudio.core.publish.safeguards import check_caption_rule

    pf = open_project(args.dir)
    pf.what = "introstudio publish"
    kit = args.ctx.brand_kit(pf)
    from introstudio.core.project.progress import export_to_publish
    from introstudio.core.render.records import record_path

    record, notes = export_to_publish(pf, args.video)  # the full-quality export unless --video names one
    args.video = record_path(pf, record)
    assets = find_assets(pf, args.video)
    meta = build_metadata(pf.project, load_templates(kit), args.privacy, args.synthetic_media or None)
    if not args.json:
        _preview(assets, meta, args)
    for note in notes:
        print(f"⚠ {note}", file=sys.stderr)
    check_caption_rule(pf, assets, args.no_captions)  # before the prompt: no captions needs --no-captions
    if not args.yes:
        if args.json or _ask(f"Upload this video to YouTube as {meta.privacy}? [y/N]") not in ("y", "yes"):
            print("Nothing was uploaded." + (" Pass --yes to confirm." if args.json else ""), file=sys.stderr)
            return 1
    public_ok = meta.privacy != "public" or args.confirm_public
    if not public_ok and not args.json and sys.stdin.isatty():
        answer = _ask("A public video can be found and watched by anyone, at once. Type 'public' to confirm:")
        public_ok = answer == "public"
        if not public_ok:
            print("Nothing was uploaded.", file=sys.stderr)
            return 1
    result = _run(args, pf, meta.privacy, public_ok, kit)
    _report(result, args.json, pf.project.publish.captions_waived)
    return 0


def _run(args: argparse.Namespace, pf: Any, privacy: str, public_ok: bool, kit: str | None) -> Any:
    from introstudio.core.publish.publish import PublishOptions, publish_project

    ledger, queue = args.ctx.quota_ledger(), args.ctx.publish_queue()
    options = PublishOptions(captions=not args.no_captions, thumbnail=not args.no_thumbnail,
                             video=str(args.video) if args.video else None, new_video=args.new_video,
                             contains_synthetic_media=args.synthetic_media or None, brand_kit=kit,
                             chunk_size=args.chunk_size, lock_wait=max(0.0, args.wait),
                             actor="introstudio publish" + (" --no-captions" if args.no_captions else ""))
    job = publish_project(pf, privacy, confirmed=True, public_confirmed=public_ok,
                          connect=args.ctx.connector(ledger), ledger=ledger, queue=queue, options=options)
    return drive(job, show=not args.json)


def _preview(assets: Any, meta: Any, args: argparse.Namespace) -> None:
    size = assets.video.stat().st_size / 1e6
    print(f"Video:       {assets.video} ({size:.1f} MB)")
    print(f"Title:       {meta.title}")
    print(f"Privacy:     {meta.privacy}")
    print(f"Category:    {meta.category_id}   Language: {meta.language}   Tags: {', '.join(meta.tags) or '-'}")
    captions = "no: published without captions (--no-captions, recorded in the project)" if args.no_captions \
        else (assets.srt.name if assets.srt else "none found")
    thumb = "no (--no-thumbnail)" if args.no_thumbnail else (assets.thumbnail.name if assets.thumbnail else "none found")
    print(f"Captions:    {captions}")
    for language, srt in assets.translations if not args.no_captions else ():
        print(f"             {srt.name} ({language}, the script's translation)")
    print(f"Thumbnail:   {thumb}")
    print(f"Made for kids: no   Notify subscribers: no   Synthetic media: {'yes' if meta.contains_synthetic_media else 'no'}")


def _report(result: Any, as_json: bool, waived: dict | None = None) -> None:
    if as_json:
        emit_json({"ok": True, "video_id": result.video_id, "url": result.url, "studio_url": result.studio_url,
                   "title": result.title, "privacy_requested": result.privacy_requested,
                   "privacy_status": result.privacy_status, "upload_status": result.upload_status,
                   "captions": result.captions, "translations": result.translations, "thumbnail": result.thumbnail,
                   "complete": result.complete,
                   "warnings": list(result.warnings), "size": result.size, "bytes_sent": result.bytes_sent,
                   "resumed_from": result.resumed_from, "already_uploaded": result.already_uploaded,
                   "captions_waived": waived})
        return
    verb = "Already on YouTube" if result.already_uploaded else "Uploaded"
    print(f"{verb}: {result.url} ({result.privacy_status or result.privacy_requested})")
    print(f"Review it in YouTube Studio: {result.studio_url}")
    if result.resumed_from:
        print(f"Resumed from {result.resumed_from / 1e6:.1f} MB already on YouTube.")
    print(f"Captions: {result.captions}. Thumbnail: {result.thumbnail}.")
    for language, outcome in result.translations.items():
        print(f"Captions ({language}, the script's translation): {outcome}.")
    if waived:
        print(f"Published without captions by choice: {waived.get('by')} at {waived.get('at')} (recorded in the "
              "project).")
    for warning in result.warnings:
        print(f"warning: {warning}")


def _publish_queued(args: argparse.Namespace) -> int:
    from introstudio.core.errors import UserError
    from introstudio.core.project import open_project
    queue = args.ctx.publish_queue()
    due, waiting = queue.due(), [e for e in queue.entries() if e not in queue.due()]
    results, failed = [], 0
    for entry in due:
        try:
            pf = open_project(Path(entry.project))
            result = _run(args, pf, entry.privacy, entry.privacy == "public", None)
            results.append({"project": entry.project, "ok": True, "url": result.url})
            if not args.json:
                _report(result, False)
        except UserError as exc:
            failed += 1
            results.append({"project": entry.project, "ok": False, "message": exc.message, "hint": exc.hint})
            if not args.json:
                print(f"error: {entry.project}: {exc.message}", file=sys.stderr)
    if args.json:
        emit_json({"ok": not failed, "published": results,
                   "waiting": [{"project": e.project, "not_before": e.not_before} for e in waiting]})
    else:
        if not due:
            print("No queued upload is due.")
        for e in waiting:
            print(f"Waiting until {e.not_before}: {e.project}")
    return 1 if failed else 0


def cmd_login(args: argparse.Namespace) -> int:
    from introstudio.core.publish.auth import load_client_secrets, scopes_for, sign_in
    from introstudio.core.publish.tokens import TokenStore
    from introstudio.core.settings import update_settings

    if args.client_secrets:
        client = load_client_secrets(args.client_secrets)  # check it before remembering it
        update_settings(args.paths.settings_file,
                        youtube_client_secrets=str(args.client_secrets.expanduser().absolute()))
        args.ctx = args.ctx.reload_settings()
    config, token_file = _context(args)
    client = load_client_secrets(config.client_secrets)
    store = TokenStore(client.client_id, token_file, allow_file=args.store_in_file)

    def show(url: str) -> None:
        print("Sign in to YouTube in your browser" + ("" if not args.no_browser else "; open this address:")
              + (f"\n{url}" if args.no_browser else f" (if it did not open, go to:\n{url} )"), file=sys.stderr)

    token = sign_in(client, scopes_for(not args.no_captions), store, open_browser=not args.no_browser,
                    show_url=show, timeout=args.timeout)
    if args.json:
        emit_json({"ok": True, "stored_in": token.where, "scopes": list(token.scopes)})
    else:
        print(f"Signed in. The sign-in is kept in the {token.where}.")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from introstudio.core.publish.auth import auth_status

    config, token_file = _context(args)
    status = auth_status(config, token_file, check=not args.offline)
    if args.json:
        emit_json({"ok": status.signed_in and status.valid is not False, "signed_in": status.signed_in,
                   "source": status.source, "client_id": status.client_id, "scopes": list(status.scopes),
                   "valid": status.valid, "detail": status.detail,
                   "api_root": config.root})
    else:
        state = "signed in" if status.signed_in else "not signed in"
        print(f"YouTube: {state}" + (f" ({status.source})" if status.source else "") + f": {status.detail}")
        if status.scopes:
            print("Allows: " + ", ".join(s.rsplit("/", 1)[-1] for s in status.scopes))
        if config.api_root:
            print(f"API root: {config.root}")
    return 0 if status.signed_in and status.valid is not False else 1


def cmd_logout(args: argparse.Namespace) -> int:
    from introstudio.core.publish.auth import logout

    config, token_file = _context(args)
    result = logout(config, token_file)
    if args.json:
        emit_json({"ok": True, "revoked": result.revoked, "removed_from": list(result.removed_from),
                   "detail": result.detail})
        return 0
    if result.removed_from:
        print(("Signed out: the sign-in was revoked at Google" if result.revoked else "Signed out")
              + " and deleted from " + ", ".join(result.removed_from) + ".")
    if result.detail:
        print(result.detail)
    return 0
