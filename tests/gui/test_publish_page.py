"""The Publish page: the metadata form (templates, limits, undo) and a real upload to the fake YouTube server."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `tests.fakes` lives beside the tests, not in the installed package
    sys.path.insert(0, str(ROOT))

from tests.fakes.publishing import TITLE, TOKEN, make_project  # noqa: E402
from tests.fakes.youtube_server import FakeYouTubeServer  # noqa: E402

def on_disk(pf) -> dict:
    return json.loads(pf.file.read_text(encoding="utf-8"))


@pytest.fixture
def exported(tmp_path):
    return make_project(tmp_path / "lopez", size=600 * 1024)


def open_window(qtbot, pf, app_paths, settings=None):
    from introstudio.core.settings import Settings
    from introstudio.gui.main_window import MainWindow

    window = MainWindow(app_paths, settings or Settings(), remember=False)
    qtbot.addWidget(window)
    window.set_project(pf, "publish")
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    return window


def test_the_form_shows_the_templates_counts_limits_and_undoes(qtbot, exported, app_paths, shown_errors):
    pf = exported.pf
    window = open_window(qtbot, pf, app_paths)
    page = window.pages["publish"]
    form = page.form
    assert form.title.text() == "" and form.title.placeholderText() == TITLE  # the template, greyed
    assert form.counts["title"].text() == f"{len(TITLE)} of 100 characters · from the template"
    assert page.upload_button.isEnabled()
    form.title.setFocus()
    qtbot.keyClicks(form.title, "x" * 101)
    assert "The title is 101 characters; YouTube allows 100." in form.problems.text()
    assert not page.upload_button.isEnabled()  # nothing is sent that YouTube would refuse
    form.title.selectAll()
    qtbot.keyClicks(form.title, "Meet Dr. Lopez <cardiology>")
    assert "'<' or '>'" in form.problems.text() and not page.upload_button.isEnabled()
    form.title.selectAll()
    qtbot.keyClicks(form.title, "Meet Dr. Lopez")
    assert form.problems.isHidden() and page.upload_button.isEnabled()
    form.tags.setFocus()
    qtbot.keyClicks(form.tags, "endocrinology, diabetes ,")
    form.privacy.setFocus()
    form.privacy.setCurrentIndex(form.privacy.findData("unlisted"))
    form.privacy.activated.emit(form.privacy.currentIndex())
    qtbot.waitUntil(lambda: on_disk(pf)["publish"]["tags"] == ["endocrinology", "diabetes"], timeout=3000)
    saved = on_disk(pf)["publish"]
    assert saved["title"] == "Meet Dr. Lopez" and saved["privacy"] == "unlisted"
    window.undo_action.trigger()  # who can watch
    assert pf.project.publish.privacy == "private" and form.privacy.currentData() == "private"
    window.undo_action.trigger()  # the tags
    assert form.tags.text() == "" and on_disk(pf)["publish"]["tags"] == []
    window.close()
    assert shown_errors == []


def test_upload_from_the_page_reaches_youtube_private_with_the_edited_title(
        qtbot, wait_op, exported, app_paths, monkeypatch, shown_errors):
    from introstudio.core.publish.client import ENV_ACCESS_TOKEN, ENV_API_ROOT

    with FakeYouTubeServer() as server:
        server.state.add_access_token(TOKEN)
        monkeypatch.setenv(ENV_API_ROOT, server.url)
        monkeypatch.setenv(ENV_ACCESS_TOKEN, TOKEN)
        window = open_window(qtbot, exported.pf, app_paths)
        page = window.pages["publish"]
        page.form.title.setFocus()
        qtbot.keyClicks(page.form.title, "Meet Dr. Maria Lopez")
        qtbot.mouseClick(page.upload_button, Qt.MouseButton.LeftButton)
        assert page.operation is not None
        wait_op(page.operation, timeout=60000)
        video = server.state.only_video()
        assert video.body["snippet"]["title"] == "Meet Dr. Maria Lopez"
        assert video.body["status"]["privacyStatus"] == "private"
        assert video.sha256 == exported.sha256 and len(video.captions) == 1
        assert exported.pf.project.publish.video_id == video.id
        assert f"youtu.be/{video.id}" in page.note.text() and f'On YouTube: <a href="https://youtu.be/{video.id}">' in page.result.text()
        assert window.update_steps()["publish"].done
        window.close()
    assert shown_errors == []


def test_a_brand_kit_with_unusable_youtube_text_is_shown_as_a_problem(qtbot, exported, app_paths, tmp_path,
                                                                     shown_errors):
    kit = tmp_path / "kit.toml"
    kit.write_text('schema_version = 1\n[youtube]\ndescription = "Book with {nurse_name}"\n', encoding="utf-8")
    pf = exported.pf
    pf.project.design.brand_kit = str(kit)
    pf.save()
    window = open_window(qtbot, pf, app_paths)  # on the Publish page: it opens, it does not crash
    page = window.pages["publish"]
    assert window.current_page() is page
    assert "brand kit's YouTube text cannot be used" in page.form.problems.text() and "nurse_name" in \
        page.form.problems.text()
    assert not page.upload_button.isEnabled()
    page.form.title.setFocus()
    qtbot.keyClicks(page.form.title, "Meet Dr. Lopez")
    qtbot.waitUntil(lambda: on_disk(pf)["publish"]["title"] == "Meet Dr. Lopez", timeout=3000)  # still kept
    window.close()
    assert shown_errors == []
