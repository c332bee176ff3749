"""`introstudio render DIR`: export the clip (one ffmpeg pass) with a progress bar; Ctrl-C stops it cleanly."""

from __future__ import annotations

import argparse
from pathlib import Path

from introstudio.cli.output import drive, emit_json


def register(sub: argparse._SubParsersAction) -> None:
    from introstudio.core.render.presets import preset_names  # light: dataclasses only

    p = sub.add_parser("render", help="export the finished clip: cards, lower third, captions, loudness")
    p.add_argument("dir", type=Path, help="project folder")
    p.add_argument("--preset", choices=preset_names(), default=None,
                   help="export format (default: the project's, normally youtube-1080p)")
    p.add_argument("-o", "--output", type=Path, metavar="OUT.mp4",
                   help="where to write the video (default: the project's exports folder)")
    burn = p.add_mutually_exclusive_group()
    burn.add_argument("--burn-captions", dest="burn_captions", action="store_true", default=None,
                      help="draw the captions into the picture (the project's default)")
    burn.add_argument("--no-burn-captions", dest="burn_captions", action="store_false",
                      help="captions only as sidecar .srt/.vtt files")
    p.add_argument("--frames", type=Path, metavar="DIR",
                   help="also write stills of the title card, lower third with a caption and end card to DIR")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_render)


def cmd_render(args: argparse.Namespace) -> int:
    from introstudio.core.project import open_project
    from introstudio.core.render.export import export_frames, render_project

    pf = open_project(args.dir)
    result = drive(render_project(pf, args.preset, args.output, args.burn_captions), show=not args.json)
    frames = export_frames(pf, args.frames, result.preset, video=result.video) if args.frames else []
    if args.json:
        emit_json({"ok": True, **result.to_dict(), "frames": [str(f) for f in frames]})
        return 0
    print(f"Exported {result.video} ({result.preset}, {result.duration:.1f} s) in {result.seconds_taken:.1f} s")
    if result.loudness_lufs is not None:
        peak = f", true peak {result.true_peak:.1f} dBTP" if result.true_peak is not None else ""
        print(f"Loudness: {result.loudness_lufs:.1f} LUFS{peak} (target {pf.project.design.loudness_target:g})")
    for label, path in (("Captions", result.srt), ("Captions", result.vtt), ("Thumbnail", result.thumbnail)):
        if path is not None:
            print(f"{label}: {path}")
    for kind, path in result.translations.items():  # the script's other language (captions/parallel.py)
        print(f"Captions ({kind.split('.', 1)[1]}, the script's translation): {path}")
    for frame in frames:
        print(f"Frame: {frame}")
    return 0
