"""Settings files and the log: versioned, validated, and never holding a secret."""

from __future__ import annotations

import logging

import pytest

from introstudio.core.errors import InvalidInputError
from introstudio.core.logs import redact, setup_logging
from introstudio.core.settings import Settings, load_settings, save_settings, update_settings


def test_settings_defaults_round_trip_and_validation(tmp_path):
    file = tmp_path / "cfg" / "settings.toml"
    assert load_settings(file) == Settings()
    s = Settings(organisation='Riverside "University" Hospital', words_per_minute=140, caption_profile="dcmp")
    save_settings(file, s)
    assert load_settings(file) == s
    assert "schema_version = 1" in file.read_text()
    with pytest.raises(InvalidInputError, match="between 60 and 300"):
        save_settings(file, Settings(words_per_minute=5))


def test_settings_broken_or_newer(tmp_path):
    file = tmp_path / "settings.toml"
    file.write_text("words_per_minute = = 3\n")
    with pytest.raises(InvalidInputError, match="cannot be read"):
        load_settings(file)
    file.write_text("schema_version = 7\n")
    with pytest.raises(InvalidInputError, match="newer IntroStudio"):
        load_settings(file)


def test_teleprompter_preferences_round_trip(tmp_path):
    file = tmp_path / "settings.toml"
    old = Settings(organisation="Riverside", words_per_minute=140)
    save_settings(file, old)
    file.write_text("\n".join(line for line in file.read_text().splitlines() if "prompter" not in line))
    assert load_settings(file) == old  # a file from before these settings: their defaults
    s = Settings(prompter_font_px=96, prompter_mirror=True, prompter_paragraph_mode=True,
                 prompter_countdown_seconds=2.5, prompter_screen='DELL "U2419H" \\ 2')
    save_settings(file, s)
    assert load_settings(file) == s
    assert "prompter_mirror = true" in file.read_text()
    kept = update_settings(file, prompter_font_px=40, prompter_countdown_seconds=0.0)
    assert kept == load_settings(file) and (kept.prompter_font_px, kept.prompter_mirror) == (40, True)
    assert kept.prompter_screen == s.prompter_screen and kept.prompter_countdown_seconds == 0


@pytest.mark.parametrize(("field", "value", "message"), [
    ("prompter_font_px", 9000, "prompter_font_px is 9000; it must be a whole number of pixels between 18 and 240"),
    ("prompter_font_px", 17, "between 18 and 240"),
    ("prompter_font_px", 64.5, "whole number"),
    ("prompter_font_px", True, "whole number"),
    ("prompter_mirror", "yes", "prompter_mirror is 'yes'; it must be true or false"),
    ("prompter_paragraph_mode", 1, "prompter_paragraph_mode is 1; it must be true or false"),
    ("prompter_countdown_seconds", -1, "prompter_countdown_seconds is -1; it must be between 0 and 10 seconds"),
    ("prompter_countdown_seconds", float("inf"), "between 0 and 10 seconds"),
    ("prompter_countdown_seconds", "3", "between 0 and 10 seconds"),
    ("prompter_screen", 2, "name of a screen"),
])
def test_teleprompter_preferences_are_validated(tmp_path, field, value, message):
    bad = Settings(**{field: value})
    with pytest.raises(InvalidInputError, match=message) as raised:
        save_settings(tmp_path / "settings.toml", bad)
    assert raised.value.hint and not (tmp_path / "settings.toml").exists()
    assert list(bad.prompter_problems()) == [field]
    assert Settings(**{field: getattr(Settings, field)}).prompter_problems() == {}


def test_bad_teleprompter_preferences_in_the_file_give_their_defaults(tmp_path, caplog):
    file = tmp_path / "settings.toml"
    file.write_text('schema_version = 1\norganisation = "Riverside"\nprompter_font_px = 9000\n'
                    'prompter_mirror = "sideways"\nprompter_countdown_seconds = nan\nprompter_paragraph_mode = true\n'
                    "prompter_screen = []\n")
    with caplog.at_level(logging.WARNING, logger="introstudio.core.settings"):
        s = load_settings(file)
    assert s == Settings(organisation="Riverside", prompter_paragraph_mode=True)
    assert "prompter_font_px is 9000" in caplog.text and "The default, 64, is used instead." in caplog.text
    assert len(caplog.records) == 4 and all(r.levelno == logging.WARNING for r in caplog.records)
    assert update_settings(file, prompter_mirror=True).prompter_font_px == 64  # the next save mends the file
    assert "9000" not in file.read_text() and load_settings(file).prompter_mirror is True
    file.write_text("words_per_minute = 5\nprompter_font_px = 9000\n")  # other settings stay strict
    with pytest.raises(InvalidInputError, match="between 60 and 300"):
        load_settings(file)
    with pytest.raises(InvalidInputError, match="between 60 and 300"):
        update_settings(file, prompter_mirror=True)
    assert file.read_text() == "words_per_minute = 5\nprompter_font_px = 9000\n"  # left as it was


@pytest.mark.parametrize("secret", [
    "ya29.a0AfH6SMBx-secretvalue_123",
    "1//0gLongRefreshTokenValue-abc_def",
    "GOCSPX-AbCdEfGhIjKlMnOp",
])
def test_redact_known_token_shapes(secret):
    assert secret not in redact(f"got token {secret} from server")


def test_redact_key_value_forms():
    text = redact('{"refresh_token": "abc.def", "client_secret": "s3cr3t"} Authorization: Bearer xyz123')
    assert "abc.def" not in text and "s3cr3t" not in text and "xyz123" not in text
    assert text.count("[REDACTED]") == 3


def test_log_file_never_gets_secret_from_child_logger(tmp_path):
    log_file = tmp_path / "logs" / "introstudio.log"
    setup_logging(log_file)
    logging.getLogger("introstudio.core.publish.auth").info("refresh ok: refresh_token=%s", "1//0gSECRETSECRETSECRET")
    for h in logging.getLogger("introstudio").handlers:
        h.flush()
    text = log_file.read_text()
    assert "refresh ok" in text and "SECRETSECRET" not in text
