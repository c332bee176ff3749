"""Where the user left off: the project and step on screen, and the projects opened lately.

A small versioned JSON file beside the settings (`session.json`), written atomically on every change so
that after a crash the app reopens what was on screen. A damaged file is set aside, never fatal: the
worst case is an empty recent list.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from introstudio.core.project.atomic import atomic_write_text

SESSION_VERSION = 1
MAX_RECENT = 12

log = logging.getLogger("introstudio.session")


@dataclass
class Session:
    """The state itself; `file` None keeps it in memory only (tests, screenshots)."""

    file: Path | None = None
    last_project: str | None = None
    last_page: str | None = None
    recent: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, file: Path | None) -> Session:
        """The session in `file`; defaults when it is missing, unreadable or from a newer version."""
        session = cls(file)
        if file is None or not file.exists():
            return session
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or int(data.get("schema_version", 1)) > SESSION_VERSION:
                raise ValueError(f"unsupported content (schema_version {data.get('schema_version')!r})"
                                 if isinstance(data, dict) else "not a JSON object")
            session.last_project = _text(data.get("last_project"))
            session.last_page = _text(data.get("last_page"))
            recent = data.get("recent", [])
            if not isinstance(recent, list):
                raise ValueError("'recent' is not a list")
            session.recent = [f for f in recent if isinstance(f, str) and f][:MAX_RECENT]
        except (OSError, ValueError, TypeError) as exc:
            log.warning("%s cannot be read (%s); starting with no recent projects", file, exc)
        return session

    def opened(self, folder: Path) -> None:
        """`folder` is now the open project: first in the recent list, reopened after a restart."""
        text = str(Path(folder).absolute())
        self.last_project = text
        self.recent = [text] + [f for f in self.recent if f != text][:MAX_RECENT - 1]
        self.save()

    def remember(self, folder: Path) -> None:
        """Put `folder` in the recent list without making it the open project (e.g. made from a roster)."""
        text = str(Path(folder).absolute())
        self.recent = [text] + [f for f in self.recent if f != text][:MAX_RECENT - 1]
        self.save()

    def showing(self, page: str) -> None:
        if page != self.last_page:
            self.last_page = page
            self.save()

    def closed(self) -> None:
        """The project was closed on purpose: the next start shows the start panel."""
        self.last_project = self.last_page = None
        self.save()

    def recent_projects(self) -> list[Path]:
        """The recent projects that still exist, newest first."""
        return [Path(f) for f in self.recent if (Path(f) / "project.json").is_file()]

    def reopen(self) -> Path | None:
        """The project open when the app last stopped (cleanly or not), if it is still there."""
        folder = Path(self.last_project) if self.last_project else None
        return folder if folder is not None and (folder / "project.json").is_file() else None

    def save(self) -> None:
        if self.file is None:
            return
        data = {"schema_version": SESSION_VERSION, "last_project": self.last_project,
                "last_page": self.last_page, "recent": self.recent}
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(self.file, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        except OSError as exc:  # a full disk must not stop the app: only the reopen hint is lost
            log.warning("could not save %s: %s", self.file, exc)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
