"""The Page base: one step of the guided flow, with its title, done state and autosave.

A page is given the open project through `refresh(pf)` and nothing global. Pages that need more take
it as keyword arguments to their constructor (`paths: AppPaths`, `settings: Settings`); the window
passes only the ones a page's constructor names.
"""

from __future__ import annotations

import logging
from typing import ClassVar

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from introstudio.core.project.store import ProjectFolder
from introstudio.gui import errors
from introstudio.gui.external_changes import changed_parts

log = logging.getLogger("introstudio.gui")

AUTOSAVE_DELAY_MS = 300  # typing pauses this long before project.json is written (atomically)


class Page(QWidget):
    """One step: `name` (for --page), `title` (step list), `summary` (what to do here)."""

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    summary: ClassVar[str] = ""

    changed = Signal()  # the project changed and was saved: the window re-checks the steps
    editMade = Signal(str, str, str)  # label, project part (core/project/history), merge key ('' = none)
    merged = Signal(list)  # a save merged in what others saved meanwhile: the parts that came in

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"page-{self.name}")
        self.setAccessibleName(f"{self.title} page")
        self.pf: ProjectFolder | None = None
        self.unsaved = False  # the last save failed (a busy lock, a full disk): the edit waits in memory
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(AUTOSAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save_now)
        # Everything scrolls when the window is smaller than the page (a laptop at 200% scaling shows
        # about 960x540 logical pixels): nothing is cut off, and the page still fills a larger window.
        frame = QVBoxLayout(self)
        frame.setContentsMargins(0, 0, 0, 0)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("pageScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the controls, not the frame
        content = QWidget()
        content.setObjectName("pageContent")
        self.scroll.setWidget(content)
        frame.addWidget(self.scroll)
        outer = QVBoxLayout(content)
        outer.setContentsMargins(24, 16, 24, 16)
        heading = QLabel(f"<h2 style='margin:0'>{self.title}</h2>")
        heading.setObjectName("pageHeading")
        heading.setAccessibleName(self.title)
        self.state_label = QLabel()  # Done / To do / Out of date and why, from core/project/progress.py
        self.state_label.setObjectName("stepState")
        self.state_label.setWordWrap(True)
        self.state_label.hide()
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addWidget(self.state_label, 1, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        outer.addLayout(top)
        if self.summary:
            intro = QLabel(self.summary)
            intro.setWordWrap(True)
            intro.setObjectName("pageSummary")
            intro.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
            outer.addWidget(intro)
        self.body = QVBoxLayout()
        self.body.setSpacing(10)
        outer.addLayout(self.body, 1)

    # --- what the window calls ----------------------------------------------------------------------
    def refresh(self, pf: ProjectFolder) -> None:
        """Show `pf` (called when a project opens and whenever the page comes into view)."""
        self.pf = pf

    def is_done(self, pf: ProjectFolder) -> bool:
        """Whether this step is complete for `pf`."""
        return False

    def status(self, pf: ProjectFolder) -> str:
        """A few words for the step list, e.g. '2 takes' ('' for nothing special)."""
        return ""

    def show_state(self, state: object | None) -> None:
        """Show the step's state (a StepState) beside the heading; None hides it."""
        if state is None:
            self.state_label.hide()
            return
        kind = "done" if getattr(state, "done", False) else "stale" if getattr(state, "stale", False) else "todo"
        self.state_label.setProperty("state", kind)
        text = state.describe()  # type: ignore[attr-defined]
        self.state_label.setText("Next step" + text[4:] if text.startswith("Next") else text)
        self.state_label.setAccessibleName(f"{self.title}: {state.describe()}")  # type: ignore[attr-defined]
        self.state_label.style().unpolish(self.state_label)
        self.state_label.style().polish(self.state_label)
        self.state_label.show()

    def leave(self) -> None:
        """The page goes out of view: write any pending change now."""
        self.flush()

    # --- edits --------------------------------------------------------------------------------------
    def edited(self, label: str, part: str, merge: str = "", immediate: bool = False) -> None:
        """The user changed `part` of the project: make it one undo step ('Undo <label>') and save it.

        Consecutive edits with the same non-empty `merge` key (typing in one field) undo as one step.
        """
        self.editMade.emit(label, part, merge)
        self.autosave(immediate)

    # --- autosave -----------------------------------------------------------------------------------
    def autosave(self, immediate: bool = False) -> None:
        """Save the project after a change: at once, or after a short pause in typing."""
        if self.pf is None:
            return
        if immediate:
            self._save_timer.stop()
            self.save_now()
        else:
            self._save_timer.start()

    def flush(self) -> None:
        """Write a pending autosave (or one that failed) now."""
        if self._save_timer.isActive() or self.unsaved:
            self._save_timer.stop()
            self.save_now()

    def save_now(self) -> None:
        if self.pf is None:
            return
        before = self.pf.project.to_dict()
        try:
            took_theirs = self.pf.save()
        except Exception as exc:  # a busy lock, a full disk, a newer format: say so, keep the edits in memory
            self.unsaved = True
            errors.show_error(self, exc)
            return
        self.unsaved = False
        if took_theirs:
            self.merged.emit(changed_parts(before, self.pf.project.to_dict()))
        self.changed.emit()
