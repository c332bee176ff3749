"""What the window shows with no project open: new, open, recent projects, and projects from a roster."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from introstudio.gui.widgets.progress import ProgressPanel

def project_label(folder: Path) -> str:
    """'Dr. Maria Lopez · Cardiology' from the folder's project.json, or the folder name if unreadable."""
    try:
        data = json.loads((folder / "project.json").read_text(encoding="utf-8"))
        c = data.get("clinician") or {}
        name = " ".join(x for x in (c.get("title", ""), c.get("name", "")) if x).strip()
        return " · ".join(x for x in (name, c.get("specialty", "")) if x) or folder.name
    except (OSError, ValueError, AttributeError):
        return folder.name


class StartPanel(QWidget):
    """Big New/Open buttons, 'From a roster', and the recent projects (double-click or Enter opens one)."""

    newRequested = Signal()
    openRequested = Signal()
    rosterRequested = Signal()
    batchRequested = Signal()
    folderChosen = Signal(object)  # Path of a recent project

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("startPanel")
        heading = QLabel("<h1>IntroStudio</h1>")
        heading.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        text = QLabel("Make a short introduction video for a clinician, step by step: their details, a "
                      "script, recording, captions, the look, and the finished video.<br><br>"
                      "Each clinician's video is a <b>project</b>: a folder that keeps everything, "
                      "saved as you go.")
        text.setWordWrap(True)
        text.setMaximumWidth(560)
        self.new_button = QPushButton("&New project…")
        self.new_button.setObjectName("newProject")
        self.new_button.setAccessibleName("Create a new project")
        self.new_button.clicked.connect(self.newRequested.emit)
        self.open_button = QPushButton("&Open project…")
        self.open_button.setObjectName("openProject")
        self.open_button.setAccessibleName("Open an existing project folder")
        self.open_button.clicked.connect(self.openRequested.emit)
        self.roster_button = QPushButton("From a &roster…")
        self.roster_button.setObjectName("rosterImport")
        self.roster_button.setAccessibleName("Create one project per clinician from a roster spreadsheet")
        self.roster_button.setToolTip("A CSV or Excel list of clinicians: one project each, footage matched by name")
        self.roster_button.clicked.connect(self.rosterRequested.emit)
        self.batch_button = QPushButton("Produce a &folder…")
        self.batch_button.setObjectName("batchProduce")
        self.batch_button.setAccessibleName("Make captions and export the videos of a whole folder of projects")
        self.batch_button.clicked.connect(self.batchRequested.emit)
        buttons = QHBoxLayout()
        for b in (self.new_button, self.open_button, self.roster_button, self.batch_button):
            b.setMinimumHeight(44)
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.recent_label = QLabel("Recent &projects:")
        self.recent = QListWidget()
        self.recent.setObjectName("recentProjects")
        self.recent.setAccessibleName("Recent projects")
        self.recent.setAccessibleDescription("Enter or double-click opens the project")
        self.recent_label.setBuddy(self.recent)
        self.recent.itemActivated.connect(lambda item: self.folderChosen.emit(Path(item.data(Qt.ItemDataRole.UserRole))))
        self.panel = ProgressPanel()
        self.report = QLabel()
        self.report.setObjectName("startReport")
        self.report.setWordWrap(True)
        column = QVBoxLayout()
        column.addStretch(1)
        column.addWidget(heading)
        column.addWidget(text)
        column.addSpacing(16)
        column.addLayout(buttons)
        column.addWidget(self.panel)
        column.addWidget(self.report)
        column.addSpacing(8)
        column.addWidget(self.recent_label)
        column.addWidget(self.recent, 3)
        column.addStretch(1)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(column, 3)
        outer.addStretch(1)

    def set_recent(self, folders: list[Path]) -> None:
        self.recent.clear()
        for folder in folders:
            item = QListWidgetItem(f"{project_label(folder)}\n{folder}")
            item.setData(Qt.ItemDataRole.UserRole, str(folder))
            item.setToolTip(str(folder))
            self.recent.addItem(item)
        self.recent_label.setVisible(bool(folders))
        self.recent.setVisible(bool(folders))
        if folders:
            self.recent.setCurrentRow(0)
