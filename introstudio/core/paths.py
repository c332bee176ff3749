"""Where IntroStudio keeps settings, logs, caches and sample projects (platformdirs, or one home folder)."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

APP_NAME = "IntroStudio"
# Templates, brand kit and sample, shipped inside the package (resources/ in the repository; see setup.py).
RESOURCES_DIR = Path(str(files("introstudio.resources")))


@dataclass(frozen=True)
class AppPaths:
    """The per-user folders; the CLI may point them all into one `home` (tests, portable installs)."""

    config_dir: Path
    log_dir: Path
    cache_dir: Path
    documents_dir: Path

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.toml"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "introstudio.log"

    @classmethod
    def for_user(cls, home: Path | None = None) -> AppPaths:
        if home is not None:
            home = Path(home).expanduser().absolute()
            return cls(home / "config", home / "logs", home / "cache", home / "projects")
        import platformdirs

        return cls(
            config_dir=Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
            log_dir=Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
            cache_dir=Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
            documents_dir=Path(platformdirs.user_documents_dir()) / APP_NAME,
        )
