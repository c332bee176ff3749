"""Captions page: make captions offline, then review them in a cue table synced to the player."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from introstudio.core.paths import AppPaths
from introstudio.core.project.history import captions_part
from introstudio.core.project.model import CaptionTrack
from introstudio.core.project.store import ProjectFolder
from introstudio.core.settings import Settings
from introstudio.gui.app_hints import app_hint
from introstudio.gui.operations import Operation
from introstudio.gui.pages.base import Page
from introstudio.core.media.takes import take_duration, take_fps
from introstudio.gui.widgets.cue_table import COL_TEXT, LINE_BREAK, USE_SCRIPT_WORDS, CueTable
from introstudio.gui.widgets.dialogs import Ask
from introstudio.gui.widgets.model_picker import ModelPicker
from introstudio.gui.widgets.player import Player
from introstudio.gui.widgets.progress import ProgressPanel

CAPTION_JOB = "introstudio.core.captions.pipeline:caption_take"


class CaptionsPage(Page):
    """'Make captions', a caption-standard picker, 'Re-flow', and the cue table beside the player."""

    name = "captions"
    title = "Captions"
    summary = ("Captions are made on this computer from the chosen take and matched to the script. Click a "
               "caption to play it; double-click to correct its text or times. Red rows (⚠) break the caption "
               "standard, yellow rows (≠) differ from the script.")

    def __init__(self, settings: Settings | None = None, paths: AppPaths | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from introstudio.core.captions.profiles import PROFILES

        self.settings = settings or Settings()
        self.paths = paths
        self.model = ModelPicker(self.settings, paths)  # the speech model, kept in the app's settings
        self.model_note = QLabel()  # says when the script's language needs another model
        self.model_note.setObjectName("modelNote")
        self.model_note.setWordWrap(True)
        self.model_note.setVisible(False)
        self.model.noteChanged.connect(lambda text: (self.model_note.setText(app_hint(text)),  # the app's words
                                                     self.model.setToolTip(app_hint(text)),
                                                     self.model_note.setVisible(bool(text))))
        self.take_label = QLabel()
        self.take_label.setObjectName("captionTake")
        self.profile = QComboBox()
        self.profile.setAccessibleName("Caption standard")
        for name, profile in PROFILES.items():
            self.profile.addItem(name, name)
            self.profile.setItemData(self.profile.count() - 1, profile.description, 3)  # tooltip role
        self.profile.activated.connect(self._profile_picked)
        self.make_button = QPushButton("&Make captions")
        self.make_button.setObjectName("makeCaptions")
        self.make_button.setAccessibleName("Make captions for the chosen take")
        self.make_button.clicked.connect(self.make_captions)
        self.reflow_button = QPushButton("&Re-flow to the standard")
        self.reflow_button.setObjectName("reflow")
        self.reflow_button.setAccessibleName("Re-flow all captions to the chosen standard")
        self.reflow_button.clicked.connect(self.reflow)
        top = QHBoxLayout()
        top.addWidget(self.take_label)
        top.addStretch(1)
        standard = QLabel("&Standard:")  # with Re-flow under the table: the top row fits at 200%
        standard.setBuddy(self.profile)
        model_label = QLabel("Spee&ch model:")
        model_label.setBuddy(self.model)
        top.addWidget(model_label)
        top.addWidget(self.model)
        top.addWidget(self.make_button)
        self.body.addLayout(top)
        self.body.addWidget(self.model_note)
        self.player = Player(trim=False)
        self.table = CueTable()
        self.table.cueActivated.connect(self.play_cue)
        self.table.cueEdited.connect(self._cue_edited)
        self.table.editRejected.connect(lambda text: self.report.setText(text))
        self.table.scriptWordsRequested.connect(self.use_script_words)
        self.table.editRequested.connect(self.edit_cues)
        self.table.currentCellChanged.connect(lambda *_: self._update_script_words_button())
        self.player.positionChanged.connect(self._position)
        self.table.currentCellChanged.connect(lambda *_: self._show_detail())
        self.cue_detail = QLabel()  # the selected caption's Check notes in words (the column shows a mark)
        self.cue_detail.setObjectName("cueDetail")
        self.cue_detail.setWordWrap(True)
        self.cue_detail.setTextFormat(Qt.TextFormat.PlainText)
        review = QWidget()
        review_layout = QVBoxLayout(review)
        review_layout.setContentsMargins(0, 0, 0, 0)
        review_layout.addWidget(self.table, 1)
        review_layout.addWidget(self.cue_detail)
        self.splitter = splitter = QSplitter()
        splitter.addWidget(self.player)
        splitter.addWidget(review)
        splitter.setStretchFactor(0, 1)  # the picture yields width: the captions' text needs it more
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([340, 680])
        splitter.setChildrenCollapsible(False)
        self.body.addWidget(splitter, 1)
        # After the table in the tab order: pick a yellow row with the arrows, Tab, Space.
        self.script_words_button = QPushButton(USE_SCRIPT_WORDS)
        self.script_words_button.setObjectName("useScriptWords")
        self.script_words_button.setAccessibleName("Use the script's words in the selected caption")
        self.script_words_button.setEnabled(False)
        self.script_words_button.clicked.connect(lambda: self.use_script_words())
        self.report = QLabel()
        self.report.setObjectName("captionReport")
        self.report.setWordWrap(True)
        bottom = QHBoxLayout()
        bottom.addWidget(self.script_words_button)  # the selected row's fix first: table, Tab, Space
        bottom.addSpacing(12)
        bottom.addWidget(standard)
        bottom.addWidget(self.profile)
        bottom.addWidget(self.reflow_button)
        bottom.addStretch(1)
        self.body.addLayout(bottom)
        self.body.addWidget(self.report)
        for first, second in ((self.model, self.make_button), (self.table, self.script_words_button),
                              (self.script_words_button, self.profile), (self.profile, self.reflow_button)):
            QWidget.setTabOrder(first, second)  # the order they are seen in
        self.panel = ProgressPanel()
        self.body.addWidget(self.panel)
        self.operation: Operation | None = None
        self.track: CaptionTrack | None = None

    # --- page API -----------------------------------------------------------------------------------
    def refresh(self, pf: ProjectFolder) -> None:
        super().refresh(pf)
        take = pf.project.current_take()
        index = self.profile.findData(pf.project.design.caption_profile)
        self.profile.setCurrentIndex(max(0, index))
        from introstudio.core.captions.pipeline import project_script_text

        self.model.refresh(project_script_text(pf)[1])
        busy = self.operation is not None and self.operation.running
        self.make_button.setEnabled(take is not None and not busy)
        if take is None:
            self.take_label.setText("No take yet: import or record one first.")
            self.player.load(None)
            self.track = None
            self.table.set_cues([], {})
            self.reflow_button.setEnabled(False)
            self._update_script_words_button()
            self.report.setText("")
            return
        self.take_label.setText(f"<b>Take {take.id}</b>" + (f" · script match {take.script_match:.0%}"
                                                             if take.script_match is not None else ""))
        path = pf.resolve(take.file)
        if self.player.source != path:
            self.player.load(path, take_fps(take), take_duration(take))
        self.track = pf.project.captions_for(take.id)
        self.make_button.setText("&Make captions again" if self.track else "&Make captions")
        self.reflow_button.setEnabled(self.track is not None and not busy)
        self._show_track()
        self._position(self.player.position())

    def is_done(self, pf: ProjectFolder) -> bool:
        take = pf.project.current_take()
        return take is not None and pf.project.captions_for(take.id) is not None

    def status(self, pf: ProjectFolder) -> str:
        take = pf.project.current_take()
        track = pf.project.captions_for(take.id) if take else None
        return f"{len(track.cues)} captions" if track else ""

    def leave(self) -> None:
        self.player.pause()
        super().leave()

    def save_now(self) -> None:
        """Save the project and rewrite the take's SRT/WebVTT files beside it."""
        if self.pf is None:
            return
        if self.track is None:
            super().save_now()
            return
        from introstudio.core.captions.pipeline import store_track

        try:
            store_track(self.pf, self.track)
        except Exception as exc:  # a busy lock, a full disk: the edit stays in memory, saved at the next save
            from introstudio.gui import errors

            self.unsaved = True
            errors.show_error(self, exc)
            return
        self.unsaved = False
        self.changed.emit()

    # --- behaviour ----------------------------------------------------------------------------------
    def profile_name(self) -> str:
        return str(self.profile.currentData() or "default")

    def make_captions(self) -> Operation | None:
        """Transcribe the chosen take in the background (offline Whisper), then show the cues."""
        if self.pf is None or (self.operation is not None and self.operation.running):
            return None
        take = self.pf.project.current_take()
        if take is None:
            return None
        if self.track is not None and self.track.edited and not Ask.confirm(
                self, "Make captions again?", "Your corrections to these captions will be replaced.",
                yes="Make them again"):
            return None
        from introstudio.gui.process_jobs import in_subprocess

        pf, profile, take_id = self.pf, self.profile_name(), take.id
        folder, snapshot = pf.folder, pf.project.to_dict()
        engine = self.settings.caption_engine or "faster-whisper"
        model = self.settings.caption_model or None
        cache_dir = self.paths.cache_dir if self.paths is not None else None
        self.make_button.setEnabled(False)
        self.reflow_button.setEnabled(False)
        self.script_words_button.setEnabled(False)
        # In a child process: loading the speech model holds Python's lock long enough to freeze the UI.
        self.operation = (Operation(self, lambda: in_subprocess(CAPTION_JOB, take_id, detached=(folder, snapshot),
                                                                engine=engine, model=model, profile=profile,
                                                                cache_dir=cache_dir),
                                    f"Making captions for take {take_id}")
                          .on_success(lambda outcome: self._made(pf, outcome))
                          .on_finished(self._operation_ended)
                          .with_progress(self.panel)
                          .run())
        return self.operation

    def reflow(self) -> None:
        """Re-cut every cue to the chosen standard (one click), keeping the words."""
        if self.pf is None or self.track is None:
            return
        from introstudio.core.captions.pipeline import fix_cues

        take = self.pf.project.take(self.track.take_id)
        cues, left = fix_cues(list(self.track.cues), self.profile_name(), fps=take_fps(take))
        self.track.cues = cues
        self.track.profile = self.profile_name()
        self.track.edited = True
        self._show_track()
        self.report.setText(f"Re-flowed to {self.profile_name()}: {len(cues)} captions, "
                            + (f"{len(left)} problem(s) left that need a hand edit." if left else "no problems left."))
        self.edited("re-flow the captions", captions_part(self.track.take_id), immediate=True)

    def use_script_words(self, row: int | None = None, departures: list[dict[str, Any]] | None = None) -> None:
        """Put the script's words in place of misheard ones in caption `row` (default: the selected one).

        Fixes every listed departure (default: all the cue's fixable ones) as one undo step; one whose heard
        words are no longer in the captions is named in the report and left for a hand edit.
        """
        from introstudio.core.captions.departures import use_script_words_all

        busy = self.operation is not None and self.operation.running
        if self.track is None or busy:
            return
        row = self.table.currentRow() if row is None else row
        todo = list(self.table.fixable.get(row, []) if departures is None else departures)
        if not todo:
            return
        fixes = use_script_words_all(self.track.cues, self.track.departures, todo, self._profile())
        cues, remaining, first, done = fixes.cues, fixes.departures, fixes.first, fixes.done
        failed = [f"{exc.message} {app_hint(exc.hint)}" for exc in fixes.failed]
        if first is None:
            self.report.setText(" ".join(failed))
            return
        self.track.cues = cues
        self.track.departures = remaining
        self.track.edited = True
        self._show_track()
        summary = self.report.text()
        if cues:
            shown = min(first, len(cues) - 1)
            self.table.setCurrentCell(shown, COL_TEXT)
            self.table.setFocus()  # the button just turned off: keep keyboard users in the table
            now = f" It now reads “{LINE_BREAK.join(cues[shown].lines)}”."
        else:
            now = ""
        self.edited(f"use the script's words in caption {first + 1}", captions_part(self.track.take_id),
                    immediate=True)
        self.report.setText(f"Used the script's words in caption {first + 1}: {'; '.join(done)}.{now} "
                            + " ".join(failed + [summary]))

    def edit_cues(self, action: str, row: int) -> None:
        """Split caption `row` in two, merge it with the next, or delete it (one undo step each)."""
        from introstudio.core.captions import editing
        from introstudio.core.errors import InvalidInputError

        if self.track is None or (self.operation is not None and self.operation.running):
            return
        profile = self._profile()
        try:
            if action == "split":
                cues = editing.split_cue(self.track.cues, row, profile)
            elif action == "merge":
                cues = editing.merge_with_next(self.track.cues, row, profile)
            else:
                cues = editing.delete_cue(self.track.cues, row)
        except InvalidInputError as exc:
            self.report.setText(f"{exc.message} {app_hint(exc.hint)}")
            return
        self.track.cues = cues
        self.track.edited = True
        self._show_track()
        label = {"split": f"split caption {row + 1}", "merge": f"merge captions {row + 1} and {row + 2}",
                 "delete": f"delete caption {row + 1}"}[action]
        self.edited(label, captions_part(self.track.take_id), immediate=True)
        if cues:
            self.table.setCurrentCell(min(row, len(cues) - 1), COL_TEXT)
        self.report.setText(f"{label[0].upper()}{label[1:]}: Ctrl+Z puts it back. " + self.report.text())

    def _profile(self) -> Any:
        """The chosen caption standard at the take's frame rate."""
        from introstudio.core.captions.profiles import get_profile

        take = next((t for t in self.pf.project.takes if t.id == self.track.take_id), None) \
            if self.pf and self.track else None
        return get_profile(self.profile_name()).with_fps(take_fps(take) if take else None)

    def _update_script_words_button(self) -> None:
        """On only when the selected caption has misheard or added words to fix."""
        from introstudio.core.captions.departures import fix_label

        busy = self.operation is not None and self.operation.running
        found = self.table.fixable.get(self.table.currentRow(), [])
        self.script_words_button.setEnabled(bool(found) and not busy)
        if found:
            self.script_words_button.setToolTip("\n".join(fix_label(d) for d in found))
            self.script_words_button.setAccessibleDescription("; ".join(fix_label(d) for d in found))
        else:
            self.script_words_button.setToolTip("Select a yellow caption whose words were misheard.")
            self.script_words_button.setAccessibleDescription("The selected caption has no misheard words.")

    def play_cue(self, index: int) -> None:
        """Seek to a cue and play just that cue."""
        if 0 <= index < len(self.table.cues):
            cue = self.table.cues[index]
            self.player.seek(cue.start)
            self.player.play(until=cue.end)

    def _made(self, pf: ProjectFolder, outcome: Any) -> None:
        """Commit the child's captions to the project it was made for (only this process saves it)."""
        from introstudio.core.captions.pipeline import store_track

        result = outcome.result
        if result is None:
            return
        pf.project.take(result.track.take_id).script_match = result.script_match
        store_track(pf, result.track)
        if pf is not self.pf:  # the user opened another project meanwhile
            return
        take_id = result.track.take_id
        self.editMade.emit(f"make captions for take {take_id}", captions_part(take_id), "")
        self.changed.emit()
        self.refresh(pf)
        if result.script_match is not None:
            self.report.setText(f"Captions made; they match the script at {result.script_match:.0%}. "
                                + self.report.text())

    def _operation_ended(self) -> None:
        if self.pf is not None:
            self.refresh(self.pf)

    def _position(self, seconds: float) -> None:
        """Follow the player: mark the cue on screen and show its text over the picture."""
        self.table.highlight_time(seconds)
        row = self.table.playing_row
        self.player.video.set_overlay("\n".join(self.table.cues[row].lines) if row is not None else "")

    def _profile_picked(self, _index: int) -> None:
        if self.pf is None:
            return
        self.pf.project.design.caption_profile = self.profile_name()
        self._show_track()
        self.edited("choose the caption standard", "design", immediate=True)

    def _cue_edited(self, index: int, cue: object) -> None:
        """Keep an edited caption, the captions in time order, and the selection on the edited one."""
        if self.track is None:
            return
        cues = list(self.track.cues)
        cues[index] = cue
        order = sorted(range(len(cues)), key=lambda i: (cues[i].start, cues[i].end))  # stable: ties keep their place
        self.track.cues = [cues[i] for i in order]
        self.track.edited = True
        column = self.table.currentColumn()
        self._show_track()
        self.edited(f"edit caption {index + 1}", captions_part(self.track.take_id))
        row = order.index(index)
        self.table.setCurrentCell(row, column if column >= 0 else COL_TEXT)
        if row != index:
            self.report.setText(f"Caption {index + 1} moved to place {row + 1} to keep the captions in time order. "
                                + self.report.text())

    def _show_detail(self) -> None:
        """The selected caption's Check notes in words, under the table."""
        row = self.table.currentRow()
        notes = self.table.notes(row) if 0 <= row < self.table.rowCount() else []
        self.cue_detail.setText(f"Caption {row + 1}: " + "  ".join(notes) if notes else
                                f"Caption {row + 1} meets the standard and follows the script." if row >= 0 else "")

    def _show_track(self) -> None:
        from introstudio.core.captions.layout import check_cues

        if self.track is None:
            self.table.set_cues([], {})
            self._update_script_words_button()
            self._show_detail()
            self.report.setText("No captions for this take yet. Press “Make captions”: it takes about as "
                                "long as the take, and nothing leaves this computer.")
            return
        profile = self._profile()
        violations = check_cues(self.track.cues, profile)
        problems: dict[int, list[str]] = {}
        for v in violations:
            problems.setdefault(v.cue_number - 1, []).append(v.message)
        take = next((t for t in self.pf.project.takes if t.id == self.track.take_id), None) if self.pf else None
        self.table.set_cues(self.track.cues, problems, self.track.departures, take_duration(take) if take else 0.0)
        self._update_script_words_button()
        self._show_detail()
        departures = sum(1 for found in self.table.departures.values() if found)
        parts = [f"{len(self.track.cues)} captions",
                 f"{len(problems)} break the {profile.name} standard" if problems else f"all meet {profile.name}",
                 f"{departures} differ from the script" if departures else "all follow the script"]
        if self.track.edited:
            parts.append("corrected by hand")
        parts += [f"{len(self.track.rescues)} stretch(es) of speech needed a second listen"] * bool(self.track.rescues)
        self.report.setText(" · ".join(parts) + ".")

