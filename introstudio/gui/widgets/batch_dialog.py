"""Project > Produce a folder of projects: captions and exports for every clinician, as `introstudio batch`.

The same core job as the CLI (core/batch/run.py: worker processes, retries, a resumable report), driven
by the one background-operation API: progress, time left, Cancel. Projects already done are skipped,
so running it again after a cancel or a failure finishes the rest.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from introstudio.gui.operations import Operation
from introstudio.gui.widgets.dialogs import Ask
from introstudio.gui.widgets.progress import ProgressPanel

if TYPE_CHECKING:
    from introstudio.core.context import AppContext

STEPS = (("captions", "Make captions (offline Whisper, matched to each script)"),
         ("render", "Export the videos (title card, name strap, captions, loudness)"))


class BatchDialog(QDialog):
    """Folder, steps, preset, workers; Start runs the batch, each finished clinician is listed."""

    def __init__(self, folder: Path | None = None, parent: QWidget | None = None,
                 ctx: AppContext | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        from introstudio.core.batch.scheduler import default_workers
        from introstudio.core.render.presets import preset_names

        self.setWindowTitle("Produce a folder of projects")
        self.setObjectName("batchDialog")
        self.folder = QLineEdit(str(folder) if folder else "")
        self.folder.setAccessibleName("Folder of projects")
        self.folder.setPlaceholderText("The folder that holds one project per clinician")
        self.folder.textChanged.connect(lambda _t: self._update())
        choose = QPushButton("C&hoose…")
        choose.setAccessibleName("Choose the folder of projects")
        choose.clicked.connect(self._choose)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(choose)
        self.steps: dict[str, QCheckBox] = {}
        steps_box = QVBoxLayout()
        for step, text in STEPS:
            box = QCheckBox(text)
            box.setChecked(True)
            box.setAccessibleName(text)
            box.toggled.connect(lambda _on: self._update())
            self.steps[step] = box
            steps_box.addWidget(box)
        self.preset = QComboBox()
        self.preset.setAccessibleName("Export format")
        for name in preset_names():
            self.preset.addItem(name, name)
        self.workers = QSpinBox()
        self.workers.setRange(1, 32)
        self.workers.setValue(default_workers())
        self.workers.setAccessibleName("Projects worked on at the same time")
        self.workers.setToolTip("Each one uses a processor core and about 1.5 GB of memory while captioning")
        form = QFormLayout()
        for text, field in (("&Folder:", folder_row), ("Steps:", steps_box), ("E&xport format:", self.preset),
                            ("At the same &time:", self.workers)):
            label = QLabel(text)
            if isinstance(field, QWidget):
                label.setBuddy(field)
            elif field is folder_row:
                label.setBuddy(self.folder)
            form.addRow(label, field)
        self.start_button = QPushButton("&Start")
        self.start_button.setObjectName("startBatch")
        self.start_button.setAccessibleName("Start producing the projects")
        self.start_button.clicked.connect(self.start)
        self.report_button = QPushButton("Open the &report")
        self.report_button.setAccessibleName("Open the batch report in the file manager")
        self.report_button.setEnabled(False)
        self.report_button.clicked.connect(self._open_report)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.report_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        self.panel = ProgressPanel()
        self.results = QListWidget()
        self.results.setObjectName("batchResults")
        self.results.setAccessibleName("Finished projects")
        self.summary = QLabel()
        self.summary.setObjectName("batchSummary")
        self.summary.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.panel)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.summary)
        self.operation: Operation | None = None
        self.report: Path | None = None
        self.resize(720, 520)
        self._update()

    def chosen_steps(self) -> tuple[str, ...]:
        return tuple(step for step, box in self.steps.items() if box.isChecked())

    def start(self) -> Operation | None:
        """Run the batch in the background (worker processes do the work; this window stays responsive)."""
        from introstudio.core.batch.run import run_batch

        if self.operation is not None and self.operation.running:
            return None
        folder, steps = Path(self.folder.text().strip()).expanduser(), self.chosen_steps()
        preset, workers = str(self.preset.currentData()), self.workers.value()
        self.results.clear()
        self.summary.setText("")
        self.report_button.setEnabled(False)
        ctx = self.ctx
        options = ctx.task_options() if ctx else None
        log_file = ctx.paths.log_file if ctx else None
        self.operation = (Operation(self, lambda: run_batch(folder, steps, preset=preset, workers=workers,
                                                            options=options, log_file=log_file),
                                    f"Producing {folder.name}", min_interval=0.0)
                          .on_success(self._finished)
                          .on_finished(self._update)
                          .with_progress(self.panel))
        self.operation.progress.connect(self._progress)
        self.operation.run()
        self._update()
        return self.operation

    def closeEvent(self, event: Any) -> None:
        """Closing stops the batch (finished projects stay done; running it again finishes the rest)."""
        if self.operation is not None and self.operation.running:
            self.operation.cancel()
        super().closeEvent(event)

    def _progress(self, step: Any) -> None:
        item = getattr(step, "item", None)
        if item is not None and not getattr(step, "will_retry", False):
            self.results.addItem(step.message)
            self.results.scrollToBottom()

    def _finished(self, summary: Any) -> None:
        from introstudio.core.batch.run import item_line

        self.results.clear()
        for result in summary.results:
            self.results.addItem(item_line(result))
        failed = len(summary.failed)
        self.summary.setText(f"{len(summary.results)} project(s) in {summary.seconds:.0f} s: "
                             + (f"{failed} failed; run it again to retry them." if failed else "all done.")
                             + f" Report: {summary.report_html}")
        self.report = summary.report_html
        self.report_button.setEnabled(True)

    def _open_report(self) -> None:
        if self.report is not None:
            Ask.open_folder(self.report.parent)

    def _choose(self) -> None:
        start = Path(self.folder.text()) if self.folder.text().strip() else None
        folder = Ask.projects_folder(self, start)
        if folder is not None:
            self.folder.setText(str(folder))
        self._update()

    def _update(self) -> None:
        busy = self.operation is not None and self.operation.running
        ready = bool(self.folder.text().strip()) and bool(self.chosen_steps())
        self.start_button.setEnabled(ready and not busy)
        self.report_button.setEnabled(self.report is not None and not busy)
