"""Settings files and the log: versioned, validated, and never holding a secret."""

from __future__ import annotations

import logging

import pytest

from introstudio.core.errors import InvalidInputError
from introstudio.core.logs import redact, setup_logging
from introstudio.core.settings import Settings, load_settings, save_settings


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
