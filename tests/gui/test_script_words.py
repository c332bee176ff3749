"""'Use the script's words' on the captions page: a misheard departure fixed in one action, saved, undoable."""

from __future__ import annotations

import json

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication

from introstudio.core.captions.cues import Cue
from introstudio.core.project.model import CaptionTrack

ENDO = {"kind": "changed", "script_text": "our Endocrinology", "heard_text": "my rental chronology",
        "start": 4.0, "end": 5.1}
PHONE = {"kind": "changed", "script_text": "555-0142.", "heard_text": "555 -0142.", "start": 8.4, "end": 9.1}
UM = {"kind": "added", "script_text": "", "heard_text": "um,", "start": 10.4, "end": 10.6}
HOPE = {"kind": "changed", "script_text": "I look forward", "heard_text": "I looked forward", "start": 10.8,
        "end": 11.6}
SKIP = {"kind": "skipped", "script_text": "I'm Maria Lopez.", "heard_text": "", "start": 13.5, "end": 13.5}


def on_disk(pf) -> dict:
    return json.loads(pf.file.read_text(encoding="utf-8"))


def script_track() -> CaptionTrack:
    """Captions as the pipeline makes them from a take where the recogniser misheard the script."""
    return CaptionTrack(take_id=1, engine="test", cues=[
        Cue(0.0, 2.3, ("Hello, I am Dr. Maria Lopez,",)),
        Cue(2.4, 6.3, ("and I work in my rental", "chronology clinic at Riverside."),
            flags=("changed: heard 'my' for 'my' at 4.0s", "changed: heard 'rental' for 'rental' at 4.4s",
                   "changed: heard 'chronology' for 'chronology' at 4.8s")),
        Cue(6.4, 10.3, ("To book a visit, call 555 -0142.", "See you soon."),
            flags=("changed: heard '555' for '555' at 8.4s", "changed: heard '-0142.' for '-0142.' at 8.8s")),
        Cue(10.4, 12.4, ("So, um, I looked forward", "to meeting you."),
            flags=("added: 'um,' at 10.4s", "changed: heard 'I' for 'I' at 10.8s",
                   "changed: heard 'looked' for 'looked' at 11.0s", "changed: heard 'forward' for 'forward' at 11.3s")),
        Cue(12.6, 14.0, ("Take care.",)),
    ], departures=[ENDO, PHONE, UM, HOPE, SKIP])


def open_page(qtbot, project):
    from introstudio.gui.pages.captions import CaptionsPage

    project.project.captions.append(script_track())
    project.save()
    page = CaptionsPage()
    qtbot.addWidget(page)
    page.refresh(project)
    steps: list[tuple[str, str]] = []
    page.editMade.connect(lambda label, part, _merge: steps.append((label, part)))
    return page, steps


def test_button_puts_the_script_words_in_the_selected_caption(qtbot, project, shown_errors):
    from introstudio.gui.widgets.cue_table import COL_CHECK, COL_TEXT, DEPARTURE_COLOUR

    page, steps = open_page(qtbot, project)
    table, button = page.table, page.script_words_button
    assert button.accessibleName() and button.text().replace("&", "") == "Use the script's words"
    assert [table.row_kind(r) for r in range(5)] == ["ok", "departure", "departure", "departure", "departure"]
    table.setCurrentCell(0, COL_TEXT)
    assert not button.isEnabled()  # nothing to fix on a row that follows the script
    table.setCurrentCell(4, COL_TEXT)
    assert not button.isEnabled()  # a skip: the words were not said, so they are not offered
    assert table.item(4, COL_CHECK).text() == "≠" and "Maria Lopez" in table.item(4, COL_CHECK).toolTip()
    rect = table.visualItemRect(table.item(1, COL_TEXT))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert table.currentRow() == 1 and button.isEnabled()
    assert "our Endocrinology" in button.accessibleDescription()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    assert table.item(1, COL_TEXT).text() == "and I work in our Endocrinology / clinic at Riverside."
    assert table.row_kind(1) == "ok" and table.item(1, COL_CHECK).text() == "OK"
    assert table.item(1, COL_TEXT).background().color() != DEPARTURE_COLOUR
    assert table.item(2, COL_TEXT).background().color() == DEPARTURE_COLOUR  # the others stay to review
    assert (table.item(1, 1).text(), table.item(1, 2).text()) == ("2.400", "6.300")  # timing kept
    assert table.currentRow() == 1 and not button.isEnabled()
    assert page.track.edited and ENDO not in page.track.departures and len(page.track.departures) == 4
    assert "our Endocrinology" in page.report.text() and "my rental chronology" in page.report.text()
    assert steps == [("use the script's words in caption 2", "captions:1")]

    saved = on_disk(project)["captions"][0]
    assert saved["cues"][1] == {"start": 2.4, "end": 6.3,
                                "lines": ["and I work in our Endocrinology", "clinic at Riverside."]}
    assert saved["edited"] is True and ENDO not in saved["departures"] and PHONE in saved["departures"]
    srt = (project.captions_dir / "take-1.srt").read_text(encoding="utf-8")
    assert "and I work in our Endocrinology\nclinic at Riverside." in srt and "rental" not in srt
    assert "our Endocrinology" in (project.captions_dir / "take-1.vtt").read_text(encoding="utf-8")
    assert shown_errors == []


