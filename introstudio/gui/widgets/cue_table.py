"""The caption cue table: times and text editable in place, problems marked in colour and in words."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QContextMenuEvent, QFont, QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableWidget, QTableWidgetItem, QWidget

from introstudio.core.captions.departures import can_use_script_words, departures_during, fix_label
from introstudio.core.captions.cues import Cue

COL_NUMBER, COL_START, COL_END, COL_TEXT, COL_CHECK = range(5)
LINE_BREAK = " / "  # how a cue's line break is typed in the one-line editor
USE_SCRIPT_WORDS = "Use the script's &words"
VIOLATION_COLOUR = QColor("#FDE2E4")
DEPARTURE_COLOUR = QColor("#FFF1C2")


TIME_HELP = "Type a time like 1:02.5 or 62.5."
END_SLACK = 0.05  # seconds a cue may end past the take's measured length (container rounding)
_NUMBER = re.compile(r"\d+(\.\d*)?|\.\d+")


def parse_seconds(text: str) -> float:
    """'62.5', '1:02.5' or '1:02:03.4' as seconds; a ValueError that says how to type a time otherwise."""
    typed = text.strip()
    parts = [p.strip() for p in typed.replace(",", ".").split(":")]
    if not 1 <= len(parts) <= 3 or not all(_NUMBER.fullmatch(p) for p in parts):
        raise ValueError(f"“{typed}” is not a time. {TIME_HELP}" if typed else f"The time is empty. {TIME_HELP}")
    values = [float(p) for p in parts]
    if any(v >= 60 for v in values[1:]):
        raise ValueError(f"“{typed}” is not a time: after a colon, minutes and seconds go up to 59. {TIME_HELP}")
    seconds = 0.0
    for value in values:
        seconds = seconds * 60 + value
    return seconds


def show_time(seconds: float) -> str:
    """Seconds as m:ss.s (h:mm:ss.s from an hour, up to milliseconds when they matter), as times are typed."""
    ms = int(round(max(0.0, seconds) * 1000))
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs = f"{rest // 1000:02d}.{rest % 1000:03d}".rstrip("0")
    secs += "0" if secs.endswith(".") else ""
    return f"{hours}:{minutes:02d}:{secs}" if hours else f"{minutes}:{secs}"


def check_times(number: int, start: float, end: float, duration: float) -> None:
    """Refuse times caption `number` cannot have on a take `duration` s long (0: unknown), in plain words."""
    if duration > 0 and start >= duration:
        raise ValueError(f"Caption {number} cannot start at {show_time(start)}: the take is only "
                         f"{show_time(duration)} long.")
    if duration > 0 and end > duration + END_SLACK:
        raise ValueError(f"Caption {number} cannot end at {show_time(end)}: the take ends at {show_time(duration)}.")
    if end <= start:
        raise ValueError(f"Caption {number} must end after it starts: it starts at {show_time(start)} and would "
                         f"end at {show_time(end)}.")


def departures_in(cue: Cue, departures: Sequence[dict[str, Any]]) -> list[str]:
    """What the speaker said differently from the script during `cue`, in words."""
    during = departures_during(cue, departures)
    # The track's departures say it phrase by phrase ("said X, script has Y"): the per-word flags the
    # layout left for the same words ("changed: ...", "added: ...") would only repeat them, less clearly.
    word_flags = ("changed:", "added:") if during else ()
    out = [f.split(":", 1)[1].strip() if f.startswith("departure:") else f for f in cue.flags
           if not f.startswith(word_flags)]
    for d in during:
        heard, script = d.get("heard_text") or "", d.get("script_text") or ""
        if heard and script:
            out.append(f"said “{heard}”, script has “{script}”")
        elif heard:
            out.append(f"said “{heard}”, not in the script")
        elif script:
            out.append(f"skipped “{script}” from the script")
    return list(dict.fromkeys(out))


def fixable_in(cue: Cue, departures: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The departures during `cue` that "Use the script's words" can resolve (never a skip)."""
    return [dict(d) for d in departures_during(cue, departures) if can_use_script_words(d)]


