"""Organisation-wide defaults that IT deploys once per machine: a TOML file under the user's own settings.

Where it is read from (the first that exists): the file named by INTROSTUDIO_ORG_SETTINGS, else
  Linux    $XDG_CONFIG_DIRS/IntroStudio/org-settings.toml   (/etc/xdg/IntroStudio/org-settings.toml)
  macOS    /Library/Application Support/IntroStudio/org-settings.toml
  Windows  %ProgramData%\\IntroStudio\\org-settings.toml     (C:\\ProgramData\\IntroStudio\\org-settings.toml)
It takes the keys of the user's settings.toml that belong to an organisation (brand kit, which carries the
required approvals in its [approvals] table; caption model and engine; caption standard; default template and export preset; the
YouTube OAuth client file and quota); relative paths are relative to the file's folder. A user's own setting
wins wherever it differs from IntroStudio's built-in default (the settings file stores every key once saved).
"""

from __future__ import annotations

import os
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from introstudio.core.errors import InvalidInputError
from introstudio.core.settings import Settings, load_settings

ORG_SETTINGS_ENV = "INTROSTUDIO_ORG_SETTINGS"
FILE_NAME = "org-settings.toml"
APP_FOLDER = "IntroStudio"
# What an organisation may set; the teleprompter's look belongs to the machine and its user.
ORG_KEYS = ("organisation", "default_template", "words_per_minute", "caption_engine", "caption_model",
            "caption_profile", "default_preset", "brand_kit", "youtube_client_secrets", "youtube_api_root", "youtube_daily_quota")
PATH_KEYS = ("brand_kit", "youtube_client_secrets")  # relative to the org file's folder
_TYPES = {f.name: type(getattr(Settings(), f.name)) for f in fields(Settings)}


@dataclass(frozen=True)
class OrgSettings:
    """The organisation's defaults and the file they came from (None: no org file on this machine)."""

    values: Mapping[str, Any]
    file: Path | None = None


def candidate_files(environ: Mapping[str, str], platform: str = sys.platform) -> list[str]:
    """Where the org file may be, in order, for `platform` (sys.platform values); strings, for any OS."""
    if environ.get(ORG_SETTINGS_ENV, "").strip():
        return [environ[ORG_SETTINGS_ENV].strip()]
    if platform == "win32":
        base = environ.get("ProgramData") or environ.get("PROGRAMDATA") or r"C:\ProgramData"
        return [str(PureWindowsPath(base, APP_FOLDER, FILE_NAME))]
    if platform == "darwin":
        return [str(PurePosixPath("/Library/Application Support", APP_FOLDER, FILE_NAME))]
    dirs = [d for d in environ.get("XDG_CONFIG_DIRS", "").split(":") if d.strip()] or ["/etc/xdg"]
    return [str(PurePosixPath(d, APP_FOLDER, FILE_NAME)) for d in dirs]


def find_org_file(environ: Mapping[str, str]) -> Path | None:
    """The org file in force, or None. A file named by INTROSTUDIO_ORG_SETTINGS must exist."""
    candidates = candidate_files(environ)
    if environ.get(ORG_SETTINGS_ENV, "").strip():
        file = Path(candidates[0]).expanduser()
        if not file.is_file():
            raise InvalidInputError(f"{ORG_SETTINGS_ENV} names {file}, which is not a file.",
                                    f"Point {ORG_SETTINGS_ENV} at your organisation's {FILE_NAME}, or unset it.")
        return file
    return next((Path(c) for c in candidates if Path(c).is_file()), None)


def read_org_settings(file: Path) -> OrgSettings:
    """Read and check an org file: unknown keys and wrong types are errors naming the file and the key."""
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InvalidInputError(f"The organisation's settings file {file} cannot be read: {exc}",
                                "Ask your IT team to fix it, or unset INTROSTUDIO_ORG_SETTINGS to go on without it.") \
            from exc
    data.pop("schema_version", None)
    unknown = sorted(set(data) - set(ORG_KEYS))
    if unknown:
        raise InvalidInputError(f"{file}: {', '.join(unknown)} cannot be set for an organisation.",
                                f"It takes: {', '.join(ORG_KEYS)}. Required approvals go in the brand kit's "
                                "[approvals] table.")
    values: dict[str, Any] = {}
    for key, value in data.items():
        wanted = _TYPES[key]
        if not isinstance(value, wanted) or isinstance(value, bool) != (wanted is bool):
            raise InvalidInputError(f"{file}: {key} = {value!r} is not a {wanted.__name__}.",
                                    f"Write {key} as in the user's settings.toml (see packaging/README.md).")
        if key in PATH_KEYS and value:
            value = str((file.parent / Path(value).expanduser()).resolve())
        values[key] = value
    replace(Settings(), **values).validate()  # words_per_minute range and the like
    return OrgSettings(values, file)


def load_org_settings(environ: Mapping[str, str]) -> OrgSettings:
    """The organisation's defaults on this machine (empty when there is no org file)."""
    file = find_org_file(environ)
    return OrgSettings({}) if file is None else read_org_settings(file)


def merge(org: OrgSettings, user: Settings) -> Settings:
    """The user's settings over the organisation's: the org value holds wherever the user kept the default."""
    stock = Settings()
    chosen = {k: v for k, v in org.values.items() if getattr(user, k) == getattr(stock, k)}
    return replace(user, **chosen)


def load_settings_with_org(user_file: Path, environ: Mapping[str, str] | None = None) -> Settings:
    """The settings in force: the user's file (load_settings) over the organisation's file, if any."""
    org = load_org_settings(os.environ if environ is None else environ)
    return merge(org, load_settings(user_file))
