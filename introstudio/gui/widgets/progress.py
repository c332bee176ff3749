"""The shared progress panel: what is running, percent, time left and a Cancel button.

A finished job does not stay on screen: on success the panel collapses to one line ("✓ Exporting: done.")
and leaves after HIDE_AFTER_MS; a failure or a cancel stays in full, so the user can read why.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from introstudio.core.errors import Cancelled
from introstudio.core.jobs import Progress

if TYPE_CHECKING:
    from introstudio.gui.operations import Operation

HIDE_AFTER_MS = 4000  # how long the one-line result of a finished job stays before the panel leaves


def time_left_text(seconds: float | None) -> str:
    """'about 1:05 left' style text, or '' when unknown."""
    if seconds is None or seconds < 0:
        return ""
    seconds = round(seconds)
    if seconds < 5:
        return "a few seconds left"
    return f"about {seconds // 60}:{seconds % 60:02d} left"


def estimate_eta(step: Progress, elapsed: float) -> float | None:
    """The job's own estimate, else one from the elapsed time once there is enough to go on."""
    if step.eta_seconds is not None:
        return step.eta_seconds
    if step.fraction is None or step.fraction < 0.03 or elapsed < 1.5:
        return None
    return elapsed * (1.0 - step.fraction) / step.fraction


class ProgressPanel(QFrame):
    """Shows one Operation at a time; hidden until something runs."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("progressPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._op: Operation | None = None
        self._started = 0.0
        self.title = QLabel()
        self.title.setObjectName("progressTitle")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(True)
        self.bar.setAccessibleName("Progress")
        self.time_left = QLabel()
        self.time_left.setAccessibleName("Time left")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel the running task")
        self.cancel_button.clicked.connect(self.cancel)
        self._leave = QTimer(self)
        self._leave.setSingleShot(True)
        self._leave.setInterval(HIDE_AFTER_MS)
        self._leave.timeout.connect(self.hide)
        row = QHBoxLayout()
        row.addWidget(self.bar, 1)
        row.addWidget(self.time_left)
        row.addWidget(self.cancel_button)
        self._row = QWidget()  # the bar, time left and Cancel: folded away when the job is done
        self._row.setLayout(row)
        row.setContentsMargins(0, 0, 0, 0)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self._row)
        layout.addWidget(self.message)
        self.hide()

    @property
    def busy(self) -> bool:
        return self._op is not None and self._op.running

    def attach(self, op: Operation) -> None:
        """Follow `op` until it finishes."""
        self._op = op
        self._started = time.monotonic()
        self._leave.stop()
        self.title.setText(f"<b>{op.label}</b>")
        self.title.show()
        self._row.show()
        self.message.setText("Starting…")
        self.bar.setRange(0, 1000)
        self.bar.setValue(0)
        self.bar.setFormat("%p%")
        self.time_left.setText("")
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText("Cancel")
        op.progress.connect(self.update_progress)
        op.on_success(lambda _result, op=op: self._succeeded(op))
        op.on_failure(self._failed)
        self.show()

    def update_progress(self, step: Progress) -> None:
        """Show one Progress value (UI thread only)."""
        if step.fraction is None:
            self.bar.setRange(0, 0)  # busy indicator
        else:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(max(0.0, min(1.0, step.fraction)) * 1000))
            self.bar.setFormat(f"{step.percent:.0f}%")
        if step.message:
            self.message.setText(step.message)
        self.time_left.setText(time_left_text(estimate_eta(step, time.monotonic() - self._started)))

    def cancel(self) -> None:
        if self._op is not None and self._op.running:
            self._op.cancel()
            self.cancel_button.setEnabled(False)
            self.cancel_button.setText("Stopping…")
            self.message.setText("Stopping…")

    def _succeeded(self, op: Operation) -> None:
        """Fold to one line saying what finished, then leave the screen after a moment."""
        if op is not self._op:  # a newer job is shown now
            return
        self._ended(f"✓ {op.label}: done.", True)
        self.title.hide()
        self._row.hide()
        self._leave.start()

    def _failed(self, exc: BaseException) -> None:
        self._ended("Stopped." if isinstance(exc, Cancelled) else f"Failed: {exc}", False)

    def _ended(self, text: str, ok: bool) -> None:
        self.bar.setRange(0, 1000)
        if ok:
            self.bar.setValue(1000)
            self.bar.setFormat("100%")
        self.message.setText(text)
        self.time_left.setText("")
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText("Cancel")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
