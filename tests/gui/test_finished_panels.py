"""A finished job's progress panel leaves the screen; the record page's level meter is labelled and named."""

from __future__ import annotations

import pytest

from introstudio.core.jobs import Progress


def quick():
    yield Progress(0.5, "half")
    return "made"


def failing():
    yield Progress(0.5, "half")
    from introstudio.core.errors import UserError

    raise UserError("The take is gone.", hint="Import it again.")


@pytest.fixture
def panel(qtbot, monkeypatch):
    from introstudio.gui.widgets import progress

    monkeypatch.setattr(progress, "HIDE_AFTER_MS", 300)  # read when a panel is made
    made = progress.ProgressPanel()
    qtbot.addWidget(made)
    made.show()
    return made


def test_a_finished_job_folds_to_one_line_then_leaves(qtbot, wait_op, panel, shown_errors):
    from introstudio.gui.operations import Operation

    op = Operation(None, quick, "Exporting (preview)", min_interval=0).with_progress(panel)
    op.run()
    assert panel.isVisible() and panel.bar.isVisible() and panel.cancel_button.isVisible()
    wait_op(op, timeout=5000)
    assert panel.message.text() == "✓ Exporting (preview): done."
    assert panel.isVisible() and not panel.bar.isVisible() and not panel.title.isVisible()
    assert not panel.cancel_button.isVisible()  # one line, no dead Cancel button
    qtbot.waitUntil(lambda: panel.isHidden(), timeout=3000)
    again = Operation(None, quick, "Making captions", min_interval=0).with_progress(panel)
    again.run()  # the next job shows in full again
    assert panel.isVisible() and panel.bar.isVisible() and panel.title.text() == "<b>Making captions</b>"
    wait_op(again, timeout=5000)
    assert shown_errors == []


def test_a_failed_job_stays_on_screen_with_its_reason(qtbot, wait_op, panel, shown_errors):
    from introstudio.gui.operations import Operation

    op = Operation(None, failing, "Exporting (preview)", min_interval=0).with_progress(panel)
    op.run()
    wait_op(op, timeout=5000)
    qtbot.wait(600)  # longer than a success would stay
    assert panel.isVisible() and panel.title.isVisible()
    assert "The take is gone." in panel.message.text()


def test_the_level_meter_has_a_visible_label_and_says_its_level(qtbot, tmp_path):
    from introstudio.gui.pages.record import RecordPage

    page = RecordPage()
    qtbot.addWidget(page)
    page.resize(900, 600)
    page.show()
    assert page.level.accessibleName() == "Microphone level"
    assert page.level_label.text() == "Sound" and page.level_label.isVisible()
    assert page.level_label.geometry().bottom() <= page.level.geometry().top()  # above the bar
    for peak, word, value in ((0.0, "silent", 0), (0.1, "quiet", 10), (0.5, "good", 50), (1.4, "too loud", 100)):
        page.show_level(peak)
        assert (page.level_word.text(), page.level.value()) == (word, value)
        assert page.level.accessibleDescription() == f"Sound level {word}"
    page.close()
