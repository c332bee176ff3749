"""One application context: the CLI, the app and batch workers get the same engine, model, cache and files."""

from __future__ import annotations

from pathlib import Path

import pytest

from introstudio.core.context import AppContext
from introstudio.core.errors import InvalidInputError
from introstudio.core.settings import Settings, save_settings


def _home_with(tmp_path: Path, **settings) -> Path:
    home = tmp_path / "home"
    ctx = AppContext.create(home, environ={})
    save_settings(ctx.paths.settings_file, Settings(**settings))
    return home


def test_captions_follow_the_settings_unless_asked_otherwise(tmp_path: Path) -> None:
    home = _home_with(tmp_path, caption_engine="openai-whisper", caption_model="/models/base")
    ctx = AppContext.create(home, environ={})
    choice = ctx.captions()
    assert (choice.engine, choice.model, choice.cache_dir) == ("openai-whisper", "/models/base", ctx.paths.cache_dir)
    assert ctx.captions(engine="faster-whisper").engine == "faster-whisper"
    options = ctx.task_options(force=True)  # what batch workers receive
    assert (options.caption_engine, options.caption_model, options.cache_dir, options.force) == \
        ("openai-whisper", "/models/base", str(ctx.paths.cache_dir), True)


def test_home_comes_from_the_environment_when_not_given(tmp_path: Path) -> None:
    ctx = AppContext.create(environ={"INTROSTUDIO_HOME": str(tmp_path / "h")})
    assert ctx.paths.config_dir == tmp_path / "h" / "config"
    assert ctx.youtube_dir == tmp_path / "h" / "config" / "youtube"
    assert ctx.quota_ledger().file.parent == ctx.youtube_dir == ctx.publish_queue().file.parent


def test_a_broken_settings_file_is_an_error_or_a_kept_warning(tmp_path: Path) -> None:
    home = tmp_path / "home"
    file = AppContext.create(home, environ={}).paths.settings_file
    file.parent.mkdir(parents=True)
    file.write_text("caption_engine = = broken\n")
    with pytest.raises(InvalidInputError):
        AppContext.create(home, environ={})
    ctx = AppContext.create(home, environ={}, strict=False)
    assert isinstance(ctx.settings_error, InvalidInputError) and ctx.settings == Settings()


def test_the_cli_warns_about_broken_settings_and_still_runs(tmp_path: Path, capsys) -> None:
    from introstudio.cli import main

    home = tmp_path / "home"
    file = AppContext.create(home, environ={}).paths.settings_file
    file.parent.mkdir(parents=True)
    file.write_text("[[[\n")
    assert main(["--home", str(home), "templates"]) == 0
    err = capsys.readouterr().err
    assert "warning:" in err and str(file) in err and "default settings" in err


def test_the_captions_command_uses_the_settings_engine_and_model(tmp_path: Path, capsys) -> None:
    """The drift issue 16 found: `introstudio captions` ignored the engine/model settings the app honours."""
    from introstudio.cli import main
    from introstudio.core.media.testmedia import make_clip

    home = _home_with(tmp_path, caption_engine="openai-whisper", caption_model="no-such-model")
    proj = tmp_path / "p"
    assert main(["--home", str(home), "new", str(proj), "--name", "Ana Kim", "--script-file",
                 str(_script(tmp_path))]) == 0
    assert main(["--home", str(home), "import", str(proj), str(make_clip(tmp_path / "t.mp4", seconds=1.0))]) == 0
    capsys.readouterr()
    assert main(["--home", str(home), "captions", str(proj)]) == 2
    err = capsys.readouterr().err
    assert "no-such-model" in err and "openai-whisper model name" in err  # the settings' engine and model


def _script(tmp_path: Path) -> Path:
    script = tmp_path / "script.txt"
    script.write_text("Hello, I am Ana Kim.\n", encoding="utf-8")
    return script


def test_new_projects_start_with_the_organisations_default_preset(tmp_path: Path, monkeypatch) -> None:
    """IT sets the export format once (org-settings.toml); `new` starts projects with it."""
    import json

    from introstudio.cli import main

    org = tmp_path / "org-settings.toml"
    org.write_text('default_preset = "youtube-720p"\n', encoding="utf-8")
    home = tmp_path / "home"
    monkeypatch.setenv("INTROSTUDIO_ORG_SETTINGS", str(org))
    assert AppContext.create(home).settings.default_preset == "youtube-720p"
    proj = tmp_path / "p"
    assert main(["--home", str(home), "new", str(proj), "--name", "Ana Kim", "--script-file",
                 str(_script(tmp_path))]) == 0
    assert json.loads((proj / "project.json").read_text())["design"]["preset"] == "youtube-720p"


def test_an_unknown_default_preset_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="no-such-preset"):
        Settings(default_preset="no-such-preset").validate()
