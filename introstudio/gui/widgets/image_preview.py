"""A labelled still that scales with its space and keeps its aspect ratio."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPixmap, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from introstudio.gui.style import surface


class ImagePreview(QWidget):
    """A caption line over an image; shows `placeholder` text until an image arrives."""

    def __init__(self, caption: str, placeholder: str = "Drawing…", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.caption = QLabel(f"<b>{caption}</b>")
        self.image = QLabel(placeholder)
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image.setMinimumSize(QSize(160, 90))
        self.image.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.image.setAccessibleName(caption)
        surface(self.image, "media")
        self._pixmap: QPixmap | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.image, 1)

    @property
    def pixmap(self) -> QPixmap | None:
        return self._pixmap

    def set_png(self, data: bytes) -> bool:
        pixmap = QPixmap()
        if not pixmap.loadFromData(data, "PNG"):
            return False
        self._pixmap = pixmap
        self._rescale()
        return True

    def set_text(self, text: str) -> None:
        self._pixmap = None
        self.image.setPixmap(QPixmap())
        self.image.setText(text)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._rescale()

    def _rescale(self) -> None:
        if self._pixmap is None or self.image.width() < 2:
            return
        self.image.setPixmap(self._pixmap.scaled(self.image.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                                 Qt.TransformationMode.SmoothTransformation))
