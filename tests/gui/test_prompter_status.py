"""The teleprompter's status and 'Paused' notice sit in strips outside the reading area, at every text size,
and the screen chooser shows whole screen names."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor

from introstudio.gui.prompter_canvas import MAX_FONT_PX, MIN_FONT_PX, STATUS_PX, TEXT, TeleprompterOptions
from introstudio.gui.teleprompter import TeleprompterWindow

SCRIPT = tuple(f"Paragraph {n}: I look forward to meeting you and your family at the clinic, and we will make "
               f"a plan together that fits your life." for n in range(1, 7))


def script_pixels(image, top: int, bottom: int) -> int:
    """How many pixels in rows top..bottom-1 have the script's colour (near white: the status is orange)."""
    found = 0
    for y in range(max(top, 0), min(bottom, image.height())):
        for x in range(0, image.width(), 2):
            c = QColor(image.pixel(x, y))
            if c.red() > 200 and c.green() > 200 and c.blue() > 200:
                found += 1
    return found


@pytest.mark.parametrize("font_px", [MIN_FONT_PX, 64, 120, MAX_FONT_PX])
@pytest.mark.parametrize("mirror", [False, True])
def test_status_and_notice_never_cover_the_script(qtbot, font_px, mirror):
    clock = [100.0]
    w = TeleprompterWindow(SCRIPT, TeleprompterOptions(font_px=font_px, mirror=mirror), clock=lambda: clock[0])
    qtbot.addWidget(w)
    w.resize(960, 540)  # a laptop at 200%: the prompter's worst case
    w.show()
    qtbot.waitExposed(w)
    w.next_paragraph()
    w.next_paragraph()  # earlier paragraphs now run up past the reading line, later ones down past the bottom
    assert not w.prompter.running  # paused: the notice is on screen
    canvas = w.canvas
    text, status, notice = canvas.text_rect(), canvas.status_rect(), canvas.notice_rect()
    assert not text.intersects(status) and not text.intersects(notice) and not status.intersects(notice)
    assert status.top() == 0 and notice.bottom() == canvas.height() and text.height() > canvas.height() / 2
    assert STATUS_PX[0] <= canvas.status_font().pixelSize() <= STATUS_PX[1]
    image = canvas.grab().toImage()
    ratio = image.devicePixelRatio()
    rows = lambda r: (int(r.top() * ratio), int(r.bottom() * ratio))  # noqa: E731
    assert script_pixels(image, *rows(text)) > 200, "the script is not on screen"
    assert script_pixels(image, *rows(status)) == 0, "the script runs under the status line"
    assert script_pixels(image, *rows(notice)) == 0, "the script runs under the Paused notice"
    assert QColor(TEXT).lightness() > 200  # what script_pixels looks for


def test_the_screen_chooser_shows_whole_names(qtbot):
    w = TeleprompterWindow(SCRIPT, clock=lambda: 0.0)
    qtbot.addWidget(w)
    w.resize(960, 400)
    w.show()
    qtbot.waitExposed(w)
    box = w.screen_box
    assert box.count() >= 1 and all(box.itemText(i).strip()[0] != "(" for i in range(box.count()))
    widest = max(box.fontMetrics().horizontalAdvance(box.itemText(i)) for i in range(box.count()))
    assert box.width() >= box.sizeHint().width() and box.width() > widest
    assert w.bar.minimumSizeHint().width() <= w.width(), "the control bar is squeezed at 960 px"
