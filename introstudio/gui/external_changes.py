"""Takes in what another IntroStudio saved to the open project (a batch, the CLI, a second window).

Several processes may have one project open; `ProjectFolder.save()` merges their saves under the project lock
(core/project/store.py). The window watches project.json with a QFileSystemWatcher on the file and its folder
(a save replaces the file by a rename, which ends the watch on the old file: it is renewed after each change),
checks again when the window is activated and, cheaply (one stat), every few seconds for folders where change
notices do not arrive (network shares). When the file holds something this window has not read or written,
`pf.reload()` merges it into the open project (edits not saved yet are kept), the page on screen is refreshed
and the status bar says what came in. Our own saves leave nothing to take in (`pf.changed_on_disk()` is then
False), so they never loop back.

Background work of this window that saves the project itself (import, saving a recorded take) runs on its
own ProjectFolder (`worker_folder`) under the same lock, so the UI thread's project object is never touched
from another thread; the UI thread takes the result in with `taken_in` when the job ends.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QFileSystemWatcher, QObject, QTimer, Signal
from PySide6.QtWidgets import QAbstractItemView, QApplication, QWidget

from introstudio.core.errors import IntroStudioError
from introstudio.core.locks import PROJECT_LOCK, LockBusy, is_locked
from introstudio.core.project.model import Take
from introstudio.core.project.store import ProjectFolder, open_project
from introstudio.gui import errors
from introstudio.gui.operations import Operation

if TYPE_CHECKING:
    from introstudio.gui.main_window import MainWindow

log = logging.getLogger("introstudio.gui")

APP = "the IntroStudio app"  # who holds the project lock, in messages other processes show
DEBOUNCE_MS = 150  # one save is several file events (temp file, rename): look once they settle
RETRY_MS = 700  # while a cell is being edited or a dialog is open, look again this often
POLL_MS = 2000  # the stat check, for folders whose change notices never come
NOTE_MS = 20000  # how long the status-bar note stays

PART_NAMES = {"clinician": "profile", "script": "script", "design": "look", "publish": "YouTube details",
              "takes": "takes", "selected_take": "chosen take", "captions": "captions", "exports": "exports"}


def changed_parts(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Readable names of the project parts that differ between two documents ('captions', 'exports')."""
    keys = [k for k in PART_NAMES if before.get(k) != after.get(k)]
    keys += [k for k in set(before) | set(after)
             if k not in PART_NAMES and k not in ("modified_at", "schema_version") and before.get(k) != after.get(k)]
    return [PART_NAMES.get(k, k.replace("_", " ")) for k in keys]


def conflict_names(conflicts: Sequence[str]) -> list[str]:
    """Merge conflict keys ('clinician.specialty', 'captions[2]') as words ('profile specialty', ...)."""
    names = []
    for key in conflicts:
        part, _, rest = key.partition("[")
        if rest:
            item = rest.rstrip("]")
            names.append({"takes": f"take {item}", "captions": f"captions of take {item}",
                          "exports": f"export {Path(item).name}"}.get(part, key))
            continue
        part, _, field = key.partition(".")
        field = {"free_text": "text"}.get(field, field).replace("_", " ")
        names.append(f"{PART_NAMES.get(part, part)} {field}".strip())
    return list(dict.fromkeys(names))


def worker_folder(folder: Path, doing: str) -> ProjectFolder:
    """The project as a worker thread's own ProjectFolder: its saves take the project lock and merge."""
    pf = open_project(folder)
    pf.what = f"{APP} ({doing})"
    return pf


def taken_in(pf: ProjectFolder, takes: Sequence[Take]) -> list[Take]:
    """After a worker saved `takes` to `pf`'s folder: merge them into `pf`; returns `pf`'s own copies."""
    pf.reload()
    by_file = {t.file: t for t in pf.project.takes}
    return [by_file.get(t.file, t) for t in takes]


def _locked(pf: ProjectFolder) -> bool:
    """Whether someone is writing the project right now (False when the lock cannot even be tried)."""
    try:
        return is_locked(pf.folder / PROJECT_LOCK)
    except IntroStudioError:  # a read-only folder: nobody here can write it; reading still works
        return False


