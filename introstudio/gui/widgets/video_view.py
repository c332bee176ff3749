"""A video surface painted from a QVideoSink.

Qt 6's QVideoWidget is a native child window: `QWidget.grab()` cannot capture it (screenshots show a
blank hole) and it takes window activation away from the main window on some platforms. Painting the
sink's frames ourselves avoids both; a frame is converted to an image only when it is painted.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget


class VideoView(QWidget):
    """Shows the latest frame of `sink`, letterboxed; a short text when there is none."""

    def __init__(self, parent: QWidget | None = None, placeholder: str = "No take") -> None:
        super().__init__(parent)
        from PySide6.QtMultimedia import QVideoSink

        self.sink = QVideoSink(self)
        self.sink.videoFrameChanged.connect(self._on_frame)
        self.placeholder = placeholder
        self._frame: Any = None
        self._image = QImage()
        self.frames_shown = 0
        self.overlay = ""  # e.g. the caption on screen, drawn over the foot of the picture
        self.setMinimumSize(320, 180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    def set_overlay(self, text: str) -> None:
        if text != self.overlay:
            self.overlay = text
            self.update()

    def clear(self) -> None:
        self._frame = None
        self._image = QImage()
        self.update()

    def current_image(self) -> QImage:
        """The frame on screen as an image (null when there is none)."""
        if self._frame is not None:
            self._image = self._frame.toImage()
            self._frame = None
        return self._image

    def _on_frame(self, frame: Any) -> None:
        if frame.isValid():
            self._frame = frame  # converted in paintEvent, at most once per repaint
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#111111"))
        image = self.current_image()
        if image.isNull():
            painter.setPen(QColor("#BBBBBB"))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.placeholder)
            return
        size = image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        target = QRect((self.width() - size.width()) // 2, (self.height() - size.height()) // 2,
                       size.width(), size.height())
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(target, image)
        self.frames_shown += 1
        if self.overlay:
            self._paint_overlay(painter, target)

    def _paint_overlay(self, painter: QPainter, target: QRect) -> None:
        font = painter.font()
        font.setPixelSize(max(12, target.height() // 16))
        font.setBold(True)
        painter.setFont(font)
        flags = int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom | Qt.TextFlag.TextWordWrap)
        area = target.adjusted(target.width() // 10, 0, -target.width() // 10, -target.height() // 14)
        box = painter.boundingRect(area, flags, self.overlay).adjusted(-8, -4, 8, 4)
        painter.fillRect(box, QColor(0, 0, 0, 190))
        painter.setPen(QColor("#FFFFFF"))
        painter.drawText(area, flags, self.overlay)
