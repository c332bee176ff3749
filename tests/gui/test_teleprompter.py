"""The teleprompter window: clicker and pedal keys, retake, mirror, speed, countdown, paragraph mode, and
its preferences kept across restarts (the look in the app settings, the pace in the project)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage

from introstudio.core.project.model import Clinician, Script
from introstudio.core.project.store import create_project, open_project
from introstudio.core.settings import Settings, load_settings
from introstudio.gui import prompter_canvas, teleprompter
from introstudio.gui.pages import build_page
from introstudio.gui.pages.record import RecordPage
from introstudio.gui.teleprompter import TeleprompterOptions, TeleprompterWindow

PARAGRAPHS = (
    "Hello, I'm Dr. Maria Lopez, a family physician at Riverside Clinic.",  # 11 words
    "I care for patients of all ages, and I have a special interest in diabetes and heart health.",  # 18
    "At your first visit, please bring your medication list. I look forward to meeting you.",  # 15
)


class FakeClock:
    """A clock the test moves by hand, so positions are exact."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def prompter(qtbot, clock):
    def make(**options) -> TeleprompterWindow:
        opts = TeleprompterOptions(**{"wpm": 60, "font_px": 32, "countdown_seconds": 0, **options})
        w = TeleprompterWindow(PARAGRAPHS, opts, clock=clock)
        qtbot.addWidget(w)
        w.resize(800, 500)
        w.show()
        qtbot.waitExposed(w)
        return w

    return make


def pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGBX8888)  # bytes in R, G, B, X order
    a = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine() // 4, 4)
    return a[:, : image.width(), :3].astype(np.int32)


@pytest.mark.parametrize("key", [Qt.Key.Key_Space, Qt.Key.Key_PageDown, Qt.Key.Key_PageUp])
def test_space_and_clicker_keys_pause_and_resume(qtbot, prompter, clock, key):
    w = prompter()
    assert not w.prompter.running and w.play_button.text() == "Start"
    with qtbot.waitSignal(w.running_changed) as started:
        qtbot.keyClick(w, key)
    assert started.args == [True] and w.play_button.text() == "Pause"
    clock.now += 4
    assert w.position() == pytest.approx(4)
    qtbot.keyClick(w, key)
    assert not w.prompter.running and not w._timer.isActive()  # paused: no timer ticking
    clock.now += 30
    assert w.position() == pytest.approx(4)
    qtbot.keyClick(w, key)
    clock.now += 2
    assert w.position() == pytest.approx(6)


def test_keys_mix_for_a_two_button_clicker(qtbot, prompter, clock):
    w = prompter()
    qtbot.keyClick(w, Qt.Key.Key_PageDown)
    clock.now += 3
    qtbot.keyClick(w, Qt.Key.Key_PageUp)
    clock.now += 3
    qtbot.keyClick(w, Qt.Key.Key_Space)
    clock.now += 1
    assert w.position() == pytest.approx(4) and w.prompter.running


@pytest.mark.parametrize("key", [Qt.Key.Key_B, Qt.Key.Key_Home])
def test_back_to_the_start_of_this_paragraph(qtbot, prompter, clock, key):
    w = prompter()
    qtbot.keyClick(w, Qt.Key.Key_Space)
    clock.now += 15  # 15 words in: paragraph 2 starts at word 11
    assert w.prompter.paragraph(clock.now) == 1
    qtbot.keyClick(w, key)
    assert w.position() == 11 and not w.prompter.running
    clock.now += 10
    assert w.position() == 11
    qtbot.keyClick(w, key)  # pressed again at the start: one paragraph further back
    assert w.position() == 0


def test_retake_button_and_countdown_after_a_retake(qtbot, prompter, clock):
    w = prompter(countdown_seconds=2)
    w.start(countdown=False)
    clock.now += 14
    qtbot.mouseClick(w.back_button, Qt.MouseButton.LeftButton)
    assert w.position() == 11 and not w.prompter.running
    qtbot.keyClick(w, Qt.Key.Key_Space)  # after a retake the start counts down
    assert w.prompter.countdown_number(clock.now) == 2
    clock.now += 3
    assert w.position() == pytest.approx(12)


