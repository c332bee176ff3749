"""Publish page: upload the export to YouTube with a confirmation."""

from __future__ import annotations

import logging
import os
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QLabel, QPushButton, QWidget

from introstudio.core.errors import IntroStudioError
from introstudio.core.jobs import Job
from introstudio.core.paths import AppPaths
from introstudio.core.project.store import ProjectFolder
from introstudio.core.settings import Settings
from introstudio.gui.external_changes import worker_folder
from introstudio.gui.operations import Operation
from introstudio.gui.pages.base import Page
from introstudio.gui.style import linked, tone
from introstudio.gui.widgets.dialogs import Ask
from introstudio.gui.widgets.progress import ProgressPanel
from introstudio.gui.widgets.publish_form import MetadataForm

log = logging.getLogger("introstudio.gui")

NO_CAPTIONS_NOTE = ("The export has no captions, so it will not be uploaded as it is: make captions on the Captions "
                    "step and export again, or tick “Publish without captions” below (the choice is recorded).")
CAPTIONS_WAIVED = "none (published without captions, by choice; recorded in the project)"
APP_LOCK_WAIT = 600.0  # seconds the app waits (with Cancel) for someone else's upload of this project


def upload_preview(pf: ProjectFolder, settings: Settings, video: Any = None) -> tuple[Any, Any]:
    """(assets, metadata) of what an upload would send: the chosen export (default: the full-quality one)."""
    from introstudio.core.publish.assets import find_assets
    from introstudio.core.publish.metadata import build_metadata, load_templates

    kit = pf.project.design.brand_kit or settings.brand_kit or None
    return find_assets(pf, video), build_metadata(pf.project, load_templates(kit), None, None)


def export_has_captions(pf: ProjectFolder, video: Any = None) -> bool:
    """Whether the chosen export has captions (or a recorded choice to publish it without); True when unknown."""
    from introstudio.core.publish.assets import find_assets
    from introstudio.core.publish.safeguards import waiver_covers

    try:
        assets = find_assets(pf, video)
        return assets.srt is not None or waiver_covers(pf, assets)
    except (IntroStudioError, OSError):  # no export, or it is missing: the note and the upload say so
        return True


def publish_job(pf: ProjectFolder, paths: AppPaths, settings: Settings, public_confirmed: bool,
                without_captions: bool = False, video: str | None = None) -> Job[Any]:
    """The core publish job with the same sign-in, quota ledger and queue as `introstudio publish`."""
    from introstudio.core.context import AppContext
    from introstudio.core.publish.publish import PublishOptions, publish_project

    ctx = AppContext(paths, settings, dict(os.environ))  # the GUI is an edge: the environment is read here
    ledger = ctx.quota_ledger()
    kit = ctx.brand_kit(pf)
    return publish_project(pf, None, confirmed=True, public_confirmed=public_confirmed,
                           connect=ctx.connector(ledger), ledger=ledger, queue=ctx.publish_queue(),
                           options=PublishOptions(brand_kit=kit, allow_uncaptioned=without_captions, video=video,
                                                  actor="the IntroStudio app", lock_wait=APP_LOCK_WAIT))


