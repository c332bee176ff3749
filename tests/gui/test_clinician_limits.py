"""The clinician page says when the cards cannot draw a character and refuses text past a field's limit."""

from __future__ import annotations

import json

from introstudio.core.project.limits import limit_of


def on_disk(pf) -> dict:
    return json.loads(pf.file.read_text(encoding="utf-8"))


def type_text(editor, text: str) -> None:
    """Replace the field's text the way an input method (any script) commits it: textEdited fires."""
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    editor.selectAll()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(editor, event)


def test_undrawable_glyph_is_warned_and_saved_and_too_long_text_is_refused(qtbot, project, shown_errors):
    from introstudio.gui.pages.clinician import ClinicianPage

    page = ClinicianPage()
    qtbot.addWidget(page)
    page.refresh(project)
    assert all(label.isHidden() for label in page.problems.values())
    type_text(page.fields["name"], "Maria \U00013000 Lopez")
    qtbot.waitUntil(lambda: on_disk(project)["clinician"]["name"] == "Maria \U00013000 Lopez", timeout=3000)
    warning = page.problems["name"]
    assert not warning.isHidden() and "cannot draw" in warning.text() and "U+13000" in warning.text()
    type_text(page.fields["name"], "محمد عبد الله")  # Arabic is drawn: the warning goes away
    assert warning.isHidden()
    type_text(page.fields["name"], "x" * 200)  # text longer than the limit is cut at it by the field
    assert len(page.fields["name"].text()) == limit_of("name") == 80
    assert "limit of 80 characters" in warning.text() and not warning.isHidden()
    notes = page.fields["first_visit_notes"]
    notes.setPlainText("y" * (limit_of("first_visit_notes") + 1))
    assert "at most 2000" in page.problems["first_visit_notes"].text()
    assert not page.problems["first_visit_notes"].isHidden()
    assert on_disk(project)["clinician"]["first_visit_notes"] != notes.toPlainText()
    assert shown_errors == []
