"""Export page: choose a format, export with progress and time left, cancel, open the output folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QWidget,
)

from introstudio.core.project.store import ProjectFolder
from introstudio.core.script.reading import format_duration
from introstudio.gui.operations import Operation
from introstudio.gui.pages.base import Page
from introstudio.gui.widgets.dialogs import Ask
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
        self.export_button = QPushButton("&Export video")
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
        form.addRow("&Format", self.preset)
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
        self.body.addWidget(self.result)
        self.body.addWidget(QLabel("<b>Exports of this project</b>"))
        self.exports = QListWidget()
        self.exports.setObjectName("exportList")
        self.exports.setAccessibleName("Exports of this project")
        self.body.addWidget(self.exports, 1)
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
        self.exports.clear()
        if not project.exports:
            self.exports.addItem("None yet: press “Export video”.")
        for entry in reversed(project.exports):
            seconds = float(entry.get("duration") or 0.0)
            lufs = entry.get("loudness_lufs")
            self.exports.addItem(f"{entry.get('file')} · {entry.get('preset')} · {format_duration(seconds)}"
                                 + (f" · {lufs:.1f} LUFS" if isinstance(lufs, (int, float)) else "")
                                 + f" · {str(entry.get('created_at', ''))[:16].replace('T', ' ')}")

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
                            f"{format_duration(result.seconds_taken)}). It is in {video.parent}.")

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