def test_mirror_flips_the_painted_image(qtbot, prompter, clock):
    w = prompter()
    w.start(countdown=False)
    clock.now += 3
    plain = pixels(w.canvas.grab().toImage())
    qtbot.keyClick(w, Qt.Key.Key_M)
    assert w.options.mirror and w.mirror_box.isChecked()
    mirrored = pixels(w.canvas.grab().toImage())
    assert plain.shape == mirrored.shape
    unflipped_diff = np.abs(plain - mirrored).mean()
    flipped_diff = np.abs(plain[:, ::-1] - mirrored).mean()
    assert unflipped_diff > 3  # the text really moved
    assert flipped_diff < unflipped_diff / 5  # and it is the left-right flip of the plain picture
    # ink per pixel column matches column (width - 1 - x); glyph anti-aliasing differs by a few per cent
    columns, flipped_columns = plain.sum(axis=(0, 2)), mirrored[:, ::-1].sum(axis=(0, 2))
    assert np.abs(columns - flipped_columns).sum() / columns.sum() < 0.1
    rows, mirrored_rows = plain.sum(axis=(1, 2)), mirrored.sum(axis=(1, 2))  # nothing moved vertically
    assert np.abs(rows - mirrored_rows).sum() / rows.sum() < 0.1
    qtbot.keyClick(w, Qt.Key.Key_M)
    assert np.abs(pixels(w.canvas.grab().toImage()) - plain).mean() < 0.5


def test_words_per_minute_changes_the_speed_without_a_jump(qtbot, prompter, clock):
    w = prompter()
    qtbot.keyClick(w, Qt.Key.Key_Space)
    clock.now += 5
    assert w.position() == pytest.approx(5)
    for _ in range(6):
        qtbot.keyClick(w, Qt.Key.Key_Up)  # +10 words/min each
    assert w.prompter.wpm == 120 and w.speed_label.text() == "120 wpm"
    assert w.position() == pytest.approx(5)  # no jump
    clock.now += 5
    assert w.position() == pytest.approx(15)
    qtbot.keyClick(w, Qt.Key.Key_Down)
    assert w.options.wpm == 110
    w.set_options(TeleprompterOptions(wpm=30))  # below the minimum: clamped
    assert w.prompter.wpm == 40


