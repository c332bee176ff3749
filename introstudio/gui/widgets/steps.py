"""The step list on the left of the window: each step with its done / next / out-of-date state."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from introstudio.gui.style import state_colour


@dataclass(frozen=True)
class StepState:
    """How one step looks in the list."""

    done: bool
    is_next: bool
    note: str = ""
    stale: bool = False  # made, but an input changed since: do it again
    reason: str = ""  # why it is to do or out of date

    @property
    def word(self) -> str:
        """Done, Out of date, Next or To do."""
        return "Done" if self.done else "Out of date" if self.stale else "Next" if self.is_next else "To do"

    def describe(self) -> str:
        detail = self.reason if not self.done and self.reason else self.note  # why it is to do or out of date
        return f"{self.word} · {detail}" if detail else self.word


BLANK = StepState(False, False)


class StepList(QListWidget):
    """One row per step; `stepChosen(name)` when the user picks one (click, arrows, Enter)."""

    stepChosen = Signal(str)

    def __init__(self, steps: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stepList")
        self.setAccessibleName("Steps")
        self.setMinimumWidth(170)  # room for the page in a 960-pixel-wide window (200% scaling)
        self.setMaximumWidth(300)
        self.setSpacing(2)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # long notes elide
        self.setUniformItemSizes(False)
        self._titles = dict(steps)
        for number, (name, title) in enumerate(steps, 1):
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setSizeHint(QSize(140, 2 * self.fontMetrics().lineSpacing() + 18))
            self.addItem(item)
            self._render(item, number, title, BLANK)
        self.currentItemChanged.connect(self._changed)

    def clear_states(self) -> None:
        """No project: every step plain again (nothing left from the last project), nothing selected."""
        self.blockSignals(True)
        self.setCurrentRow(-1)
        self.clearSelection()
        self.blockSignals(False)
        for i in range(self.count()):
            item = self.item(i)
            self._render(item, i + 1, self._titles[item.data(Qt.ItemDataRole.UserRole)], BLANK)

    def names(self) -> list[str]:
        return [self.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.count())]

    def select(self, name: str) -> None:
        """Highlight `name` without emitting stepChosen."""
        self.blockSignals(True)
        for i in range(self.count()):
            if self.item(i).data(Qt.ItemDataRole.UserRole) == name:
                self.setCurrentRow(i)
        self.blockSignals(False)

    def update_states(self, states: dict[str, StepState]) -> None:
        for i in range(self.count()):
            item = self.item(i)
            name = item.data(Qt.ItemDataRole.UserRole)
            if name in states:
                self._render(item, i + 1, self._titles[name], states[name])

    def _render(self, item: QListWidgetItem, number: int, title: str, state: StepState) -> None:
        mark = "✓" if state.done else "!" if state.stale else "➜" if state.is_next else "○"
        item.setText(f"{mark}  {number}. {title}\n      {state.describe()}")
        item.setToolTip(state.describe())
        item.setData(Qt.ItemDataRole.AccessibleTextRole, f"Step {number}, {title}: {state.describe()}")
        font = QFont(self.font())
        font.setBold(state.is_next)
        item.setFont(font)
        kind = "done" if state.done else "out of date" if state.stale else "to do"
        item.setForeground(QColor(state_colour(kind, state.is_next)))

    def _changed(self, current: QListWidgetItem | None, _previous: object) -> None:
        if current is not None:
            self.stepChosen.emit(current.data(Qt.ItemDataRole.UserRole))
