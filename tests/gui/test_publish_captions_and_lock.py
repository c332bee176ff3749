"""The Publish page: Upload stays disabled for an uncaptioned export until the box that says what that means is
ticked (and the choice is recorded); and the app and an `introstudio publish` process at once make one video."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `tests.fakes` lives beside the tests, not in the installed package
    sys.path.insert(0, str(ROOT))

from tests.fakes.publishing import CHUNK, make_project  # noqa: E402

CHOICE = ("Publish without captions: people who are deaf or hard of hearing will not be able to follow this "
          "video")


@pytest.fixture
def yt(yt_env):
    return yt_env  # the CLI and the app read the stand-in's address from the environment


def publish_page(qtbot, pf, app_paths):
    from introstudio.core.settings import Settings
    from introstudio.gui.pages.publish import PublishPage

    page = PublishPage(paths=app_paths, settings=Settings())
    qtbot.addWidget(page)
    page.refresh(pf)
    page.show()
    return page


def test_the_box_gates_upload_of_an_uncaptioned_export(qtbot, wait_op, yt, tmp_path, app_paths, shown_errors):
    ex = make_project(tmp_path / "lopez", size=400 * 1024)
    ex.srt.unlink()
    ex.pf.project.exports[-1]["srt"] = None
    ex.pf.save()
    page = publish_page(qtbot, ex.pf, app_paths)
    box = page.form.no_captions
    assert box.isVisible() and box.text() == CHOICE and not box.isChecked()
    assert box.accessibleName() == "Publish without captions"
    assert not page.upload_button.isEnabled() and "has no captions" in page.note.text()
    qtbot.mouseClick(page.upload_button, Qt.MouseButton.LeftButton)  # disabled: nothing starts
    assert page.operation is None
    box.click()
    assert page.upload_button.isEnabled()
    box.click()
    assert not page.upload_button.isEnabled()
    box.click()
    qtbot.mouseClick(page.upload_button, Qt.MouseButton.LeftButton)
    assert page.operation is not None
    wait_op(page.operation, timeout=60000)
    video = yt.state.only_video()
    assert video.sha256 == ex.sha256 and video.captions == []
    waived = ex.pf.project.publish.captions_waived
    assert waived["by"].startswith("the IntroStudio app (") and waived["reason"] == "the export has no captions"
    assert "published without captions, by choice" in page.result.text()
    assert shown_errors == []


def test_a_captioned_export_needs_no_choice(qtbot, tmp_path, app_paths):
    ex = make_project(tmp_path / "lopez", size=300 * 1024)
    page = publish_page(qtbot, ex.pf, app_paths)
    assert page.form.no_captions.isHidden() and page.upload_button.isEnabled()
    assert "has no captions" not in page.note.text()


def test_the_app_and_a_cli_publisher_at_once_make_one_video(qtbot, wait_op, yt, tmp_path, app_paths,
                                                             shown_errors):
    ex = make_project(tmp_path / "lopez", size=1536 * 1024)
    yt.state.chunk_delay = 0.5  # six chunks: the CLI is mid-upload when the app starts
    env = {**os.environ, "INTROSTUDIO_HOME": str(tmp_path / "cli-home"), "PYTHONPATH": str(ROOT)}
    cli = subprocess.Popen([sys.executable, "-m", "introstudio", "publish", str(ex.pf.folder), "--yes",
                            "--chunk-size", str(CHUNK)], env=env, cwd=ROOT, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    try:
        page = publish_page(qtbot, ex.pf, app_paths)
        qtbot.waitUntil(lambda: yt.state.chunk_puts >= 1, timeout=30000)
        qtbot.mouseClick(page.upload_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "Waiting: introstudio publish" in page.panel.message.text(), timeout=10000)
        assert f"process {cli.pid} on" in page.panel.message.text()
        yt.state.chunk_delay = 0.0
        wait_op(page.operation, timeout=60000)
        out, err = cli.communicate(timeout=60)
    finally:
        if cli.poll() is None:
            cli.kill()
            cli.wait()
    assert cli.returncode == 0, err
    video = yt.state.only_video()
    assert f"Uploaded: https://youtu.be/{video.id}" in out
    assert f'On YouTube: <a href="https://youtu.be/{video.id}">' in page.result.text()  # a link
    assert yt.state.sessions_created == 1 and len(video.captions) == 1
    assert ex.pf.project.publish.video_id == video.id
    assert shown_errors == []