def test_countdown_then_scrolling_starts(qtbot, prompter, clock):
    w = prompter(countdown_seconds=3)
    qtbot.keyClick(w, Qt.Key.Key_Space)
    assert w.prompter.countdown_number(clock.now) == 3 and w.status_label.text() == "Starting in 3…"
    before = pixels(w.canvas.grab().toImage())
    h, wd = before.shape[:2]
    centre = before[h // 4: 3 * h // 4, wd // 3: 2 * wd // 3]
    amber = (centre[..., 0] > 200) & (centre[..., 1] > 120) & (centre[..., 1] < 210) & (centre[..., 2] < 80)
    assert amber.sum() > 500  # the big amber "3" is painted in the middle
    clock.now += 2.5
    assert w.position() == 0
    with qtbot.waitSignal(w.countdown_finished, timeout=2000):
        clock.now += 0.6
    clock.now += 1
    assert w.position() == pytest.approx(1.1)


def test_countdown_finished_at_once_without_countdown(qtbot, prompter):
    w = prompter()
    with qtbot.waitSignal(w.countdown_finished, timeout=500):
        w.start(countdown=False)


def test_paragraph_mode_moves_in_steps(qtbot, prompter, clock):
    w = prompter()
    w.start(countdown=False)
    clock.now += 2
    first = pixels(w.canvas.grab().toImage())
    clock.now += 3
    later = pixels(w.canvas.grab().toImage())
    assert np.abs(first - later).mean() > 0.5  # smooth mode: text scrolled
    qtbot.keyClick(w, Qt.Key.Key_P)
    assert w.options.paragraph_mode and w.paragraph_box.isChecked()
    clock.now += 1
    a = pixels(w.canvas.grab().toImage())
    clock.now += 4  # still inside paragraph 1 (words 6..10): the text stands still, only the status ticks
    b = pixels(w.canvas.grab().toImage())
    assert np.abs(a[60:] - b[60:]).mean() < 0.05
    clock.now += 3  # past word 11: stepped to paragraph 2
    c = pixels(w.canvas.grab().toImage())
    assert np.abs(b[60:] - c[60:]).mean() > 0.5


def test_font_size_keeps_the_reading_position(qtbot, prompter, clock):
    w = prompter()
    w.start(countdown=False)
    clock.now += 7
    qtbot.keyClick(w, Qt.Key.Key_Plus)
    assert w.options.font_px == 38 and w.position() == pytest.approx(7)
    qtbot.keyClick(w, Qt.Key.Key_Minus)
    qtbot.keyClick(w, Qt.Key.Key_Minus)
    assert w.options.font_px == 26
    assert w.canvas.layout_model.total_words == w.prompter.total_words == 44


def test_next_and_previous_paragraph_keys(qtbot, prompter):
    w = prompter()
    qtbot.keyClick(w, Qt.Key.Key_Right)
    assert w.position() == 11
    qtbot.keyClick(w, Qt.Key.Key_Right)
    assert w.position() == 29
    qtbot.keyClick(w, Qt.Key.Key_Left)
    assert w.position() == 11


def test_reaching_the_end_stops_the_timer(qtbot, prompter, clock):
    w = prompter()
    w.start(countdown=False)
    clock.now += 60
    with qtbot.waitSignal(w.running_changed, timeout=1000) as stopped:
        pass
    assert stopped.args == [False] and not w._timer.isActive() and w.position() == 44


def test_escape_closes(qtbot, prompter):
    w = prompter()
    w.start(countdown=False)
    with qtbot.waitSignal(w.closed, timeout=1000):
        qtbot.keyClick(w, Qt.Key.Key_Escape)
    assert not w.isVisible() and not w.prompter.running


def test_full_screen_on_a_chosen_screen(qtbot, clock):
    w = TeleprompterWindow(PARAGRAPHS, clock=clock)
    qtbot.addWidget(w)
    screen = QGuiApplication.screens()[0]
    w.show_on(screen)
    qtbot.waitExposed(w)
    assert w.isFullScreen() and w.screen() is screen
    assert w.screen_box.count() == len(QGuiApplication.screens()) and w.screen_box.currentIndex() == 0


# --- preferences kept across restarts -------------------------------------------------------------------

SCRIPT = "Hello, I'm Dr. Ada Byron.\n\nI look forward to meeting you at the clinic."


def open_from_record_page(qtbot, app_paths, folder):
    """Start as the app does (settings file read, record page built by build_page) and open the prompter."""
    page = build_page(RecordPage, app_paths, load_settings(app_paths.settings_file))
    qtbot.addWidget(page)
    page.set_project(open_project(folder))
    window = page.open_teleprompter()
    assert window is not None
    qtbot.waitExposed(window)
    return page, window


def close_prompter(qtbot, window) -> None:
    with qtbot.waitSignal(window.closed, timeout=1000):
        qtbot.keyClick(window, Qt.Key.Key_Escape)


@pytest.fixture
def project_folder(tmp_path):
    return create_project(tmp_path / "byron", Clinician(name="Dr. Ada Byron"), Script(free_text=SCRIPT)).folder


def test_prompter_preferences_come_back_after_a_restart(qtbot, app_paths, project_folder):
    page, w = open_from_record_page(qtbot, app_paths, project_folder)
    assert w.options == TeleprompterOptions(wpm=150)  # first time: the defaults
    for key in (Qt.Key.Key_Plus, Qt.Key.Key_Plus, Qt.Key.Key_M, Qt.Key.Key_P, Qt.Key.Key_Up, Qt.Key.Key_Up):
        qtbot.keyClick(w, key)
    assert w.options == TeleprompterOptions(wpm=170, font_px=76, mirror=True, paragraph_mode=True)
    close_prompter(qtbot, w)
    assert page.teleprompter is None
    settings = load_settings(app_paths.settings_file)  # the look: this machine's settings
    assert (settings.prompter_font_px, settings.prompter_mirror, settings.prompter_paragraph_mode,
            settings.prompter_countdown_seconds) == (76, True, True, 3.0)
    assert settings.words_per_minute == 150  # the app default is not the project's pace
    assert open_project(project_folder).project.script.words_per_minute == 170  # the pace: the project's

    page.close()  # "restart": a new page and settings read from the same home folder
    page, again = open_from_record_page(qtbot, app_paths, project_folder)
    assert again.options == TeleprompterOptions(wpm=170, font_px=76, mirror=True, paragraph_mode=True)
    assert again.mirror_box.isChecked() and again.paragraph_box.isChecked() and again.speed_label.text() == "170 wpm"
    assert again.canvas.text_font().pixelSize() == 76
    qtbot.keyClick(again, Qt.Key.Key_M)  # every change is kept at once, not only on closing
    assert load_settings(app_paths.settings_file).prompter_mirror is False
    close_prompter(qtbot, again)


def test_out_of_range_prompter_settings_give_the_defaults(qtbot, app_paths, project_folder, caplog):
    app_paths.settings_file.parent.mkdir(parents=True)
    app_paths.settings_file.write_text('organisation = "Riverside Clinic"\nprompter_font_px = 9000\n'
                                       'prompter_mirror = "sideways"\nprompter_countdown_seconds = -4\n'
                                       "prompter_paragraph_mode = true\n")
    with caplog.at_level("WARNING"):
        page, w = open_from_record_page(qtbot, app_paths, project_folder)
    assert w.options == TeleprompterOptions(wpm=150, paragraph_mode=True)  # only the good value is used
    assert page.settings.organisation == "Riverside Clinic"  # the rest of the file still counts
    assert "prompter_font_px is 9000" in caplog.text and "prompter_mirror is 'sideways'" in caplog.text
    close_prompter(qtbot, w)
    page.close()

    # Settings made in memory (not read from a file) with a bad value: the prompter still opens
    caplog.clear()
    page.settings = Settings(prompter_font_px=-3, prompter_countdown_seconds=float("nan"))
    page.prompter_options = None
    with caplog.at_level("WARNING"):
        w = page.open_teleprompter()
    assert w.options == TeleprompterOptions(wpm=150) and "prompter_font_px is -3" in caplog.text
    close_prompter(qtbot, w)


def test_an_unreadable_settings_file_is_not_overwritten(qtbot, app_paths, project_folder):
    app_paths.settings_file.parent.mkdir(parents=True)
    broken = 'organisation = "Riverside Clinic\nprompter_font_px = = 3\n'  # hand-edited, half finished
    app_paths.settings_file.write_text(broken)
    page = build_page(RecordPage, app_paths, Settings())  # what the app starts with when the file is broken
    qtbot.addWidget(page)
    page.set_project(open_project(project_folder))
    w = page.open_teleprompter()
    qtbot.keyClick(w, Qt.Key.Key_Plus)
    close_prompter(qtbot, w)
    assert app_paths.settings_file.read_text() == broken  # the user's file waits to be fixed by hand
    w = page.open_teleprompter()  # the preference still holds for this session
    assert w.options.font_px == 70
    close_prompter(qtbot, w)


def test_the_canvas_module_is_reexported():
    assert teleprompter.PrompterCanvas is prompter_canvas.PrompterCanvas
    assert teleprompter.TeleprompterOptions is prompter_canvas.TeleprompterOptions
    assert (teleprompter.MIN_FONT_PX, teleprompter.MAX_FONT_PX) == (18, 240)


TWO_SCREENS = {"screens": [
    {"name": "Laptop", "x": 0, "y": 0, "width": 1280, "height": 800, "logicalDpiX": 96, "logicalDpiY": 96},
    {"name": "Prompter", "x": 1280, "y": 0, "width": 1920, "height": 1080, "logicalDpiX": 96, "logicalDpiY": 96},
]}
TWO_SCREENS_CHILD = """
import json, sys
from PySide6.QtWidgets import QApplication
from introstudio.core.paths import AppPaths
from introstudio.core.project.store import open_project
from introstudio.core.settings import load_settings
from introstudio.gui.pages import build_page
from introstudio.gui.pages.record import RecordPage

app = QApplication([])
paths, folder, seen = AppPaths.for_user(sys.argv[1]), sys.argv[2], []
for move_to in (0, None):  # first run: the clinician moves it to the laptop screen; second run: just open
    page = build_page(RecordPage, paths, load_settings(paths.settings_file))
    page.set_project(open_project(folder))
    window = page.open_teleprompter()
    seen.append(window.screen().name())
    if move_to is not None:
        window._move_to_screen(move_to)
    window.close()
    seen.append(load_settings(paths.settings_file).prompter_screen)
print(json.dumps(seen))
"""


def test_the_screen_it_was_last_on_is_used_again(app_paths, project_folder, tmp_path):
    """Needs two screens: Qt's offscreen platform makes them from a config file, in a child process."""
    config = tmp_path / "screens.json"
    config.write_text(json.dumps(TWO_SCREENS))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}"}
    child = subprocess.run([sys.executable, "-c", TWO_SCREENS_CHILD, str(app_paths.config_dir.parent),
                            str(project_folder)], env=env, capture_output=True, text=True, timeout=120)
    assert child.returncode == 0, child.stderr
    # opened on the other screen, moved to the laptop and remembered there; next time it opens there
    assert json.loads(child.stdout.splitlines()[-1]) == ["Prompter", "Laptop", "Laptop", "Laptop"]


