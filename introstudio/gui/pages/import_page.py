"""Record-or-import step when in-app recording is not available: import footage recorded elsewhere."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from introstudio.core.project.model import Take
from introstudio.core.project.store import ProjectFolder
from introstudio.gui.pages.base import Page
from introstudio.gui.widgets.importer import ImportButton
from introstudio.gui.widgets.progress import ProgressPanel

TIPS = """<p>Record on a phone or camera, then import the file here. A few tips:</p>
<ul>
<li>Landscape, camera at eye level, about an arm's length away.</li>
<li>A quiet room; face a window or a soft light.</li>
<li>Read the script from the Script step; a pause and a fresh start is fine, each take is kept.</li>
</ul>
<p>Every file is checked and copied into the project folder; your original file is never changed.</p>"""


class ImportPage(Page):
    """Tips for recording elsewhere and an 'Import footage…' button."""

    name = "record"
    title = "Record or import"
    summary = "Recording inside IntroStudio is not available here, so bring in footage recorded on another device."

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        tips = QLabel(TIPS)
        tips.setWordWrap(True)
        tips.setObjectName("importTips")
        self.body.addWidget(tips)
        self.panel = ProgressPanel()
        self.import_button = ImportButton(self.panel)
        self.import_button.imported.connect(self._imported)
        self.count = QLabel()
        self.count.setObjectName("takeCount")
        row = QHBoxLayout()
        row.addWidget(self.import_button)
        row.addWidget(self.count, 1)
        self.body.addLayout(row)
        self.body.addWidget(self.panel)
        self.body.addStretch(1)

    def refresh(self, pf: ProjectFolder) -> None:
        super().refresh(pf)
        self.import_button.set_project(pf)
        n = len(pf.project.takes)
        self.count.setText("No takes yet." if not n else
                           f"{n} take{'s' if n != 1 else ''} in the project. Next: choose one on the Takes step.")

    def is_done(self, pf: ProjectFolder) -> bool:
        return bool(pf.project.takes)

    def status(self, pf: ProjectFolder) -> str:
        n = len(pf.project.takes)
        return f"{n} take{'s' if n != 1 else ''}" if n else ""

    def _imported(self, takes: list[Take]) -> None:
        if self.pf is not None:
            self.refresh(self.pf)
        self.changed.emit()
