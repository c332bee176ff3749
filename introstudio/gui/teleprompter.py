"""The teleprompter window: large scrolling text on a chosen screen, paced in words per minute.

It only paints and listens to keys: where the text should be comes from core/script/teleprompter.py
(pure maths), asked again on every frame of a QTimer that runs only while the text moves or counts down.
Keys (what presentation clickers and foot pedals send are included):
Space / PageDown / PageUp  pause or continue       B / Home      back to the start of this paragraph
Up / Down                  faster / slower         Left / Right  previous / next paragraph
+ / -                      bigger / smaller text   M  mirror     P  one paragraph at a time
F11                        full screen on/off      S  next screen     Esc  close
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QFont,
    QGuiApplication,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPolygonF,
    QResizeEvent,
    QScreen,
    QTextLayout,
    QTextOption,
    QTransform,
)
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
from introstudio.core.script.teleprompter import (
    Layout,
    Line,
    Prompter,
    scroll_y,
    word_spans,
)

WPM_STEP = 10
FONT_STEP = 6
MIN_FONT_PX, MAX_FONT_PX = 18, 240
FRAME_MS = 16
TOP_BAND = 0.45  # height of the prompter window, as a share of the screen, when not full screen
BACKGROUND = QColor("#000000")
TEXT = QColor("#f4f4f4")
MARKER = QColor("#ffb000")


@dataclass(frozen=True)
class TeleprompterOptions:
    """How the prompter looks and paces; kept by the record page between openings."""

    wpm: float = 150.0
    font_px: int = 64
    mirror: bool = False
    paragraph_mode: bool = False
    countdown_seconds: float = 3.0
    reading_line: float = 0.3  # fraction of the height where the line being read sits
    margin: float = 0.08  # fraction of the width left blank on each side


class PrompterCanvas(QWidget):
    """Paints the script at the position the core maths gives for `clock()`; mirrored on request."""

    def __init__(self, clock: Callable[[], float], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clock = clock
        self.options = TeleprompterOptions()
        self.prompter = Prompter(())
        self._paragraphs: tuple[str, ...] = ()
        self._layouts: list[QTextLayout] = []
        self.layout_model = Layout(())
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setMinimumSize(320, 200)
        self.setAccessibleName("Teleprompter text")

    def set_script(self, paragraphs: Sequence[str]) -> None:
        self._paragraphs = tuple(paragraphs)
        self.relayout()

    def set_options(self, options: TeleprompterOptions) -> None:
        relayout = (options.font_px, options.margin) != (self.options.font_px, self.options.margin)
        self.options = options
        if relayout:
            self.relayout()
        self.update()

    def text_font(self) -> QFont:
        font = QFont(self.font())
        font.setPixelSize(self.options.font_px)
        font.setWeight(QFont.Weight.DemiBold)
        return font

    def relayout(self) -> None:
        """Lay the paragraphs out for this width and font; the reading position (in words) is kept."""
        font = self.text_font()
        margin = self.width() * self.options.margin
        width = max(self.width() - 2 * margin, 50.0)
        option = QTextOption(Qt.AlignmentFlag.AlignHCenter)
        option.setWrapMode(QTextOption.WrapMode.WordWrap)
        layouts, lines, y = [], [], 0.0
        for p, text in enumerate(self._paragraphs):
            tl = QTextLayout(text, font)
            tl.setTextOption(option)
            tl.setCacheEnabled(True)
            tl.beginLayout()
            starts = [a for a, _ in word_spans(text)]
            while (line := tl.createLine()).isValid():
                line.setLineWidth(width)
                line.setPosition(QPointF(0, y))
                first, end = line.textStart(), line.textStart() + line.textLength()
                lines.append(Line(p, y, line.height(), sum(first <= s < end for s in starts)))
                y += line.height()
            tl.endLayout()
            layouts.append(tl)
            y += self.options.font_px * 0.9  # paragraph gap
        self._layouts = layouts
        self.layout_model = Layout(tuple(lines))
        self.update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.relayout()
        super().resizeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        now = self.clock()
        w, h = self.width(), self.height()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), BACKGROUND)
        if self.options.mirror:  # beam-splitter glass flips the picture: flip it back
            painter.setTransform(QTransform(-1, 0, 0, 1, w, 0))
        reading_y = h * self.options.reading_line
        dy = reading_y - scroll_y(self.layout_model, self.prompter, now, self.options.paragraph_mode)
        margin = w * self.options.margin
        painter.setPen(TEXT)
        for tl in self._layouts:
            box = tl.boundingRect().translated(margin, dy)
            if box.bottom() >= 0 and box.top() <= h:
                tl.draw(painter, QPointF(margin, dy))
        painter.fillRect(QRectF(0, 0, w, max(reading_y - self.options.font_px * 0.15, 0)), QColor(0, 0, 0, 120))
        mid, size = reading_y + self.options.font_px * 0.6, max(self.options.font_px * 0.25, 8)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(MARKER)
        for x, sign in ((margin * 0.3, 1), (w - margin * 0.3, -1)):
            painter.drawPolygon(QPolygonF([QPointF(x, mid - size), QPointF(x + sign * size, mid),
                                           QPointF(x, mid + size)]))
        self._paint_status(painter, now, w, h)
        painter.end()

    def _paint_status(self, painter: QPainter, now: float, w: int, h: int) -> None:
        """Speed, time left and paragraph in a corner; the countdown or 'paused' in the middle."""
        p = self.prompter
        small = QFont(self.font())
        small.setPixelSize(max(14, int(self.options.font_px * 0.3)))
        painter.setFont(small)
        painter.setPen(MARKER)
        total = max(len([n for n in p.paragraph_words if n]), 1)
        para = min(p.paragraph(now) + 1, total) if p.paragraph_words else 0
        status = (f"{p.wpm:.0f} words/min · {format_duration(p.remaining_seconds(now))} left · "
                  f"paragraph {para}/{total}")
        pad = small.pixelSize() * 0.6
        painter.drawText(QRectF(pad, pad, w - 2 * pad, small.pixelSize() * 1.6),
                         int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop), status)
        number = p.countdown_number(now)
        if number:
            painter.fillRect(QRectF(0, 0, w, h), QColor(0, 0, 0, 170))
            big = QFont(self.font())
            big.setPixelSize(int(min(h * 0.5, w * 0.4)))
            big.setBold(True)
            painter.setFont(big)
            painter.setPen(MARKER)
            painter.drawText(QRectF(0, 0, w, h), int(Qt.AlignmentFlag.AlignCenter), str(number))
        elif not p.running:
            word = "Finished" if p.finished(now) and p.total_words else "Paused"
            painter.drawText(QRectF(pad, h - small.pixelSize() * 2.2, w - 2 * pad, small.pixelSize() * 1.6),
                             int(Qt.AlignmentFlag.AlignHCenter), f"{word} — press Space to continue")


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
        self.screen_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.screen_box.setMinimumContentsLength(6)
        for screen in QGuiApplication.screens():
            geometry = screen.geometry()
            self.screen_box.addItem(f"{screen.name()} ({geometry.width()}×{geometry.height()})")
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