def test_the_prompter_pace_follows_the_project_after_an_undo(qtbot, app_paths, project_folder):
    from introstudio.core.project.store import open_project as open_again
    from introstudio.core.settings import Settings
    from introstudio.gui.main_window import MainWindow

    window = MainWindow(app_paths, Settings(), remember=False)
    qtbot.addWidget(window)
    window.set_project(open_again(project_folder), "record")
    page = window.pages["record"]
    prompter = page.open_teleprompter()
    qtbot.waitExposed(prompter)
    qtbot.keyClick(prompter, Qt.Key.Key_Up)
    qtbot.keyClick(prompter, Qt.Key.Key_Up)
    assert window.pf.project.script.words_per_minute == 170
    window.undo_action.trigger()  # with the prompter open: it slows down again at once
    assert window.pf.project.script.words_per_minute in (None, 150) and prompter.options.wpm == 150
    assert not window.undo_action.isEnabled()  # following the project made no new edit
    window.redo_action.trigger()
    assert prompter.options.wpm == 170
    close_prompter(qtbot, prompter)
    window.undo_action.trigger()  # the pace change, made in the prompter
    assert window.pf.project.script.words_per_minute in (None, 150)
    again = page.open_teleprompter()
    assert again.options.wpm == 150  # the project's pace, not the one the prompter last had
    close_prompter(qtbot, again)
    window.close()
