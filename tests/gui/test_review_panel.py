"""Review and approval in the app: from the Publish page's button, approvals recorded with the keyboard-reachable
form, go live and take down against the fake YouTube server in the background, the history shown."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `tests.fakes` lives beside the tests, not in the installed package
    sys.path.insert(0, str(ROOT))

from tests.fakes.publishing import TOKEN, make_project, run_publish  # noqa: E402


@pytest.fixture
def yt(yt_env):
    return yt_env  # the CLI and the app read the stand-in's address from the environment


@pytest.fixture
def uploaded(yt, tmp_path):
    from introstudio.core.publish.client import ApiConfig

    ex = make_project(tmp_path / "lopez", size=400 * 1024)
    run_publish(ex, ApiConfig(api_root=yt.url, access_token=TOKEN, timeout=5.0), tmp_path)
    return ex


def _approve(qtbot, panel, name: str, role: str) -> None:
    panel.role.setCurrentIndex(panel.role.findData(role))
    panel.name.setText(name)
    assert not panel.approve_button.isEnabled()  # the reviewer's confirmation first
    panel.confirmed.setChecked(True)
    assert panel.approve_button.isEnabled()
    panel.approve_button.click()


def test_review_approve_golive_and_takedown_from_the_publish_page(qtbot, yt, uploaded, app_paths, shown_errors,
                                                                  monkeypatch, tmp_path):
    from introstudio.core.settings import Settings
    from introstudio.gui.main_window import MainWindow
    from introstudio.gui.widgets import review_panel
    from introstudio.gui.widgets.dialogs import Ask

    opened: list[Path] = []
    monkeypatch.setattr(Ask, "open_folder", classmethod(lambda cls, folder: opened.append(folder) or True))
    monkeypatch.setattr(Ask, "confirm", classmethod(lambda cls, *a, **k: True))
    window = MainWindow(app_paths, Settings(), remember=False)
    qtbot.addWidget(window)
    window.set_project(uploaded.pf, "publish")
    page = window.pages["publish"]
    assert page.review_button.isVisible() or not window.isVisible()
    page.review_button.click()
    panel = page.review_dialog.panel
    assert "State: <b>uploaded</b>" in panel.state.text()
    assert panel.approvals.text().count("no approval recorded") == 2
    assert not panel.golive_button.isEnabled() and panel.takedown_button.isEnabled()

    panel.page_button.click()
    assert opened == [uploaded.pf.folder / "review"] and (opened[0] / "index.html").is_file()

    form = tmp_path / "release.pdf"
    form.write_bytes(b"%PDF-1.4 signed")
    monkeypatch.setattr(review_panel.ReviewAsk, "consent_form", classmethod(lambda cls, parent: form))
    panel.role.setCurrentIndex(panel.role.findData("clinician"))
    panel.consent_button.click()
    _approve(qtbot, panel, "Maria Lopez", "clinician")
    assert "approved by Maria Lopez" in panel.approvals.text() and not panel.golive_button.isEnabled()
    assert uploaded.pf.project.approvals[-1]["consent_form"]["original_name"] == "release.pdf"
    _approve(qtbot, panel, "Sam Carter", "communications")
    assert shown_errors == []
    assert panel.golive_button.isEnabled()

    video = yt.state.only_video()
    panel.golive_button.click()
    operation = panel.operation
    qtbot.waitUntil(lambda: not operation.running, timeout=15000)
    assert shown_errors == [] and video.privacy == "public"
    assert "Now public: https://youtu.be/" in panel.result.text() and "snippet.html" in panel.result.text()
    assert "State: <b>live</b>" in panel.state.text() and not panel.golive_button.isEnabled()
    assert "went live: private -> public" in panel.history.toPlainText()
    shot = ROOT / "tests" / "output" / "review" / "review-panel.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    assert page.review_dialog.grab().save(str(shot))  # for a person to look at

    monkeypatch.setattr(review_panel.ReviewAsk, "takedown_reason", classmethod(lambda cls, parent: "left in March"))
    panel.takedown_button.click()
    operation = panel.operation
    qtbot.waitUntil(lambda: not operation.running, timeout=15000)
    assert shown_errors == [] and video.privacy == "private"
    history = panel.history.toPlainText()
    assert "taken down: public -> private; reason: left in March" in history
    assert history.splitlines()[-1] == "Intact: every entry is chained by SHA-256."
    assert "withdrawn when the video was taken down" in panel.approvals.text()
    page.review_dialog.close()


def test_golive_refused_in_the_app_names_what_is_missing(qtbot, yt, uploaded, app_paths, shown_errors):
    from introstudio.core.review.approvals import record_approval
    from introstudio.core.review.policy import ApprovalPolicy
    from introstudio.core.settings import Settings
    from introstudio.gui.widgets.review_panel import ReviewPanel

    record_approval(uploaded.pf, "clinician", "Maria Lopez", ApprovalPolicy())
    record_approval(uploaded.pf, "communications", "Sam Carter", ApprovalPolicy())
    panel = ReviewPanel(uploaded.pf, app_paths, Settings())
    qtbot.addWidget(panel)
    assert panel.golive_button.isEnabled()
    uploaded.pf.project.publish.description = "Changed after approval."
    uploaded.pf.save()
    panel.refresh()
    assert not panel.golive_button.isEnabled()
    assert panel.approvals.text().count("stale: the description changed since") == 2
