"""Two-word commands: `captions check|import|export` are forms of `captions`, `roster import` a nested command;
no argv rewriting, no hidden commands in the listing."""

from __future__ import annotations

from pathlib import Path

import pytest

from introstudio.cli import build_parser, captions_cmd


@pytest.mark.parametrize("argv, func, values", [
    (["captions", "proj"], captions_cmd.cmd_captions, {"dir": Path("proj")}),
    (["captions", "check", "a.srt", "--fix"], captions_cmd.cmd_check, {"target": Path("a.srt"), "fix": True}),
    (["--home", "h", "-v", "captions", "import", "proj", "a.vtt", "--take", "2"], captions_cmd.cmd_import,
     {"dir": Path("proj"), "file": Path("a.vtt"), "take": 2, "language": "en"}),
    (["captions", "export", "proj", "out.srt", "--json"], captions_cmd.cmd_export,
     {"dir": Path("proj"), "file": Path("out.srt"), "json": True}),
    (["captions", "./check"], captions_cmd.cmd_captions, {"dir": Path("check")}),  # a folder called check
])
def test_each_form_parses_to_its_command(argv, func, values):
    args = build_parser().parse_args(argv)
    assert args.command == "captions" and args.func is func
    assert {k: getattr(args, k) for k in values} == values


def test_a_forms_own_arguments_and_errors_are_its_own(capsys):
    parser = build_parser()
    with pytest.raises(SystemExit) as info:
        parser.parse_args(["captions", "import", "proj"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: introstudio captions import") and "required: file" in err
    with pytest.raises(SystemExit):
        parser.parse_args(["captions", "check", "a.srt", "--engine", "faster-whisper"])  # an option of `captions`
    assert "unrecognized arguments: --engine" in capsys.readouterr().err


def test_the_listing_shows_commands_and_each_command_its_forms(capsys):
    parser = build_parser()
    top = parser.format_help()
    assert "captions-" not in top and "roster-import" not in top and "==SUPPRESS==" not in top
    with pytest.raises(SystemExit):
        parser.parse_args(["captions", "--help"])
    captions = capsys.readouterr().out
    for form in ("check", "import", "export"):
        assert f"introstudio captions {form} " in captions
    with pytest.raises(SystemExit):
        parser.parse_args(["captions", "export", "--help"])
    assert capsys.readouterr().out.startswith("usage: introstudio captions export")


def test_the_cli_runs_a_form_end_to_end(cli, tmp_path):
    srt = tmp_path / "a.srt"
    srt.write_text("1\n00:00:00,500 --> 00:00:02,000\nHello, I am Maria.\n", encoding="utf-8")
    r = cli("captions", "check", srt, "--json")
    assert r.code == 0, r.err
    assert (r.json()["ok"], r.json()["cues"], r.json()["violations"]) == (True, 1, [])
