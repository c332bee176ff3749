"""The Record step: pick camera and microphone, check picture and sound, read from the teleprompter, record.

Each take is written crash-safe by gui/recorder.py and becomes a project take as soon as it stops; a
recording cut off by a crash is recovered the next time the project is shown here. Without a camera or
microphone the page says so and offers import (`import_requested`, connected by the main window).
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtMultimedia import QMediaDevices
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from introstudio.core.errors import IntroStudioError
from introstudio.core.media.recording import (
    interrupted_recordings,
    recover_recordings,
    save_recording,
)
from introstudio.core.paths import AppPaths
from introstudio.core.project.model import Take
from introstudio.core.project.store import ProjectFolder
from introstudio.core.script.reading import format_duration
from introstudio.core.settings import Settings
from introstudio.gui import errors
from introstudio.gui.external_changes import taken_in, worker_folder
from introstudio.gui.operations import Operation
from introstudio.gui.pages.base import Page
from introstudio.gui.pages.record_prompter import PrompterLink
from introstudio.gui.recorder import Recorder
from introstudio.gui.style import surface, tone
from introstudio.gui.synthetic import SyntheticSource
from introstudio.gui.teleprompter import TeleprompterOptions, TeleprompterWindow
from introstudio.gui.widgets.importer import ImportButton
from introstudio.gui.widgets.progress import ProgressPanel

log = logging.getLogger("introstudio.gui")

PREROLL_KEEP = 0.5  # seconds kept before the teleprompter starts moving, when trimming the countdown

GUIDANCE = """<b>Before you record</b>
<ul style='margin-top:2px'>
<li><b>Light from the front:</b> face a window or a lamp; never sit with a bright window behind you.</li>
<li><b>Framing:</b> head and shoulders, eyes about a third of the way down the picture, camera at eye level.</li>
<li><b>Look at the lens,</b> not at your own picture: put the teleprompter just below the camera.</li>
<li><b>Sound:</b> a quiet room; the level bar should move well into the middle when you speak.</li>
<li>Pause for a breath before the first word and after the last. A slip? Press B on the teleprompter,
go back to the start of the paragraph and carry on: every take is kept, the best one is chosen later.</li>
</ul>"""

NO_CAMERA = "No camera was found on this computer."
NO_MICROPHONE = "No microphone was found, so a recording would have no sound."
MISSING_HINT = ("Connect a webcam and a microphone or headset (they appear here by themselves), "
                "or record on a phone and import the video.")


def cameras() -> list:
    """The cameras Qt can see now."""
    return list(QMediaDevices.videoInputs())


def microphones() -> list:
    """The microphones Qt can see now."""
    return list(QMediaDevices.audioInputs())


class RecordPage(Page):
    """Device pickers, live preview, level meter, Record/Stop, teleprompter and this session's takes."""

    name = "record"
    title = "Record or import"
    summary = ("Read the script from the teleprompter while IntroStudio records the camera and microphone. "
               "Every take is kept; you choose the best one on the next step.")

    take_added = Signal(int)  # a take was saved into the project (recorded, recovered or imported)
    import_requested = Signal()  # the user chose to import footage instead (the button also imports)

    def __init__(self, parent: QWidget | None = None, paths: AppPaths | None = None,
                 settings: Settings | None = None) -> None:
        super().__init__(parent)
        self.paths = paths  # None: teleprompter preferences are kept for this session only
        self.settings = settings or Settings()
        self.recorder: Recorder | None = None
        self.prompter = PrompterLink(self, paths)
        self.prompter.started.connect(self._prompter_started)
        self.session_takes: list[Take] = []
        self._devices: QMediaDevices | None = None
        self._cameras: list = []
        self._microphones: list = []
        self._synthetic = False
        self._preroll: float | None = None
        self._busy: set[Path] = set()  # raw files being saved right now
        self._problem = ""  # why recording is impossible here (no encoder), if it is
        self._build()

    # --- layout ---------------------------------------------------------------------------------
    def _build(self) -> None:
        outer = self.body
        tips = QLabel(GUIDANCE)
        tips.setWordWrap(True)
        tips.setObjectName("recordGuidance")
        tips.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        outer.addWidget(tips)

        self.missing = QLabel()
        self.missing.setObjectName("missingDevices")
        self.missing.setWordWrap(True)
        tone(self.missing, "notice")
        self.panel = ProgressPanel()
        self.import_button = ImportButton(self.panel, "&Import a video instead…")
        self.import_button.setAccessibleName("Import a video recorded on another device")
        self.import_button.clicked.connect(self.import_requested.emit)
        self.import_button.imported.connect(lambda takes: self._saved(takes, [], imported=True))
        row = QHBoxLayout()
        row.addWidget(self.missing, 1)
        row.addWidget(self.import_button)
        outer.addLayout(row)

        form = QFormLayout()
        self.camera_box = QComboBox()
        self.camera_box.setAccessibleName("Camera")
        self.camera_box.setPlaceholderText("No camera found")
        self.camera_box.currentIndexChanged.connect(self._camera_chosen)
        self.mic_box = QComboBox()
        self.mic_box.setAccessibleName("Microphone")
        self.mic_box.setPlaceholderText("No microphone found")
        self.mic_box.currentIndexChanged.connect(self._microphone_chosen)
        form.addRow("&Camera:", self.camera_box)
        form.addRow("&Microphone:", self.mic_box)
        outer.addLayout(form)

        middle = QHBoxLayout()
        self.preview = QVideoWidget()
        self.preview.setMinimumSize(320, 180)
        self.preview.setAccessibleName("Camera preview")
        self.no_picture = QLabel("No camera picture yet.\nConnect a webcam: it appears here by itself.")
        self.no_picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        surface(self.no_picture, "media")
        self.picture = QStackedWidget()
        self.picture.addWidget(self.preview)
        self.picture.addWidget(self.no_picture)
        middle.addWidget(self.picture, 1)
        self.level = QProgressBar()
        self.level.setOrientation(Qt.Orientation.Vertical)
        self.level.setRange(0, 100)
        self.level.setTextVisible(False)
        self.level.setAccessibleName("Microphone level")
        self.level.setToolTip("Sound level: speak normally; it should reach the middle, not the top")
        self.level_label = QLabel("Sound")  # the bar is named on screen, not only for screen readers
        self.level_word = QLabel()  # what the bar shows, in a word: silent, quiet, good, too loud
        self.level_word.setAccessibleName("Microphone level in words")
        meter = QVBoxLayout()
        meter.addWidget(self.level_label, 0, Qt.AlignmentFlag.AlignHCenter)
        meter.addWidget(self.level, 1, Qt.AlignmentFlag.AlignHCenter)
        meter.addWidget(self.level_word, 0, Qt.AlignmentFlag.AlignHCenter)
        middle.addLayout(meter)
        outer.addLayout(middle, 1)

        buttons = QHBoxLayout()
        self.prompter_button = QPushButton("Open &teleprompter")
        self.prompter_button.setAccessibleName("Open the teleprompter with this project's script")
        self.prompter_button.clicked.connect(self.open_teleprompter)
        self.record_button = QPushButton("● &Record")
        self.record_button.setAccessibleName("Start recording a take")
        self.record_button.clicked.connect(self.record)
        self.stop_button = QPushButton("■ &Stop")
        self.stop_button.setAccessibleName("Stop recording and keep the take")
        self.stop_button.clicked.connect(self.stop)
        self.stop_button.setEnabled(False)
        self.status_label = QLabel()
        self.status_label.setObjectName("recordStatus")
        self.status_label.setAccessibleName("Recording status")
        for w in (self.prompter_button, self.record_button, self.stop_button):
            buttons.addWidget(w)
        buttons.addWidget(self.status_label, 1)
        outer.addLayout(buttons)

        outer.addWidget(self.panel)
        outer.addWidget(QLabel("Takes recorded this session:"))
        self.takes_list = QListWidget()
        self.takes_list.setAccessibleName("Takes recorded this session")
        self.takes_list.setMaximumHeight(110)
        outer.addWidget(self.takes_list)

    # --- what the main window calls -------------------------------------------------------------
    def refresh(self, pf: ProjectFolder) -> None:
        self.set_project(pf)
        self.prompter.follow_project()  # an undo may have changed the reading pace

    def is_done(self, pf: ProjectFolder) -> bool:
        return bool(pf.project.takes)

    def status(self, pf: ProjectFolder) -> str:
        n = len(pf.project.takes)
        return f"{n} take{'s' if n != 1 else ''}" if n else ""

    def set_project(self, pf: ProjectFolder | None) -> None:
        """Show `pf`; recordings a crash cut off are turned into takes."""
        if pf is not self.pf:
            self.session_takes.clear()
            self.takes_list.clear()
            self.prompter_options = None
            if self.teleprompter is not None:
                self.teleprompter.close()
        self.pf = pf
        self.import_button.set_project(pf)
        self._update_controls()
        if pf is not None and pf.media_dir.is_dir():
            raws = [r for r in interrupted_recordings(pf.media_dir) if r not in self._busy]
            if raws:
                self._recover(raws)

    @property
    def is_recording(self) -> bool:
        """True while a take is being recorded (the window may ask before closing)."""
        return self.recorder is not None and self.recorder.is_recording

    def use_synthetic_source(self, source: SyntheticSource) -> None:
        """Record generated frames and sound instead of devices (tests, CI, demonstrations)."""
        self._ensure_recorder()
        if self.recorder is not None:
            self.recorder.use_synthetic(source)
            self._synthetic = True
            for box, text in ((self.camera_box, "Generated test picture"), (self.mic_box, "Generated test tone")):
                box.blockSignals(True)
                box.clear()
                box.addItem(text)
                box.blockSignals(False)
            self._update_controls()

    # --- recording ------------------------------------------------------------------------------
    def record(self) -> None:
        """Start a take; with the teleprompter open, it counts down and then scrolls."""
        self._ensure_recorder()
        if self.pf is None or self.recorder is None or self.recorder.is_recording or not self._can_record():
            return
        try:
            self.recorder.start(self.pf.media_dir)
        except IntroStudioError as exc:
            errors.show_error(self, exc)
            return
        self._preroll = None
        if self.teleprompter is not None and self.teleprompter.isVisible():
            self.teleprompter.start(countdown=True)
        self._update_controls()

    def stop(self) -> None:
        if self.recorder is not None and self.recorder.is_recording:
            self.status_label.setText("Finishing the take…")
            self.recorder.stop()
        if self.teleprompter is not None and self.teleprompter.prompter.running:
            self.teleprompter.pause()

    def _recorded(self, raw: Path) -> None:
        trim = max(self._preroll - PREROLL_KEEP, 0.0) if self._preroll else 0.0
        self._save(raw, lambda pf: save_recording(pf, raw, trim_in=trim), "Saving the take",
                   lambda pf, take: self._saved(taken_in(pf, [take]), []))

    def _recover(self, raws: list[Path]) -> None:
        self.status_label.setText("Recovering a recording that was interrupted…")
        self._save(raws[0], lambda pf: recover_recordings(pf, raws), "Recovering interrupted recordings",
                   lambda pf, result: self._saved(taken_in(pf, result[0]), result[1], recovered=True),
                   extra=raws[1:])

    def _save(self, raw: Path, job, label: str, done, extra: list[Path] | None = None) -> None:
        """Run `job` on the worker's own project object (saved under the lock); `done(pf, result)` takes it in."""
        pf = self.pf
        if pf is None:
            return
        folder = pf.folder
        paths = [raw, *(extra or [])]
        self._busy.update(paths)

        def finished() -> None:
            for p in paths:
                self._busy.discard(p)
                if self.recorder is not None:
                    self.recorder.release(p)
            self._update_controls()

        op = (Operation(self, lambda: job(worker_folder(folder, "saving a take")), label).writing(folder)
              .on_success(lambda result: done(pf, result)).on_finished(finished))
        op.on_failure(lambda _exc: self.status_label.setText("The take could not be saved; see the message."))
        op.progress.connect(lambda step: self.status_label.setText(step.message))
        op.run()
        self._update_controls()

    def _saved(self, takes: list[Take], problems: list[str], recovered: bool = False,
               imported: bool = False) -> None:
        for take in takes:
            self.session_takes.append(take)
            when = datetime.fromisoformat(take.added_at).astimezone().strftime("%H:%M")
            how = ("recovered after an interruption" if recovered else "imported" if imported
                   else f"recorded {when}")
            self.takes_list.addItem(f"Take {take.id} — {format_duration(take.media.get('duration', 0))} ({how})")
            self.take_added.emit(take.id)
        if takes:
            names = ", ".join(str(t.id) for t in takes)
            self.status_label.setText(f"Recovered take {names} from a recording that was interrupted." if recovered
                                else f"Take {names} saved. Record another, or go on to Takes.")
            self.changed.emit()
        if problems:
            self.status_label.setText(" ".join(problems))

    # --- teleprompter ---------------------------------------------------------------------------
    def open_teleprompter(self) -> TeleprompterWindow | None:
        """Show the project's script in the teleprompter (full screen on a second screen if there is one)."""
        return self.prompter.open()

    @property
    def teleprompter(self) -> TeleprompterWindow | None:
        return self.prompter.window

    @property
    def prompter_options(self) -> TeleprompterOptions | None:
        return self.prompter.options

    @prompter_options.setter
    def prompter_options(self, options: TeleprompterOptions | None) -> None:
        self.prompter.options = options

    def _prompter_started(self) -> None:
        if self.recorder is not None and self.recorder.is_recording and self._preroll is None:
            self._preroll = self.recorder.recorder.duration() / 1000.0

    # --- devices --------------------------------------------------------------------------------
    def _ensure_recorder(self) -> None:
        if self.recorder is not None:
            return
        try:
            self.recorder = Recorder(self)
        except IntroStudioError as exc:
            self._problem = f"{exc.message} {exc.hint}"
            self._update_controls()
            return
        self.recorder.set_preview(self.preview)
        self.recorder.recording_changed.connect(lambda _on: self._update_controls())
        self.recorder.duration_changed.connect(self._show_duration)
        self.recorder.level_changed.connect(self.show_level)
        self.recorder.finished.connect(self._recorded)
        self.recorder.failed.connect(lambda text: self.status_label.setText(f"Recording problem: {text}"))
        self._devices = QMediaDevices(self)
        self._devices.videoInputsChanged.connect(self._refresh_devices)
        self._devices.audioInputsChanged.connect(self._refresh_devices)
        self._refresh_devices()

    def _refresh_devices(self) -> None:
        if self._synthetic:
            return
        self._cameras = cameras()
        self._microphones = microphones()
        for box, devices, default in ((self.camera_box, self._cameras, QMediaDevices.defaultVideoInput()),
                                      (self.mic_box, self._microphones, QMediaDevices.defaultAudioInput())):
            box.blockSignals(True)
            box.clear()
            for device in devices:
                box.addItem(device.description())
            box.setCurrentIndex(next((i for i, d in enumerate(devices) if d == default), 0) if devices else -1)
            box.blockSignals(False)
        self._camera_chosen(self.camera_box.currentIndex())
        self._microphone_chosen(self.mic_box.currentIndex())

    def _camera_chosen(self, index: int) -> None:
        if self.recorder is not None and not self._synthetic and not self.recorder.is_recording:
            self.recorder.set_camera(self._cameras[index] if 0 <= index < len(self._cameras) else None)
            if self.isVisible():
                self.recorder.start_preview()
        self._update_controls()

    def _microphone_chosen(self, index: int) -> None:
        if self.recorder is not None and not self._synthetic and not self.recorder.is_recording:
            self.recorder.set_microphone(self._microphones[index] if 0 <= index < len(self._microphones) else None)
        self._update_controls()

    def _can_record(self) -> bool:
        return self.recorder is not None and self.recorder.has_video and self.recorder.has_audio

    def _update_controls(self) -> None:
        recording = self.recorder is not None and self.recorder.is_recording
        problems = [self._problem] if self._problem else []
        if self.recorder is not None and not self._synthetic:
            problems += [text for text, ok in ((NO_CAMERA, self.recorder.has_video),
                                               (NO_MICROPHONE, self.recorder.has_audio)) if not ok]
            problems += [MISSING_HINT] if problems else []
        self.missing.setText(" ".join(problems))
        self.missing.setVisible(bool(self.missing.text()))
        has_picture = self.recorder is not None and self.recorder.has_video
        self.picture.setCurrentWidget(self.preview if has_picture else self.no_picture)
        self.import_button.setVisible(bool(self.missing.text()))
        self.record_button.setEnabled(self.pf is not None and self._can_record() and not recording)
        self.stop_button.setEnabled(recording)
        self.camera_box.setEnabled(not recording and not self._synthetic)
        self.mic_box.setEnabled(not recording and not self._synthetic)
        self.prompter_button.setEnabled(self.pf is not None)
        if recording:
            self.status_label.setText("Recording…")

    def show_level(self, peak: float) -> None:
        """The microphone's peak (0-1) on the bar, and in a word beside it and for screen readers."""
        self.level.setValue(int(max(0.0, min(peak, 1.0)) * 100))
        word = "silent" if peak < 0.02 else "quiet" if peak < 0.2 else "good" if peak < 0.9 else "too loud"
        self.level_word.setText(word)
        self.level.setAccessibleDescription(f"Sound level {word}")

    def _show_duration(self, ms: int) -> None:
        if self.recorder is not None and self.recorder.is_recording:
            self.status_label.setText(f"Recording {format_duration(ms / 1000)}")

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._ensure_recorder()
        if self.recorder is not None:
            self.recorder.start_preview()

    def hideEvent(self, event: QHideEvent) -> None:
        if self.recorder is not None:
            self.recorder.stop_preview()
        super().hideEvent(event)
