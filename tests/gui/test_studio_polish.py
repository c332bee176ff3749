"""Studio polish (issue 15, part B): the visual language, step states, start cards, export player, publish choice.

Real widgets under pytest-qt; the screenshots run the real window in a child on Xvfb at 1366x768 and at 200%.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "tests" / "output" / "screenshots"
sys.path.insert(0, str(Path(__file__).parent))
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from mnemonics import clashes, widget_mnemonics  # noqa: E402
from pixels import step_rows_contrast, text_contrast  # noqa: E402


@pytest.fixture
def styled(qapp):
    """The app's look (gui/style.py) for one test; the plain Qt look is put back after it."""
    from introstudio.gui import style

    before = (qapp.style().name(), qapp.palette(), qapp.styleSheet(), qapp.font())
    style.apply(qapp)
    yield qapp
    qapp.setStyleSheet(before[2])
    qapp.setStyle(before[0])
    qapp.setPalette(before[1])
    qapp.setFont(before[3])


def make_window(qtbot, app_paths):
    from introstudio.core.settings import Settings
    from introstudio.gui.main_window import MainWindow

    window = MainWindow(app_paths, Settings(), remember=False)
    qtbot.addWidget(window)
    return window


def exported(pf, preset: str):
    """A real export of `pf` (one ffmpeg pass, decoded and recorded)."""
    from introstudio.core.jobs import run_job
    from introstudio.core.render.export import render_project

    return run_job(render_project(pf, preset))


# --- the visual language -------------------------------------------------------------------------------------

def test_every_palette_text_colour_reads_on_its_background():
    from introstudio.gui.style import PALETTE as p
    from introstudio.gui.style import contrast

    pairs = [(p.text, p.base), (p.text, p.window), (p.muted, p.base), (p.muted, p.window), (p.muted, p.alt_base),
             (p.accent_text, p.accent), (p.selection_text, p.selection), (p.done, p.selection),
             (p.stale, p.selection), (p.next, p.selection), (p.done, p.alt_base), (p.stale, p.alt_base),
             (p.next, p.alt_base), (p.problem, p.window), (p.warning, p.warning_bg), (p.media_text, p.media_bg),
             (p.disabled_text, p.window), (p.disabled_text, p.alt_base), (p.accent, p.base)]
    assert [round(contrast(a, b), 2) for a, b in pairs if contrast(a, b) < 4.5] == []
    assert round(contrast("#767676", "#FFFFFF"), 1) == 4.5  # the WCAG reference grey


def test_the_palette_holds_when_the_os_is_in_dark_mode(styled):
    from PySide6.QtGui import QColor, QPalette

    from introstudio.gui.style import PALETTE, relative_luminance

    from introstudio.gui import style

    dark = QPalette()
    for role, colour in ((QPalette.ColorRole.Window, "#202124"), (QPalette.ColorRole.Base, "#2B2B2B"),
                         (QPalette.ColorRole.Text, "#F0F0F0"), (QPalette.ColorRole.WindowText, "#F0F0F0")):
        dark.setColor(role, QColor(colour))
    styled.setPalette(dark)  # what a desktop in dark mode hands the app
    style.apply(styled)
    pal = styled.palette()
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        assert pal.color(group, QPalette.ColorRole.Window).name().upper() == PALETTE.window
        assert relative_luminance(pal.color(group, QPalette.ColorRole.Text)) < 0.05  # dark text
        assert relative_luminance(pal.color(group, QPalette.ColorRole.Base)) > 0.9  # on light fields
    assert styled.font().pointSizeF() >= 10


def test_no_widget_styles_itself():
    found = subprocess.run(["grep", "-rn", "setStyleSheet", str(ROOT / "introstudio" / "gui")],
                           capture_output=True, text=True).stdout.splitlines()
    assert [line for line in found if "gui/style.py" not in line] == []


def test_each_page_marks_one_primary_action_and_the_focus_ring_is_2px(qtbot, styled, project, app_paths):
    from PySide6.QtWidgets import QPushButton

    from introstudio.gui.style import stylesheet

    window = make_window(qtbot, app_paths)
    window.set_project(project)
    primaries = {name: [b.text() for b in page.findChildren(QPushButton) if b.property("primary")]
                 for name, page in window.pages.items()}
    assert primaries["record"] == ["● &Record"] and primaries["export"] == ["E&xport video"]
    assert len(primaries["captions"]) == 1 and "caption" in primaries["captions"][0].lower()
    assert primaries["publish"] == ["&Upload to YouTube…"]
    assert all(len(v) <= 1 for v in primaries.values())
    assert "QPushButton:focus { border: 2px solid" in stylesheet()
    window.close()


