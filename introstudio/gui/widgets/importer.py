"""The "Import footage…" button: asks for files and runs the core import_takes job as an Operation."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QPushButton, QWidget

from introstudio.core.project.store import ProjectFolder
from introstudio.gui.external_changes import taken_in, worker_folder
from introstudio.gui.operations import Operation
from introstudio.gui.widgets.dialogs import Ask
from introstudio.gui.widgets.progress import ProgressPanel


class ImportButton(QPushButton):
    """Checks and copies the chosen files into the project as new takes; emits `imported(takes)`."""

    imported = Signal(list)

    def __init__(self, panel: ProgressPanel, text: str = "&Import footage…", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setObjectName("importButton")
        self.setAccessibleName("Import footage files as new takes")
        self.panel = panel
        self.pf: ProjectFolder | None = None
        self.operation: Operation | None = None
        self._start_dir: Path | None = None
        self.clicked.connect(self.start)

    def set_project(self, pf: ProjectFolder | None) -> None:
        self.pf = pf
        self.setEnabled(pf is not None and not self.busy)

    @property
    def busy(self) -> bool:
        return self.operation is not None and self.operation.running

    def start(self) -> Operation | None:
        """Ask for files, then import them in the background."""
        if self.pf is None or self.busy:
            return None
        files = Ask.footage_files(self.window(), self._start_dir)
        if not files:
            return None
        self._start_dir = files[0].parent
        return self.import_files(files)

    def import_files(self, files: list[Path]) -> Operation:
        from introstudio.core.project.ops import import_takes

        pf = self.pf
        assert pf is not None
        folder = pf.folder
        self.setEnabled(False)
        label = f"Importing {files[0].name}" if len(files) == 1 else f"Importing {len(files)} files"
        # The job saves each take on a project object of its own (under the project lock, merging), never on
        # the window's, which the UI thread edits; the window's takes the new takes in when the job ends.
        self.operation = (Operation(self, lambda: import_takes(worker_folder(folder, "importing footage"), files),
                                    label)
                          .writing(folder)
                          .on_success(lambda takes: self.imported.emit(taken_in(pf, takes)))
                          .on_finished(lambda: self.setEnabled(self.pf is not None))
                          .with_progress(self.panel)
                          .run())
        return self.operation
