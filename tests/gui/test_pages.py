"""Walk each page with qtbot: typing autosaves, previews follow, import/captions/look/export work."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QSlider,
    QWidget,
)

from introstudio.core.captions.cues import Cue
from introstudio.core.project.model import PROFILE_FIELDS, CaptionTrack


def on_disk(pf) -> dict:
    return json.loads(pf.file.read_text(encoding="utf-8"))


def test_clinician_form_autosaves_and_validates(qtbot, project, shown_errors):
    from introstudio.gui.pages.clinician import ClinicianPage

    page = ClinicianPage()
    qtbot.addWidget(page)
    page.refresh(project)
    assert page.fields["name"].text() == "Maria Lopez"
    assert list(page.fields) == list(PROFILE_FIELDS)
    qtbot.keyClicks(page.fields["languages"], "English and Spanish")
    qtbot.waitUntil(lambda: on_disk(project)["clinician"]["languages"] == "English and Spanish", timeout=3000)
    page.fields["specialty"].selectAll()
    qtbot.keyClick(page.fields["specialty"], Qt.Key.Key_Delete)
    assert not page.problems["specialty"].isHidden() and "required" in page.problems["specialty"].text()
    assert not page.is_done(project)
    qtbot.waitUntil(lambda: on_disk(project)["clinician"]["specialty"] == "", timeout=3000)
    qtbot.keyClicks(page.fields["specialty"], "Cardiology")
    assert page.problems["specialty"].isHidden() and page.is_done(project)
    assert shown_errors == []


def test_script_template_preview_reading_time_and_own_text(qtbot, project, shown_errors):
    from introstudio.gui.pages.script import OWN_TEXT, ScriptPage

    page = ScriptPage()
    qtbot.addWidget(page)
    page.refresh(project)
    assert "Maria Lopez" in page.editor.toPlainText()
    page.pick("surgeon-intro")
    assert on_disk(project)["script"]["template_id"] == "surgeon-intro"
    assert "Maria Lopez" in page.editor.toPlainText() and "surg" in page.editor.toPlainText().lower()
    assert "words" in page.reading.text() and "to read at" in page.reading.text()
    page.editor.moveCursor(page.editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(page.editor, " See you soon.")
    assert page.picker.currentData() == OWN_TEXT
    qtbot.waitUntil(lambda: (on_disk(project)["script"]["free_text"] or "").endswith("See you soon."), timeout=3000)
    page.pick("physician-intro")  # back to a template (the confirmation is answered yes)
    assert project.project.script.free_text is None and "See you soon." not in page.editor.toPlainText()
    assert shown_errors == []


def test_import_a_take_through_the_button(qtbot, wait_op, project, clip_file, monkeypatch, shown_errors):
    from introstudio.gui.pages.takes import TakesPage
    from introstudio.gui.widgets.dialogs import Ask

    page = TakesPage()
    qtbot.addWidget(page)
    page.refresh(project)
    assert page.list.count() == 1
    monkeypatch.setattr(Ask, "footage_files", classmethod(lambda cls, parent, start=None: [clip_file]))
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    wait_op(page.import_button.operation)
    assert [t["id"] for t in on_disk(project)["takes"]] == [1, 2]
    assert page.list.count() == 2 and page.selected_take_id() == 2
    assert "Take 2" in page.list.currentItem().text()
    qtbot.waitUntil(lambda: project.project.takes[1].file in page._thumbs, timeout=10000)
    assert not page._thumbs[project.project.takes[1].file].isNull()
    wait_op(page._thumb_op)
    page.player.trim_in.setValue(0.5)
    qtbot.waitUntil(lambda: on_disk(project)["takes"][1]["trim_in"] == 0.5, timeout=3000)
    qtbot.mouseClick(page.use_button, Qt.MouseButton.LeftButton)
    assert on_disk(project)["selected_take"] == 2
    assert shown_errors == []


def caption_track() -> CaptionTrack:
    return CaptionTrack(take_id=1, engine="test", cues=[
        Cue(0.0, 1.0, ("Hello, welcome.",)),
        Cue(1.0, 1.3, ("I'm Doctor Maria Lopez, a physician specializing in cardiology",)),  # too long, too fast
        Cue(1.4, 2.5, ("Um, nice to meet you.",), flags=("departure: added 'um'",)),
    ], departures=[{"kind": "added", "script_text": "", "heard_text": "Um", "start": 1.4, "end": 1.6}])


def test_captions_page_shows_cues_highlights_problems_and_seeks(qtbot, project, monkeypatch, shown_errors):
    from introstudio.gui.pages.captions import CaptionsPage
    from introstudio.gui.widgets.cue_table import COL_TEXT, VIOLATION_COLOUR

    project.project.captions.append(caption_track())
    project.save()
    page = CaptionsPage()
    qtbot.addWidget(page)
    page.refresh(project)
    table = page.table
    assert table.rowCount() == 3
    assert [table.row_kind(r) for r in range(3)] == ["ok", "violation", "departure"]
    assert table.item(1, COL_TEXT).background().color() == VIOLATION_COLOUR
    assert table.item(1, 4).text() == "⚠" and "characters" in table.item(1, 4).toolTip()
    table.setCurrentCell(1, COL_TEXT)
    assert "Caption 2: ⚠" in page.cue_detail.text() and "characters" in page.cue_detail.text()
    seeks = []
    monkeypatch.setattr(page.player, "seek", seeks.append)
    monkeypatch.setattr(page.player, "play", lambda until=None: seeks.append(("until", until)))
    rect = table.visualItemRect(table.item(2, COL_TEXT))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert seeks == [1.4, ("until", 2.5)]
    table.setCurrentCell(0, COL_TEXT)
    qtbot.keyClick(table, Qt.Key.Key_Space)  # the keyboard way to play a cue
    assert seeks[-2:] == [0.0, ("until", 1.0)]
    table.highlight_time(0.5)
    assert table.playing_row == 0 and table.item(0, 0).text().startswith("▶")
    table.item(0, COL_TEXT).setText("Hello / and welcome.")
    qtbot.waitUntil(lambda: on_disk(project)["captions"][0]["cues"][0]["lines"] == ["Hello", "and welcome."],
                    timeout=3000)
    assert "Hello\nand welcome." in (project.captions_dir / "take-1.srt").read_text(encoding="utf-8")
    qtbot.mouseClick(page.reflow_button, Qt.MouseButton.LeftButton)
    assert all(len(line) <= 42 for cue in page.track.cues for line in cue.lines)
    assert on_disk(project)["captions"][0]["edited"] is True
    assert shown_errors == []


def test_look_page_draws_the_three_previews(qtbot, wait_op, project, shown_errors):
    from introstudio.gui.pages.look import LookPage
    page = LookPage()
    qtbot.addWidget(page)
    page.resize(1000, 700)
    page.refresh(project)
    wait_op(page.operation)
    for preview in (page.title_preview, page.lower_preview, page.end_preview):
        assert preview.pixmap is not None and preview.pixmap.width() >= 480
    page.options["end_card"].click()
    assert on_disk(project)["design"]["end_card"] is False
    wait_op(page.operation)
    assert shown_errors == []


def test_export_page_starts_and_cancels(qtbot, wait_op, project, shown_errors):
    from introstudio.gui.pages.export import ExportPage

    page = ExportPage()
    qtbot.addWidget(page)
    page.refresh(project)
    page.preset.setCurrentIndex(page.preset.findData("preview"))
    op = page.start_export()
    assert op is not None and not page.export_button.isEnabled()
    with qtbot.waitSignal(op.progress, timeout=20000):
        pass
    qtbot.mouseClick(page.panel.cancel_button, Qt.MouseButton.LeftButton)
    wait_op(op)
    assert page.panel.message.text() == "Stopped."
    assert not list(project.exports_dir.glob("*.mp4")) and not list(project.exports_dir.glob(".*partial*"))
    assert page.export_button.isEnabled() and shown_errors == []


def test_publish_page_says_what_it_can_do(qtbot, project, app_paths):
    from introstudio.core.settings import Settings
    from introstudio.gui.pages.publish import PublishPage

    page = PublishPage(paths=app_paths, settings=Settings())
    qtbot.addWidget(page)
    page.refresh(project)  # nothing exported yet: it says so and will not upload
    assert not page.upload_button.isHidden() and not page.upload_button.isEnabled()
    assert "Export the video first" in page.note.text()


def interactive(widget: QWidget) -> list[QWidget]:
    kinds = (QAbstractButton, QLineEdit, QComboBox, QAbstractSpinBox, QPlainTextEdit, QAbstractItemView, QSlider)
    return [w for w in widget.findChildren(QWidget) if isinstance(w, kinds) and w.isVisibleTo(widget)
            and not isinstance(w, QHeaderView)  # headers and the table's corner button are not Tab stops
            and not isinstance(w.parentWidget(), (QAbstractSpinBox, QAbstractItemView))]


def test_main_window_steps_navigation_and_keyboard_access(qtbot, project, app_paths, shown_errors):
    from introstudio.core.settings import Settings
    from introstudio.gui.main_window import MainWindow
    from introstudio.gui.pages import PAGE_NAMES

    window = MainWindow(app_paths, Settings(), remember=False)
    qtbot.addWidget(window)
    window.set_project(project)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    assert list(window.pages) == list(PAGE_NAMES)
    states = window.update_steps()
    assert states["clinician"].done and states["script"].done and states["record"].done
    assert states["captions"].is_next and window.current_page().name == "captions"
    qtbot.mouseClick(window.next_button, Qt.MouseButton.LeftButton)
    assert window.current_page().name == "look"
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page().name == "clinician"
    missing = []
    for name, page in window.pages.items():
        window.show_page(name)
        for w in interactive(page):
            if not w.focusPolicy() & Qt.FocusPolicy.TabFocus:
                missing.append(f"{name}: {type(w).__name__} {w.objectName()} not reachable with Tab")
            if not w.accessibleName() and not (isinstance(w, QAbstractButton) and w.text()):
                missing.append(f"{name}: {type(w).__name__} {w.objectName()} has no accessible name")
    assert missing == []
    window.close()
    assert shown_errors == []


def test_new_project_from_the_start_panel(qtbot, tmp_path, app_paths, monkeypatch, shown_errors):
    from introstudio.core.settings import Settings
    from introstudio.gui.main_window import MainWindow
    from introstudio.gui.widgets.dialogs import Ask

    window = MainWindow(app_paths, Settings(), remember=False)
    qtbot.addWidget(window)
    assert window.stack.currentWidget() is window.start and not window.steps.isEnabled()
    from introstudio.gui.widgets.new_video import NewVideo

    answer = NewVideo("Maria Lopez", "Dr.", "physician-intro", tmp_path / "new one")
    monkeypatch.setattr(Ask, "new_video", classmethod(lambda cls, *a, **k: answer))
    qtbot.mouseClick(window.start.new_button, Qt.MouseButton.LeftButton)
    assert (tmp_path / "new one" / "project.json").is_file()
    assert window.current_page().name == "clinician" and window.steps.isEnabled()
    assert window.pf.project.clinician.name == "Maria Lopez" and window.pf.project.clinician.title == "Dr."
    assert window.update_steps()["clinician"].is_next
    assert shown_errors == []


def test_the_window_reopens_the_last_project_after_a_restart(qtbot, project, app_paths):
    from introstudio.core.settings import Settings
    from introstudio.gui.main_window import MainWindow

    first = MainWindow(app_paths, Settings(), remember=True)
    qtbot.addWidget(first)
    first.set_project(project)
    first.show_page("look")
    del first  # as if the app died here: nothing was closed cleanly
    second = MainWindow(app_paths, Settings(), remember=True)
    qtbot.addWidget(second)
    assert second.last_project() == project.folder
    assert second.last_page() == "look"  # reopened on the step that was on screen


@pytest.mark.parametrize("page", ["import", "nonsense"])
def test_page_names(page):
    from introstudio.gui.pages import page_name

    assert page_name(page) == ("record" if page == "import" else None)


def test_f1_lists_the_keyboard_shortcuts(qtbot, project, app_paths):
    from introstudio.core.settings import Settings
    from introstudio.gui.main_window import MainWindow
    from introstudio.gui.widgets.shortcuts import ShortcutsDialog

    window = MainWindow(app_paths, Settings(), remember=False)
    qtbot.addWidget(window)
    window.set_project(project, "clinician")
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_F1)
    dialog = window.findChild(ShortcutsDialog)
    assert dialog is not None and dialog.isVisible()
    rows = {(dialog.table.item(r, 1).text(), dialog.table.item(r, 2).text()) for r in range(dialog.table.rowCount())}
    assert ("B or Home", "back to the start of this paragraph (a retake)") in rows
    assert any(keys.startswith("Ctrl+Z") for keys, _ in rows)
    dialog.close()
    window.close()
