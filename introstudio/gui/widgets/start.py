"""What the window shows before a project is open: new project or open one."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


class StartPanel(QWidget):
    """Two big buttons; the window does the rest."""

    newRequested = Signal()
    openRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("startPanel")
        heading = QLabel("<h1>IntroStudio</h1>")
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
        for b in (self.new_button, self.open_button):
            b.setMinimumHeight(44)
            b.setMinimumWidth(180)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        column = QVBoxLayout()
        column.addStretch(1)
        column.addWidget(heading)
        column.addWidget(text)
        column.addSpacing(16)
        column.addLayout(buttons)
        column.addStretch(2)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(column, 3)
        outer.addStretch(1)
        heading.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
