"""The teleprompter's painting widget and the options it paints with (the window is gui/teleprompter.py).

It only paints: where the text should be comes from core/script/teleprompter.py (pure maths), asked
again for `clock()` on every paint.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPaintEvent,
    QPolygonF,
    QResizeEvent,
    QTextLayout,
    QTextOption,
    QTransform,
)
from PySide6.QtWidgets import QWidget

from introstudio.core.script.reading import format_duration
from introstudio.core.script.teleprompter import (
    Layout,
    Line,
    Prompter,
    scroll_y,
    word_spans,
)
from introstudio.core.settings import PROMPTER_FONT_PX

MIN_FONT_PX, MAX_FONT_PX = PROMPTER_FONT_PX
STATUS_PX = (14, 28)  # the status strips' text size: it follows the script's size between these
STRIP = QColor("#141414")  # the status strips' background, set apart from the reading area
BACKGROUND = QColor("#000000")
TEXT = QColor("#f4f4f4")
MARKER = QColor("#ffb000")


@dataclass(frozen=True)
class TeleprompterOptions:
    """How the prompter looks and paces; the look is kept in the app settings, the pace in the project."""

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

    def status_font(self) -> QFont:
        """The status strips' font: grows a little with the script's size, never to a size that crowds it."""
        font = QFont(self.font())
        font.setPixelSize(int(min(max(self.options.font_px * 0.3, STATUS_PX[0]), STATUS_PX[1])))
        return font

    def strip_height(self) -> float:
        """Height of each status strip (the speed and time left above the script, 'Paused' below it)."""
        return self.status_font().pixelSize() * 1.8

    def status_rect(self) -> QRectF:
        """The strip above the reading area: speed, time left, paragraph."""
        return QRectF(0, 0, self.width(), self.strip_height())

    def notice_rect(self) -> QRectF:
        """The strip below the reading area: 'Paused — press Space to continue' or 'Finished'."""
        strip = self.strip_height()
        return QRectF(0, max(self.height() - strip, strip), self.width(), strip)

    def text_rect(self) -> QRectF:
        """The reading area: the script is painted here only, never under the status strips."""
        top = self.status_rect().bottom()
        return QRectF(0, top, self.width(), max(self.notice_rect().top() - top, 1.0))

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
        area = self.text_rect()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), BACKGROUND)
        if self.options.mirror:  # beam-splitter glass flips the picture: flip it back
            painter.setTransform(QTransform(-1, 0, 0, 1, w, 0))
        reading_y = area.top() + area.height() * self.options.reading_line
        dy = reading_y - scroll_y(self.layout_model, self.prompter, now, self.options.paragraph_mode)
        margin = w * self.options.margin
        painter.save()
        painter.setClipRect(area)  # the strips stay clear: the script never runs under the status
        painter.setPen(TEXT)
        for tl in self._layouts:
            box = tl.boundingRect().translated(margin, dy)
            if box.bottom() >= area.top() and box.top() <= area.bottom():
                tl.draw(painter, QPointF(margin, dy))
        painter.fillRect(QRectF(0, area.top(), w, max(reading_y - self.options.font_px * 0.15 - area.top(), 0)),
                         QColor(0, 0, 0, 120))
        painter.restore()
        mid, size = reading_y + self.options.font_px * 0.6, max(self.options.font_px * 0.25, 8)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(MARKER)
        for x, sign in ((margin * 0.3, 1), (w - margin * 0.3, -1)):
            painter.drawPolygon(QPolygonF([QPointF(x, mid - size), QPointF(x + sign * size, mid),
                                           QPointF(x, mid + size)]))
        self._paint_status(painter, now, w, h)
        painter.end()

    def _paint_status(self, painter: QPainter, now: float, w: int, h: int) -> None:
        """Speed, time left and paragraph in the strip above the script, 'Paused' in the one below it;
        the countdown over everything (nothing is read yet)."""
        p = self.prompter
        small = self.status_font()
        painter.setFont(small)
        top, bottom = self.status_rect(), self.notice_rect()
        for strip in (top, bottom):
            painter.fillRect(strip, STRIP)
        painter.setPen(MARKER)
        total = max(len([n for n in p.paragraph_words if n]), 1)
        para = min(p.paragraph(now) + 1, total) if p.paragraph_words else 0
        status = (f"{p.wpm:.0f} words/min · {format_duration(p.remaining_seconds(now))} left · "
                  f"paragraph {para}/{total}")
        pad = small.pixelSize() * 0.6
        status = QFontMetrics(small).elidedText(status, Qt.TextElideMode.ElideLeft, int(max(w - 2 * pad, 0)))
        painter.drawText(top.adjusted(pad, 0, -pad, 0), int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                         status)
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
            painter.drawText(bottom.adjusted(pad, 0, -pad, 0), int(Qt.AlignmentFlag.AlignCenter),
                             f"{word} — press Space to continue")
