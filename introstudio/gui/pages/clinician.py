"""Clinician page: the profile form every script, card and caption draws on; saved as you type."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from introstudio.core.project.limits import field_problem, field_warning, limit_of
from introstudio.core.project.model import PROFILE_FIELDS
from introstudio.core.project.store import ProjectFolder
from introstudio.gui.pages.base import Page
from introstudio.gui.style import tone

REQUIRED = ("name", "specialty")

# field -> (label, example shown as placeholder)
FIELD_TEXT: dict[str, tuple[str, str]] = {
    "name": ("Full name", "Maria Lopez"),
    "title": ("Title", "Dr."),
    "credentials": ("Credentials", "MD, PhD"),
    "role": ("Role", "physician, nurse practitioner, physician assistant…"),
    "pronouns": ("Pronouns", "she/her"),
    "specialty": ("Specialty", "Cardiology"),
    "department": ("Department", "Heart and Vascular Center"),
    "organisation": ("Organisation", "St Mary's Hospital"),
    "focus_areas": ("Focus areas", "heart failure and cardiac rehabilitation"),
    "languages": ("Languages spoken", "English and Spanish"),
    "clinic_location": ("Where the clinic is", "Building B, third floor"),
    "phone": ("Appointments phone", "555-0100"),
    "web_page": ("Web page", "stmarys.example.org/lopez"),
    "years_experience": ("Years in practice", "12"),
    "first_visit_notes": ("What to expect at a first visit", "We will talk about your history and goals."),
}


class ClinicianPage(Page):
    """A form with one field per profile value; name and specialty are required."""

    name = "clinician"
    title = "Clinician"
    summary = ("Who is this video about? The script, the title card and the name strap are filled in from "
               "these details. Name and specialty are required; everything is saved as you type.")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fields: dict[str, QLineEdit | QPlainTextEdit] = {}
        self.problems: dict[str, QLabel] = {}
        form_host = QWidget()
        form = QFormLayout(form_host)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        for field in PROFILE_FIELDS:
            label_text, example = FIELD_TEXT.get(field, (field.replace("_", " ").capitalize(), ""))
            required = field in REQUIRED
            editor: QLineEdit | QPlainTextEdit
            if field == "first_visit_notes":
                editor = QPlainTextEdit()
                editor.setTabChangesFocus(True)
                editor.setFixedHeight(editor.fontMetrics().lineSpacing() * 4 + 12)
                editor.setPlaceholderText(f"e.g. {example}")
                editor.textChanged.connect(lambda f=field: self._edited(f))
            else:
                editor = QLineEdit()
                editor.setMaxLength(limit_of(field))  # longer text is refused as it is typed or pasted
                editor.setPlaceholderText(f"e.g. {example}")
                editor.textEdited.connect(lambda _t, f=field: self._edited(f))
            editor.setObjectName(f"field-{field}")
            editor.setProperty("projectUndo", True)  # Ctrl+Z here undoes project edits (main window)
            editor.setAccessibleName(label_text + (" (required)" if required else ""))
            editor.setAccessibleDescription(f"Example: {example}")
            label = QLabel(f"{label_text}{' *' if required else ''}")
            label.setBuddy(editor)
            self.fields[field] = editor
            form.addRow(label, editor)
            # Required, too long, or holding characters the cards cannot draw: said under the field.
            problem = QLabel()
            problem.setObjectName(f"problem-{field}")
            tone(problem, "problem")
            problem.setWordWrap(True)
            problem.setAccessibleName(f"{label_text} problem")
            self.problems[field] = problem
            form.addRow("", problem)
            problem.hide()
        self.body.addWidget(form_host)  # the page itself scrolls when the window is small
        self.body.addStretch(1)
        self.saved_note = QLabel("* required")
        self.saved_note.setObjectName("savedNote")
        self.body.addWidget(self.saved_note)

    def text_of(self, field: str) -> str:
        editor = self.fields[field]
        return editor.toPlainText() if isinstance(editor, QPlainTextEdit) else editor.text()

    def refresh(self, pf: ProjectFolder) -> None:
        super().refresh(pf)
        for field, editor in self.fields.items():
            value = getattr(pf.project.clinician, field)
            if self.text_of(field).strip() == value:  # as typed ("Maria " while typing): leave it alone
                continue
            editor.blockSignals(True)
            if isinstance(editor, QPlainTextEdit):
                editor.setPlainText(value)
            else:
                editor.setText(value)
            editor.blockSignals(False)
        self._validate()

    def is_done(self, pf: ProjectFolder) -> bool:
        return all(getattr(pf.project.clinician, f).strip() for f in REQUIRED)

    def status(self, pf: ProjectFolder) -> str:
        return pf.project.clinician.name.strip()

    def _edited(self, field: str) -> None:
        if self.pf is None:
            return
        value = self.text_of(field).strip()
        if getattr(self.pf.project.clinician, field) == value:
            return
        if field_problem(field, value) is not None:  # shown by _validate; the last good value stays saved
            self._validate()
            return
        setattr(self.pf.project.clinician, field, value)
        self._validate()
        self.saved_note.setText("Saving…")
        self.edited(f"edit {FIELD_TEXT.get(field, (field,))[0].lower()}", "clinician", merge=f"clinician.{field}")

    def save_now(self) -> None:
        super().save_now()
        self.saved_note.setText("* required · not saved yet (see the message); kept here and saved again soon"
                                if self.unsaved else "* required · all changes saved")

    def _validate(self) -> bool:
        ok = True
        for field, label in self.problems.items():
            text = self.text_of(field).strip()
            missing = field in REQUIRED and not text
            problem = None if missing else field_problem(field, text)
            full = isinstance(self.fields[field], QLineEdit) and len(text) >= limit_of(field)
            message = (f"{FIELD_TEXT[field][0]} is required." if missing else
                       f"{problem.message} {problem.hint} Not saved." if problem else
                       f"\u26a0 {warning}" if (warning := field_warning(field, text)) else
                       f"{FIELD_TEXT[field][0]} is at its limit of {limit_of(field)} characters; longer text "
                       "is cut there." if full else "")
            label.setText(message)
            label.setVisible(bool(message))
            ok = ok and not missing and problem is None
        return ok
