"""App settings: a small TOML file under the user's config folder, versioned like project files."""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from introstudio.core.errors import InvalidInputError
from introstudio.core.project.atomic import atomic_write_text

SETTINGS_VERSION = 1


@dataclass
class Settings:
    """User preferences. Secrets never live here: the OAuth client file is referenced by path only."""

    organisation: str = ""
    default_template: str = "physician-intro"
    words_per_minute: int = 150
    caption_engine: str = "faster-whisper"
    caption_model: str = ""  # empty: the bundled Whisper tiny.en
    caption_profile: str = "default"
    brand_kit: str = ""  # empty: the bundled default kit
    youtube_client_secrets: str = ""  # path to the organisation's OAuth client file
    youtube_api_root: str = ""  # empty: Google's; set for a proxy or a test server
    youtube_daily_quota: int = 10000

    def validate(self) -> None:
        if not 60 <= int(self.words_per_minute) <= 300:
            raise InvalidInputError(
                f"words_per_minute is {self.words_per_minute}; it must be between 60 and 300.",
                "Most people read a teleprompter at 130-170 words per minute.")


def load_settings(file: Path) -> Settings:
    """Read settings; a missing file gives the defaults, a broken one a clear error naming it."""
    if not file.exists():
        return Settings()
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InvalidInputError(f"The settings file {file} cannot be read: {exc}",
                                "Fix the file by hand, or delete it to go back to the defaults.") from exc
    version = data.pop("schema_version", 1)
    if not isinstance(version, int) or version > SETTINGS_VERSION:
        raise InvalidInputError(f"{file} was written by a newer IntroStudio (settings format {version}).",
                                "Update IntroStudio, or delete the file to go back to the defaults.")
    known = {f.name for f in fields(Settings)}
    settings = Settings(**{k: v for k, v in data.items() if k in known})
    settings.validate()
    return settings


def save_settings(file: Path, settings: Settings) -> None:
    settings.validate()
    file.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"schema_version = {SETTINGS_VERSION}"]
    for key, value in asdict(settings).items():
        lines.append(f"{key} = {_toml_value(value)}")
    atomic_write_text(file, "\n".join(lines) + "\n")


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{text}"'
