"""A take player: QMediaPlayer on a video surface, with a position slider, frame stepping and trim in/out."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Q_ARG, QMetaObject, Qt, QUrl, Signal
from PySide6.QtGui import QHideEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)


def clock(seconds: float) -> str:
    """m:ss.cc for the position display."""
    seconds = max(0.0, seconds)
    return f"{int(seconds // 60)}:{seconds % 60:05.2f}"


class Player(QWidget):
    """Plays one media file; `positionChanged` reports seconds, `trimChanged` the user's in/out points."""

    positionChanged = Signal(float)
    trimChanged = Signal(float, object)  # in seconds, out seconds or None (= the end)

    def __init__(self, parent: QWidget | None = None, trim: bool = True) -> None:
        super().__init__(parent)
        from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer

        from introstudio.gui.widgets.video_view import VideoView

        self._state_playing = QMediaPlayer.PlaybackState.PlayingState
        self.fps = 25.0
        self.duration = 0.0
        self.source: Path | None = None
        self._stop_at: float | None = None
        self.video = VideoView()
        self.video.setAccessibleName("Video")
        self.media = QMediaPlayer(self)
        self.audio = QAudioOutput(self)
        self.media.setAudioOutput(self.audio)
        self.media.setVideoOutput(self.video.sink)
        self.media.positionChanged.connect(self._on_position)
        self.media.durationChanged.connect(self._on_duration)
        self.media.playbackStateChanged.connect(self._on_state)

        self.play_button = QPushButton("Play")
        self.play_button.setAccessibleName("Play or pause")
        self.play_button.clicked.connect(self.toggle)
        self.back_button = QPushButton("◀ Frame")
        self.back_button.setAccessibleName("Back one frame")
        self.back_button.setToolTip("Back one frame (,)")
        self.back_button.clicked.connect(lambda: self.step(-1))
        self.fwd_button = QPushButton("Frame ▶")
        self.fwd_button.setAccessibleName("Forward one frame")
        self.fwd_button.setToolTip("Forward one frame (.)")
        self.fwd_button.clicked.connect(lambda: self.step(1))
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setAccessibleName("Position")
        self.slider.sliderMoved.connect(lambda ms: self.media.setPosition(int(ms)))
        self.time_label = QLabel(clock(0))
        self.time_label.setAccessibleName("Time")
        for key, frames in ((",", -1), (".", 1)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda f=frames: self.step(f))

        seek_row = QHBoxLayout()
        seek_row.addWidget(self.slider, 1)
        seek_row.addWidget(self.time_label)
        controls = QHBoxLayout()
        for w in (self.play_button, self.back_button, self.fwd_button):
            controls.addWidget(w)
        controls.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.video, 1)
        layout.addLayout(seek_row)
        layout.addLayout(controls)

        self.trim_in = self.trim_out = None
        if trim:
            self.trim_in = self._spin("Trim in (seconds)")
            self.trim_out = self._spin("Trim out (seconds)")
            self.trim_out.setSpecialValueText("end")
            set_in = QPushButton("Se&t in here")
            set_in.setAccessibleName("Set trim in at the current position")
            set_in.clicked.connect(lambda: self._set_trim(in_=self.position()))
            set_out = QPushButton("Set &out here")
            set_out.setAccessibleName("Set trim out at the current position")
            set_out.clicked.connect(lambda: self._set_trim(out=self.position()))
            clear = QPushButton("Clear trim")
            clear.setAccessibleName("Use the whole take")
            clear.clicked.connect(lambda: self._set_trim(in_=0.0, out=0.0))
            row = QHBoxLayout()
            row.addWidget(QLabel("Trim:"))
            row.addWidget(set_in)
            row.addWidget(self.trim_in)
            row.addWidget(set_out)
            row.addWidget(self.trim_out)
            row.addStretch(1)
            controls.addWidget(clear)  # beside Play: keeps the trim row narrow enough for 200% scaling
            layout.addLayout(row)
            self.trim_in.valueChanged.connect(self._trim_edited)
            self.trim_out.valueChanged.connect(self._trim_edited)
        self._loading = False
        self._open = False  # the file is loaded into the QMediaPlayer (only while shown)
        self._resume_at = 0.0  # where to show the picture when the file is opened again
        self._seek_on_load: float | None = None
        self._want = QUrl()  # the source the queued calls will have set (see _invoke)
        self._armed = False  # the player's source is `_want` now: its status changes are about our file
        self.media.sourceChanged.connect(self._on_source)
        self._loaded = QMediaPlayer.MediaStatus.LoadedMedia
        self._buffered = QMediaPlayer.MediaStatus.BufferedMedia
        self._buffering = QMediaPlayer.MediaStatus.BufferingMedia
        self._ended = QMediaPlayer.MediaStatus.EndOfMedia
        self.media.mediaStatusChanged.connect(self._on_status)

    def _spin(self, name: str) -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setDecimals(2)
        spin.setSingleStep(0.04)
        spin.setSuffix(" s")
        spin.setAccessibleName(name)
        spin.setKeyboardTracking(False)
        return spin

    # --- API ----------------------------------------------------------------------------------------
    def load(self, path: Path | None, fps: float | None = None, duration: float | None = None,
             trim_in: float = 0.0, trim_out: float | None = None) -> None:
        """Show `path` (None: nothing), paused at the trim-in point."""
        self._invoke("stop")
        self.source = path
        self.fps = float(fps or 25.0)
        self.duration = float(duration or 0.0)
        self._loading = True
        try:
            self.slider.setRange(0, int(self.duration * 1000))
            if self.trim_in is not None and self.trim_out is not None:
                for spin in (self.trim_in, self.trim_out):
                    spin.setRange(0.0, max(self.duration, 0.0))
                self.trim_in.setValue(trim_in or 0.0)
                self.trim_out.setValue(trim_out or 0.0)
        finally:
            self._loading = False
        self.video.clear()
        self._close_file()  # first: closing remembers the old file's position
        self._resume_at = trim_in or 0.0
        if self.isVisible():  # a hidden player opens its file when it is shown (see showEvent)
            self._open_file()
        self._on_position(round(self.position() * 1000))

    def show_trim(self, trim_in: float, trim_out: float | None) -> None:
        """Show trim points that changed elsewhere (undo) without reporting them back as an edit."""
        if self.trim_in is None or self.trim_out is None:
            return
        self._loading = True
        try:
            self.trim_in.setValue(trim_in or 0.0)
            self.trim_out.setValue(trim_out or 0.0)
        finally:
            self._loading = False

    def position(self) -> float:
        return self.media.position() / 1000.0 if self._open else self._resume_at

    def seek(self, seconds: float) -> None:
        if self._open:
            self._invoke("setPosition", Q_ARG("qint64", round(max(0.0, seconds) * 1000)))  # after a queued open
            if self.media.mediaStatus() not in (self._loaded, self._buffered, self._buffering, self._ended):
                self._seek_on_load = max(0.0, seconds)  # still loading: Qt would drop the position
        else:
            self._resume_at = max(0.0, seconds)

    def play(self, until: float | None = None) -> None:
        """Play, stopping at `until` seconds if given (to play one caption)."""
        self._stop_at = until
        self._invoke("play")  # after a queued open and its pause: called at once, that pause would undo it

    def pause(self) -> None:
        self.media.pause()

    def toggle(self) -> None:
        if self.media.playbackState() == self._state_playing:
            self.pause()
        else:
            self.play()

    def step(self, frames: int) -> None:
        """Pause and move by whole frames."""
        self.pause()
        self.seek(self.position() + frames / self.fps)

    def stop(self) -> None:
        self._invoke("stop")

    def release(self) -> None:
        """Close the file and forget it (the window is closing)."""
        self._close_file()
        self.source = None

    # --- the file is open only while the player is on screen ------------------------------------------
    # Destroying a QMediaPlayer that has a file open waits for its decoder threads, and their clean-up
    # calls back into Python: under PySide6 6.11 that deadlocks when the destruction runs with Python's
    # lock held (a parent widget's destructor). So the decoder runs only while the player is shown: a
    # hidden page (or a closed window) holds no decoder threads, and nothing is left to wait for.
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._open and self.source is not None:
            self._open_file()

    def hideEvent(self, event: QHideEvent) -> None:
        if not event.spontaneous():  # minimised windows keep their file
            self._close_file()
        super().hideEvent(event)

    # Stopping or changing the source joins the backend's threads, and those can need Python's lock (a Qt object
    # made from Python is asked for Python overrides as its connections go): called from Python, which holds
    # that lock, the two wait for each other for ever (seen in the audio renderer, and with a load still
    # running). So these calls are queued to the player's own C++ slots and run from the event loop, where
    # Python's lock is free; they run in the order they were asked.
    def _invoke(self, slot: str, *args: object) -> None:
        QMetaObject.invokeMethod(self.media, slot, Qt.ConnectionType.QueuedConnection, *args)

    def _open_file(self) -> None:
        if self.source is None:
            return
        self._want, self._armed = QUrl.fromLocalFile(str(self.source)), False
        self._invoke("setSource", Q_ARG(QUrl, self._want))
        self._open = True
        self._invoke("pause")  # shows the frame at the resume point
        self._seek_on_load = self._resume_at or None  # a position set before the file is loaded can be lost
        if self._resume_at:
            self._invoke("setPosition", Q_ARG("qint64", int(self._resume_at * 1000)))

    def _on_source(self, url: QUrl) -> None:
        self._armed = not url.isEmpty() and url == self._want  # the queued open has run

    def _on_status(self, status: object) -> None:
        if not self._armed:
            return  # the previous file stopping or closing (the queued calls have not reached ours yet)
        if self._seek_on_load is not None and status in (self._loaded, self._buffered):
            self.media.setPosition(int(self._seek_on_load * 1000))
            self._seek_on_load = None

    def _close_file(self) -> None:
        if self._open:
            self._resume_at = self.media.position() / 1000.0
            self._open = False
        self._want, self._armed = QUrl(), False
        self._invoke("stop")
        self._invoke("setSource", Q_ARG(QUrl, QUrl()))

    # --- internals ----------------------------------------------------------------------------------
    def _on_position(self, ms: int) -> None:
        seconds = ms / 1000.0
        if not self.slider.isSliderDown():
            self.slider.blockSignals(True)
            self.slider.setValue(int(ms))
            self.slider.blockSignals(False)
        self.time_label.setText(f"{clock(seconds)} / {clock(self.duration)}")
        if self._stop_at is not None and seconds >= self._stop_at:
            self._stop_at = None
            self.pause()
        self.positionChanged.emit(seconds)

    def _on_duration(self, ms: int) -> None:
        if ms > 0:
            self.duration = ms / 1000.0
            self.slider.setRange(0, int(ms))

    def _on_state(self, state: object) -> None:
        self.play_button.setText("Pause" if state == self._state_playing else "Play")

    def _set_trim(self, in_: float | None = None, out: float | None = None) -> None:
        if self.trim_in is None or self.trim_out is None:
            return
        if in_ is not None:
            self.trim_in.setValue(in_)
        if out is not None:
            self.trim_out.setValue(out)

    def _trim_edited(self) -> None:
        if self._loading or self.trim_in is None or self.trim_out is None:
            return
        out = self.trim_out.value() or None
        self.trimChanged.emit(self.trim_in.value(), out)
