"""Project folders on disk: create, open (with migrations) and save atomically, keeping the previous version."""

from __future__ import annotations

import json
import os
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from introstudio.core.errors import NotFoundError, ProjectError, disk_error
from introstudio.core.locks import project_lock
from introstudio.core.project.atomic import atomic_write_text, sweep_stale_temps
from introstudio.core.project.fields import ProjectFieldError
from introstudio.core.project.merge import comparable, merge
from introstudio.core.project.migrations import migrate
from introstudio.core.project.model import SCHEMA_VERSION, Clinician, Design, Project, Script, now_iso

PROJECT_FILE = "project.json"
BACKUP_FILE = "project.json.bak"
MEDIA_DIR = "media"
CAPTIONS_DIR = "captions"
EXPORTS_DIR = "exports"
log = logging.getLogger(__name__)


@dataclass
class ProjectFolder:
    """An open project: its folder and its model; `save()` writes project.json atomically.

    Several processes may have one project open (the app, a batch, a CLI command). `save()` therefore takes
    the project lock, and when project.json changed on disk since this object last read or wrote it, merges
    this process's changes with the other's (`merge.py`) instead of writing over them; `reload()` takes in
    the other's changes without writing. `conflicts` lists what both changed at the last save or reload.
    """

    folder: Path
    project: Project
    base: dict[str, Any] | None = field(default=None, repr=False)  # the document last read or written
    conflicts: list[str] = field(default_factory=list, repr=False)
    what: str = "IntroStudio"  # who saves, for "busy" messages ("introstudio import", "the app")

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

    def save(self) -> bool:
        """Write the project (merged with changes saved by others meanwhile); True when theirs came in."""
        with project_lock(self.folder, self.what):
            disk = self._read_disk()
            if disk is None and self.base is not None:  # it was there when we read it
                raise NotFoundError(f"{self.file} is gone: the project was moved, renamed or deleted while open.",
                                    "Open the project again from where it is now; this change was not saved.")
            self.project.modified_at = now_iso()
            doc = self.project.to_dict()
            took_theirs = False
            self.conflicts = []
            if disk is not None and self.base is not None and comparable(disk) != comparable(self.base):
                result = merge(self.base, doc, disk)
                doc, took_theirs, self.conflicts = result.doc, result.took_theirs, result.conflicts
                if self.conflicts:
                    log.warning("%s: changed here and elsewhere, kept this change: %s", self.file,
                                ", ".join(self.conflicts))
            text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
            atomic_write_text(self.file, text, keep_previous=self.folder / BACKUP_FILE)
            if took_theirs:
                self._adopt(doc)
            self.base = json.loads(text)
        return took_theirs

    def reload(self) -> bool:
        """Take in what others saved since this object last read or wrote; True when anything came in.

        What this process changed and has not saved yet is kept (merged); nothing is written.
        """
        # No lock: project.json is only ever replaced whole (atomic rename), so a read sees one save or the next,
        # and a read-only folder, or a writer holding the lock for a moment, never blocks the app.
        disk = self._read_disk()
        if disk is None or (self.base is not None and comparable(disk) == comparable(self.base)):
            return False
        result = merge(self.base or disk, self.project.to_dict(), disk)
        self.conflicts = result.conflicts
        if result.took_theirs:
            self._adopt(result.doc)
        self.base = disk
        return result.took_theirs

    def changed_on_disk(self) -> bool:
        """Whether project.json holds something this object has not read or written (cheap enough to poll)."""
        disk = self._read_disk()
        return disk is not None and (self.base is None or comparable(disk) != comparable(self.base))

    def _read_disk(self) -> dict[str, Any] | None:
        """project.json as this version's document (migrated, normalised); None when absent or unreadable."""
        if not self.file.exists():
            return None
        data = _read_json(self.file)
        version = data.get("schema_version")
        if isinstance(version, int) and version > SCHEMA_VERSION:
            raise ProjectError(f"{self.file} was saved by a newer IntroStudio (format {version}); "
                               "not overwriting it.", "Update IntroStudio to edit this project.")
        return _normalised(migrate(data, source=str(self.file)), self.file)

    def _adopt(self, doc: dict[str, Any]) -> None:
        """Make the in-memory model `doc`, field by field on the same Project object (views hold it)."""
        fresh = Project.from_dict(doc)
        for name in vars(fresh):
            setattr(self.project, name, getattr(fresh, name))


def create_project(folder: Path, clinician: Clinician, script: Script, design: Design | None = None) -> ProjectFolder:
    """Make a new project folder; refuses to touch a folder that already holds a project or other files."""
    folder = Path(folder).expanduser().absolute()
    from introstudio.core.filenames import check_folder_name

    check_folder_name(folder.name)  # Windows: CON, "Dr. Kim." and the like are refused with a usable name
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
        raise disk_error(exc, folder) or ProjectError(  # read-only, full or forbidden: say which
            f"Cannot create the project folder {folder}: {exc.strerror}.",
            "Check the path and that you may write there.") from exc
    pf = ProjectFolder(folder, Project(clinician=clinician, script=script, design=design or Design()))
    pf.save()
    return pf


def _normalised(doc: dict[str, Any], file: Path) -> dict[str, Any]:
    """`doc` as this version writes it (what `base` holds), so equal content compares equal."""
    try:
        return json.loads(json.dumps(Project.from_dict(doc).to_dict(), ensure_ascii=False))
    except ProjectFieldError as exc:  # names the field; say which file, and where its backup is
        exc.message, exc.hint = f"{file} is damaged: {exc.message}", _restore_hint(file.parent)
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise ProjectError(f"{file} is damaged: {exc!r} does not fit the project format.",
                           _restore_hint(file.parent)) from exc


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
    doc = _normalised(migrate(data, source=str(file)), file)
    sweep_stale_temps(folder)  # half-written saves of runs that were killed (never a live one's)
    return ProjectFolder(folder, Project.from_dict(doc), base=doc)


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