def test_context_menu_fixes_the_phone_number_and_each_of_several(qtbot, project, shown_errors):
    from introstudio.gui.widgets.cue_table import COL_TEXT

    page, steps = open_page(qtbot, project)
    table = page.table
    skip_menu = table.context_menu(4)
    assert not skip_menu.actions()[0].isEnabled()
    menu = table.context_menu(2)
    entry, *edits = [a for a in menu.actions() if not a.isSeparator()]  # one departure: one entry, then edits
    assert [a.objectName() for a in edits] == ["splitCueAction", "mergeCueAction", "deleteCueAction"]
    assert entry.isEnabled() and entry.text().replace("&", "") == "Use the script's words"
    entry.trigger()
    assert table.item(2, COL_TEXT).text() == "To book a visit, call 555-0142. / See you soon."
    assert table.row_kind(2) == "ok"
    assert on_disk(project)["captions"][0]["cues"][2]["lines"] == ["To book a visit, call 555-0142.", "See you soon."]
    assert "555-0142." in (project.captions_dir / "take-1.srt").read_text(encoding="utf-8")

    # Two departures in one cue: the menu offers all of them, then each one.
    menu = table.context_menu(3)
    fixes = [a for a in menu.actions() if not a.isSeparator() and not a.objectName().endswith("CueAction")]
    assert [a.text() for a in fixes[1:]] == ["Remove “um,” (not in the script)",
                                             "Show “I look forward” instead of “I looked forward”"]
    fixes[-1].trigger()  # only the change
    assert table.item(3, COL_TEXT).text() == "So, um, I look forward / to meeting you."
    assert table.row_kind(3) == "departure" and [d["kind"] for d in table.fixable[3]] == ["added"]
    table.setCurrentCell(3, COL_TEXT)
    assert page.script_words_button.isEnabled()
    page.script_words_button.click()  # the rest: the filler goes
    assert table.item(3, COL_TEXT).text() == "So, I look forward / to meeting you."
    assert table.row_kind(3) == "ok"
    assert [label for label, _ in steps] == ["use the script's words in caption 3",
                                             "use the script's words in caption 4",
                                             "use the script's words in caption 4"]
    saved = on_disk(project)["captions"][0]
    assert [d["kind"] for d in saved["departures"]] == ["changed", "skipped"]  # Endocrinology, the skip
    assert [c["start"] for c in saved["cues"]] == [0.0, 2.4, 6.4, 10.4, 12.6]
    assert shown_errors == []


def test_keyboard_reaches_the_button_and_a_hand_edited_caption_is_reported(qtbot, project, shown_errors):
    from introstudio.gui.widgets.cue_table import COL_TEXT

    page, steps = open_page(qtbot, project)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow, timeout=3000)
    table, button = page.table, page.script_words_button
    table.setFocus()
    table.setCurrentCell(1, COL_TEXT)
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is button and button.isEnabled()
    # The user already retyped the words: nothing to replace automatically, so say what to do instead.
    page.track.cues[1] = Cue(2.4, 6.3, ("and I work in the Endo clinic",))
    page.use_script_words(1)
    assert "by hand" in page.report.text() and "my rental chronology" in page.report.text()
    assert steps == [] and page.track.cues[1].lines == ("and I work in the Endo clinic",)
    table.setCurrentCell(2, COL_TEXT)
    opened = []

    def choose() -> None:  # what a user does in the open menu: read it, pick the entry
        menu = QApplication.activePopupWidget()
        opened.append([a.text() for a in menu.actions()])
        menu.close()

    QTimer.singleShot(0, choose)
    at = QPoint(1, 1)
    QApplication.sendEvent(table.viewport(), QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, at,
                                                                table.viewport().mapToGlobal(at)))
    assert opened[0][0] == "Use the script's &words"  # the Menu key opens the current row's menu
    page.activateWindow()  # the closed popup had the keyboard
    qtbot.waitUntil(page.isActiveWindow, timeout=3000)
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Space)
    assert table.item(2, COL_TEXT).text().startswith("To book a visit, call 555-0142.")
    assert QApplication.focusWidget() is table and steps == [("use the script's words in caption 3", "captions:1")]
    assert shown_errors == []


def test_the_fix_undoes_as_one_step_in_the_window(qtbot, project, app_paths, shown_errors):
    from introstudio.core.settings import Settings
    from introstudio.gui.main_window import MainWindow
    from introstudio.gui.widgets.cue_table import COL_TEXT

    project.project.captions.append(script_track())
    project.save()
    window = MainWindow(app_paths, Settings(), remember=False)
    qtbot.addWidget(window)
    window.set_project(project, "captions")
    window.show()
    page = window.pages["captions"]
    page.table.setCurrentCell(1, COL_TEXT)
    page.script_words_button.click()
    assert window.history.stack.count() == 1
    assert window.undo_action.text() == "&Undo use the script's words in caption 2"
    window.undo_action.trigger()
    assert page.table.item(1, COL_TEXT).text() == "and I work in my rental / chronology clinic at Riverside."
    assert page.table.row_kind(1) == "departure" and ENDO in page.track.departures
    assert "rental" in (project.captions_dir / "take-1.srt").read_text(encoding="utf-8")
    assert on_disk(project)["captions"][0]["departures"][0] == ENDO
    window.redo_action.trigger()
    assert page.track.cues[1].lines == ("and I work in our Endocrinology", "clinic at Riverside.")
    window.close()
    assert shown_errors == []