# --- contrast of rendered text, from pixels --------------------------------------------------------------------

def test_step_list_rows_and_placeholders_reach_4_5_to_1_on_screen(qtbot, styled, captioned_project, app_paths):
    from PySide6.QtWidgets import QLabel, QLineEdit

    window = make_window(qtbot, app_paths)
    window.set_project(captioned_project, "look")
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    steps = window.steps
    measured = step_rows_contrast(steps)
    assert steps.currentRow() == 5  # the selected row is measured too
    assert min(measured.values()) >= 4.5, measured
    field = QLineEdit()
    field.setPlaceholderText("Meet Dr. Maria Lopez, Cardiology")
    field.resize(360, 40)
    field.show()
    qtbot.waitExposed(field)
    shot = field.grab().toImage()
    assert text_contrast(shot, shot.rect().adjusted(6, 6, -6, -6)) >= 4.5
    faint = QLabel("Too faint to read")  # the measure itself fails a colour that is too light
    faint.setStyleSheet("color: #A0A0A0; background: #FFFFFF")
    faint.resize(200, 30)
    assert text_contrast(faint.grab().toImage(), faint.grab().toImage().rect()) < 4.5
    window.close()


# --- step states -----------------------------------------------------------------------------------------------

def test_a_step_says_why_it_is_to_do_or_out_of_date():
    from introstudio.gui.widgets.steps import StepState

    assert StepState(False, True, "", reason="needs name and specialty").describe() == "Next · needs name and specialty"
    assert StepState(True, False, "3 captions").describe() == "Done · 3 captions"
    stale = StepState(False, True, "1 export", stale=True, reason="the profile changed")
    assert (stale.word, stale.describe()) == ("Out of date", "Out of date · the profile changed")


def test_steps_are_hidden_with_no_project_and_keep_nothing_after_close(qtbot, captioned_project, app_paths):
    window = make_window(qtbot, app_paths)
    window.show()
    assert window.steps.isHidden() and window.next_button.isHidden()
    window.set_project(captioned_project)
    assert window.steps.isVisibleTo(window) and "✓" in window.steps.item(0).text()
    window.close_project()
    assert window.steps.isHidden() and window.steps.currentRow() == -1
    assert not any("✓" in window.steps.item(i).text() or "Done" in window.steps.item(i).text()
                   for i in range(window.steps.count()))
    window.close()


def test_an_edit_after_the_export_marks_it_out_of_date_in_the_list_and_on_the_page(
        qtbot, captioned_project, app_paths, shown_errors):
    pf = captioned_project
    exported(pf, "youtube-720p")
    window = make_window(qtbot, app_paths)
    window.set_project(pf, "clinician")
    assert window.update_steps()["export"].done
    page = window.pages["clinician"]
    field = page.fields["specialty"]
    field.selectAll()
    qtbot.keyClicks(field, "Interventional cardiology")  # typed: an undoable, saved edit
    page.flush()
    states = window.update_steps()
    assert states["export"].stale and not states["export"].done
    assert "Out of date" in window.steps.item(6).text()
    window.show_page("export")
    header = window.pages["export"].state_label
    assert header.isVisibleTo(window.pages["export"]) and header.text().startswith("Out of date · the profile")
    assert header.property("state") == "stale"
    window.close()
    assert shown_errors == []


# --- start panel -----------------------------------------------------------------------------------------------

def test_new_video_asks_for_the_clinician_and_template_and_picks_the_folder(qtbot, tmp_path):
    from introstudio.gui.widgets.new_video import NewVideoDialog, template_choices

    docs = tmp_path / "Documents" / "IntroStudio"
    (docs / "maria-lopez").mkdir(parents=True)  # taken: the next free name is used
    dialog = NewVideoDialog(docs, template_choices(), "surgeon-intro")
    qtbot.addWidget(dialog)
    assert not dialog.create.isEnabled() and dialog.template.currentData() == "surgeon-intro"
    qtbot.keyClicks(dialog.name, "dr Maria Lopez")
    assert dialog.create.isEnabled() and dialog.where.text() == str(docs / "maria-lopez 2")
    answer = dialog.answer()
    assert (answer.name, answer.title, answer.template_id) == ("Maria Lopez", "Dr.", "surgeon-intro")
    assert clashes_in(dialog) == {}


