"""The teleprompter window: large scrolling text on a chosen screen, paced in words per minute.

It only listens to keys and runs the clock; gui/prompter_canvas.py paints, where the text should be
comes from core/script/teleprompter.py (pure maths), asked again on every frame of a QTimer that runs
only while the text moves or counts down.
Keys (what presentation clickers and foot pedals send are included):
Space / PageDown / PageUp  pause or continue       B / Home      back to the start of this paragraph
Up / Down                  faster / slower         Left / Right  previous / next paragraph
+ / -                      bigger / smaller text   M  mirror     P  one paragraph at a time
F11                        full screen on/off      S  next screen     Esc  close

The look (text size, mirror, paragraph mode, countdown) is a preference of the machine, kept in the
app settings (`options_from_settings`, `settings_for`); the pace belongs to the project's script.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeyEvent, QScreen
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from introstudio.core.script.reading import format_duration
from introstudio.core.script.teleprompter import Prompter
from introstudio.core.settings import Settings
from introstudio.gui.prompter_canvas import (
    BACKGROUND,
    MARKER,
    MAX_FONT_PX,
    MIN_FONT_PX,
    TEXT,
    PrompterCanvas,
    TeleprompterOptions,
)

__all__ = ["BACKGROUND", "FONT_STEP", "FRAME_MS", "MARKER", "MAX_FONT_PX", "MIN_FONT_PX", "TEXT", "TOP_BAND",
           "WPM_STEP", "PrompterCanvas", "TeleprompterOptions", "TeleprompterWindow", "options_from_settings",
           "screen_named", "settings_for"]

log = logging.getLogger("introstudio.gui")

WPM_STEP = 10
FONT_STEP = 6
FRAME_MS = 16
TOP_BAND = 0.45  # height of the prompter window, as a share of the screen, when not full screen


def options_from_settings(settings: Settings, wpm: float) -> TeleprompterOptions:
    """The options this machine's settings ask for, at `wpm`; an unusable one gives its default (logged)."""
    problems = settings.prompter_problems()
    for name, (message, _hint) in problems.items():
        log.warning("teleprompter: %s The default, %r, is used instead.", message, getattr(Settings, name))

    def value(name: str) -> Any:
        return getattr(Settings if name in problems else settings, name)

    return TeleprompterOptions(wpm=wpm, font_px=value("prompter_font_px"), mirror=value("prompter_mirror"),
                               paragraph_mode=value("prompter_paragraph_mode"),
                               countdown_seconds=float(value("prompter_countdown_seconds")))


def settings_for(options: TeleprompterOptions) -> dict[str, Any]:
    """The settings fields that keep `options` for the next time (the pace is kept by the project)."""
    return {"prompter_font_px": int(options.font_px), "prompter_mirror": bool(options.mirror),
            "prompter_paragraph_mode": bool(options.paragraph_mode),
            "prompter_countdown_seconds": float(options.countdown_seconds)}


def screen_named(name: str) -> QScreen | None:
    """The connected screen called `name`, or None ('' or a screen that is not there now)."""
    return next((s for s in QGuiApplication.screens() if name and s.name() == name), None)


