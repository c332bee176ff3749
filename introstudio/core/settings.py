"""App settings: a small TOML file under the user's config folder, versioned like project files.

The teleprompter preferences (prompter_*) belong to the machine, the rig it is set up on; a wrong one
never stops anything: reading the file drops it, with a warning in the log, and its default is used.
"""

from __future__ import annotations

import logging
import math
import tomllib
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from introstudio.core.errors import InvalidInputError
from introstudio.core.project.atomic import atomic_write_text

log = logging.getLogger(__name__)

SETTINGS_VERSION = 1
PROMPTER_FONT_PX = (18, 240)  # smallest and largest teleprompter text, in pixels
PROMPTER_COUNTDOWN_SECONDS = (0, 10)  # shortest and longest countdown before the text moves


@dataclass
class Settings:
    """User preferences. Secrets never live here: the OAuth client file is referenced by path only."""

    organisation: str = ""
    default_template: str = "physician-intro"
    words_per_minute: int = 150
    caption_engine: str = "faster-whisper"
    caption_model: str = ""  # empty: the bundled tiny.en; else an installed model (`introstudio models`) or a folder
    caption_profile: str = "default"
    default_preset: str = "youtube-1080p"  # the export format new projects start with
    brand_kit: str = ""  # empty: the bundled default kit
    youtube_client_secrets: str = ""  # path to the organisation's OAuth client file
    youtube_api_root: str = ""  # empty: Google's; set for a proxy or a test server
    youtube_daily_quota: int = 10000
    prompter_font_px: int = 64  # teleprompter text height
    prompter_mirror: bool = False  # flipped left to right, for a beam-splitter glass
    prompter_paragraph_mode: bool = False  # a whole paragraph at a time instead of smooth scrolling
    prompter_countdown_seconds: float = 3.0
    prompter_screen: str = ""  # name of the screen the teleprompter was last on; empty: chosen by itself

    def validate(self) -> None:
        from introstudio.core.render.presets import preset_names

        if self.default_preset not in preset_names():
            raise InvalidInputError(f"default_preset is {self.default_preset!r}, which is not an export preset.",
                                    f"Use one of: {', '.join(preset_names())}.")
        if not 60 <= int(self.words_per_minute) <= 300:
            raise InvalidInputError(
                f"words_per_minute is {self.words_per_minute}; it must be between 60 and 300.",
                "Most people read a teleprompter at 130-170 words per minute.")
        for message, hint in self.prompter_problems().values():
            raise InvalidInputError(message, hint)

    def prompter_problems(self) -> dict[str, tuple[str, str]]:
        """The unusable teleprompter preferences: field name -> (message, hint)."""
        problems = {}
        for name in PROMPTER_FIELDS:
            problem = _prompter_problem(name, getattr(self, name))
            if problem is not None:
                problems[name] = problem
        return problems


PROMPTER_FIELDS = tuple(f.name for f in fields(Settings) if f.name.startswith("prompter_"))


def _prompter_problem(name: str, value: Any) -> tuple[str, str] | None:
    """(message, hint) when `value` cannot be the teleprompter preference `name`, else None."""
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if name == "prompter_font_px":
        low, high = PROMPTER_FONT_PX
        if not (number and isinstance(value, int) and low <= value <= high):
            return (f"prompter_font_px is {value!r}; it must be a whole number of pixels between {low} and {high}.",
                    "It is the teleprompter text size; 64 suits most screens read from a metre or two.")
    elif name in ("prompter_mirror", "prompter_paragraph_mode"):
        if not isinstance(value, bool):
            return f"{name} is {value!r}; it must be true or false.", "Write true or false, without quotes."
    elif name == "prompter_countdown_seconds":
        low, high = PROMPTER_COUNTDOWN_SECONDS
        if not (number and math.isfinite(value) and low <= value <= high):
            return (f"prompter_countdown_seconds is {value!r}; it must be between {low} and {high} seconds.",
                    "It is the countdown before the teleprompter text starts to move; 3 is usual, 0 for none.")
    elif name == "prompter_screen":
        if not isinstance(value, str):
            return (f"prompter_screen is {value!r}; it must be the name of a screen, in quotes.",
                    'Leave it empty ("") to let IntroStudio choose the screen.')
    return None


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
    values = {k: v for k, v in data.items() if k in known}
    for name in PROMPTER_FIELDS:
        problem = _prompter_problem(name, values.get(name, getattr(Settings, name)))
        if problem is not None:  # a preference of the teleprompter is not worth refusing the file for
            log.warning("%s: %s The default, %r, is used instead.", file, problem[0], getattr(Settings, name))
            del values[name]
    settings = Settings(**values)
    settings.validate()
    return settings


def save_settings(file: Path, settings: Settings) -> None:
    import tomli_w

    settings.validate()
    file.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(file, tomli_w.dumps({"schema_version": SETTINGS_VERSION, **asdict(settings)}))


def update_settings(file: Path, **changes: Any) -> Settings:
    """Change a few settings, reading the file again first so the rest stays as it is there.

    A file that cannot be read raises (as load_settings) and is left alone, so hand edits are not lost.
    """
    settings = replace(load_settings(file), **changes)
    save_settings(file, settings)
    return settings
