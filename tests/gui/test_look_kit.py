"""The Look page's brand kit choice: a kit file is checked, used for the previews, saved and undoable."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt


def on_disk(pf) -> dict:
    return json.loads(pf.file.read_text(encoding="utf-8"))


def kit_file(folder, background: str = "#5A0B45"):
    kit = folder / "kit" / "brandkit.toml"
    kit.parent.mkdir(parents=True, exist_ok=True)
    kit.write_text(f'schema_version = 1\n[organisation]\nname = "Riverside"\nlogo = ""\n'
                   f'[colours]\nbackground = "{background}"\n', encoding="utf-8")
    return kit


def test_choosing_a_brand_kit_redraws_saves_and_undoes(qtbot, wait_op, project, app_paths, tmp_path,
                                                       monkeypatch, shown_errors):
    from introstudio.core.settings import Settings
    from introstudio.gui.main_window import MainWindow
    from introstudio.gui.widgets.dialogs import Ask

    window = MainWindow(app_paths, Settings(), remember=False)
    qtbot.addWidget(window)
    window.set_project(project, "look")
    page = window.pages["look"]
    assert not page.default_kit_button.isEnabled()  # already the default
    kit = kit_file(tmp_path)
    monkeypatch.setattr(Ask, "brand_kit_file", classmethod(lambda cls, parent, start=None: kit))
    if page.operation is not None:
        wait_op(page.operation)
    qtbot.mouseClick(page.kit_button, Qt.MouseButton.LeftButton)
    assert on_disk(project)["design"]["brand_kit"] == str(kit.resolve())
    assert page.default_kit_button.isEnabled()
    qtbot.waitUntil(lambda: str(kit.resolve()) in page.kit_label.text(), timeout=30000)  # previews use the kit
    image = page.title_preview.pixmap.toImage()
    assert image.pixelColor(image.width() // 2, 4).name().lower() == "#5a0b45"
    window.undo_action.trigger()
    assert project.project.design.brand_kit is None and on_disk(project)["design"]["brand_kit"] is None
    window.redo_action.trigger()
    qtbot.mouseClick(page.default_kit_button, Qt.MouseButton.LeftButton)
    assert on_disk(project)["design"]["brand_kit"] is None
    if page.operation is not None:
        wait_op(page.operation)
    window.close()
    assert shown_errors == []


def test_a_broken_kit_is_refused_with_its_error_and_the_old_one_stays(qtbot, wait_op, project, tmp_path,
                                                                      shown_errors):
    from introstudio.gui.pages.look import LookPage

    page = LookPage()
    qtbot.addWidget(page)
    page.refresh(project)
    broken = kit_file(tmp_path, background="not a colour")
    assert page.use_kit(broken) is False
    assert len(shown_errors) == 1 and "not a colour" in str(shown_errors[0])
    assert project.project.design.brand_kit is None
    if page.operation is not None:
        wait_op(page.operation)
