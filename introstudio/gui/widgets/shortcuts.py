"""Help > Keyboard shortcuts: every key the app answers to, by where it works."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

SHORTCUTS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("Everywhere", (
        ("Ctrl+1 … Ctrl+8", "go to a step (Clinician … Publish)"),
        ("Alt+N / Alt+B", "next step / back"),
        ("Ctrl+Z", "undo the last edit, on any page (also inside the profile and script fields)"),
        ("Ctrl+Shift+Z or Ctrl+Y", "redo"),
        ("Ctrl+N / Ctrl+O / Ctrl+W", "new project / open a project / close the project"),
        ("Tab / Shift+Tab", "move between controls; Alt + the underlined letter presses a button"),
    )),
    ("Takes and captions player", (
        (", / .", "back / forward one frame"),
    )),
    ("Caption list", (
        ("Space", "play the selected caption"),
        ("F2 or typing", "edit the selected cell (type ' / ' to break a line)"),
        ("Del", "delete the selected caption"),
        ("Menu key or right-click", "use the script's words, split, merge, delete"),
    )),
    ("Teleprompter (clickers and foot pedals send these keys)", (
        ("Space, PageDown, PageUp", "pause or continue"),
        ("B or Home", "back to the start of this paragraph (a retake)"),
        ("Up / Down", "faster / slower"),
        ("Left / Right", "previous / next paragraph"),
        ("+ / -", "bigger / smaller text"),
        ("M", "mirror (for a beam-splitter rig)"),
        ("P", "one paragraph at a time"),
        ("F11 / S", "full screen on or off / move to the next screen"),
        ("Esc", "close the teleprompter"),
    )),
)


class ShortcutsDialog(QDialog):
    """A read-only table of SHORTCUTS; Esc or Close dismisses it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.setObjectName("shortcutsDialog")
        rows = [(where, keys, does) for where, items in SHORTCUTS for keys, does in items]
        self.table = QTableWidget(len(rows), 3)
        self.table.setObjectName("shortcutsTable")
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setHorizontalHeaderLabels(["Where", "Keys", "What it does"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(820, 520)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