class CueTable(QTableWidget):
    """One row per cue; `cueActivated(index)` on click, `cueEdited(index, cue)` after a valid edit.

    The Text column takes the room; the Check column shows a mark only (⚠ the standard, ≠ the script),
    its words are in the mark's tooltip and in `notes(row)`, which the page shows for the selected row.

    `scriptWordsRequested(index, departures)` asks to put the script's words in place of the listed
    departures of a cue (its context menu; the page does the edit).
    """

    cueActivated = Signal(int)
    cueEdited = Signal(int, object)
    editRejected = Signal(str)
    scriptWordsRequested = Signal(int, object)
    editRequested = Signal(str, int)  # "split" | "merge" | "delete", row: the page makes the change

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 5, parent)
        self.setObjectName("cueTable")
        self.setAccessibleName("Captions")
        self.setAccessibleDescription("Space plays the selected caption; F2 or typing edits the selected cell.")
        self.setHorizontalHeaderLabels(["#", "Start", "End", "Text", "Check"])
        header = self.horizontalHeader()
        for col in (COL_NUMBER, COL_START, COL_END):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_TEXT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_CHECK, QHeaderView.ResizeMode.ResizeToContents)
        check = QTableWidgetItem("Check")
        check.setToolTip("⚠ breaks the caption standard, ≠ differs from the script; select the row to read why.")
        self.setHorizontalHeaderItem(COL_CHECK, check)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # the Text column wraps instead
        self._rows_timer = QTimer(self)  # rows fit their wrapped text again once the Text column changes width
        self._rows_timer.setSingleShot(True)
        self._rows_timer.setInterval(0)
        self._rows_timer.timeout.connect(self.resizeRowsToContents)
        header.sectionResized.connect(lambda col, _old, _new: self._rows_timer.start() if col == COL_TEXT else None)
        self.verticalHeader().hide()
        self.setWordWrap(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.setTabKeyNavigation(False)  # Tab leaves the table, arrows move inside it
        self.cues: list[Cue] = []
        self.problems: dict[int, list[str]] = {}
        self.departures: dict[int, list[str]] = {}
        self.fixable: dict[int, list[dict[str, Any]]] = {}  # row -> departures the script's words resolve
        self.duration = 0.0  # the take's length in seconds (0: unknown): no cue may start or end past it
        self._filling = False
        self._playing_row: int | None = None
        self.cellClicked.connect(lambda row, _col: self.cueActivated.emit(row))
        self.itemChanged.connect(self._item_changed)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Space plays the current cue (keyboard users' click); other keys behave as usual."""
        if event.key() == Qt.Key.Key_Space and event.modifiers() == Qt.KeyboardModifier.NoModifier \
                and self.state() != QAbstractItemView.State.EditingState and self.currentRow() >= 0:
            self.cueActivated.emit(self.currentRow())
            return
        if event.key() == Qt.Key.Key_Delete and event.modifiers() == Qt.KeyboardModifier.NoModifier \
                and self.state() != QAbstractItemView.State.EditingState and self.currentRow() >= 0:
            self.editRequested.emit("delete", self.currentRow())  # undoable, like every edit
            return
        super().keyPressEvent(event)

    def set_cues(self, cues: Sequence[Cue], problems: dict[int, list[str]],
                 departures: Sequence[dict[str, Any]] = (), duration: float = 0.0) -> None:
        """Show `cues` of a take `duration` s long; `problems` maps a 0-based cue index to broken rules in words."""
        self._filling = True
        try:
            self.duration = float(duration or 0.0)
            self.cues = list(cues)
            self.problems = problems
            self.departures = {i: departures_in(c, departures) for i, c in enumerate(self.cues)}
            self.fixable = {i: found for i, c in enumerate(self.cues) if (found := fixable_in(c, departures))}
            self.setRowCount(len(self.cues))
            for row, cue in enumerate(self.cues):
                self._fill_row(row, cue)
            self.resizeRowsToContents()
            self._playing_row = None
        finally:
            self._filling = False

    def notes(self, row: int) -> list[str]:
        """What the Check column's mark on `row` means: each broken rule (⚠) and script difference (≠)."""
        return [f"⚠ {p}" for p in self.problems.get(row, [])] + [f"≠ {d}" for d in self.departures.get(row, [])]

    def _fill_row(self, row: int, cue: Cue) -> None:
        problems = self.problems.get(row, [])
        departures = self.departures.get(row, [])
        notes = self.notes(row)
        mark = " ".join(m for m, found in (("⚠", problems), ("≠", departures)) if found) or "OK"
        values = {COL_NUMBER: str(row + 1), COL_START: f"{cue.start:.3f}", COL_END: f"{cue.end:.3f}",
                  COL_TEXT: LINE_BREAK.join(cue.lines), COL_CHECK: mark}
        colour = VIOLATION_COLOUR if problems else DEPARTURE_COLOUR if departures else None
        for col, text in values.items():
            item = QTableWidgetItem(text)
            if col in (COL_NUMBER, COL_CHECK):
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            if col == COL_TEXT:
                item.setToolTip(f"Type '{LINE_BREAK.strip()}' with spaces around it to break the line.")
            if col in (COL_START, COL_END):
                item.setToolTip(f"{show_time(cue.start if col == COL_START else cue.end)}. {TIME_HELP}")
            if col == COL_CHECK:
                item.setToolTip("\n".join(notes) or "Meets the standard and follows the script.")
                item.setData(Qt.ItemDataRole.AccessibleTextRole, "; ".join(notes) or "OK")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            if colour is not None:
                item.setBackground(QBrush(colour))
                item.setForeground(QBrush(QColor("#1A1A1A")))
            self.setItem(row, col, item)

    def context_menu(self, row: int) -> QMenu:
        """The row's menu: "Use the script's words" (all its fixable departures), then each one if several."""
        menu = QMenu(self)
        menu.setAccessibleName(f"Caption {row + 1} actions")
        found = self.fixable.get(row, [])
        everything = menu.addAction(USE_SCRIPT_WORDS)
        everything.setObjectName("useScriptWordsAction")
        everything.setEnabled(bool(found))
        everything.triggered.connect(lambda: self.scriptWordsRequested.emit(row, list(found)))
        if len(found) > 1:
            menu.addSeparator()
            for d in found:
                one = menu.addAction(fix_label(d).replace("&", "&&"))
                one.triggered.connect(lambda _=False, d=d: self.scriptWordsRequested.emit(row, [d]))
        menu.addSeparator()
        for action, text in (("split", "S&plit this caption in two"), ("merge", "&Merge with the next caption"),
                             ("delete", "&Delete this caption\tDel")):
            item = menu.addAction(text)
            item.setObjectName(f"{action}CueAction")
            item.setEnabled(action != "merge" or row + 1 < self.rowCount())
            item.triggered.connect(lambda _=False, a=action: self.editRequested.emit(a, row))
        return menu

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        """Right-click (or the Menu key on the current row) opens the row's menu."""
        if event.reason() == QContextMenuEvent.Reason.Mouse:
            row = self.rowAt(event.pos().y())
            at = event.globalPos()
        else:
            row = self.currentRow()
            item = self.item(row, COL_TEXT) if row >= 0 else None
            at = self.viewport().mapToGlobal(self.visualItemRect(item).center() if item else QPoint(0, 0))
        if row < 0:
            return
        self.setCurrentCell(row, max(self.currentColumn(), 0))
        menu = self.context_menu(row)
        menu.exec(at)
        menu.deleteLater()
        event.accept()

    def row_kind(self, row: int) -> str:
        """'violation', 'departure' or 'ok' (what the row's colour means)."""
        return "violation" if self.problems.get(row) else "departure" if self.departures.get(row) else "ok"

    def highlight_time(self, seconds: float) -> None:
        """Mark the cue on screen at `seconds` (bold, with ▶) while the player plays."""
        row = next((i for i, c in enumerate(self.cues) if c.start <= seconds < c.end), None)
        if row == self._playing_row:
            return
        self._filling = True
        try:
            for r, bold in ((self._playing_row, False), (row, True)):
                if r is None or r >= self.rowCount():
                    continue
                for col in range(self.columnCount()):
                    item = self.item(r, col)
                    if item is not None:
                        font = QFont(item.font())
                        font.setBold(bold)
                        item.setFont(font)
                number = self.item(r, COL_NUMBER)
                if number is not None:
                    number.setText(("▶ " if bold else "") + str(r + 1))
            self._playing_row = row
        finally:
            self._filling = False

    @property
    def playing_row(self) -> int | None:
        return self._playing_row

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        # Items are rebuilt after an edit; never inside the signal of the item being edited.
        row, col, text = item.row(), item.column(), item.text()
        QTimer.singleShot(0, self, lambda: self._apply_edit(row, col, text))

    def _apply_edit(self, row: int, col: int, text: str) -> None:
        if not 0 <= row < len(self.cues):
            return
        cue = self.cues[row]
        try:
            if col == COL_TEXT:
                lines = tuple(ln.strip() for ln in text.split(LINE_BREAK.strip()) if ln.strip())
                if not lines:
                    raise ValueError("A caption needs some text.")
                new = replace(cue, lines=lines)
            elif col in (COL_START, COL_END):
                value = parse_seconds(text)
                new = replace(cue, start=value) if col == COL_START else replace(cue, end=value)
                check_times(row + 1, new.start, new.end, self.duration)
            else:
                return
        except ValueError as exc:
            self.editRejected.emit(f"{exc} The caption keeps {show_time(cue.start)} to {show_time(cue.end)}."
                                   if col in (COL_START, COL_END) else str(exc))
            self._filling = True
            self._fill_row(row, cue)
            self._filling = False
            return
        self.cues[row] = new
        self.cueEdited.emit(row, new)
