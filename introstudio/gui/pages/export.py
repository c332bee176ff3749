"""Export page: choose a format, export with progress and time left, cancel; then play the result and check it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from introstudio.core.project.store import ProjectFolder
from introstudio.core.script.reading import format_duration
from introstudio.gui.operations import Operation
from introstudio.gui.pages.base import Page
from introstudio.gui.widgets.dialogs import Ask
from introstudio.gui.style import file_link
from introstudio.gui.widgets.player import Player
from introstudio.gui.widgets.progress import ProgressPanel

EXPORT_JOB = "introstudio.core.render.export:render_project"


class ExportPage(Page):
    """Preset picker, Export button, the shared progress panel and the list of finished exports."""

    name = "export"
    title = "Export"
    summary = ("Make the finished video: title card, the chosen take with its captions and name strap, and "
               "the end card, at an even loudness. The file, its captions and a thumbnail go into the "
               "project's exports folder.")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preset = QComboBox()
        self.preset.setAccessibleName("Export format")
        self.preset.activated.connect(self._preset_picked)
        self.export_button = QPushButton("E&xport video")
        self.export_button.setObjectName("exportButton")
        self.export_button.setAccessibleName("Export the video")
        self.export_button.clicked.connect(self.start_export)
        self.open_button = QPushButton("&Open output folder")
        self.open_button.setObjectName("openFolder")
        self.open_button.setAccessibleName("Open the folder with the exported videos")
        self.open_button.clicked.connect(self.open_folder)
        self.checklist = QLabel()
        self.checklist.setWordWrap(True)
        self.checklist.setObjectName("exportChecklist")
        form = QFormLayout()
        form.addRow("&Format:", self.preset)
        self.body.addLayout(form)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        self.body.addLayout(buttons)
        self.body.addWidget(self.checklist)
        self.panel = ProgressPanel()
        self.body.addWidget(self.panel)
        self.result = QLabel()
        self.result.setObjectName("exportResult")
        self.result.setWordWrap(True)
        self.result.setOpenExternalLinks(True)  # the folder link opens the file manager
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.body.addWidget(self.result)
        # The finished video: played here, with its captions, beside what its record says about it.
        self.finished_label = QLabel("<b>The finished video</b>")
        self.body.addWidget(self.finished_label)
        self.player = Player(trim=False)
        self.player.setObjectName("exportPlayer")
        self.player.video.setMinimumSize(320, 180)
        self.player.positionChanged.connect(self._position)
        side = QVBoxLayout()
        self.exports_label = QLabel("&Videos exported:")
        self.exports = QListWidget()
        self.exports.setObjectName("exportList")
        self.exports.setAccessibleName("Exports of this project")
        self.exports.setMaximumHeight(6 * self.fontMetrics().lineSpacing())
        self.exports.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # long names fit the column, no sideways bar
        self.exports.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.exports_label.setBuddy(self.exports)
        self.exports.currentItemChanged.connect(lambda item, _prev: self._show_export(item))
        self.facts = QLabel()
        self.facts.setObjectName("exportFacts")
        self.facts.setWordWrap(True)
        self.facts.setAccessibleName("Checklist of the export")
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        side.addWidget(self.exports_label)
        side.addWidget(self.exports)
        side.addWidget(self.facts)
        side.addStretch(1)
        finished = QHBoxLayout()
        finished.addWidget(self.player, 3)
        finished.addLayout(side, 2)
        self.body.addLayout(finished, 1)
        self._cues: list[Any] = []
        self._just_made: str | None = None
        self.operation: Operation | None = None
        from introstudio.core.render.presets import PRESETS

        for name, preset in PRESETS.items():
            self.preset.addItem(preset.description, name)

    # --- page API -----------------------------------------------------------------------------------
    def refresh(self, pf: ProjectFolder) -> None:
        super().refresh(pf)
        index = self.preset.findData(pf.project.design.preset)
        if index >= 0:
            self.preset.setCurrentIndex(index)
        self._update_buttons()
        project = pf.project
        take = project.current_take()
        track = project.captions_for(take.id) if take else None
        design = project.design
        if track is None:
            captions = "none (the video will have no captions)"
        elif design.burn_captions:
            captions = f"{len(track.cues)}, burned into the picture and as SRT/WebVTT files"
        else:
            captions = f"{len(track.cues)}, as SRT/WebVTT files"
        if track is not None:
            from introstudio.core.captions.layout import check_cues
            from introstudio.core.captions.profiles import get_profile

            broken = len({v.cue_number for v in check_cues(track.cues, get_profile(design.caption_profile))})
            if broken:
                captions += f" · ⚠ {broken} break the {design.caption_profile} standard (see the Captions step)"
        on = {True: "on", False: "off"}
        items = [
            f"Take: take {take.id}" if take else "Take: none yet (import or record one first)",
            f"Captions: {captions}",
            (f"Title card {on[design.title_card]} · name strap {on[design.lower_third]} · "
             f"end card {on[design.end_card]} (change these on the Look step)"),
        ]
        self.checklist.setText("\n".join(items))
        self._list_exports(project)

    def _list_exports(self, project: Any) -> None:
        """The exports, newest first; the one to publish (full quality) is chosen and shown in the player."""
        from introstudio.core.project.progress import default_export, is_preview
        from introstudio.core.render.records import export_records

        assert self.pf is not None
        wanted = self.exports.currentItem().data(Qt.ItemDataRole.UserRole) if self.exports.currentItem() else None
        best = default_export(self.pf)
        self.exports.blockSignals(True)
        self.exports.clear()
        records = list(reversed(export_records(project)))
        for record in records:
            seconds = format_duration(record.duration) if record.duration else "?"
            when = record.created_at[:16].replace("T", " ")
            item = QListWidgetItem(f"{Path(record.file).name} · {seconds}" + (" · preview" if is_preview(record)
                                                                             else "") + (f" · {when}" if when else ""))
            item.setData(Qt.ItemDataRole.UserRole, record.file)
            self.exports.addItem(item)
        self.exports.blockSignals(False)
        fallback = best.file if best else records[0].file if records else None
        keep, self._just_made = self._just_made or wanted or fallback, None
        for i in range(self.exports.count()):
            if self.exports.item(i).data(Qt.ItemDataRole.UserRole) == keep:
                self.exports.setCurrentRow(i)
        if not records:
            self.exports.addItem("None yet: press “Export video”.")
            self._show_export(None)
        for w in (self.finished_label, self.player):
            w.setVisible(bool(records))

    def _show_export(self, item: QListWidgetItem | None) -> None:
        """Load the chosen export into the player (with its caption file when not burned in) and list its checks."""
        from introstudio.core.project.progress import export_checklist
        from introstudio.core.render.records import export_records, record_path, stored_path

        file = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        record = next((r for r in export_records(self.pf.project) if r.file == file), None) if self.pf else None
        self._cues = []
        if record is None or self.pf is None:
            self.facts.setText("")
            self.player.load(None)
            return
        path = record_path(self.pf, record)
        if not record.burn_captions and (srt := stored_path(self.pf, record.srt)) is not None and srt.is_file():
            from introstudio.core.captions.formats import read_srt
            from introstudio.core.errors import IntroStudioError

            try:
                self._cues = list(read_srt(srt).cues)
            except (IntroStudioError, OSError):
                self._cues = []
        rows = export_checklist(self.pf, record)
        self.facts.setText("<br>".join(f"{'✓' if c.ok else '⚠'} <b>{c.label}:</b> {c.text}" for c in rows)
                           + f"<br>{file_link(path.parent, 'Show in the folder')}")
        self.facts.setOpenExternalLinks(True)
        if self.player.source != path:
            from fractions import Fraction

            try:
                fps = float(Fraction(record.fps)) if record.fps else None
            except (ValueError, ZeroDivisionError):
                fps = None
            self.player.load(path if path.is_file() else None, fps, record.duration)

    def _position(self, seconds: float) -> None:
        """Captions that are not in the picture are shown over it, as a viewer with captions on sees them."""
        text = next(("\n".join(c.lines) for c in self._cues if c.start <= seconds < c.end), "")
        self.player.video.set_overlay(text)

    def leave(self) -> None:
        self.player.pause()
        super().leave()

    def is_done(self, pf: ProjectFolder) -> bool:
        return bool(pf.project.exports)

    def status(self, pf: ProjectFolder) -> str:
        n = len(pf.project.exports)
        return f"{n} export{'s' if n != 1 else ''}" if n else ""

    # --- behaviour ----------------------------------------------------------------------------------
    def start_export(self) -> Operation | None:
        """Render the project in the background with the chosen preset."""
        if self.pf is None or (self.operation is not None and self.operation.running):
            return None
        from introstudio.gui.process_jobs import in_subprocess

        pf, preset = self.pf, str(self.preset.currentData())
        folder, snapshot = pf.folder, pf.project.to_dict()
        self.result.setText("")
        # In a child process: drawing the cards and probing media hold Python's lock and would freeze the UI.
        self.operation = (Operation(self, lambda: in_subprocess(EXPORT_JOB, preset, detached=(folder, snapshot)),
                                    f"Exporting ({preset})")
                          .on_success(lambda outcome: self._exported(pf, outcome, snapshot))
                          .on_finished(self._finished)
                          .with_progress(self.panel)
                          .run())
        self._update_buttons()
        return self.operation

    def open_folder(self) -> None:
        if self.pf is not None:
            folder = self.pf.exports_dir
            folder.mkdir(exist_ok=True)
            Ask.open_folder(folder)

    def _exported(self, pf: ProjectFolder, outcome: Any, snapshot: dict[str, Any]) -> None:
        """Record the export in its project (the child's copy was never saved) and say where it is."""
        result = outcome.result
        if result is None or outcome.project is None:
            return
        # Only what the child added: export records saved meanwhile by others (a batch) stay.
        from introstudio.core.render.records import ExportRecord, put_records

        put_records(pf, [ExportRecord.from_dict(e) for e in outcome.project.exports
                         if e not in snapshot.get("exports", [])])
        if pf is not self.pf:
            pf.save()
            return
        self.save_now()  # merged with others' changes; a busy lock is reported and the record kept in memory
        video = Path(result.video)
        self.result.setText(f"Finished: {video.name} ({format_duration(result.duration)} long, made in "
                            f"{format_duration(result.seconds_taken)}). Play it below, or "
                            f"{file_link(video.parent, 'open its folder')}.")
        from introstudio.core.render.records import store_path

        self._just_made = store_path(pf, video)  # shown in the player next

    def _finished(self) -> None:
        self._update_buttons()
        if self.pf is not None:
            self.refresh(self.pf)

    def _update_buttons(self) -> None:
        busy = self.operation is not None and self.operation.running
        has_take = self.pf is not None and self.pf.project.current_take() is not None
        self.export_button.setEnabled(has_take and not busy)
        self.preset.setEnabled(not busy and self.preset.count() > 0)
        self.open_button.setEnabled(self.pf is not None)

    def _preset_picked(self, _index: int) -> None:
        if self.pf is None:
            return
        self.pf.project.design.preset = str(self.preset.currentData())
        self.edited("choose the export preset", "design", immediate=True)
