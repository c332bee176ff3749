"""Undo/redo in the real window: typing, script, captions and trims undo as steps, saved at once."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt

from introstudio.core.captions.cues import Cue
from introstudio.core.project.model import CaptionTrack


def on_disk(pf) -> dict:
    return json.loads(pf.file.read_text(encoding="utf-8"))


def open_window(qtbot, project, app_paths, page: str):
    from introstudio.core.settings import Settings
    from introstudio.gui.main_window import MainWindow

    window = MainWindow(app_paths, Settings(), remember=False)
    qtbot.addWidget(window)
    window.set_project(project, page)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    return window


def test_typing_in_a_field_undoes_as_one_step_with_ctrl_z_and_redoes(qtbot, project, app_paths, shown_errors):
    window = open_window(qtbot, project, app_paths, "clinician")
    page = window.pages["clinician"]
    name, dept = page.fields["name"], page.fields["department"]
    name.setFocus()
    name.selectAll()
    qtbot.keyClicks(name, "Mario Lopes")
    dept.setFocus()
    qtbot.keyClicks(dept, "Heart Center")
    assert window.undo_action.isEnabled() and window.undo_action.text() == "&Undo edit department"
    assert window.history.stack.count() == 2  # one step per field, not one per key
    qtbot.keyClick(dept, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # in the field: the project's undo
    assert dept.text() == "" and project.project.clinician.department == ""
    assert on_disk(project)["clinician"]["department"] == ""  # saved at once, no autosave pause
    qtbot.keyClick(dept, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert name.text() == "Maria Lopez" and on_disk(project)["clinician"]["name"] == "Maria Lopez"
    assert not window.undo_action.isEnabled()
    qtbot.keyClick(name, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert name.text() == "Mario Lopes" and project.project.clinician.name == "Mario Lopes"
    assert window.redo_action.text() == "&Redo edit department"
    window.redo_action.trigger()
    assert dept.text() == "Heart Center"
    qtbot.waitUntil(lambda: on_disk(project)["clinician"]["department"] == "Heart Center", timeout=3000)
    window.close()
    assert shown_errors == []


def test_undo_shows_the_page_the_edit_was_made_on(qtbot, project, app_paths, shown_errors):
    window = open_window(qtbot, project, app_paths, "script")
    script = window.pages["script"]
    script.editor.setFocus()
    qtbot.keyClicks(script.editor, " Extra words.")
    assert project.project.script.free_text is not None
    window.show_page("look")
    look = window.pages["look"]
    was = project.project.design.title_card
    look.options["title_card"].click()
    assert project.project.design.title_card is (not was)
    window.undo_action.trigger()  # the look toggle
    assert project.project.design.title_card is was and window.current_page() is look
    window.undo_action.trigger()  # the typing, on the script page
    assert window.current_page() is script
    assert project.project.script.free_text is None and "Extra words" not in script.editor.toPlainText()
    assert on_disk(project)["script"]["free_text"] is None
    window.close()
    assert shown_errors == []


def test_caption_edits_and_remade_captions_undo_per_take(qtbot, project, app_paths, shown_errors):
    from introstudio.gui.widgets.cue_table import COL_TEXT

    project.project.captions.append(CaptionTrack(take_id=1, cues=[Cue(0.0, 1.0, ("Hello, welcome.",)),
                                                                  Cue(1.0, 2.0, ("I am Doctor Lopez.",))]))
    project.save()
    window = open_window(qtbot, project, app_paths, "captions")
    page = window.pages["captions"]
    page.table.item(1, COL_TEXT).setText("I am Dr. Maria Lopez.")
    qtbot.waitUntil(lambda: window.history.stack.count() == 1, timeout=3000)
    assert window.undo_action.text() == "&Undo edit caption 2"
    srt = project.captions_dir / "take-1.srt"
    qtbot.waitUntil(lambda: srt.exists() and "Dr. Maria" in srt.read_text(encoding="utf-8"), timeout=3000)
    window.undo_action.trigger()
    assert page.table.item(1, COL_TEXT).text() == "I am Doctor Lopez."
    assert "Doctor Lopez" in srt.read_text(encoding="utf-8")  # the sidecar followed the undo
    assert on_disk(project)["captions"][0]["cues"][1]["lines"] == ["I am Doctor Lopez."]
    window.redo_action.trigger()
    assert page.track.cues[1].lines == ("I am Dr. Maria Lopez.",)
    window.close()
    assert shown_errors == []


def test_trim_undo_puts_the_trim_points_back_on_the_player(qtbot, project, app_paths, shown_errors):
    window = open_window(qtbot, project, app_paths, "takes")
    page = window.pages["takes"]
    qtbot.waitUntil(lambda: page.selected_take_id() == 1, timeout=3000)
    page.player.trim_in.setValue(0.5)
    page.player.trim_in.setValue(0.7)  # dragging: two changes, one step
    assert project.project.take(1).trim_in == 0.7
    assert window.history.stack.count() == 1
    window.undo_action.trigger()
    assert project.project.take(1).trim_in == 0.0 and page.player.trim_in.value() == 0.0
    assert window.history.stack.count() == 1 and window.redo_action.isEnabled()  # showing it made no new edit
    window.close()
    assert shown_errors == []


def test_opening_another_project_forgets_the_edits_of_the_first(qtbot, project, app_paths, tmp_path):
    from introstudio.core.project import Clinician, Script, create_project

    window = open_window(qtbot, project, app_paths, "clinician")
    window.pages["clinician"].fields["name"].setFocus()
    qtbot.keyClicks(window.pages["clinician"].fields["name"], "x")
    assert window.undo_action.isEnabled()
    other = create_project(tmp_path / "other", Clinician(name="Ann Lee", specialty="Neurology"),
                           Script(template_id="physician-intro"))
    window.set_project(other)
    assert not window.undo_action.isEnabled()
    window.close()
