"""The Captions page's speech-model picker: installed models listed, the pick kept in the settings, and a
Spanish script with the English-only tiny.en says what to do."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from introstudio.core.captions.models import BASE
from introstudio.core.captions.models_install import package_parts


def items(combo) -> list[tuple[str, str]]:
    return [(combo.itemText(i), combo.itemData(i)) for i in range(combo.count())]


def spanish(project):
    project.project.script.template_id = "physician-intro-es"
    project.save()
    return project


def test_a_spanish_script_with_only_tiny_en_says_to_install_base(qtbot, project, app_paths, shown_errors):
    from introstudio.core.settings import Settings
    from introstudio.gui.pages.captions import CaptionsPage

    page = CaptionsPage(settings=Settings(), paths=app_paths)
    qtbot.addWidget(page)
    page.refresh(project)
    assert items(page.model) == [("tiny.en (English only)", "")]
    assert page.model.toolTip() == "" and page.model_note.isHidden()  # an English script: nothing to say
    page.refresh(spanish(project))
    assert "install the speech model “base”" in page.model_note.text() and not page.model_note.isHidden()
    assert "introstudio" not in page.model_note.text() + page.model.toolTip()  # the app's words, not the CLI's
    assert "English only" in page.model.toolTip()
    assert shown_errors == []


@pytest.mark.skipif(package_parts(BASE) is None, reason="the multilingual extra is not installed")
def test_choosing_base_is_kept_in_the_settings(qtbot, project, app_paths, shown_errors):
    from introstudio.core.captions.models_install import install
    from introstudio.core.jobs import run_job
    from introstudio.core.settings import Settings, load_settings
    from introstudio.gui.pages.captions import CaptionsPage

    run_job(install("base", app_paths.cache_dir))
    page = CaptionsPage(settings=Settings(), paths=app_paths)
    qtbot.addWidget(page)
    page.refresh(spanish(project))
    assert items(page.model) == [("tiny.en (English only)", ""), ("base (multilingual)", "base")]
    assert "Choose base" in page.model_note.text()
    page.model.setFocus()
    qtbot.keyClick(page.model, Qt.Key.Key_Down)  # the keyboard way to pick the next model
    assert page.model.chosen() == "base" and page.model.toolTip() == "" and page.model_note.isHidden()
    assert load_settings(app_paths.settings_file).caption_model == "base"
    again = CaptionsPage(settings=load_settings(app_paths.settings_file), paths=app_paths)  # the next start
    qtbot.addWidget(again)
    again.refresh(project)
    assert again.model.chosen() == "base"
    assert shown_errors == []