def clashes_in(widget) -> dict[str, list[str]]:
    letters: dict[str, list[str]] = {}
    for letter, what in widget_mnemonics(widget):
        letters.setdefault(letter, []).append(what)
    return {k: v for k, v in letters.items() if len(v) > 1}


def test_recent_projects_are_cards_with_their_step_and_thumbnail(qtbot, captioned_project, app_paths, tmp_path):
    from introstudio.core.project import Clinician, Script, create_project
    from introstudio.gui.widgets.start import card_info

    empty = create_project(tmp_path / "kim", Clinician(name="Ana Kim", specialty="Paediatrics"),
                           Script(template_id="physician-intro"))
    exported(captioned_project, "youtube-720p")
    made, fresh = card_info(captioned_project.folder), card_info(empty.folder)
    assert made.step == "Next: Publish" and made.thumbnail is not None and made.thumbnail.is_file()
    assert fresh.step == "Next: Record or import" and fresh.thumbnail is None
    window = make_window(qtbot, app_paths)
    window.session.remember(empty.folder)
    window.session.remember(captioned_project.folder)
    window.close_project()
    cards = window.start.recent
    assert cards.viewMode() == cards.ViewMode.IconMode and cards.count() == 2
    assert cards.item(0).text() == "Dr. Maria Lopez · Cardiology\nNext: Publish"
    assert not cards.item(0).icon().isNull()
    assert window.start.new_button.property("primary") and not window.start.open_button.property("primary")
    window.close()


# --- export and publish ----------------------------------------------------------------------------------------

def test_the_export_page_plays_the_export_and_checks_it(qtbot, captioned_project, app_paths, shown_errors):
    pf = captioned_project
    pf.project.design.burn_captions = False  # captions as files: the page shows them over the picture
    pf.save()
    result = exported(pf, "preview")
    window = make_window(qtbot, app_paths)
    window.set_project(pf, "export")
    window.resize(1366, 768)
    window.show()
    page = window.pages["export"]
    assert page.player.source == Path(result.video) and page.player.isVisibleTo(page)
    facts = page.facts.text()
    for label in ("Format:", "Duration:", "Loudness:", "Captions:", "Cards:", "Up to date:"):
        assert label in facts
    assert "⚠ <b>Format:</b> Quick" in facts and "not full quality" in facts  # a preview says so
    assert "as SRT and WebVTT files" in facts and "LUFS" in facts
    qtbot.waitUntil(lambda: not page.player.video.current_image().isNull(), timeout=15000)
    page.player.seek(0.5 + pf.project.exports[-1]["title_seconds"])
    qtbot.waitUntil(lambda: page.player.video.overlay == "Hello, I'm Dr. Lopez.", timeout=10000)
    window.close()
    assert shown_errors == []


def test_publish_defaults_to_the_full_quality_export_and_warns_about_a_preview(qtbot, tmp_path, app_paths):
    from introstudio.core.render.records import ExportRecord, put_records
    from introstudio.gui.pages.publish import PublishPage
    from tests.fakes.publishing import make_project

    ex = make_project(tmp_path / "lopez", size=200 * 1024)
    preview = ex.pf.exports_dir / "lopez-preview.mp4"
    preview.write_bytes(b"small")
    put_records(ex.pf, [ExportRecord(file=ex.pf.relative(preview), preset="preview", width=640, height=360)])
    ex.pf.save()
    page = PublishPage(paths=app_paths)
    qtbot.addWidget(page)
    page.refresh(ex.pf)
    assert page.export_box.count() == 2 and page.export_box.itemText(0).startswith("Preview only:")
    assert page.chosen_video() == str(ex.video) and page.export_warning.isHidden()
    page.export_box.setCurrentIndex(0)
    page.export_box.activated.emit(0)
    assert page.chosen_video() == str(preview)
    assert "quick preview (640x360), not the full-quality video" in page.export_warning.text()
    assert page.export_warning.isVisibleTo(page)