class TeleprompterWindow(QWidget):
    """A top-level prompter window with keyboard control and a small control bar for the operator."""

    countdown_finished = Signal()  # the text starts to move (after the countdown, if any)
    running_changed = Signal(bool)
    options_changed = Signal(object)  # TeleprompterOptions
    closed = Signal()

    def __init__(self, paragraphs: Sequence[str], options: TeleprompterOptions | None = None,
                 parent: QWidget | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("IntroStudio teleprompter")
        self.setAccessibleName("Teleprompter")
        self.clock = clock
        self.canvas = PrompterCanvas(clock, self)
        self.canvas.set_script(paragraphs)
        self._countdown_pending = True  # the next start counts down (first start, and after a retake)
        self._was_counting = False
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._tick)
        self._build_bar()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.bar)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.canvas.prompter = Prompter.for_script(paragraphs)
        self.set_options(options or TeleprompterOptions())
        self.resize(1024, 640)

    # --- state ----------------------------------------------------------------------------------
    @property
    def prompter(self) -> Prompter:
        return self.canvas.prompter

    @property
    def options(self) -> TeleprompterOptions:
        return self.canvas.options

    def position(self) -> float:
        """Words read so far."""
        return self.prompter.position(self.clock())

    def set_options(self, options: TeleprompterOptions) -> None:
        now = self.clock()
        self.canvas.prompter = self.prompter.with_speed(now, options.wpm)
        options = replace(options, wpm=self.prompter.wpm,
                          font_px=int(min(max(options.font_px, MIN_FONT_PX), MAX_FONT_PX)))
        self.canvas.set_options(options)
        self._sync_bar()
        self.options_changed.emit(options)

    def _set_prompter(self, prompter: Prompter) -> None:
        was = self.prompter.running
        self.canvas.prompter = prompter
        self._was_counting = prompter.countdown_left(self.clock()) > 0
        if prompter.running and not self._timer.isActive():
            self._timer.start()
        elif not prompter.running:
            self._timer.stop()
        if not self._was_counting and prompter.moving(self.clock()) and not was:
            self.countdown_finished.emit()
        if was != prompter.running:
            self.running_changed.emit(prompter.running)
        self._sync_bar()
        self.canvas.update()

    # --- actions (keys and buttons) -------------------------------------------------------------
    def start(self, countdown: bool = True) -> None:
        """Start scrolling from where it is, after the countdown when `countdown`."""
        seconds = self.options.countdown_seconds if countdown else 0.0
        self._countdown_pending = False
        self._set_prompter(self.prompter.start(self.clock(), seconds))

    def pause(self) -> None:
        self._set_prompter(self.prompter.pause(self.clock()))

    def toggle(self) -> None:
        """Pause, or continue (counting down first after opening or a retake)."""
        if self.prompter.running:
            self.pause()
        else:
            self.start(countdown=self._countdown_pending or self.prompter.finished(self.clock()))

    def back_to_paragraph_start(self) -> None:
        """Retake: back to the start of this paragraph, paused; the next start counts down."""
        self._countdown_pending = True
        self._set_prompter(self.prompter.back_to_paragraph_start(self.clock()))

    def next_paragraph(self) -> None:
        self._set_prompter(self.prompter.next_paragraph(self.clock()))

    def previous_paragraph(self) -> None:
        self._set_prompter(self.prompter.previous_paragraph(self.clock()))

    def change_speed(self, delta: float) -> None:
        self.set_options(replace(self.options, wpm=self.prompter.wpm + delta))

    def change_font(self, delta: int) -> None:
        self.set_options(replace(self.options, font_px=self.options.font_px + delta))

    def set_mirror(self, on: bool) -> None:
        self.set_options(replace(self.options, mirror=bool(on)))

    def set_paragraph_mode(self, on: bool) -> None:
        self.set_options(replace(self.options, paragraph_mode=bool(on)))

    def show_on(self, screen: QScreen | None = None, full_screen: bool = True) -> None:
        """Show on `screen` (the last one, usually the prompter monitor, by default).

        Full screen for a prompter monitor; otherwise a band across the top of the screen, just under
        a laptop's built-in camera, leaving the app's Record button visible below it.
        """
        screens = QGuiApplication.screens()
        screen = screen or (screens[-1] if screens else None)
        if screen is not None:
            self.setScreen(screen)
            area = screen.availableGeometry()
            if not full_screen:
                area.setHeight(max(int(area.height() * TOP_BAND), min(area.height(), 360)))
            self.setGeometry(area)
            index = screens.index(screen) if screen in screens else -1
            self.screen_box.blockSignals(True)
            self.screen_box.setCurrentIndex(index)
            self.screen_box.blockSignals(False)
        self.showFullScreen() if full_screen else self.showNormal()
        self.raise_()
        self.activateWindow()
        self.setFocus()

    # --- Qt events ------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        actions: dict[int, Callable[[], None]] = {
            Qt.Key.Key_Space: self.toggle, Qt.Key.Key_PageDown: self.toggle, Qt.Key.Key_PageUp: self.toggle,
            Qt.Key.Key_MediaPlay: self.toggle, Qt.Key.Key_MediaTogglePlayPause: self.toggle,
            Qt.Key.Key_B: self.back_to_paragraph_start, Qt.Key.Key_Home: self.back_to_paragraph_start,
            Qt.Key.Key_Up: lambda: self.change_speed(WPM_STEP), Qt.Key.Key_Down: lambda: self.change_speed(-WPM_STEP),
            Qt.Key.Key_Right: self.next_paragraph, Qt.Key.Key_Left: self.previous_paragraph,
            Qt.Key.Key_Plus: lambda: self.change_font(FONT_STEP), Qt.Key.Key_Equal: lambda: self.change_font(FONT_STEP),
            Qt.Key.Key_Minus: lambda: self.change_font(-FONT_STEP),
            Qt.Key.Key_M: lambda: self.set_mirror(not self.options.mirror),
            Qt.Key.Key_P: lambda: self.set_paragraph_mode(not self.options.paragraph_mode),
            Qt.Key.Key_F11: lambda: self.showNormal() if self.isFullScreen() else self.showFullScreen(),
            Qt.Key.Key_S: self._next_screen,
            Qt.Key.Key_Escape: self.close,
        }
        action = actions.get(key)
        if action is None or event.isAutoRepeat() and key not in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            super().keyPressEvent(event)
            return
        action()
        event.accept()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._timer.stop()
        if self.prompter.running:
            self.pause()
        self.closed.emit()
        super().closeEvent(event)

    def _tick(self) -> None:
        now = self.clock()
        p = self.prompter
        counting = p.countdown_left(now) > 0
        if self._was_counting and not counting:
            self._was_counting = False
            self.countdown_finished.emit()
        if p.finished(now):
            self._timer.stop()
            self._set_prompter(p.pause(now))
        self._sync_status()
        self.canvas.update()

    # --- control bar ----------------------------------------------------------------------------
    def _build_bar(self) -> None:
        self.bar = QWidget(self)
        self.bar.setObjectName("teleprompterBar")
        self.bar.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)  # never wider than a screen
        row = QHBoxLayout(self.bar)
        row.setContentsMargins(8, 4, 8, 4)

        def button(text: str, tip: str, slot: Callable[[], None]) -> QToolButton:
            b = QToolButton(self.bar)
            b.setText(text)
            b.setToolTip(tip)
            b.setAccessibleName(tip)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys belong to the prompter (Space must not click)
            b.clicked.connect(slot)
            row.addWidget(b)
            return b

        self.back_button = button("⟲ Retake", "Back to the start of this paragraph (B or Home)",
                                  self.back_to_paragraph_start)
        self.play_button = button("Start", "Start or pause (Space, Page Up, Page Down)", self.toggle)
        button("Slower", "Slower: fewer words per minute (Down arrow)", lambda: self.change_speed(-WPM_STEP))
        self.speed_label = QLabel(self.bar)
        self.speed_label.setAccessibleName("Reading speed")
        row.addWidget(self.speed_label)
        button("Faster", "Faster: more words per minute (Up arrow)", lambda: self.change_speed(WPM_STEP))
        button("A−", "Smaller text (-)", lambda: self.change_font(-FONT_STEP))
        button("A+", "Larger text (+)", lambda: self.change_font(FONT_STEP))
        self.mirror_box = QCheckBox("Mirror", self.bar)
        self.mirror_box.setToolTip("Flip left to right for a beam-splitter teleprompter rig (M)")
        self.paragraph_box = QCheckBox("Paragraphs", self.bar)
        self.paragraph_box.setToolTip("Move a whole paragraph at a time instead of scrolling smoothly (P)")
        for box, slot in ((self.mirror_box, self.set_mirror), (self.paragraph_box, self.set_paragraph_mode)):
            box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            box.setAccessibleName(box.text())
            box.toggled.connect(slot)
            row.addWidget(box)
        self.screen_box = QComboBox(self.bar)
        self.screen_box.setAccessibleName("Screen to show the teleprompter on (S)")
        self.screen_box.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.screen_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)  # names never clipped
        self.screen_box.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        for number, screen in enumerate(QGuiApplication.screens(), 1):
            geometry = screen.geometry()
            self.screen_box.addItem(f"{screen.name() or f'Screen {number}'} ({geometry.width()}×{geometry.height()})")
        self.screen_box.activated.connect(self._move_to_screen)
        row.addWidget(self.screen_box)
        row.addStretch(1)
        self.status_label = QLabel(self.bar)
        row.addWidget(self.status_label)
        button("Close", "Close the teleprompter (Esc)", self.close)

    def _next_screen(self) -> None:
        count = len(QGuiApplication.screens())
        if count > 1:
            self._move_to_screen((self.screen_box.currentIndex() + 1) % count)

    def _move_to_screen(self, index: int) -> None:
        screens = QGuiApplication.screens()
        if 0 <= index < len(screens):
            self.show_on(screens[index], full_screen=self.isFullScreen())

    def _sync_bar(self) -> None:
        if not hasattr(self, "speed_label"):
            return
        self.speed_label.setText(f"{self.prompter.wpm:.0f} wpm")
        self.play_button.setText("Pause" if self.prompter.running else "Start")
        for box, on in ((self.mirror_box, self.options.mirror), (self.paragraph_box, self.options.paragraph_mode)):
            box.blockSignals(True)
            box.setChecked(on)
            box.blockSignals(False)
        self._sync_status()

    def _sync_status(self) -> None:
        now = self.clock()
        number = self.prompter.countdown_number(now)
        left = format_duration(self.prompter.remaining_seconds(now))
        self.status_label.setText(f"Starting in {number}…" if number else f"{left} left")
