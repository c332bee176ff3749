"""A programmatic recording source for tests, CI and demos: generated frames and a tone, no devices.

`SyntheticSource` feeds QVideoFrameInput / QAudioBufferInput, which `Recorder.use_synthetic` puts into
the same QMediaCaptureSession + QMediaRecorder the camera and microphone use.

Quirks of the pinned PySide6 6.11.3 (FFmpeg 7.1 backend), found by testing:
- A QVideoFrameInput built with a QVideoFrameFormat never becomes ready (sendVideoFrame() always False,
  readyToSendVideoFrame never emitted) unless QMediaRecorder.autoStop is on; with autoStop it works and
  empty frames/buffers end the recording cleanly once all queued frames are written.
- With a video output (preview) on the session the input is "ready" from the start, so
  readyToSendVideoFrame is not emitted before the first send: push first, then follow the signal.
- QMediaCaptureSession has no setAudioBufferOutput (that is QMediaPlayer only), so the level meter
  cannot tap the session: this source reports the level of the tone it generates itself.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QElapsedTimer, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtMultimedia import (
    QAudioBuffer,
    QAudioBufferInput,
    QAudioFormat,
    QVideoFrame,
    QVideoFrameFormat,
    QVideoFrameInput,
)


def pattern_frame(index: int, size: QSize) -> QImage:
    """A coloured frame with its number, so a human can spot dropped frames."""
    image = QImage(size, QImage.Format.Format_RGBA8888)
    image.fill(QColor.fromHsv(index * 7 % 360, 160, 200))
    painter = QPainter(image)
    font = QFont()
    font.setPixelSize(max(size.height() // 4, 8))
    painter.setFont(font)
    painter.setPen(Qt.GlobalColor.white)
    painter.drawText(image.rect(), int(Qt.AlignmentFlag.AlignCenter), str(index))
    painter.end()
    return image


class SyntheticSource(QObject):
    """Generated frames and a tone fed through QVideoFrameInput / QAudioBufferInput into the session."""

    frames_sent = Signal(int)
    level = Signal(float)

    def __init__(self, size: QSize | None = None, fps: int = 25, frames: int | None = None,
                 realtime: bool = False, sample_rate: int = 48000,
                 frame_maker: Callable[[int, QSize], QImage] = pattern_frame, parent: QObject | None = None) -> None:
        super().__init__(parent)
        size = size or QSize(320, 240)
        self.size, self.fps, self.frames, self.realtime = size, fps, frames, realtime
        self.frame_maker = frame_maker
        vformat = QVideoFrameFormat(size, QVideoFrameFormat.PixelFormat.Format_RGBA8888)
        vformat.setStreamFrameRate(fps)
        self.audio_format = QAudioFormat()
        self.audio_format.setSampleRate(sample_rate)
        self.audio_format.setChannelCount(1)
        self.audio_format.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        self.video_input = QVideoFrameInput(vformat, self)  # needs the recorder's autoStop (see above)
        self.audio_input = QAudioBufferInput(self.audio_format, self)
        self.video_input.readyToSendVideoFrame.connect(self.pump)
        self.audio_input.readyToSendAudioBuffer.connect(self.pump)
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(max(1000 // fps // 2, 1))
        self._timer.timeout.connect(self.pump)
        self._clock = QElapsedTimer()
        self._active = False
        self.sent_video = self.sent_audio = 0
        self._ending = False
        self._eos = {"video": False, "audio": False}

    def begin(self) -> None:
        """Start sending (call right after QMediaRecorder.record())."""
        self.sent_video = self.sent_audio = 0
        self._ending, self._eos = False, {"video": False, "audio": False}
        self._active = True
        self._clock.start()
        if self.realtime:
            self._timer.start()
        self.pump()  # push first: with a preview, readyToSendVideoFrame does not come before a send

    def end(self) -> None:
        """Stop after what was sent: empty frames tell an autoStop recorder to finish the file."""
        self._ending = True
        self._timer.stop()
        self.pump()

    def _limit(self) -> int:
        due = self._clock.elapsed() * self.fps // 1000 + 1 if self.realtime else 1 << 62
        return min(due, self.frames) if self.frames is not None else due

    def pump(self) -> None:
        """Send every frame and buffer that is due and accepted; the rest waits for the ready signals."""
        if not self._active:
            return
        limit = self.sent_video if self._ending else self._limit()
        while self.sent_video < limit:
            frame = QVideoFrame(self.frame_maker(self.sent_video, self.size))
            frame.setStartTime(self.sent_video * 1_000_000 // self.fps)
            frame.setEndTime((self.sent_video + 1) * 1_000_000 // self.fps)
            if not self.video_input.sendVideoFrame(frame):
                break
            self.sent_video += 1
            self.frames_sent.emit(self.sent_video)
        while self.sent_audio < min(limit, self.sent_video):
            samples = self._tone(self.sent_audio)
            buffer = QAudioBuffer(samples, self.audio_format, self.sent_audio * 1_000_000 // self.fps)
            if not self.audio_input.sendAudioBuffer(buffer):
                break
            self.sent_audio += 1
        done = self._ending or (self.frames is not None and self.sent_video >= self.frames)
        if done and self.sent_audio >= self.sent_video:
            self._timer.stop()
            if not self._eos["video"]:
                self._eos["video"] = self.video_input.sendVideoFrame(QVideoFrame())
            if not self._eos["audio"]:
                self._eos["audio"] = self.audio_input.sendAudioBuffer(QAudioBuffer())
            self._active = not all(self._eos.values())

    def _tone(self, index: int) -> bytes:
        import numpy as np

        rate = self.audio_format.sampleRate()
        start, count = index * rate // self.fps, (index + 1) * rate // self.fps - index * rate // self.fps
        t = (start + np.arange(count)) / rate
        loudness = 0.1 + 0.4 * (0.5 + 0.5 * np.sin(2 * np.pi * 0.5 * t))  # swells, so the meter moves
        samples = (np.sin(2 * np.pi * 440 * t) * loudness * 32767).astype(np.int16)
        self.level.emit(float(np.abs(samples).max()) / 32767)
        return samples.tobytes()