def test_introstudio_publish_never_sends_a_preview_unasked(cli, tmp_path, monkeypatch):
    import io

    from introstudio.core.project import open_project
    from introstudio.core.render.records import ExportRecord
    from tests.fakes.publishing import make_project

    ex = make_project(tmp_path / "lopez", size=100 * 1024)
    ex.pf.project.exports[0]["preset"] = "preview"  # the only export is a preview
    ex.pf.save()
    r = cli("publish", str(ex.pf.folder))
    assert r.code == 2 and "only a quick preview export" in r.err and "--video" in r.err
    monkeypatch.setattr(sys, "stdin", io.StringIO("n\n"))
    r = cli("publish", str(ex.pf.folder), "--video", str(ex.video))  # named on purpose: said, then asked
    assert "is a quick preview" in r.err and "Nothing was uploaded" in r.err
    assert ExportRecord.from_dict(open_project(ex.pf.folder).project.exports[0]).preset == "preview"


# --- closing during long work, mnemonics ------------------------------------------------------------------------

def test_closing_during_long_work_asks_first(qtbot, wait_op, project, app_paths, monkeypatch):
    import time

    from introstudio.core.jobs import Progress
    from introstudio.gui.operations import Operation
    from introstudio.gui.widgets.dialogs import Ask

    def slow():
        for i in range(200):
            time.sleep(0.05)
            yield Progress(i / 200, "working")

    asked: list[str] = []
    answer = {"yes": False}
    monkeypatch.setattr(Ask, "confirm", classmethod(lambda cls, parent, title, text, yes="": asked.append(text)
                                                    or answer["yes"]))
    window = make_window(qtbot, app_paths)
    window.set_project(project, "export")
    page = window.pages["export"]
    page.operation = Operation(page, slow, "Exporting (youtube-1080p)").run()
    assert window.close_project() is False and window.pf is project and page.operation.running
    assert "still exporting" in asked[-1]
    assert window.close() is False and window.pf is project  # the window stays open too
    assert window.open_folder(project.folder.parent / "another") is False and window.pf is project
    answer["yes"] = True
    assert window.close_project() is True and window.pf is None
    wait_op(page.operation)
    assert page.operation.token.cancelled
    window.close()


def test_mnemonics_are_unique_on_every_page_and_the_start_panel(qtbot, captioned_project, app_paths):
    window = make_window(qtbot, app_paths)
    window.session.remember(captioned_project.folder)
    window.close_project()  # the start panel with a recent project's card
    window.show()
    assert window.start.recent_label.isVisibleTo(window)
    found = {"start": clashes(window, window.start)}
    window.set_project(captioned_project)
    for name, page in window.pages.items():
        window.show_page(name)
        found[name] = clashes(window, page)
    assert {k: v for k, v in found.items() if v} == {}
    window.close()


# --- screenshots ------------------------------------------------------------------------------------------------

@pytest.mark.skipif(shutil.which("Xvfb") is None, reason="Xvfb is not installed")
@pytest.mark.parametrize("scale,screen,size", [("1", (1366, 768), (1366, 768)), ("2", (1920, 1080), (960, 540))],
                         ids=["1366x768", "200pct"])
def test_screenshots_of_start_export_and_publish(captioned_project, tmp_path, scale, screen, size):
    from conftest import xvfb_server

    exported(captioned_project, "youtube-720p")
    out = SHOTS / ("polish-1366x768" if scale == "1" else "polish-200")
    with xvfb_server(*screen) as display:
        env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb", "QT_SCALE_FACTOR": scale,
               "INTROSTUDIO_HOME": str(tmp_path / "home")}
        env.pop("WAYLAND_DISPLAY", None)
        done = subprocess.run([sys.executable, str(Path(__file__).with_name("polish_child.py")),
                               str(captioned_project.folder), str(tmp_path / "home"), str(out), str(size[0]),
                               str(size[1])], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["window"][0] <= size[0] and report["window"][1] <= size[1]
    assert report["player_frame"] and report["export_source"].endswith("-youtube-720p.mp4")
    for name in ("start", "export", "publish"):
        assert Path(report["shots"][name]).stat().st_size > 10_000
        print(f"{scale}x {name}: {report['shots'][name]}")
