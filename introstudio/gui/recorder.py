"""Crash-safe takes with QtMultimedia: the capture session, recorder, devices and level meter.

Every take is written as Matroska, whose clusters are readable up to the last one flushed, so a crash
or power cut loses seconds, not the take (a plain MP4 is unreadable until its index is written at the
end; Qt offers no fragmented MP4). The raw file is a hidden ``.recording-*.mkv`` in the project's media
folder, guarded by a lock file. What happens to it afterwards is Qt-free, in core/media/recording.py:
`save_recording` remuxes it into a take when recording stops, and `interrupted_recordings` finds raw
files whose recorder died, so the record page recovers them the next time the project opens. The
programmatic source for tests and CI is `gui.synthetic.SyntheticSource`.

Quirks of the pinned PySide6 6.11.3 (FFmpeg 7.1 backend), found by testing:
- Matroska encoders here: video MPEG1/MPEG2/MPEG4/MotionJPEG, audio AAC/AC3/EAC3/FLAC/Wave/ALAC
  (no H.264, VP8/9, AV1, Opus or Vorbis in the LGPL build). We pick MPEG-4 Part 2 + FLAC.
- AAC shifts every timestamp in the file by 1.024 s (the encoder delay applied in the wrong unit), so
  FLAC (lossless, zero offset) is preferred; the render step encodes AAC for delivery anyway.
- Qt writes an audio track duration about 1 s too long and an MPEG-4 frame rate of 25000; the remux
  (core/media/recording.py) takes durations from the packets and sets the stream's real rate.
- A QVideoFrameInput built with a QVideoFrameFormat never becomes ready unless QMediaRecorder.autoStop
  is on (details in gui/synthetic.py); `use_synthetic` turns it on.
- QMediaCaptureSession has no setAudioBufferOutput (that is QMediaPlayer only): the level meter reads
  the microphone with its own QAudioSource, and the programmatic source reports its own levels.
- Qt writes the file in 256 KiB blocks: at low bitrates a crash loses up to that much (plus the open
  Matroska cluster, at most a few seconds).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, QUrl, Signal
from PySide6.QtMultimedia import (
    QAudioDevice,
    QAudioInput,
    QAudioSource,
    QCamera,
    QCameraDevice,
    QMediaCaptureSession,
    QMediaFormat,
    QMediaRecorder,
)

from introstudio.core.errors import MediaError
from introstudio.core.media.recording import RecordingLock, new_raw_path
from introstudio.core.permissions import device_error_text
from introstudio.gui.synthetic import SyntheticSource

log = logging.getLogger("introstudio.gui")

# Real-time friendly first (hardware H.264/HEVC on Windows and macOS), slow software codecs last.
VIDEO_PREFERENCE = ("H264", "HEVC", "MPEG4", "VP8", "MotionJPEG", "VP9", "AV1", "MPEG2", "MPEG1")
AUDIO_PREFERENCE = ("FLAC", "Opus", "Vorbis", "AAC", "Wave", "ALAC", "AC3", "EAC3", "MP3")


def pick(available: Sequence[str], preference: Sequence[str]) -> str | None:
    """The first preferred name that is available."""
    return next((name for name in preference if name in available), None)


@dataclass(frozen=True)
class RecordingFormat:
    """Container and codecs a take is written with (QMediaFormat enum names)."""

    video_codec: str
    audio_codec: str | None
    extension: str = ".mkv"

    def to_qt(self) -> QMediaFormat:
        fmt = QMediaFormat(QMediaFormat.FileFormat.Matroska)
        fmt.setVideoCodec(getattr(QMediaFormat.VideoCodec, self.video_codec))
        if self.audio_codec:
            fmt.setAudioCodec(getattr(QMediaFormat.AudioCodec, self.audio_codec))
        return fmt


def recording_format() -> RecordingFormat:
    """The best crash-safe format this Qt build can encode; MediaError when there is none."""
    mkv = QMediaFormat(QMediaFormat.FileFormat.Matroska)
    encode = QMediaFormat.ConversionMode.Encode
    if QMediaFormat.FileFormat.Matroska not in QMediaFormat().supportedFileFormats(encode):
        raise MediaError("This computer's Qt media backend cannot write Matroska (.mkv) recordings.",
                         "Record with a phone or camera and import the video instead.")
    video = pick([c.name for c in mkv.supportedVideoCodecs(encode)], VIDEO_PREFERENCE)
    if video is None:
        raise MediaError("No video encoder is available for recording on this computer.",
                         "Record with a phone or camera and import the video instead.")
    return RecordingFormat(video, pick([c.name for c in mkv.supportedAudioCodecs(encode)], AUDIO_PREFERENCE))


# --- the microphone level meter and camera format --------------------------------------------------

_SAMPLE_TYPES = {"Int16": ("<i2", 32768.0), "Int32": ("<i4", 2147483648.0), "Float": ("<f4", 1.0),
                 "UInt8": ("u1", 128.0)}


def peak_level(data: bytes, sample_format: str) -> float:
    """Peak of interleaved PCM samples as 0..1 (0 for no data); `sample_format` is a QAudioFormat name."""
    import numpy as np

    dtype, scale = _SAMPLE_TYPES.get(sample_format, _SAMPLE_TYPES["Int16"])
    size = np.dtype(dtype).itemsize
    samples = np.frombuffer(data[: len(data) // size * size], dtype).astype(np.float64)
    if not samples.size:
        return 0.0
    if sample_format == "UInt8":
        samples -= 128.0
    return min(float(np.abs(samples).max()) / scale, 1.0)


def choose_camera_format(formats: Sequence[tuple[int, int, float]], max_height: int = 1080,
                         min_fps: float = 24.0) -> int | None:
    """Index of the best (width, height, max fps): the largest picture up to 1080p at 24 fps or more.

    Webcams list 1080p uncompressed at 5 fps next to 1080p MJPEG at 30 fps; the fps floor picks the
    usable one. Ties go to the rate closest to 30. With nothing fast enough, the fastest format wins.
    """
    good = [i for i, (w, h, fps) in enumerate(formats) if h <= max_height and fps >= min_fps]
    if good:
        return max(good, key=lambda i: (formats[i][0] * formats[i][1], -abs(formats[i][2] - 30)))
    return max(range(len(formats)), key=lambda i: (formats[i][2], formats[i][0] * formats[i][1]), default=None)


class MicLevel(QObject):
    """Reads a microphone with its own QAudioSource and reports its peak level (0..1)."""

    level = Signal(float)

    def __init__(self, device: QAudioDevice, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.format = device.preferredFormat()
        self.source = QAudioSource(device, self.format, self)
        self.io = self.source.start()
        if self.io is not None:
            self.io.readyRead.connect(self._read)

    def _read(self) -> None:
        data = bytes(self.io.readAll().data())
        if data:
            self.level.emit(peak_level(data, self.format.sampleFormat().name))

    def stop(self) -> None:
        self.source.stop()


# --- the recorder -----------------------------------------------------------------------------------

class Recorder(QObject):
    """One capture session + recorder; each `start()` writes a new raw take under a lock."""

    recording_changed = Signal(bool)
    duration_changed = Signal(int)  # milliseconds recorded
    level_changed = Signal(float)  # 0..1 peak of the microphone or programmatic audio
    finished = Signal(object)  # Path of the closed raw file
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.format = recording_format()
        self.session = QMediaCaptureSession(self)
        self.recorder = QMediaRecorder(self)
        self.session.setRecorder(self.recorder)
        self.recorder.setMediaFormat(self.format.to_qt())
        self.recorder.setQuality(QMediaRecorder.Quality.HighQuality)
        self.recorder.recorderStateChanged.connect(self._state_changed)
        self.recorder.errorOccurred.connect(self._error)
        self.recorder.durationChanged.connect(lambda ms: self.duration_changed.emit(int(ms)))
        self.camera: QCamera | None = None
        self.audio_input: QAudioInput | None = None
        self.synthetic: SyntheticSource | None = None
        self._mic_level: MicLevel | None = None
        self._locks: dict[Path, RecordingLock] = {}
        self.raw: Path | None = None
        self._stop_guard = QTimer(self, singleShot=True, interval=8000, timeout=self.recorder.stop)

    # --- sources ----------------------------------------------------------------------------------
    def set_camera(self, device: QCameraDevice | None) -> None:
        if self.camera is not None:
            self.camera.stop()
            self.camera.deleteLater()
        self.camera = QCamera(device, self) if device is not None and not device.isNull() else None
        if self.camera is not None:
            formats = list(device.videoFormats())
            best = choose_camera_format([(f.resolution().width(), f.resolution().height(), f.maxFrameRate())
                                         for f in formats])
            if best is not None:
                self.camera.setCameraFormat(formats[best])
            # A refusal (macOS/Windows privacy settings) says where to allow it (core/permissions.py).
            self.camera.errorOccurred.connect(lambda _e, text: self.failed.emit(device_error_text("camera", text)))
        self.session.setCamera(self.camera)

    def set_microphone(self, device: QAudioDevice | None) -> None:
        if self._mic_level is not None:
            self._mic_level.stop()
            self._mic_level.deleteLater()
            self._mic_level = None
        usable = device is not None and not device.isNull()
        self.audio_input = QAudioInput(device, self) if usable else None
        self.session.setAudioInput(self.audio_input)
        if usable:
            self._mic_level = MicLevel(device, self)
            self._mic_level.level.connect(self.level_changed)

    def use_synthetic(self, source: SyntheticSource) -> None:
        """Record generated frames and sound instead of the camera and microphone."""
        self.set_camera(None)
        self.set_microphone(None)
        self.synthetic = source
        self.session.setVideoFrameInput(source.video_input)
        self.session.setAudioBufferInput(source.audio_input)
        self.recorder.setAutoStop(True)  # needed for inputs with a format; empty frames then end the take
        source.level.connect(self.level_changed)

    def set_preview(self, output: QObject | None) -> None:
        """Show the picture in a QVideoWidget (or QVideoSink)."""
        self.session.setVideoOutput(output)

    def start_preview(self) -> None:
        if self.camera is not None:
            self.camera.start()

    def stop_preview(self) -> None:
        if self.camera is not None and not self.is_recording:
            self.camera.stop()

    @property
    def has_video(self) -> bool:
        return self.camera is not None or self.synthetic is not None

    @property
    def has_audio(self) -> bool:
        return self.audio_input is not None or self.synthetic is not None

    @property
    def is_recording(self) -> bool:
        return self.recorder.recorderState() != QMediaRecorder.RecorderState.StoppedState

    # --- recording --------------------------------------------------------------------------------
    def start(self, folder: Path) -> Path:
        """Start a new take in `folder` (the project's media folder); returns the raw file's path."""
        if self.is_recording:
            raise MediaError("A recording is already running.", "Stop it first.")
        if not self.has_video:
            raise MediaError("There is no camera to record from.", "Connect a camera, or import a video instead.")
        folder.mkdir(parents=True, exist_ok=True)
        raw = new_raw_path(folder, self.format.extension)
        self._locks[raw] = RecordingLock.acquire(raw)  # MediaError when it cannot be locked
        self.raw = raw
        self.recorder.setOutputLocation(QUrl.fromLocalFile(str(raw)))
        if self.camera is not None:
            self.camera.start()
        self.recorder.record()
        if not self.is_recording:  # refused at once (unwritable folder, no encoder)
            self.release(raw)
            self.raw = None
            raise MediaError(f"Recording could not start: {self.recorder.errorString()}",
                             "Check the camera and that the project folder is writable, then try again.")
        if self.synthetic is not None:
            self.synthetic.begin()
        log.info("recording to %s (%s + %s)", raw, self.format.video_codec, self.format.audio_codec)
        return raw

    def stop(self) -> None:
        """Finish the take; `finished(raw)` follows once the file is closed."""
        if not self.is_recording:
            return
        if self.synthetic is not None:
            self.synthetic.end()
        else:
            self.recorder.stop()
        self._stop_guard.start()

    def release(self, raw: Path) -> None:
        """Drop the lock on `raw` once it has been saved as a take (or given up)."""
        lock = self._locks.pop(raw, None)
        if lock is not None:
            lock.release()

    def _state_changed(self, state: QMediaRecorder.RecorderState) -> None:
        recording = state != QMediaRecorder.RecorderState.StoppedState
        self.recording_changed.emit(recording)
        if not recording and self.raw is not None:
            self._stop_guard.stop()
            raw, self.raw = self.raw, None
            self.finished.emit(raw)

    def _error(self, error: QMediaRecorder.Error, text: str) -> None:
        log.error("recorder error %s: %s", error, text)
        self.failed.emit(text or str(error))

