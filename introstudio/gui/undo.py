"""Undo/redo for the window: a QUndoStack of edits to parts of the open project (see core/project/history).

Pages change the project as the user types and then call `Page.edited(label, part, merge)`. The window
hands that to `UndoHistory.record`, which compares the part with the value it had after the last
recorded edit and pushes the difference. Consecutive edits with the same merge key (typing in one field)
become one step. Undo and redo write the part back, save at once and show the page the edit was made on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QUndoCommand, QUndoStack

from introstudio.core.project import history
from introstudio.core.project.store import ProjectFolder
from introstudio.gui.external_changes import changed_parts

log = logging.getLogger("introstudio.gui")

MERGE_ID = 1  # QUndoCommand.id() shared by all edits; mergeWith compares the merge keys


def is_new_track(part: str, before: Any, after: Any) -> bool:
    """Whether `part` went from no caption track (or another one) to a track made anew (Make captions)."""
    if not part.startswith("captions:") or not isinstance(after, dict):
        return False
    return not isinstance(before, dict) or before.get("created_at") != after.get("created_at")


class PartEdit(QUndoCommand):
    """One edit: `part` went from `before` to `after` on page `page`."""

    def __init__(self, owner: UndoHistory, page: str, label: str, part: str, before: Any, after: Any,
                 merge: str | None) -> None:
        super().__init__(label)
        self.owner, self.page, self.part = owner, page, part
        self.before, self.after, self.merge = before, after, merge
        self._applied = True  # pushed after the change was made: the first redo() has nothing to do

    def id(self) -> int:
        return MERGE_ID if self.merge else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, PartEdit) or other.merge != self.merge or other.part != self.part:
            return False
        self.after = other.after
        self.setObsolete(self.after == self.before)  # typed and then deleted again: nothing to undo
        return True

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        self.owner.apply(self, self.after)

    def undo(self) -> None:
        self.owner.apply(self, self.before)


class UndoHistory(QObject):
    """The open project's edits. `applied(page)` fires after an undo or redo changed the project."""

    def __init__(self, on_applied: Callable[[str], None], on_error: Callable[[BaseException], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.stack = QUndoStack(self)
        self.stack.setUndoLimit(200)
        self.pf: ProjectFolder | None = None
        self._known: dict[str, Any] = {}  # part -> value after the last recorded edit (or when first seen)
        self._edited: set[str] = set()  # the parts the commands on the stack change
        self._on_applied, self._on_error = on_applied, on_error
        self.came_in: list[str] = []  # what the last undo/redo's save merged in from elsewhere

    def take_in(self) -> list[str]:
        """Changes saved elsewhere came in: remember them; returns the parts they changed.

        An undo step of a part that changed elsewhere would put back our old value over theirs, so when
        such a step is on the stack the history is cleared (after the current undo/redo, if any, returns).
        """
        old = dict(self._known)
        self.sync()
        changed = [p for p in set(old) | set(self._known) if old.get(p) != self._known.get(p)]
        if self._edited & set(changed):
            log.info("undo history cleared: %s changed elsewhere", ", ".join(sorted(self._edited & set(changed))))
            self._edited = set()
            QTimer.singleShot(0, self.stack.clear)
        return changed

    def reset(self, pf: ProjectFolder | None) -> None:
        """A project was opened (or closed): forget the other project's edits."""
        self.stack.clear()
        self.pf = pf
        self._known = {}
        self._edited = set()
        if pf is not None:
            self.sync()

    def sync(self) -> None:
        """Remember every part as it is now (after work that is not an edit, e.g. takes imported)."""
        if self.pf is None:
            return
        project = self.pf.project
        parts = ["clinician", "script", "design", "publish", "selected_take"]
        parts += [history.take_part(t.id) for t in project.takes]
        parts += [history.captions_part(t.id) for t in project.takes]
        parts += [history.captions_part(c.take_id) for c in project.captions]
        self._known = {part: history.snapshot(project, part) for part in parts}

    def record(self, page: str, label: str, part: str, merge: str | None = None) -> bool:
        """`part` was just edited on `page`: push the change as one undo step (False: nothing changed)."""
        if self.pf is None:
            return False
        after = history.snapshot(self.pf.project, part)
        before = self._known.get(part)
        self._known[part] = after
        if after == before:
            return False
        if is_new_track(part, before, after):
            # A track made by "Make captions" is a barrier, never an undo step: one Ctrl+Z too many must
            # not remove (or swap back) minutes of work. Older steps of the same captions go with it.
            log.info("undo barrier: %s made anew", part)
            if part in self._edited:
                self._edited = set()
                self.stack.clear()
            return False
        self._edited.add(part)
        self.stack.push(PartEdit(self, page, label, part, before, after, merge))
        return True

    def apply(self, command: PartEdit, value: Any) -> None:
        if self.pf is None:
            return
        history.restore(self.pf.project, command.part, value)
        self._known[command.part] = history.snapshot(self.pf.project, command.part)
        before = self.pf.project.to_dict()
        self.came_in = []
        try:
            history.save_part(self.pf, command.part)
        except Exception as exc:  # a full disk, a busy lock: the change stays in memory and on screen; say so
            log.warning("saving after undo/redo failed: %s", exc)
            self._on_error(exc)
        else:  # the save merged in what others saved meanwhile
            self.came_in = changed_parts(before, self.pf.project.to_dict())
        self._on_applied(command.page)
