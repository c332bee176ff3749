"""Project folders on disk: create, open (with migrations) and save atomically, keeping the previous version."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from introstudio.core.errors import NotFoundError, ProjectError
from introstudio.core.project.atomic import atomic_write_text
from introstudio.core.project.migrations import migrate
from introstudio.core.project.model import SCHEMA_VERSION, Clinician, Project, Script, now_iso

PROJECT_FILE = "project.json"
BACKUP_FILE = "project.json.bak"
MEDIA_DIR = "media"
CAPTIONS_DIR = "captions"
EXPORTS_DIR = "exports"


@dataclass
class ProjectFolder:
    """An open project: its folder and its model; `save()` writes project.json atomically."""

    folder: Path
    project: Project

    @property
    def file(self) -> Path:
        return self.folder / PROJECT_FILE

    @property
    def media_dir(self) -> Path:
        return self.folder / MEDIA_DIR

    @property
    def captions_dir(self) -> Path:
        return self.folder / CAPTIONS_DIR

    @property
    def exports_dir(self) -> Path:
        return self.folder / EXPORTS_DIR

    def resolve(self, relative: str) -> Path:
        """A path stored in the project (relative, POSIX) as an absolute path."""
        return self.folder / Path(*relative.split("/"))

    def relative(self, path: Path) -> str:
        return Path(os.path.relpath(path, self.folder)).as_posix()

    def save(self) -> None:
        _refuse_newer_on_disk(self.file)
        self.project.modified_at = now_iso()
        text = json.dumps(self.project.to_dict(), indent=2, ensure_ascii=False) + "\n"
        backup = self.folder / BACKUP_FILE
        atomic_write_text(self.file, text, keep_previous=backup)


def create_project(folder: Path, clinician: Clinician, script: Script) -> ProjectFolder:
    """Make a new project folder; refuses to touch a folder that already holds a project or other files."""
    folder = Path(folder).expanduser().absolute()
    if (folder / PROJECT_FILE).exists():
        raise ProjectError(f"{folder} already holds a project.",
                           "Open it with `introstudio info`, or choose another folder.")
    if folder.exists():
        if not folder.is_dir():
            raise ProjectError(f"{folder} is a file, not a folder.", "Choose a folder path for the project.")
        if any(folder.iterdir()):
            raise ProjectError(f"{folder} is not empty.",
                               "Choose a new or empty folder so IntroStudio does not mix its files with yours.")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for sub in (MEDIA_DIR, CAPTIONS_DIR, EXPORTS_DIR):
            (folder / sub).mkdir(exist_ok=True)
    except OSError as exc:
        raise ProjectError(f"Cannot create the project folder {folder}: {exc.strerror}.",
                           "Check the path and that you may write there.") from exc
    pf = ProjectFolder(folder, Project(clinician=clinician, script=script))
    pf.save()
    return pf


def open_project(folder: Path) -> ProjectFolder:
    """Load a project folder, migrating old formats in memory (the file changes only on the next save)."""
    folder = Path(folder).expanduser().absolute()
    file = folder / PROJECT_FILE
    if not folder.exists():
        raise NotFoundError(f"No project folder at {folder}.",
                            "Check the path, or create one with `introstudio new DIR --name ...`.")
    if not file.is_file():
        raise NotFoundError(f"{folder} is not an IntroStudio project (it has no {PROJECT_FILE}).",
                            "Create one with `introstudio new DIR --name ...`, or point to the project folder.")
    data = _read_json(file)
    doc = migrate(data, source=str(file))
    try:
        project = Project.from_dict(doc)
    except (KeyError, TypeError, ValueError) as exc:
        raise ProjectError(f"{file} is damaged: {exc!r} does not fit the project format.",
                           _restore_hint(folder)) from exc
    return ProjectFolder(folder, project)


def _read_json(file: Path) -> dict[str, Any]:
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise ProjectError(f"Cannot read {file}: {exc.strerror}.", "Check the file's permissions.") from exc
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = f" (line {exc.lineno}, column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise ProjectError(f"{file} is corrupt and cannot be read{where}. It was left untouched.",
                           _restore_hint(file.parent)) from exc
    if not isinstance(data, dict):
        raise ProjectError(f"{file} does not hold a project (expected a JSON object).", _restore_hint(file.parent))
    return data


def _restore_hint(folder: Path) -> str:
    backup = folder / BACKUP_FILE
    if backup.exists():
        return (f"The previous version is in {backup}: copy it over {PROJECT_FILE} to restore it "
                "(copy the damaged file elsewhere first if you want to keep it).")
    return "No previous version was kept; create the project again with `introstudio new`."


def _refuse_newer_on_disk(file: Path) -> None:
    """Never overwrite a project.json that a newer IntroStudio wrote meanwhile."""
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    version = data.get("schema_version") if isinstance(data, dict) else None
    if isinstance(version, int) and version > SCHEMA_VERSION:
        raise ProjectError(f"{file} was saved by a newer IntroStudio (format {version}); not overwriting it.",
                           "Update IntroStudio to edit this project.")
