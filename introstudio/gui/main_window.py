"""The main window: step list, page stack, Back/Next, and the project menu. It only wires pages together."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSettings
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from introstudio.core.paths import AppPaths
from introstudio.core.project.store import ProjectFolder
from introstudio.core.session import Session
from introstudio.core.settings import Settings
from introstudio.gui import errors
from introstudio.gui.external_changes import APP, ExternalChanges
from introstudio.gui.operations import Operation
from introstudio.gui.pages import build_pages
from introstudio.gui.pages.base import Page
from introstudio.gui.undo import UndoHistory
from introstudio.gui.widgets.dialogs import Ask
from introstudio.gui.widgets.start import StartPanel
from introstudio.gui.widgets.steps import StepList, StepState

log = logging.getLogger("introstudio.gui")
LONG_WORK = ("captions", "export", "publish")  # pages whose running job closing the project or window would stop


class MainWindow(QMainWindow):
    """Holds one open project at a time and shows one step's page."""

    def __init__(self, paths: AppPaths, settings: Settings, remember: bool = True) -> None:
        super().__init__()
        self.paths = paths
        self.settings = settings
        self.remember = remember
        self.pf: ProjectFolder | None = None
        self.setWindowTitle("IntroStudio")
        self.setObjectName("mainWindow")
        self.pages: dict[str, Page] = {p.name: p for p in build_pages(paths, settings)}
        self.history = UndoHistory(self._undone, lambda exc: errors.show_error(self, exc), self)
        self.external = ExternalChanges(self)  # takes in what another IntroStudio saves to the open project
        self.steps = StepList([(p.name, p.title) for p in self.pages.values()])
        self.steps.stepChosen.connect(self.show_page)
        self.stack = QStackedWidget()
        self.start = StartPanel()
        self.start.newRequested.connect(self.new_project)
        self.start.openRequested.connect(self.open_project)
        self.start.rosterRequested.connect(self.import_roster)
        self.start.batchRequested.connect(lambda: self.produce_folder())
        self.start.folderChosen.connect(self.open_folder)
        self.stack.addWidget(self.start)
        for page in self.pages.values():
            self.stack.addWidget(page)
            page.changed.connect(self._page_saved)
            page.merged.connect(lambda parts: self.external.came_in(parts))
            page.editMade.connect(lambda label, part, merge, name=page.name:
                                  self.history.record(name, label, part, merge or None))
        self.back_button = QPushButton("← &Back")
        self.back_button.setAccessibleName("Previous step")
        self.back_button.clicked.connect(lambda: self._go(-1))
        self.next_button = QPushButton("&Next →")
        self.next_button.setAccessibleName("Next step")
        self.next_button.clicked.connect(lambda: self._go(1))
        self.project_label = QLabel()
        self.project_label.setObjectName("projectLabel")
        footer = QHBoxLayout()
        footer.setContentsMargins(24, 4, 24, 8)
        footer.addWidget(self.project_label, 1)
        footer.addWidget(self.back_button)
        footer.addWidget(self.next_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.stack, 1)
        right_layout.addLayout(footer)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.steps)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)
        self._build_menu()
        self.fit_to_screen(1280, 800)
        self._qsettings = QSettings(str(paths.config_dir / "window.ini"), QSettings.Format.IniFormat)
        if remember and self._qsettings.value("geometry"):
            self.restoreGeometry(self._qsettings.value("geometry"))
        # Where the user left off (not window geometry, so not QSettings): core/session.py, session.json.
        self.session = Session.load(paths.config_dir / "session.json" if remember else None)
        self._roster_folder: Path | None = None  # offered to the batch window after a roster import
        self._show_start()

    def fit_to_screen(self, width: int, height: int) -> None:
        """Take `width` x `height` (logical pixels), or what the screen has room for (200% scaling)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            room = screen.availableGeometry()
            width, height = min(width, room.width()), min(height, room.height())
        self.resize(width, height)
        steps = max(self.steps.minimumWidth(), min(self.steps.maximumWidth(), width // 5))
        self.splitter.setSizes([steps, width - steps])

    # --- projects -----------------------------------------------------------------------------------
    def set_project(self, pf: ProjectFolder, page: str | None = None) -> None:
        """Show `pf`, on `page` or on the first step that is not done yet."""
        self._leave_current()
        self.pf = pf
        pf.what = APP
        self.history.reset(pf)
        self.external.watch(pf)
        self.steps.setEnabled(True)
        self.steps.show()
        self.back_button.show()
        self.next_button.show()
        self.setWindowTitle(f"IntroStudio · {pf.project.clinician.name or pf.folder.name}")
        self.project_label.setText(f"Project: {pf.folder}")
        self.project_label.setToolTip(str(pf.folder))
        self.session.opened(pf.folder)  # on disk now: after a crash the app reopens this project
        states = self.update_steps()
        first_open = next((n for n, s in states.items() if s.is_next), next(iter(self.pages)))
        self.show_page(page or first_open)

    def open_folder(self, folder: Path, page: str | None = None) -> bool:
        """Open the project in `folder`; errors are shown, not raised."""
        from introstudio.core.project.store import open_project

        if self.pf is not None and Path(folder).absolute() != self.pf.folder and \
                not self.stop_long_work_first("project"):
            return False

        try:
            pf = open_project(folder)
        except Exception as exc:
            errors.show_error(self, exc)
            return False
        self.set_project(pf, page)
        return True

    def open_project(self) -> None:
        folder = Ask.project_folder(self, self.paths.documents_dir)
        if folder is not None:
            self.open_folder(folder)

    def new_project(self) -> None:
        """New video for a clinician: their name and a template; the folder goes under the documents folder."""
        from introstudio.core.project.model import Clinician, Design, Script
        from introstudio.core.project.store import create_project

        answer = Ask.new_video(self, self.paths.documents_dir, self.settings.default_template)
        if answer is None:
            return
        if self.pf is not None and not self.close_project():
            return
        try:
            answer.folder.parent.mkdir(parents=True, exist_ok=True)
            pf = create_project(answer.folder, Clinician(name=answer.name, title=answer.title),
                                Script(template_id=answer.template_id or self.settings.default_template),
                                Design(preset=self.settings.default_preset))
        except Exception as exc:
            errors.show_error(self, exc)
            return
        self.set_project(pf, "clinician")

    def last_page(self) -> str | None:
        """The step that was on screen when the app last closed (or crashed)."""
        page = self.session.last_page
        return page if page in self.pages else None

    def stop_recording_first(self) -> bool:
        """Before the project goes away: a take being recorded is stopped and kept, if the user agrees.

        False when the user chose to keep recording. The teleprompter, tied to the project, is closed.
        """
        record = self.pages.get("record")
        if record is not None and getattr(record, "is_recording", False):
            if not Ask.confirm(self, "Stop recording?", "A take is being recorded. It will be stopped and kept "
                               "in the project.", yes="Stop and keep it"):
                return False
            record.stop()
        prompter = getattr(record, "teleprompter", None)
        if prompter is not None:  # a top-level window of its own: it would keep the app running
            prompter.close()
        return True

    def long_work(self) -> list[Operation]:
        """The long jobs running on the pages (making captions, exporting, uploading) that closing would stop."""
        ops = (getattr(self.pages.get(name), "operation", None) for name in LONG_WORK)
        return [op for op in ops if isinstance(op, Operation) and op.running]

    def stop_long_work_first(self, what: str) -> bool:
        """Before the project or the window closes during long work: ask, and stop it if the user agrees."""
        running = self.long_work()
        if not running:
            return True
        names = " and ".join(op.label.split(" (")[0].lower() for op in running)
        if not Ask.confirm(self, "Stop the work in progress?", f"IntroStudio is still {names}. Closing the {what} "
                           "stops it, and what it has done so far is not kept.", yes=f"Stop and close the {what}"):
            return False
        for op in running:
            op.cancel()
        return True

    def close_project(self) -> bool:
        """Back to the start panel (everything is saved already); False if the user kept recording or working."""
        if not self.stop_long_work_first("project") or not self.stop_recording_first():
            return False
        self._leave_current()
        for page in self.pages.values():
            page.flush()
        self.pf = None
        self.history.reset(None)
        self.external.watch(None)
        self.setWindowTitle("IntroStudio")
        self.project_label.setText("")
        self.session.closed()  # closed on purpose: the next start shows the start panel, not this project
        self._show_start()
        return True

    def import_roster(self) -> Operation | None:
        """One project per clinician from a roster spreadsheet, in a folder the user picks; then list them."""
        from introstudio.core.batch.create import import_roster

        roster = Ask.roster_file(self, self.paths.documents_dir)
        if roster is None:
            return None
        into = Ask.projects_folder(self, roster.parent)
        if into is None:
            return None
        if self.pf is not None and not self.close_project():
            return None
        template = self.settings.default_template
        self.start.report.setText("")
        self.start.roster_button.setEnabled(False)
        preset = self.settings.default_preset
        return (Operation(self, lambda: import_roster(roster, into, default_template=template, default_preset=preset),
                          f"Making projects from {roster.name}")
                .on_success(self._roster_imported)
                .on_finished(lambda: self.start.roster_button.setEnabled(True))
                .with_progress(self.start.panel)
                .run())

    def produce_folder(self, folder: Path | None = None) -> QWidget:
        """The batch window for `folder` (default: where the last roster's projects went)."""
        from introstudio.core.context import AppContext
        from introstudio.gui.widgets.batch_dialog import BatchDialog

        # The same caption engine, model cache and log file as `introstudio batch` (the application context).
        dialog = BatchDialog(folder or self._roster_folder, self, AppContext(self.paths, self.settings))
        dialog.show()
        return dialog

    def _roster_imported(self, result: object) -> None:
        projects = list(getattr(result, "projects", ()))
        for p in reversed(projects):
            self.session.remember(p.folder)
        self._roster_folder = getattr(result, "into", None)
        self.start.show_roster_result(result)
        if self.pf is None:
            self._show_start()

    def last_project(self) -> Path | None:
        """The project open when the app last closed (or crashed), if it is still there."""
        return self.session.reopen()

    # --- pages --------------------------------------------------------------------------------------
    def current_page(self) -> Page | None:
        widget = self.stack.currentWidget()
        return widget if isinstance(widget, Page) else None

    def show_page(self, name: str) -> None:
        if self.pf is None or name not in self.pages:
            return
        page = self.pages[name]
        if page is not self.current_page():
            self._leave_current()
        page.refresh(self.pf)
        self.stack.setCurrentWidget(page)
        self.steps.select(name)
        self.session.showing(name)
        names = list(self.pages)
        index = names.index(name)
        self.back_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < len(names) - 1)
        self.next_button.setText(f"&Next: {self.pages[names[index + 1]].title} →" if index < len(names) - 1
                                 else "&Next →")

    def update_steps(self) -> dict[str, StepState]:
        """Re-check each step from the project (core/project/progress.py); the first not done is 'next'."""
        if self.pf is None:
            return {}
        from introstudio.core.project.progress import StepStatus, step_statuses

        try:
            found = step_statuses(self.pf)
        except Exception:
            log.exception("the steps' states could not be worked out")
            found = {}
        states: dict[str, StepState] = {}
        next_found = False
        for name, page in self.pages.items():
            try:
                status = found.get(name) or StepStatus("done" if page.is_done(self.pf) else "to do")
                note = page.status(self.pf)
            except Exception:
                log.exception("step %s could not report its state", name)
                status, note = StepStatus("to do"), ""
            is_next = not status.done and not next_found
            next_found = next_found or is_next
            states[name] = StepState(status.done, is_next, note, status.stale, status.reason)
            page.show_state(states[name])
        self.steps.update_states(states)
        if self.pf is not None:
            self.setWindowTitle(f"IntroStudio · {self.pf.project.clinician.name or self.pf.folder.name}")
        return states

    def _page_saved(self) -> None:
        """A page saved the project: remember it as the state the next edit is undone to."""
        self.external.saved()
        self.history.sync()
        self.update_steps()

    def _undone(self, page: str) -> None:
        """An undo or redo changed the project: show the page the edit was made on, as it is now."""
        self.external.came_in(self.history.came_in)
        self.update_steps()
        if self.pf is None:
            return
        current = self.current_page()
        if current is not None and current.name == page:
            current.refresh(self.pf)
        else:
            self.show_page(page)

    def show_shortcuts(self) -> QWidget:
        """Help > Keyboard shortcuts (F1): every key, by where it works."""
        from introstudio.gui.widgets.shortcuts import ShortcutsDialog

        dialog = ShortcutsDialog(self)
        dialog.show()
        return dialog

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Ctrl+Z in a profile or script field undoes the project's last edit, not the field's own history.

        Fields marked with the `projectUndo` property record every change as a project edit, so one undo
        history serves the whole window; other text boxes (a caption cell being edited) keep their own.
        """
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) \
                and watched.property("projectUndo") \
                and QKeySequence(event.keyCombination()) in self.undo_action.shortcuts() + self.redo_action.shortcuts():
            event.ignore()
            return True  # the window's Undo/Redo shortcut then fires
        return super().eventFilter(watched, event)

    def _go(self, delta: int) -> None:
        page = self.current_page()
        if page is None:
            return
        names = list(self.pages)
        index = names.index(page.name) + delta
        if 0 <= index < len(names):
            self.show_page(names[index])

    def _leave_current(self) -> None:
        page = self.current_page()
        if page is not None:
            page.leave()

    def _show_start(self) -> None:
        self.start.set_recent(self.session.recent_projects())
        self.stack.setCurrentWidget(self.start)
        self.steps.clear_states()  # nothing left from the last project
        self.steps.setEnabled(False)
        self.steps.hide()  # no project: no steps to show; the start panel has the whole window
        self.back_button.setEnabled(False)
        self.next_button.setEnabled(False)
        self.back_button.hide()  # nothing to step through (and Alt+N is the start panel's New video)
        self.next_button.hide()

    def _build_menu(self) -> None:
        menu = self.menuBar().addMenu("&Project")
        for text, shortcut, slot in (("&New video for a clinician…", QKeySequence.StandardKey.New, self.new_project),
                                     ("&Open project…", QKeySequence.StandardKey.Open, self.open_project),
                                     ("New projects from a &roster…", None, self.import_roster),
                                     ("&Produce a folder of projects…", None, lambda: self.produce_folder()),
                                     ("&Close project", QKeySequence.StandardKey.Close, self.close_project),
                                     ("&Quit", QKeySequence.StandardKey.Quit, self.close)):
            action = QAction(text, self)
            if shortcut is not None:
                action.setShortcut(shortcut)
            action.triggered.connect(slot)
            menu.addAction(action)
        edit = self.menuBar().addMenu("&Edit")
        undo = self.history.stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.history.stack.createRedoAction(self, "&Redo")
        redo.setShortcuts(list(dict.fromkeys(QKeySequence.keyBindings(QKeySequence.StandardKey.Redo)
                                             + [QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])))
        for action in (undo, redo):
            edit.addAction(action)
            self.addAction(action)
        self.undo_action, self.redo_action = undo, redo
        for page in self.pages.values():
            for widget in page.findChildren(QWidget):
                if widget.property("projectUndo"):
                    widget.installEventFilter(self)
        go = self.menuBar().addMenu("&Go")
        for number, page in enumerate(self.pages.values(), 1):
            action = QAction(f"{number}. {page.title}", self)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.triggered.connect(lambda _c=False, n=page.name: self.show_page(n))
            go.addAction(action)
            self.addAction(action)
        help_menu = self.menuBar().addMenu("&Help")
        keys = QAction("&Keyboard shortcuts", self)
        keys.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
        keys.triggered.connect(self.show_shortcuts)
        help_menu.addAction(keys)
        self.addAction(keys)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Write pending edits, stop background work (its clean-up runs), remember the window."""
        if not self.stop_long_work_first("window") or not self.stop_recording_first():
            event.ignore()
            return
        for page in self.pages.values():
            page.flush()
        Operation.cancel_all()
        self.external.watch(None)
        from introstudio.gui.widgets.player import Player

        for player in self.findChildren(Player):
            player.release()
        if self.remember:
            self._qsettings.setValue("geometry", self.saveGeometry())
            self._qsettings.sync()
        super().closeEvent(event)
