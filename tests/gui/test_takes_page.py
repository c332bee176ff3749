"""Takes page: a refused trim shows the saved values again and says why; a moved take's file can be located."""

from __future__ import annotations

import json
import shutil

from PySide6.QtCore import Qt


def on_disk(pf) -> dict:
    return json.loads(pf.file.read_text(encoding="utf-8"))


def open_page(qtbot, wait_op, project):
    from introstudio.gui.pages.takes import TakesPage

    page = TakesPage()
    qtbot.addWidget(page)
    page.refresh(project)
    qtbot.waitUntil(lambda: page.selected_take_id() == 1, timeout=3000)
    if page._thumb_op is not None:
        wait_op(page._thumb_op)  # the thumbnails are made in the background
    return page


def test_a_refused_trim_shows_the_saved_values_and_says_why(qtbot, wait_op, project, shown_errors):
    page = open_page(qtbot, wait_op, project)
    trim_in, trim_out = page.player.trim_in, page.player.trim_out
    trim_in.setValue(1.8)  # 0.2 s left of a 2 s take
    assert trim_in.value() == 0.0 and trim_out.value() == 0.0  # 0 = the end
    assert page.info.text().startswith("Trim refused: the take would run 0.2")
    assert "at least 0.5 s between trim in and trim out" in page.info.text()
    assert page.info.text().endswith("Kept the saved trim: 0.00 s to the end.")
    assert on_disk(project)["takes"][0]["trim_in"] == 0.0 and project.project.take(1).trim_in == 0.0
    trim_in.setValue(0.5)  # accepted
    assert project.project.take(1).trim_in == 0.5
    trim_out.setValue(0.7)
    assert (trim_in.value(), trim_out.value()) == (0.5, 0.0) and project.project.take(1).trim_out is None
    assert page.info.text().endswith("Kept the saved trim: 0.50 s to the end.")
    assert shown_errors == []


def test_a_moved_take_says_where_it_was_and_can_be_located(qtbot, wait_op, project, tmp_path, monkeypatch,
                                                           shown_errors):
    from introstudio.core.errors import MediaError
    from introstudio.core.media import testmedia
    from introstudio.gui.pages.takes import TakesPage

    take = project.project.take(1)
    was = project.resolve(take.file)
    moved = tmp_path / "USB drive" / "clinic take.mp4"
    moved.parent.mkdir()
    shutil.move(was, moved)
    page = open_page(qtbot, wait_op, project)
    page.player.video.setVisible(False)  # only the player's state is checked: its decoder is never started
    page.player.setVisible(False)
    page.show()
    qtbot.waitExposed(page)
    assert page.info.text().startswith(f"File not found: {was}")
    assert page.locate_button.isVisible() and page.locate_button.isEnabled()
    assert "File not found" in page.list.item(0).text() and page.player.source is None
    assert page.player.video.placeholder == "File not found" and not page.use_button.isEnabled()

    other = testmedia.make_clip(tmp_path / "another take.mp4", seconds=4.0, size=(160, 120))
    asked = []
    monkeypatch.setattr(TakesPage, "ask_take_file",
                        classmethod(lambda cls, parent, take_id, start: asked.append((take_id, start)) or other))
    qtbot.mouseClick(page.locate_button, Qt.MouseButton.LeftButton)
    assert asked == [(1, project.folder / "media")]  # the dialog opens where the file was
    assert len(shown_errors) == 1 and isinstance(shown_errors[0], MediaError)
    assert "another take.mp4 is not take 1: it is 4.0 s long" in page.info.text()
    assert take.file == on_disk(project)["takes"][0]["file"] == "media/clinic take.mp4"  # nothing changed

    monkeypatch.setattr(TakesPage, "ask_take_file", classmethod(lambda cls, parent, take_id, start: moved))
    qtbot.mouseClick(page.locate_button, Qt.MouseButton.LeftButton)
    assert on_disk(project)["takes"][0]["file"] == "../USB drive/clinic take.mp4"
    assert page.player.source == project.resolve(take.file) and project.resolve(take.file).resolve() == moved
    assert not page.locate_button.isVisible() and "File not found" not in page.list.item(0).text()
    assert page.info.text().startswith("Take 1 found at")
    assert len(shown_errors) == 1
    wait_op(page._thumb_op)  # the located file's thumbnail
    assert page._thumbs.get(take.file) is not None