class ExternalChanges(QObject):
    """Watches the window's open project and takes in what others saved; notes it in the status bar."""

    reloaded = Signal(list)  # the parts that came in (readable names)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.pf: ProjectFolder | None = None
        self.note = ""  # the last note shown (also in the status bar for NOTE_MS)
        self._stamp: tuple[int, int, int] | None = None  # project.json as last looked at (inode, mtime, size)
        self._mine: tuple[int, int, int] | None = None  # project.json as our last save left it
        self._force = False  # the next look reads the file even if it seems to be ours (window activated)
        self._shown_error = ""
        self._noted: list[str] | None = None
        self._fs = QFileSystemWatcher(self)
        self._fs.fileChanged.connect(self._soon)
        self._fs.directoryChanged.connect(self._soon)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._look)
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._poll_now)
        window.installEventFilter(self)
        bar = window.statusBar()  # there from the start, so a note never shifts the page under the cursor
        bar.setObjectName("statusBar")
        bar.setAccessibleName("Status")

    def watch(self, pf: ProjectFolder | None) -> None:
        """Follow `pf` (None: stop watching)."""
        self.pf = pf
        watched = self._fs.files() + self._fs.directories()
        if watched:
            self._fs.removePaths(watched)
        self._debounce.stop()
        self._shown_error = ""
        if pf is None:
            self._poll.stop()
            return
        self._fs.addPath(str(pf.folder))
        self._rewatch()
        self._stamp = self._stat()
        self._poll.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.WindowActivate:
            self._force = True  # back from another window (perhaps a terminal that ran a batch): look again
            self._soon()
        return False

    # --- looking --------------------------------------------------------------------------------------
    def check(self) -> bool:
        """Take in what others saved since this window last read or wrote; True when the project changed."""
        pf = self.pf
        if pf is None:
            return False
        self._rewatch()
        self._stamp = self._stat()
        if self._busy(pf):
            self._debounce.start(RETRY_MS)
            return False
        self._debounce.setInterval(DEBOUNCE_MS)
        try:
            if not pf.changed_on_disk():
                return False
            before = pf.project.to_dict()
            pf.reload()
        except LockBusy:  # taken between the check and the reload: it is being written, look again soon
            self._debounce.start(RETRY_MS)
            return False
        except IntroStudioError as exc:  # damaged, or saved by a newer IntroStudio: say so once, never write
            if exc.message != self._shown_error:
                self._shown_error = exc.message
                errors.show_error(self.window, exc)
            return False
        self._shown_error = ""
        parts = changed_parts(before, pf.project.to_dict())
        log.info("%s changed on disk; took in: %s", pf.file, ", ".join(parts) or "nothing new")
        ours = Operation.writing_to(pf.folder)  # a job of this window saved it: no "someone else" note
        self._took_in(parts, list(pf.conflicts), note=not ours)
        return bool(parts)

    def came_in(self, parts: list[str]) -> None:
        """A save of ours merged in changes saved elsewhere: show them (after the saving code returns)."""
        self._mine = self._stat()
        if self.pf is not None and parts:
            self._took_in(parts, list(self.pf.conflicts), note=True)

    def saved(self) -> None:
        """After a save of ours: name what both sides changed (ours was kept), if anything."""
        self._mine = self._stat()  # its file events need no reading of the file (50 ms for 2,000 captions)
        if self.pf is not None and self.pf.conflicts and self.pf.conflicts is not self._noted:
            self._say([], list(self.pf.conflicts))

    def _took_in(self, parts: list[str], conflicts: list[str], note: bool) -> None:
        window = self.window
        if parts:
            window.history.take_in()
            window.update_steps()
            QTimer.singleShot(0, self._refresh_page)  # not inside the code of the page that was saving
        if note or conflicts:
            self._say(parts if note else [], conflicts)
        if parts:
            self.reloaded.emit(parts)

    def _refresh_page(self) -> None:
        page = self.window.current_page()
        if page is not None and self.window.pf is not None:
            page.refresh(self.window.pf)

    def _say(self, parts: list[str], conflicts: list[str]) -> None:
        if self.pf is not None:
            self._noted = self.pf.conflicts  # each save or reload makes a new list: noted once
        words = []
        if parts:
            words.append(f"Updated with changes saved by another IntroStudio ({', '.join(parts)}).")
        if conflicts:
            words.append(f"Also changed elsewhere: {', '.join(conflict_names(conflicts))}; your version was kept.")
        if words:
            self.note = " ".join(words)
            self.window.statusBar().showMessage(self.note, NOTE_MS)

    # --- helpers --------------------------------------------------------------------------------------
    def _look(self) -> None:
        """The file events settled: read the file unless it is just as our own last save left it."""
        force, self._force = self._force, False
        stamp = self._stat()
        if not force and stamp is not None and stamp == self._mine:
            self._stamp = stamp
            self._rewatch()
            return
        self.check()

    def _soon(self, *_: object) -> None:
        if self.pf is not None and not self._debounce.isActive():
            self._debounce.start()

    def _poll_now(self) -> None:
        """Every few seconds: save edits a busy lock held back, and look if project.json was replaced."""
        pf = self.pf
        if pf is None:
            return
        unsaved = [p for p in self.window.pages.values() if getattr(p, "unsaved", False)]
        if unsaved and not _locked(pf):
            for page in unsaved:
                page.flush()
        if self._stat() != self._stamp:
            self.check()

    def _busy(self, pf: ProjectFolder) -> bool:
        """Not now: a dialog is open, a table cell is being edited, or the project is being written."""
        if QApplication.activeModalWidget() is not None:
            return True
        focus: QWidget | None = QApplication.focusWidget()
        while focus is not None:
            if isinstance(focus, QAbstractItemView) and focus.state() == QAbstractItemView.State.EditingState:
                return True
            focus = focus.parentWidget()
        return _locked(pf)

    def _rewatch(self) -> None:
        if self.pf is not None and self.pf.file.exists() and str(self.pf.file) not in self._fs.files():
            self._fs.addPath(str(self.pf.file))

    def _stat(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.pf.file) if self.pf is not None else None
        except OSError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size) if st is not None else None