class PublishPage(Page):
    """A plain 'not yet' note, or an Upload button that confirms what goes where first."""

    name = "publish"
    title = "Publish"
    summary = "Put the finished video on YouTube with its captions, title and thumbnail."

    def __init__(self, paths: AppPaths | None = None, settings: Settings | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.paths = paths or AppPaths.for_user()
        self.settings = settings or Settings()
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setObjectName("publishNote")
        self.body.addWidget(self.note)
        self.export_box = QComboBox()  # which export goes up: the full-quality one unless the user picks another
        self.export_box.setObjectName("publishExport")
        self.export_box.setAccessibleName("Video to upload")
        self.export_box.activated.connect(lambda _i: self.refresh(self.pf) if self.pf is not None else None)
        self.export_warning = QLabel()
        self.export_warning.setObjectName("publishExportWarning")
        self.export_warning.setWordWrap(True)
        tone(self.export_warning, "notice")
        self.export_warning.hide()
        which = QFormLayout()
        which.addRow("&Video to upload:", self.export_box)
        self.body.addLayout(which)
        self.body.addWidget(self.export_warning)
        self.form = MetadataForm()
        self.form.fieldEdited.connect(self._metadata_edited)
        self.form.captionsChoiceChanged.connect(lambda _on: self._show_metadata())
        self._has_captions = True
        self.body.addWidget(self.form)
        self._templates: Any = None
        self.upload_button = QPushButton("&Upload to YouTube…")
        self.upload_button.setObjectName("uploadButton")
        self.upload_button.setAccessibleName("Upload the exported video to YouTube")
        self.upload_button.clicked.connect(self.start_upload)
        row = QHBoxLayout()
        row.addWidget(self.upload_button)
        from introstudio.gui.widgets.review_panel import open_review_dialog

        self.review_button = QPushButton("&Review and approval…")  # review page, approvals, go live, take down
        self.review_button.setObjectName("reviewButton")
        self.review_button.setAccessibleName("Review and approval: review page, approvals, go live, take down")
        self.review_button.clicked.connect(lambda: open_review_dialog(self))
        row.addWidget(self.review_button)
        row.addStretch(1)
        self.body.addLayout(row)
        self.panel = ProgressPanel()
        self.body.addWidget(self.panel)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setObjectName("publishResult")
        self.result.setOpenExternalLinks(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.body.addWidget(self.result)
        self.body.addStretch(1)
        self.operation: Operation | None = None
        self._warnings: list[str] = []  # about the chosen export: a preview, out of date

    def refresh(self, pf: ProjectFolder) -> None:
        super().refresh(pf)
        self._templates = None  # the brand kit may have changed on the Look step
        self._list_exports(pf)
        self._has_captions = export_has_captions(pf, self.chosen_video())
        self.form.show_captions(self._has_captions)
        self._show_metadata(full=True)
        publish = pf.project.publish
        if publish.video_id:
            self.note.setText(linked(f"Published as https://youtu.be/{publish.video_id}. Uploading again makes a "
                                     "new video only if the export changed."))
        elif not pf.project.exports:
            self.note.setText("Export the video first (previous step); then upload it here.")
        elif not self._has_captions:
            self.note.setText(NO_CAPTIONS_NOTE)
        else:
            self.note.setText(f"Ready to upload the video chosen below as a {publish.privacy} video. You will be "
                              "asked to confirm, and to sign in to YouTube the first time.")
        self._show_metadata()

    def chosen_video(self) -> str | None:
        """The export chosen in the list (a path as its record stores it); None when there is none."""
        data = self.export_box.currentData()
        if not data or self.pf is None:
            return None
        from introstudio.core.render.records import stored_path

        return str(stored_path(self.pf, str(data)))

    def _list_exports(self, pf: ProjectFolder) -> None:
        """Every export, newest first, the full-quality default chosen; a warning for a preview or an old one."""
        from introstudio.core.project.progress import default_export, export_to_publish, is_preview
        from introstudio.core.render.presets import PRESETS
        from introstudio.core.render.records import export_records
        from introstudio.core.script.reading import format_duration

        kept = self.export_box.currentData() if self.pf is pf else None
        records = list(reversed(export_records(pf.project)))
        self.export_box.clear()
        for record in records:
            preset = PRESETS.get(record.preset)
            text = f"{record.file.rsplit('/', 1)[-1]} · {preset.description if preset else record.preset}"
            if record.duration:
                text += f" · {format_duration(record.duration)}"
            self.export_box.addItem(("Preview only: " if is_preview(record) else "") + text, record.file)
        best = default_export(pf)
        wanted = kept if kept in [r.file for r in records] else best.file if best else None
        self.export_box.setCurrentIndex(max(0, self.export_box.findData(wanted)) if records else -1)
        self.export_box.setEnabled(len(records) > 1 and not self._busy())
        self._warnings = []
        if records:
            try:
                _record, self._warnings = export_to_publish(pf, self.chosen_video())
            except IntroStudioError as exc:
                self._warnings = [exc.message]
        self.export_warning.setText("\n".join(f"⚠ {w}" for w in self._warnings))
        self.export_warning.setVisible(bool(self._warnings))

    def templates(self) -> Any:
        """The brand kit's YouTube templates (read once per visit to the page)."""
        if self._templates is None and self.pf is not None:
            from introstudio.core.publish.metadata import MetadataTemplates, load_templates

            kit = self.pf.project.design.brand_kit or self.settings.brand_kit or None
            try:
                self._templates = load_templates(kit)
            except IntroStudioError as exc:
                log.warning("brand kit templates unavailable, using the defaults: %s", exc)
                self._templates = MetadataTemplates()
        return self._templates

    def _show_metadata(self, full: bool = False) -> None:
        from introstudio.core.publish.metadata import preview_metadata

        if self.pf is None:
            return
        meta, defaults, problems = preview_metadata(self.pf.project, self.templates())
        if full:
            self.form.show_values(self.pf.project.publish, meta, defaults, problems)
        else:
            self.form.show_check(meta, problems)
        captions_ok = self._has_captions or self.form.no_captions.isChecked()  # or an explicit choice
        self.upload_button.setEnabled(bool(self.pf.project.exports) and not problems and captions_ok
                                      and not self._busy())
        self.form.setEnabled(not self._busy())  # what is being sent stays what is shown

    def _metadata_edited(self, label: str, field: str) -> None:
        self.edited(label, "publish", merge=f"publish.{field}")  # kept and undoable whatever the check says
        self._show_metadata()

    def is_done(self, pf: ProjectFolder) -> bool:
        return bool(pf.project.publish.video_id)

    def _busy(self) -> bool:
        return self.operation is not None and self.operation.running

    def start_upload(self) -> Operation | None:
        """Confirm (twice for a public video), then upload in the background."""
        if self.pf is None or self._busy():
            return None
        from introstudio.gui import errors

        self.flush()  # the upload reads the project from disk: what was typed must be there first
        video = self.chosen_video()
        try:
            assets, meta = upload_preview(self.pf, self.settings, video)
        except IntroStudioError as exc:
            errors.show_error(self, exc)
            return None
        without = assets.srt is None and self.form.no_captions.isChecked()
        captions = assets.srt.name if assets.srt else \
            "none: published without captions, by your choice (recorded in the project)" if without else "none"
        if not Ask.confirm(self, "Upload to YouTube?",
                           f"Upload “{meta.title}” as a {meta.privacy} video?\n\nVideo: {self.export_box.currentText()}"
                           f"\nCaptions: {captions}" + "".join(f"\n\n⚠ {w}" for w in self._warnings), yes="Upload"):
            return None
        public_ok = meta.privacy != "public" or Ask.confirm(
            self, "Make it public?", "A public video can be found and watched by anyone, at once.",
            yes="Make it public")
        if not public_ok:
            return None
        pf, paths, settings = self.pf, self.paths, self.settings
        folder = pf.folder
        self.upload_button.setEnabled(False)
        self.form.setEnabled(False)
        # The upload saves its state on its own ProjectFolder (under the project lock, merged); the window's
        # project is only touched here on the UI thread, when the result comes in (pf.reload()).
        self.operation = (Operation(self, lambda: publish_job(worker_folder(folder, "uploading to YouTube"), paths,
                                                              settings, public_ok, without, video),
                                    "Uploading to YouTube")
                          .on_success(self._published)
                          .on_finished(lambda: (pf.reload(), self.refresh(pf)))
                          .with_progress(self.panel)
                          .run())
        return self.operation

    def _published(self, result: Any) -> None:
        lines = [f"On YouTube: {result.url} ({result.privacy_status or result.privacy_requested}).",
                 f"Review it in YouTube Studio: {result.studio_url}",
                 f"Captions: {CAPTIONS_WAIVED if result.captions == 'waived' else result.captions}. "
                 f"Thumbnail: {result.thumbnail}."]
        lines += [f"⚠ {w}" for w in result.warnings]
        self.result.setText(linked("\n".join(lines)))
        self.changed.emit()
