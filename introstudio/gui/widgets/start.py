"""What the window shows with no project open: one primary 'New video', the recent projects as cards, the rest.

Each card shows the clinician, the step the project is on (core/project/progress.py, a quick look that hashes
nothing) and the export's thumbnail when there is one. Opening a project, a roster and the batch are secondary.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from introstudio.gui.style import PALETTE, primary, tone
from introstudio.gui.widgets.progress import ProgressPanel

THUMB = QSize(192, 108)


def project_label(folder: Path) -> str:
    """'Dr. Maria Lopez · Cardiology' from the folder's project.json, or the folder name if unreadable."""
    try:
        data = json.loads((folder / "project.json").read_text(encoding="utf-8"))
        c = data.get("clinician") or {}
        name = " ".join(x for x in (c.get("title", ""), c.get("name", "")) if x).strip()
        return " · ".join(x for x in (name, c.get("specialty", "")) if x) or folder.name
    except (OSError, ValueError, AttributeError):
        return folder.name


@dataclass(frozen=True)
class CardInfo:
    """What a recent project's card shows."""

    folder: Path
    label: str
    step: str  # "Next: Captions", "Ready to publish", "Published", or why it cannot be read
    thumbnail: Path | None


def card_info(folder: Path) -> CardInfo:
    """The clinician, the step the project is on, and its newest export's thumbnail (if the file is there)."""
    from introstudio.core.errors import IntroStudioError
    from introstudio.core.project.progress import STEP_TITLES, next_step, step_statuses
    from introstudio.core.project.store import open_project
    from introstudio.core.render.records import export_records, stored_path

    label = project_label(folder)
    try:
        pf = open_project(folder)
        states = step_statuses(pf, deep=False)
    except (IntroStudioError, OSError) as exc:
        return CardInfo(folder, label, getattr(exc, "message", "cannot be read"), None)
    step = next_step(states)
    if all(s.done for s in states.values()):
        text = "Published"
    elif states[step].stale:
        text = f"{STEP_TITLES[step]}: out of date"
    else:
        text = f"Next: {STEP_TITLES[step]}"
    thumbs = [stored_path(pf, r.thumbnail) for r in reversed(export_records(pf.project)) if r.thumbnail]
    thumb = next((t for t in thumbs if t is not None and t.is_file()), None)
    return CardInfo(folder, label, text, thumb)


class StartPanel(QWidget):
    """'New video for a clinician' first; then recent projects as cards (Enter or double-click opens one)."""

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
                      "script, recording, captions, the look, and the finished video. Everything is saved "
                      "as you go.")
        text.setWordWrap(True)
        text.setMaximumWidth(640)
        tone(text, "muted")
        self.new_button = QPushButton("&New video for a clinician…")
        self.new_button.setObjectName("newProject")
        self.new_button.setAccessibleName("New video for a clinician")
        self.new_button.setAccessibleDescription("Asks for the clinician's name and a script template")
        self.new_button.setMinimumHeight(44)
        self.new_button.clicked.connect(self.newRequested.emit)
        primary(self.new_button)
        self.open_button = QPushButton("&Open a project…")
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
        first = QHBoxLayout()
        first.addWidget(self.new_button)
        first.addStretch(1)
        more = QHBoxLayout()
        more.addWidget(QLabel("Also:"))
        for b in (self.open_button, self.roster_button, self.batch_button):
            more.addWidget(b)
        more.addStretch(1)
        self.recent_label = QLabel("<b>Recent pro&jects</b>")
        self.recent = QListWidget()
        self.recent.setObjectName("recentProjects")
        self.recent.setAccessibleName("Recent projects")
        self.recent.setAccessibleDescription("Enter or double-click opens the project")
        self.recent.setViewMode(QListView.ViewMode.IconMode)
        self.recent.setFlow(QListView.Flow.LeftToRight)
        self.recent.setWrapping(True)
        self.recent.setResizeMode(QListView.ResizeMode.Adjust)
        self.recent.setMovement(QListView.Movement.Static)
        self.recent.setIconSize(THUMB)
        self.recent.setSpacing(10)
        self.recent.setWordWrap(True)
        self.recent.setUniformItemSizes(True)
        self.recent_label.setBuddy(self.recent)
        self.recent.itemActivated.connect(lambda item: self.folderChosen.emit(Path(item.data(Qt.ItemDataRole.UserRole))))
        self.panel = ProgressPanel()
        self.report = QLabel()
        self.report.setObjectName("startReport")
        self.report.setWordWrap(True)
        self.report.setOpenExternalLinks(True)
        self.report.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        column = QVBoxLayout()
        column.setSpacing(12)
        column.addWidget(heading)
        column.addWidget(text)
        column.addSpacing(8)
        column.addLayout(first)
        column.addLayout(more)
        column.addWidget(self.panel)
        column.addWidget(self.report)
        column.addSpacing(8)
        column.addWidget(self.recent_label)
        column.addWidget(self.recent, 1)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(32, 24, 32, 24)
        outer.addLayout(column, 1)
        self._placeholder = QPixmap(THUMB)
        self._placeholder.fill(QColor(PALETTE.alt_base))

    def set_recent(self, folders: list[Path]) -> None:
        """One card per project: the clinician, the step it is on, the export's thumbnail."""
        self.recent.clear()
        width = THUMB.width() + 40
        lines = 4 * self.fontMetrics().lineSpacing()
        self.recent.setGridSize(QSize(width, THUMB.height() + lines + 16))
        for folder in folders:
            info = card_info(folder)
            picture = QPixmap(str(info.thumbnail)) if info.thumbnail else QPixmap()
            if picture.isNull():
                picture = self._placeholder
            else:
                picture = picture.scaled(THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                                         Qt.TransformationMode.SmoothTransformation)
            item = QListWidgetItem(QIcon(picture), f"{info.label}\n{info.step}")
            item.setData(Qt.ItemDataRole.UserRole, str(folder))
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{info.label}. {info.step}. Folder {folder}")
            item.setToolTip(f"{info.label}\n{info.step}\n{folder}")
            item.setSizeHint(QSize(width, THUMB.height() + lines + 8))
            item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
            self.recent.addItem(item)
        self.recent_label.setVisible(bool(folders))
        self.recent.setVisible(bool(folders))
        if folders:
            self.recent.setCurrentRow(0)

    def show_roster_result(self, result: object) -> None:
        """What a roster import made: counts by outcome, a link to the folder, and every warning."""
        from html import escape

        from introstudio.gui.style import file_link

        projects = list(getattr(result, "projects", ()))
        counts: dict[str, int] = {}
        for p in projects:
            counts[p.status] = counts.get(p.status, 0) + 1
        into = getattr(result, "into", "")
        lines = [f"{len(projects)} project(s) from the roster in {file_link(into, str(into))}: "
                 + escape(", ".join(f"{n} {status}" for status, n in counts.items())) + ". Open one below, or "
                 "“Produce a folder” to make the captions and videos of them all."]
        lines += [escape(f"⚠ {w}") for w in getattr(result, "warnings", ())]
        lines += [escape(f"⚠ {p.name}: {w}") for p in projects for w in p.warnings]
        self.report.setText("<br>".join(lines))  # rich text: the folder is a link
