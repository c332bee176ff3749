"""Contrast of rendered text, measured from the pixels of a widget's picture."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage


def text_contrast(image: QImage, rect: QRect) -> float:
    """Contrast of the text in `rect` against its background: the most common colour is the background, the
    pixel farthest from it in WCAG contrast is the text's own colour (antialiasing only lowers the figure)."""
    from introstudio.gui.style import contrast

    colours: Counter[int] = Counter()
    for y in range(max(0, rect.top()), min(image.height(), rect.bottom() + 1)):
        for x in range(max(0, rect.left()), min(image.width(), rect.right() + 1)):
            colours[image.pixel(x, y) & 0xFFFFFF] += 1
    background = QColor(colours.most_common(1)[0][0])
    return max(contrast(QColor(c), background) for c in colours)


def step_rows_contrast(steps) -> dict[str, float]:
    """Each row of the step list (a QListWidget) as drawn now: its first line -> the measured contrast."""
    image = steps.grab().toImage()
    ratio = image.devicePixelRatio()
    out = {}
    for row in range(steps.count()):
        r = steps.visualItemRect(steps.item(row))
        rect = QRect(int(r.x() * ratio), int(r.y() * ratio), int(r.width() * ratio), int(r.height() * ratio))
        out[steps.item(row).text().split("\n")[0]] = text_contrast(image, rect.adjusted(6, 2, -6, -2))
    return out
