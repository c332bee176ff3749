"""Every question the GUI asks the user, behind classmethods that tests patch (no real dialogs in tests)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

VIDEO_FILTER = "Video files (*.mp4 *.mov *.m4v *.mkv *.webm *.avi *.mts *.3gp);;All files (*)"


class Ask:
    """Dialogs as plain functions: each returns the answer, or None/[]/False when the user backs out."""

    @classmethod
    def footage_files(cls, parent: QWidget | None, start: Path | None = None) -> list[Path]:
        files, _ = QFileDialog.getOpenFileNames(parent, "Import footage", str(start or Path.home()), VIDEO_FILTER)
        return [Path(f) for f in files]

    @classmethod
    def new_project_folder(cls, parent: QWidget | None, start: Path | None = None) -> Path | None:
        folder, _ = QFileDialog.getSaveFileName(
            parent, "New project: choose a name for its folder", str(start or Path.home()), "Folders (*)")
        return Path(folder) if folder else None

    @classmethod
    def new_video(cls, parent: QWidget | None, documents: Path, default_template: str | None = None) -> Any:
        """The clinician's name, a template and the folder to make (a NewVideo), or None."""
        from introstudio.gui.widgets.new_video import NewVideoDialog, template_choices

        dialog = NewVideoDialog(documents, template_choices(), default_template, parent)
        return dialog.answer() if dialog.exec() == NewVideoDialog.DialogCode.Accepted else None

    @classmethod
    def project_folder(cls, parent: QWidget | None, start: Path | None = None) -> Path | None:
        folder = QFileDialog.getExistingDirectory(parent, "Open project folder", str(start or Path.home()))
        return Path(folder) if folder else None

    @classmethod
    def roster_file(cls, parent: QWidget | None, start: Path | None = None) -> Path | None:
        file, _ = QFileDialog.getOpenFileName(parent, "Choose the roster of clinicians", str(start or Path.home()),
                                              "Rosters (*.csv *.tsv *.txt *.xlsx);;All files (*)")
        return Path(file) if file else None

    @classmethod
    def projects_folder(cls, parent: QWidget | None, start: Path | None = None) -> Path | None:
        folder = QFileDialog.getExistingDirectory(parent, "Where should the projects go? (one folder each)",
                                                  str(start or Path.home()))
        return Path(folder) if folder else None

    @classmethod
    def brand_kit_file(cls, parent: QWidget | None, start: Path | None = None) -> Path | None:
        file, _ = QFileDialog.getOpenFileName(parent, "Choose your organisation's brand kit",
                                              str(start or Path.home()), "Brand kits (*.toml);;All files (*)")
        return Path(file) if file else None

    @classmethod
    def confirm(cls, parent: QWidget | None, title: str, question: str, yes: str = "Continue") -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, title, question, QMessageBox.StandardButton.Cancel, parent)
        ok = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is ok

    @classmethod
    def open_folder(cls, folder: Path) -> bool:
        """Show `folder` in the system's file manager."""
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
