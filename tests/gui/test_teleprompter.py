"""The teleprompter window: keys a clicker or pedal sends, retake, mirror, speed, countdown, paragraph mode."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage

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
