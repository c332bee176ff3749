"""The organisation's settings file: where each OS keeps it, what it may set, and the user's settings over it."""

from __future__ import annotations

from pathlib import Path

import pytest

from introstudio.core.context import AppContext
from introstudio.core.errors import InvalidInputError
from introstudio.core.org_settings import (
    ORG_SETTINGS_ENV,
    OrgSettings,
    candidate_files,
    find_org_file,
    load_settings_with_org,
    merge,
    read_org_settings,
)
from introstudio.core.review.policy import load_policy
from introstudio.core.settings import Settings, load_settings, update_settings

KIT = """[approvals]
required = ["communications"]
visibility = "unlisted"
"""


def org_file(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    file = folder / "org-settings.toml"
    file.write_text(text, encoding="utf-8")
    return file


def test_machine_wide_places_per_os() -> None:
    assert candidate_files({}, "win32") == [r"C:\ProgramData\IntroStudio\org-settings.toml"]
    assert candidate_files({"ProgramData": r"D:\Data"}, "win32") == [r"D:\Data\IntroStudio\org-settings.toml"]
    assert candidate_files({}, "darwin") == ["/Library/Application Support/IntroStudio/org-settings.toml"]
    assert candidate_files({}, "linux") == ["/etc/xdg/IntroStudio/org-settings.toml"]
    assert candidate_files({"XDG_CONFIG_DIRS": "/opt/cfg:/etc/xdg"}, "linux") == [
        "/opt/cfg/IntroStudio/org-settings.toml", "/etc/xdg/IntroStudio/org-settings.toml"]
    assert candidate_files({ORG_SETTINGS_ENV: " /srv/org.toml "}, "win32") == ["/srv/org.toml"]


def test_first_existing_xdg_folder_wins_and_none_is_fine(tmp_path: Path) -> None:
    assert find_org_file({"XDG_CONFIG_DIRS": str(tmp_path / "none")}) is None
    second = org_file(tmp_path / "b" / "IntroStudio", 'caption_model = "base"\n')
    assert find_org_file({"XDG_CONFIG_DIRS": f"{tmp_path / 'a'}:{tmp_path / 'b'}"}) == second


def test_variable_naming_a_missing_file_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError) as caught:
        find_org_file({ORG_SETTINGS_ENV: str(tmp_path / "missing.toml")})
    assert "missing.toml" in caught.value.message and ORG_SETTINGS_ENV in caught.value.hint


def test_relative_paths_are_the_org_files_folder(tmp_path: Path) -> None:
    file = org_file(tmp_path / "share", 'brand_kit = "kit/brandkit.toml"\ncaption_model = "base"\n'
                                        'youtube_daily_quota = 5000\n')
    org = read_org_settings(file)
    assert org.values == {"brand_kit": str((tmp_path / "share" / "kit" / "brandkit.toml").resolve()),
                          "caption_model": "base", "youtube_daily_quota": 5000}


@pytest.mark.parametrize(("text", "named"), [
    ("prompter_mirror = true\n", "prompter_mirror"),  # the machine's, not the organisation's
    ("colour = 'red'\n", "colour"),
    ("words_per_minute = '150'\n", "words_per_minute"),
    ("youtube_daily_quota = true\n", "youtube_daily_quota"),
    ("words_per_minute = 20\n", "words_per_minute"),
    ("caption_model = \n", "cannot be read"),
])
def test_bad_org_files_name_the_key(tmp_path: Path, text: str, named: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        read_org_settings(org_file(tmp_path, text))
    assert named in caught.value.message and caught.value.hint


def test_user_choices_win_and_stock_defaults_do_not() -> None:
    org = OrgSettings({"caption_model": "base", "words_per_minute": 140, "organisation": "Riverside"})
    user = Settings(words_per_minute=170)
    merged = merge(org, user)
    assert (merged.caption_model, merged.words_per_minute, merged.organisation) == ("base", 170, "Riverside")
    assert merge(OrgSettings({}), user) == user


def test_org_defaults_survive_the_app_saving_every_key(tmp_path: Path) -> None:
    org = org_file(tmp_path / "org", 'caption_model = "base"\norganisation = "Riverside"\n')
    user_file = tmp_path / "home" / "settings.toml"
    update_settings(user_file, prompter_mirror=True)  # the app writes the whole settings file
    assert 'caption_model = ""' in user_file.read_text()
    settings = load_settings_with_org(user_file, {ORG_SETTINGS_ENV: str(org)})
    assert (settings.caption_model, settings.organisation, settings.prompter_mirror) == ("base", "Riverside", True)
    assert load_settings(user_file).caption_model == ""  # the user's own file is untouched


def test_app_context_reads_the_org_kit_and_its_required_approvals(tmp_path: Path) -> None:
    (tmp_path / "org" / "kit").mkdir(parents=True)
    (tmp_path / "org" / "kit" / "brandkit.toml").write_text(KIT, encoding="utf-8")
    org = org_file(tmp_path / "org", 'brand_kit = "kit"\ncaption_profile = "dcmp"\n')
    ctx = AppContext.create(tmp_path / "home", {ORG_SETTINGS_ENV: str(org)})
    assert ctx.settings.caption_profile == "dcmp" and ctx.caption_profile() == "dcmp"
    policy = load_policy(ctx.brand_kit())
    assert policy.required == ("communications",) and policy.visibility == "unlisted"
    update_settings(ctx.paths.settings_file, words_per_minute=160)
    assert ctx.reload_settings().settings.brand_kit == str((tmp_path / "org" / "kit").resolve())


def test_a_broken_org_file_is_reported_and_the_app_goes_on(tmp_path: Path) -> None:
    org = org_file(tmp_path / "org", "brand_kit = [\n")
    with pytest.raises(InvalidInputError):
        AppContext.create(tmp_path / "home", {ORG_SETTINGS_ENV: str(org)})
    ctx = AppContext.create(tmp_path / "home", {ORG_SETTINGS_ENV: str(org)}, strict=False)
    assert ctx.settings == Settings() and "org-settings.toml" in ctx.settings_error.message
