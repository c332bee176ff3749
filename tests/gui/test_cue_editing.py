"""Split, merge and delete captions from the cue table's menu and the Delete key; each is one undo step."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from introstudio.core.captions.cues import Cue
from introstudio.core.project.model import CaptionTrack


def on_disk(pf) -> dict:
    return json.loads(pf.file.read_text(encoding="utf-8"))


def test_split_merge_delete_from_the_table(qtbot, project, app_paths, shown_errors):
    from introstudio.core.settings import Settings
    from introstudio.gui.main_window import MainWindow
    from introstudio.gui.widgets.cue_table import COL_TEXT

    project.project.captions.append(CaptionTrack(take_id=1, cues=[
        Cue(0.0, 1.2, ("Hello, I'm Dr. Lopez.", "I treat heart failure.")),
        Cue(1.3, 1.9, ("Welcome.",)),
    ]))
    project.save()
    window = MainWindow(app_paths, Settings(), remember=False)
    qtbot.addWidget(window)
    window.set_project(project, "captions")
    table = window.pages["captions"].table
    srt = project.captions_dir / "take-1.srt"

    def act(row: int, name: str) -> None:
        menu = table.context_menu(row)
        action = menu.findChild(QAction, name)
        assert action is not None and action.isEnabled(), name
        action.trigger()
        menu.deleteLater()

    act(0, "splitCueAction")
    assert table.rowCount() == 3
    assert [table.item(r, COL_TEXT).text() for r in range(2)] == ["Hello, I'm Dr. Lopez.", "I treat heart failure."]
    assert len(on_disk(project)["captions"][0]["cues"]) == 3 and srt.read_text(encoding="utf-8").count("-->") == 3
    assert window.undo_action.text() == "&Undo split caption 1"
    act(1, "mergeCueAction")
    assert table.rowCount() == 2 and table.item(1, COL_TEXT).text() == "I treat heart failure. Welcome."
    assert not table.context_menu(1).findChild(QAction, "mergeCueAction").isEnabled()  # nothing after the last
    table.setFocus()
    table.setCurrentCell(1, COL_TEXT)
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    assert table.rowCount() == 1 and len(on_disk(project)["captions"][0]["cues"]) == 1
    for expected in (2, 3, 2):  # undo the delete, the merge, the split
        window.undo_action.trigger()
        assert table.rowCount() == expected
    assert on_disk(project)["captions"][0]["cues"][0]["lines"] == ["Hello, I'm Dr. Lopez.", "I treat heart failure."]
    assert srt.read_text(encoding="utf-8").count("-->") == 2
    window.close()
    assert shown_errors == []
