"""Look page: preview stills of the title card, the name strap with a caption, and the end card."""

from __future__ import annotations

import copy
from pathlib import Path

from PySide6.QtWidgets import QCheckBox, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from introstudio.core.errors import IntroStudioError
from introstudio.core.project.store import ProjectFolder
from introstudio.gui import errors
from introstudio.gui.operations import Operation
from introstudio.gui.pages.base import Page
from introstudio.gui.pages.takes import take_duration
from introstudio.gui.style import tone
from introstudio.gui.widgets.dialogs import Ask
from introstudio.gui.widgets.image_preview import ImagePreview
from introstudio.gui.widgets.look_previews import PreviewRequest, preview_size, previews_job

OPTIONS = (
    ("title_card", "Title card at the start"),
    ("lower_third", "Name strap while the clinician starts speaking"),
    ("end_card", "End card with how to book"),
    ("burn_captions", "Captions burned into the picture (always readable, on every site)"),
)


class LookPage(Page):
    """Three previews from the brand kit and the clinician's details, plus what the video includes."""

    name = "look"
    title = "Look"
    summary = ("How the video will look, from your organisation's brand kit and the clinician's details. "
               "Change the details on the Clinician step; the previews follow.")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title_preview = ImagePreview("Title card")
        self.lower_preview = ImagePreview("Name strap with a caption")
        self.end_preview = ImagePreview("End card")
        self.options: dict[str, QCheckBox] = {}
        side = QVBoxLayout()
        side.addWidget(QLabel("<b>The video includes</b>"))
        for key, text in OPTIONS:
            box = QCheckBox(text)
            box.setObjectName(f"option-{key}")
            box.setAccessibleName(text)
            box.toggled.connect(lambda on, k=key: self._option_toggled(k, on))
            self.options[key] = box
            side.addWidget(box)
        self.kit_label = QLabel()
        self.kit_label.setWordWrap(True)
        self.kit_label.setObjectName("brandKit")
        self.warnings = QLabel()
        self.warnings.setWordWrap(True)
        self.warnings.setObjectName("lookWarnings")
        tone(self.warnings, "warning")
        side.addSpacing(12)
        side.addWidget(self.kit_label)
        self.kit_button = QPushButton("Choose brand &kit…")
        self.kit_button.setAccessibleName("Choose the organisation's brand kit file")
        self.kit_button.clicked.connect(self.choose_kit)
        self.default_kit_button = QPushButton("Use the &default kit")
        self.default_kit_button.setAccessibleName("Use IntroStudio's default brand kit")
        self.default_kit_button.clicked.connect(lambda: self.use_kit(None))
        kit_row = QHBoxLayout()
        kit_row.addWidget(self.kit_button)
        kit_row.addWidget(self.default_kit_button)
        kit_row.addStretch(1)
        side.addLayout(kit_row)
        side.addWidget(self.warnings)
        side.addStretch(1)
        side_host = QWidget()
        side_host.setLayout(side)
        grid = QGridLayout()
        grid.addWidget(self.title_preview, 0, 0)
        grid.addWidget(self.lower_preview, 0, 1)
        grid.addWidget(self.end_preview, 1, 0)
        grid.addWidget(side_host, 1, 1)
        for i in range(2):
            grid.setColumnStretch(i, 1)
            grid.setRowStretch(i, 1)
        self.body.addLayout(grid, 1)
        self.operation: Operation | None = None
        self._stale = False
        self._shown_for: str | None = None

    def refresh(self, pf: ProjectFolder) -> None:
        super().refresh(pf)
        design = pf.project.design
        for key, box in self.options.items():
            box.blockSignals(True)
            box.setChecked(bool(getattr(design, key)))
            box.blockSignals(False)
        self.default_kit_button.setEnabled(design.brand_kit is not None)
        self.update_previews()

    def is_done(self, pf: ProjectFolder) -> bool:
        """The look has working defaults: it is ready once there are captions to show with it."""
        take = pf.project.current_take()
        return take is not None and pf.project.captions_for(take.id) is not None

    def update_previews(self) -> None:
        """Redraw the three stills in the background (again after it finishes, if asked meanwhile)."""
        if self.pf is None:
            return
        if self.operation is not None and self.operation.running:
            self._stale = True
            return
        key = repr((self.pf.project.clinician, self.pf.project.design, self.pf.project.selected_take,
                    len(self.pf.project.takes), len(self.pf.project.captions)))
        if key == self._shown_for and self.title_preview.pixmap is not None:
            return
        self._shown_for = key
        request = self._request()  # copied here, on the UI thread
        self.operation = (Operation(self, lambda: previews_job(request), "Drawing previews")
                          .on_success(self._show)
                          .on_failure(self._failed)
                          .on_finished(self._maybe_again)
                          .run())

    def _request(self) -> PreviewRequest:
        from introstudio.core.render.presets import get_preset

        assert self.pf is not None
        project = copy.deepcopy(self.pf.project)  # the worker gets its own copy
        try:
            preset = get_preset(project.design.preset)
            size, reframe = preview_size(preset.size), preset.reframe
        except IntroStudioError:
            size, reframe = preview_size((1920, 1080)), "fit"
        take = project.current_take()
        track = project.captions_for(take.id) if take else None
        caption = tuple(track.cues[0].lines) if track and track.cues else ()
        at = track.cues[0].start + 0.3 if track and track.cues else (min(1.0, take_duration(take) / 3) if take else 0)
        return PreviewRequest(project=project, brand_kit=project.design.brand_kit, size=size,
                              frame=self.pf.resolve(take.file) if take else None, frame_at=at, caption=caption,
                              reframe=reframe)

    def _show(self, result: dict) -> None:
        self.title_preview.set_png(result["title"])
        self.lower_preview.set_png(result["lower"])
        self.end_preview.set_png(result["end"])
        kit = result.get("kit") or "the default kit"
        self.kit_label.setText(f"Brand kit: {kit}")
        warnings = result.get("warnings") or []
        self.warnings.setText("\n".join(f"⚠ {w}" for w in warnings))

    def _failed(self, exc: BaseException) -> None:
        for preview in (self.title_preview, self.lower_preview, self.end_preview):
            preview.set_text("Could not draw the preview")

    def _maybe_again(self) -> None:
        if self._stale:
            self._stale = False
            self._shown_for = None
            self.update_previews()

    def choose_kit(self) -> None:
        """Ask for a brand kit file; a kit that does not load is refused with its error, the old one stays."""
        if self.pf is None:
            return
        current = self.pf.project.design.brand_kit
        start = Path(current).parent if current else None
        file = Ask.brand_kit_file(self, start)
        if file is not None:
            self.use_kit(file)

    def use_kit(self, file: Path | None) -> bool:
        """Use the kit in `file` (None: the default kit) for this project's look."""
        if self.pf is None:
            return False
        if file is not None:
            from introstudio.core.render.brandkit import load_brand_kit

            try:
                load_brand_kit(file)
            except IntroStudioError as exc:
                errors.show_error(self, exc)
                return False
        value = None if file is None else str(Path(file).resolve())
        if self.pf.project.design.brand_kit == value:
            return True
        self.pf.project.design.brand_kit = value
        self.default_kit_button.setEnabled(value is not None)
        self.edited("choose the brand kit" if value else "use the default brand kit", "design", immediate=True)
        self.update_previews()
        return True

    def _option_toggled(self, key: str, on: bool) -> None:
        if self.pf is None:
            return
        setattr(self.pf.project.design, key, on)
        self.edited(f"turn {key.replace('_', ' ')} {'on' if on else 'off'}", "design", immediate=True)
        self.update_previews()
