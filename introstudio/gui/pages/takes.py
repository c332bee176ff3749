"""Takes page: every take with thumbnail, length and script match; the best one suggested; play, trim, choose."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from introstudio.core.media.takes import best_take, missing_file, relocate_take, take_duration, take_fps
from introstudio.core.project.history import take_part
from introstudio.core.project.model import Take
from introstudio.core.project.store import ProjectFolder
from introstudio.core.script.reading import format_duration
from introstudio.gui.operations import Operation
from introstudio.gui import errors
from introstudio.gui.pages.base import Page
from introstudio.gui.widgets.dialogs import VIDEO_FILTER
from introstudio.gui.widgets.importer import ImportButton
from introstudio.gui.widgets.media_jobs import thumbnails_job
from introstudio.gui.widgets.player import Player
from introstudio.gui.widgets.progress import ProgressPanel

__all__ = ["MIN_TRIMMED", "THUMB", "TakesPage", "best_take", "take_duration", "take_fps"]  # the core's, for pages

THUMB = QSize(160, 90)
MIN_TRIMMED = 0.5  # seconds: the renderer refuses anything shorter


class TakesPage(Page):
    """A list of takes beside a player with trim; 'Use this take' picks the take for captions and export."""

    name = "takes"
    title = "Takes"
    summary = ("Every recording and imported clip is kept here. Watch each one, trim the start and end, and "
               "choose the take for the video. Once takes have captions, the best match to the script is "
               "suggested.")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.panel = ProgressPanel()
        self.import_button = ImportButton(self.panel)
        self.import_button.imported.connect(self._imported)
        self.use_button = QPushButton("&Use this take for the video")
        self.use_button.setObjectName("useTake")
        self.use_button.setAccessibleName("Use the selected take for the video")
        self.use_button.clicked.connect(self.use_selected)
        self.suggestion = QLabel()
        self.suggestion.setObjectName("suggestion")
        self.suggestion.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.import_button)
        top.addWidget(self.use_button)
        top.addWidget(self.suggestion, 1)
        self.body.addLayout(top)

        self.list = QListWidget()
        self.list.setObjectName("takeList")
        self.list.setAccessibleName("Takes")
        self.list.setIconSize(THUMB)
        self.list.setSpacing(4)
        self.list.setMinimumWidth(THUMB.width() + 60)
        self.list.setWordWrap(True)
        self.list.currentItemChanged.connect(self._selected)
        self.player = Player(trim=True)
        self.player.trimChanged.connect(self._trimmed)
        self.info = QLabel()
        self.info.setObjectName("takeInfo")
        self.info.setWordWrap(True)
        self.info.setTextFormat(Qt.TextFormat.PlainText)  # paths and file names are shown as they are
        self.locate_button = QPushButton("&Locate file…")
        self.locate_button.setObjectName("locateTake")
        self.locate_button.setAccessibleName("Locate the selected take's moved file")
        self.locate_button.clicked.connect(lambda: self.locate_selected())
        self.locate_button.setVisible(False)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.player, 1)
        right_layout.addWidget(self.info)
        right_layout.addWidget(self.locate_button, 0, Qt.AlignmentFlag.AlignLeft)
        splitter = QSplitter()
        splitter.addWidget(self.list)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        self.body.addWidget(splitter, 1)
        self.body.addWidget(self.panel)
        self._thumbs: dict[str, QPixmap] = {}
        self._thumb_op: Operation | None = None
        self._placeholder = QPixmap(THUMB)
        self._placeholder.fill(Qt.GlobalColor.darkGray)

    # --- page API -----------------------------------------------------------------------------------
    def refresh(self, pf: ProjectFolder) -> None:
        super().refresh(pf)
        self.import_button.set_project(pf)
        keep = self.selected_take_id()
        self.list.blockSignals(True)
        self.list.clear()
        best = best_take(pf.project)
        for take in pf.project.takes:
            item = QListWidgetItem(QIcon(self._thumbs.get(take.file, self._placeholder)), self._item_text(take, best))
            item.setData(Qt.ItemDataRole.UserRole, take.id)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, self._item_text(take, best).replace("\n", ", "))
            self.list.addItem(item)
        self.list.blockSignals(False)
        current = pf.project.current_take()
        target = keep if keep is not None and any(t.id == keep for t in pf.project.takes) else \
            (current.id if current else None)
        self._select_id(target)
        self._show_suggestion(best)
        self._fetch_thumbnails()

    def is_done(self, pf: ProjectFolder) -> bool:
        return pf.project.selected_take is not None or len(pf.project.takes) == 1

    def status(self, pf: ProjectFolder) -> str:
        n = len(pf.project.takes)
        return f"{n} take{'s' if n != 1 else ''}" if n else ""

    def leave(self) -> None:
        self.player.pause()
        super().leave()

    # --- behaviour ----------------------------------------------------------------------------------
    def selected_take_id(self) -> int | None:
        item = self.list.currentItem()
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def use_selected(self) -> None:
        take_id = self.selected_take_id()
        if self.pf is None or take_id is None:
            return
        self.pf.project.selected_take = take_id
        self.edited(f"use take {take_id}", "selected_take", immediate=True)
        self.refresh(self.pf)

    def _select_id(self, take_id: int | None) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == take_id:
                self.list.setCurrentRow(row)
                return
        self._selected(None, None)

    @classmethod
    def ask_take_file(cls, parent: QWidget | None, take_id: int, start: Path) -> Path | None:
        """The file the user picks as take `take_id`'s moved video (None: cancelled); tests patch this."""
        found, _ = QFileDialog.getOpenFileName(parent, f"Locate the video of take {take_id}", str(start), VIDEO_FILTER)
        return Path(found) if found else None

    def locate_selected(self) -> bool:
        """Ask where the selected take's moved file is now; keep it when it is the same recording, else say why."""
        take_id = self.selected_take_id()
        if self.pf is None or take_id is None:
            return False
        take = self.pf.project.take(take_id)
        gone = self.pf.resolve(take.file)
        start = next((p for p in (gone.parent, self.pf.folder) if p.is_dir()), Path.home())
        chosen = self.ask_take_file(self, take_id, start)
        if chosen is None:
            return False
        try:
            relocate_take(self.pf, take_id, chosen)
        except Exception as exc:  # another recording, not a video, unreadable: say so, keep the take as it was
            errors.show_error(self, exc)
            message, hint, _ = errors.describe(exc)
            self.info.setText(f"File not found: {gone}\n{message} {hint}".strip())
            return False
        self.save_now()  # where the file is, is a fact, not an edit to undo (like an import)
        self.player.load(None)  # opened again from its new place
        self.refresh(self.pf)
        self.info.setText(f"Take {take_id} found at {self.pf.resolve(take.file)}. " + self.info.text())
        return True

    def _selected(self, item: QListWidgetItem | None, _previous: object) -> None:
        self.locate_button.setVisible(False)
        self.player.video.placeholder = "No take"
        if self.pf is None or item is None:
            self.player.load(None)
            self.info.setText("No takes yet. Record one on the previous step, or import footage."
                              if self.pf is None or not self.pf.project.takes else "")
            self.use_button.setEnabled(False)
            return
        take = self.pf.project.take(int(item.data(Qt.ItemDataRole.UserRole)))
        path = self.pf.resolve(take.file)
        gone = missing_file(self.pf, take)
        if gone is not None:  # moved, renamed, or on a drive that is not plugged in
            self.player.load(None)
            self.player.video.placeholder = "File not found"
            self.player.video.update()
            self.use_button.setEnabled(False)
            self.info.setText(f"File not found: {gone}\nUse “Locate file…” to show where it is now.")
            self.locate_button.setVisible(True)
            return
        if self.player.source != path:
            self.player.load(path, take_fps(take), take_duration(take), take.trim_in, take.trim_out)
        else:
            self.player.show_trim(take.trim_in, take.trim_out)
        chosen = self.pf.project.current_take()
        self.use_button.setEnabled(chosen is None or chosen.id != take.id or self.pf.project.selected_take is None)
        notes = [f"From {take.source}" if take.source and take.source != "recorded" else "Recorded in IntroStudio"]
        notes += take.warnings
        self.info.setText(" · ".join(notes))

    def _trimmed(self, trim_in: float, trim_out: object) -> None:
        take_id = self.selected_take_id()
        if self.pf is None or take_id is None:
            return
        take = self.pf.project.take(take_id)
        out = None if trim_out is None else float(trim_out)
        end = out if out is not None else take_duration(take)
        if end - trim_in < MIN_TRIMMED:
            self.player.show_trim(take.trim_in, take.trim_out)  # the saved values again, never the refused ones
            saved_out = "the end" if take.trim_out is None else f"{take.trim_out:.2f} s"
            self.info.setText(f"Trim refused: the take would run {max(0.0, end - trim_in):.2f} s, and a take needs "
                              f"at least {MIN_TRIMMED:g} s between trim in and trim out. Kept the saved trim: "
                              f"{take.trim_in:.2f} s to {saved_out}.")
            return
        take.trim_in, take.trim_out = round(trim_in, 3), None if out is None else round(out, 3)
        item = self.list.currentItem()
        item.setText(self._item_text(take, best_take(self.pf.project)))
        self.edited(f"trim take {take_id}", take_part(take_id), merge=f"trim:{take_id}")

    def _imported(self, takes: list[Take]) -> None:
        if self.pf is None:
            return
        self.refresh(self.pf)
        if takes:
            self._select_id(takes[-1].id)
        self.changed.emit()

    def _item_text(self, take: Take, best: Take | None) -> str:
        length = take_duration(take)
        line = f"Take {take.id} · {format_duration(length)}"
        if take.trim_in or take.trim_out is not None:
            end = take.trim_out if take.trim_out is not None else length
            line += f" (trimmed to {format_duration(max(0.0, end - take.trim_in))})"
        lines = [line]
        if self.pf is not None and missing_file(self.pf, take) is not None:
            lines.append("⚠ File not found")
        if take.script_match is not None:
            lines.append(f"{take.script_match:.0%} match to the script")
        many = self.pf is not None and len(self.pf.project.takes) > 1
        if best is not None and best.id == take.id and many:
            lines.append("★ suggested")
        if self.pf is not None and self.pf.project.selected_take == take.id:
            lines.append("✓ in the video")
        return "\n".join(lines)

    def _show_suggestion(self, best: Take | None) -> None:
        assert self.pf is not None
        takes = self.pf.project.takes
        if not takes:
            text = "No takes yet: import footage or record a take."
        elif best is not None and len(takes) > 1:
            text = f"Suggested: take {best.id}, the closest to the script ({best.script_match:.0%})."
        elif len(takes) > 1:
            text = "Make captions for the takes to see which one follows the script best."
        else:
            text = ""
        self.suggestion.setText(text)

    def _fetch_thumbnails(self) -> None:
        """Grab a frame per take in the background; the list shows a grey box until it arrives."""
        if self.pf is None or (self._thumb_op is not None and self._thumb_op.running):
            return
        missing = [(t.id, self.pf.resolve(t.file), min(1.0, take_duration(t) / 3) + t.trim_in)
                   for t in self.pf.project.takes if t.file not in self._thumbs]
        if not missing:
            return
        files = {t.id: t.file for t in self.pf.project.takes}
        self._thumb_op = Operation(self, lambda: thumbnails_job(missing, THUMB.width()), "Making thumbnails") \
            .on_success(lambda found: self._got_thumbnails(found, files)) \
            .on_finished(self._fetch_thumbnails).run()  # takes added meanwhile get theirs next

    def _got_thumbnails(self, found: dict[int, bytes], files: dict[int, str]) -> None:
        for take_id, data in found.items():
            pixmap = QPixmap()
            if pixmap.loadFromData(data, "PNG"):
                self._thumbs[files[take_id]] = pixmap.scaled(THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                                                             Qt.TransformationMode.SmoothTransformation)
        for file in files.values():  # unreadable files: do not ask again
            self._thumbs.setdefault(file, self._placeholder)
        for row in range(self.list.count()):
            item = self.list.item(row)
            take_id = int(item.data(Qt.ItemDataRole.UserRole))
            if take_id in files:
                item.setIcon(QIcon(self._thumbs[files[take_id]]))
