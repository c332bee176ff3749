"""'New video for a clinician': the clinician's name and a script template; the folder is picked for the user."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from introstudio.gui.style import primary, tone

TITLES = ("dr.", "dr", "prof.", "prof")


@dataclass(frozen=True)
class NewVideo:
    """The answers: who the video is about, which template, and where the project goes."""

    name: str
    title: str
    template_id: str
    folder: Path


def split_title(typed: str) -> tuple[str, str]:
    """'Dr. Maria Lopez' -> ('Dr.', 'Maria Lopez'): the title goes on the cards in its own field."""
    words = typed.split()
    if len(words) > 1 and words[0].casefold() in TITLES:
        title = words[0] if words[0].endswith(".") else words[0] + "."
        return title[0].upper() + title[1:], " ".join(words[1:])
    return "", " ".join(words)


def suggest_folder(parent: Path, name: str) -> Path:
    """A new folder under `parent` named after the clinician ('maria-lopez', then 'maria-lopez 2', ...)."""
    from introstudio.core.batch.names import clinician_slug
    from introstudio.core.filenames import portable_name

    stem = portable_name(clinician_slug(name) or "clinician", fallback="clinician")
    candidate, n = parent / stem, 2
    while candidate.exists():
        candidate, n = parent / f"{stem} {n}", n + 1
    return candidate


class NewVideoDialog(QDialog):
    """Name (required), template, and the folder it will make (changeable)."""

    def __init__(self, documents: Path, templates: list[tuple[str, str]], default_template: str | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New video for a clinician")
        self.documents = documents
        self._chosen_parent: Path | None = None
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Dr. Maria Lopez")
        self.name.setAccessibleName("Clinician's name")
        self.template = QComboBox()
        self.template.setAccessibleName("Script template")
        for key, title in templates:
            self.template.addItem(title, key)
        index = self.template.findData(default_template)
        self.template.setCurrentIndex(max(0, index))
        self.where = QLabel()
        self.where.setWordWrap(True)
        self.where.setAccessibleName("Project folder")
        tone(self.where, "muted")
        self.change = QPushButton("&Change folder…")
        self.change.setAccessibleName("Choose where the project folder goes")
        self.change.clicked.connect(self._change)
        where_row = QHBoxLayout()
        where_row.addWidget(self.where, 1)
        where_row.addWidget(self.change)
        form = QFormLayout()
        form.addRow("Clinician's &name:", self.name)
        form.addRow("Script &template:", self.template)
        form.addRow("Saved in:", where_row)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.create = self.buttons.addButton("Create &video project", QDialogButtonBox.ButtonRole.AcceptRole)
        primary(self.create)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Who is the video about? You can fill in the rest of their details next."))
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.name.textChanged.connect(self._update)
        self._update()

    def folder(self) -> Path:
        return suggest_folder(self._chosen_parent or self.documents, self.name.text().strip())

    def answer(self) -> NewVideo:
        title, name = split_title(self.name.text().strip())
        return NewVideo(name, title, str(self.template.currentData() or ""), self.folder())

    def _update(self) -> None:
        self.create.setEnabled(bool(self.name.text().strip()))
        self.where.setText(str(self.folder()))

    def _change(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Where should the project folder go?",
                                                  str(self._chosen_parent or self.documents))
        if chosen:
            self._chosen_parent = Path(chosen)
            self._update()


def template_choices() -> list[tuple[str, str]]:
    """(id, title) of the bundled and installed script templates."""
    from introstudio.core.script.templates import list_templates

    return [(t.id, t.title) for t in list_templates()]
