"""The step list on the left of the window: each step with its done / next state."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget


@dataclass(frozen=True)
class StepState:
    """How one step looks in the list."""

    done: bool
    is_next: bool
    note: str = ""

    def describe(self) -> str:
        state = "Done" if self.done else "Next" if self.is_next else "To do"
        return f"{state} · {self.note}" if self.note else state


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
            self._render(item, number, title, StepState(False, False))
        self.currentItemChanged.connect(self._changed)

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
        mark = "✓" if state.done else "➜" if state.is_next else "○"
        item.setText(f"{mark}  {number}. {title}\n      {state.describe()}")
        item.setData(Qt.ItemDataRole.AccessibleTextRole, f"Step {number}, {title}: {state.describe()}")
        font = QFont(self.font())
        font.setBold(state.is_next)
        item.setFont(font)
        if state.done:
            item.setForeground(QColor("#1B5E20"))
        elif state.is_next:
            item.setForeground(QColor("#0D47A1"))
        else:
            item.setForeground(self.palette().text().color())

    def _changed(self, current: QListWidgetItem | None, _previous: object) -> None:
        if current is not None:
            self.stepChosen.emit(current.data(Qt.ItemDataRole.UserRole))
