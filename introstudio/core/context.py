"""The application context: this user's folders, settings and YouTube files, built once at the edge.

The CLI builds one in `main()` and hands it to the app (`run_gui`); batch workers receive what they need from it in
`TaskOptions` (`task_options()`); nothing else constructs settings, cache folders, token stores, quota ledgers or
publish queues, so the three cannot drift apart (the caption engine, the model cache, where the sign-in lives).
The environment is read here and only here (`create`), never deep inside the core.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from introstudio.core.paths import AppPaths
from introstudio.core.org_settings import load_settings_with_org
from introstudio.core.settings import Settings

if TYPE_CHECKING:
    from introstudio.core.batch.tasks import TaskOptions
    from introstudio.core.project.store import ProjectFolder
    from introstudio.core.publish.client import ApiConfig
    from introstudio.core.publish.quota import PublishQueue, QuotaLedger

HOME_ENV = "INTROSTUDIO_HOME"
DEFAULT_ENGINE = "faster-whisper"


@dataclass(frozen=True)
class CaptionChoice:
    """Which recogniser to run, on which model, and where it may keep derived files (converted checkpoints)."""

    engine: str
    model: str | None  # None: the bundled model
    cache_dir: Path


@dataclass(frozen=True)
class AppContext:
    """Everything the CLI, the app and batch share about this user's IntroStudio."""

    paths: AppPaths
    settings: Settings = field(default_factory=Settings)
    environ: Mapping[str, str] = field(default_factory=dict, repr=False)
    settings_error: Exception | None = None  # the settings file could not be read; defaults are in use

    @classmethod
    def create(cls, home: Path | None = None, environ: Mapping[str, str] | None = None,
               strict: bool = True) -> AppContext:
        """Read the environment and the settings file once. `strict=False` (the app) keeps a broken settings
        file's error in `settings_error` and goes on with the defaults instead of raising it."""
        env = dict(os.environ if environ is None else environ)
        if home is None and env.get(HOME_ENV, "").strip():
            home = Path(env[HOME_ENV])
        paths = AppPaths.for_user(home)
        try:
            settings, error = load_settings_with_org(paths.settings_file, env), None  # org defaults under the user's
        except Exception as exc:  # noqa: BLE001 - InvalidInputError for a damaged file; reported by the caller
            if strict:
                raise
            settings, error = Settings(), exc
        return cls(paths, settings, env, error)

    def reload_settings(self) -> AppContext:
        """A context with the settings file read again (after the app's settings dialog saved it)."""
        return AppContext(self.paths, load_settings_with_org(self.paths.settings_file, self.environ), self.environ)

    # --- captions ---------------------------------------------------------------------------------------

    def captions(self, engine: str | None = None, model: str | None = None) -> CaptionChoice:
        """The engine and model: what the command line or a page asks for, else the settings, else the bundle."""
        return CaptionChoice(engine or self.settings.caption_engine or DEFAULT_ENGINE,
                             model or self.settings.caption_model or None, self.paths.cache_dir)

    def caption_profile(self, pf: ProjectFolder | None = None, asked: str | None = None) -> str:
        """The caption standard: asked for, else the project's, else the settings'."""
        return asked or (pf.project.design.caption_profile if pf else "") or self.settings.caption_profile

    def brand_kit(self, pf: ProjectFolder | None = None) -> str | None:
        """The project's brand kit, else the organisation's from the settings, else None (the bundled one)."""
        return (pf.project.design.brand_kit if pf else None) or self.settings.brand_kit or None

    # --- YouTube ------------------------------------------------------------------------------------------

    @property
    def youtube_dir(self) -> Path:
        return self.paths.config_dir / "youtube"

    @property
    def token_file(self) -> Path:
        """Where the refresh token goes when the OS keyring cannot hold it (never in a project)."""
        return self.paths.config_dir / "youtube-token.json"

    def api_config(self) -> ApiConfig:
        from introstudio.core.publish.client import api_config_from

        return api_config_from(self.settings, self.environ)

    def quota_ledger(self) -> QuotaLedger:
        from introstudio.core.publish.quota import QuotaLedger

        return QuotaLedger(self.youtube_dir / "quota.json", self.api_config().daily_quota)

    def publish_queue(self) -> PublishQueue:
        from introstudio.core.publish.quota import PublishQueue

        return PublishQueue(self.youtube_dir / "queue.json")

    def connector(self, ledger: QuotaLedger) -> Any:
        """The YouTube client factory (sign-in, token store, quota counting) for `publish_project`."""
        from introstudio.core.publish.publish import connector

        return connector(self.api_config(), self.token_file, ledger)

    # --- batch --------------------------------------------------------------------------------------------

    def task_options(self, **overrides: Any) -> TaskOptions:
        """Batch options carrying this context's caption choice and model cache to every worker."""
        from introstudio.core.batch.tasks import TaskOptions

        choice = self.captions()
        values: dict[str, Any] = {"caption_engine": choice.engine, "caption_model": choice.model,
                                  "cache_dir": str(choice.cache_dir)}
        values.update(overrides)
        return TaskOptions(**values)
