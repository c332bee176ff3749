"""Script page: pick a template and see it filled from the profile, with its reading time; or write your own."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QWidget,
)

from introstudio.core.errors import IntroStudioError
from introstudio.core.project.store import ProjectFolder
from introstudio.core.settings import Settings
from introstudio.gui.pages.base import Page
from introstudio.gui.style import tone
from introstudio.gui.widgets.dialogs import Ask

log = logging.getLogger("introstudio.gui")

OWN_TEXT = "__own__"
LONG_SECONDS = 180  # brand guides ask for 2-3 minutes at most


class ScriptPage(Page):
    """Template picker, an editable live preview of the filled script, pace and reading time."""

    name = "script"
    title = "Script"
    summary = ("Choose a script template: it is filled in from the clinician's details. You can change any "
               "word in the text below; the script then becomes your own text.")

    def __init__(self, settings: Settings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings or Settings()
        self._updating = False
        self.picker = QComboBox()
        self.picker.setAccessibleName("Script template")
        self.picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.picker.setMinimumContentsLength(16)  # long titles elide in a narrow window, not push it wider
        self._templates: dict[str, object] = {}
        try:
            from introstudio.core.script.templates import list_templates

            for template in list_templates():
                self._templates[template.id] = template
                self.picker.addItem(f"{template.title} ({template.language})", template.id)
        except IntroStudioError as exc:
            log.error("templates unavailable: %s", exc)
        self.picker.addItem("My own text", OWN_TEXT)
        self.picker.activated.connect(self._picked)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.pace = QSpinBox()
        self.pace.setRange(60, 300)
        self.pace.setSuffix(" words per minute")
        self.pace.setAccessibleName("Reading pace in words per minute")
        self.pace.valueChanged.connect(self._pace_changed)
        self.restart = QPushButton("Start again from the template")
        self.restart.setAccessibleName("Discard my own text and use the template again")
        self.restart.clicked.connect(self._restart)
        template_label = QLabel("&Template:")
        template_label.setBuddy(self.picker)
        pace_label = QLabel("Reading pa&ce:")
        pace_label.setBuddy(self.pace)
        top = QHBoxLayout()
        top.addWidget(template_label)
        top.addWidget(self.picker, 1)
        top.addSpacing(16)
        top.addWidget(pace_label)
        top.addWidget(self.pace)
        self.body.addLayout(top)
        row = QHBoxLayout()
        row.addWidget(self.description, 1)
        row.addWidget(self.restart)
        self.body.addLayout(row)
        self.editor = QPlainTextEdit()
        self.editor.setProperty("projectUndo", True)  # Ctrl+Z here undoes project edits (main window)
        self.editor.setObjectName("scriptText")
        self.editor.setAccessibleName("Script text")
        self.editor.setTabChangesFocus(True)
        self.editor.setPlaceholderText("The filled-in script appears here.")
        font = self.editor.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.editor.setFont(font)
        self.editor.textChanged.connect(self._typed)
        self.body.addWidget(self.editor, 1)
        self.reading = QLabel()
        self.reading.setObjectName("readingTime")
        self.reading.setAccessibleName("Reading time")
        self.problem = QLabel()
        self.problem.setObjectName("scriptProblem")
        self.problem.setWordWrap(True)
        tone(self.problem, "problem")
        self.body.addWidget(self.reading)
        self.body.addWidget(self.problem)

    # --- page API -----------------------------------------------------------------------------------
    def refresh(self, pf: ProjectFolder) -> None:
        super().refresh(pf)
        script = pf.project.script
        key = OWN_TEXT if script.free_text is not None else (script.template_id or self.settings.default_template)
        index = self.picker.findData(key)
        self.picker.setCurrentIndex(index if index >= 0 else self.picker.count() - 1)
        self._show_script()

    def is_done(self, pf: ProjectFolder) -> bool:
        from introstudio.core.project.ops import filled_script

        try:
            return bool(filled_script(pf.project).paragraphs)
        except IntroStudioError:
            return False

    def status(self, pf: ProjectFolder) -> str:
        if pf.project.script.free_text is not None:
            return "own text"
        return pf.project.script.template_id or ""

    # --- behaviour ----------------------------------------------------------------------------------
    def pick(self, key: str) -> None:
        """Choose a template id (or OWN_TEXT) as a user would."""
        self.picker.setCurrentIndex(self.picker.findData(key))
        self._picked(self.picker.currentIndex())

    def _picked(self, index: int) -> None:
        if self.pf is None:
            return
        key = self.picker.itemData(index)
        script = self.pf.project.script
        if key == OWN_TEXT:
            if script.free_text is None:
                script.free_text = self.editor.toPlainText()
        else:
            if script.free_text is not None and script.free_text.strip() and not Ask.confirm(
                    self, "Use the template?", "Your own text will be replaced by the filled-in template.",
                    yes="Use the template"):
                self.picker.setCurrentIndex(self.picker.findData(OWN_TEXT))
                return
            script.template_id = key
            script.free_text = None
        self._show_script()
        self.edited("choose the script", "script", immediate=True)

    def _restart(self) -> None:
        if self.pf is None:
            return
        key = self.pf.project.script.template_id or self.settings.default_template
        if self.picker.findData(key) >= 0:
            self.pick(key)

    def _typed(self) -> None:
        if self._updating or self.pf is None:
            return
        script = self.pf.project.script
        script.free_text = self.editor.toPlainText()
        if self.picker.currentData() != OWN_TEXT:
            self.picker.setCurrentIndex(self.picker.findData(OWN_TEXT))
            self.description.setText("Your own text: edit freely. Choose a template to start over from it.")
        self.restart.setVisible(bool(script.template_id))
        self._show_reading()
        self.edited("edit the script", "script", merge="script.text")

    def _pace_changed(self, value: int) -> None:
        if self._updating or self.pf is None:
            return
        self.pf.project.script.words_per_minute = int(value)
        self._show_reading()
        self.edited("change the reading pace", "script", merge="script.pace")

    def _show_script(self) -> None:
        """Fill the editor from the project: the template filled in, or the own text."""
        from introstudio.core.project.ops import filled_script, script_words_per_minute

        assert self.pf is not None
        project = self.pf.project
        own = project.script.free_text is not None
        key = self.picker.currentData()
        template = self._templates.get(key)
        self.description.setText("Your own text: edit freely. Choose a template to start over from it." if own
                                 else getattr(template, "description", ""))
        self.restart.setVisible(own and bool(project.script.template_id))
        self.problem.setText("")
        text = project.script.free_text or ""
        if not own:
            try:
                text = filled_script(project).text
            except IntroStudioError as exc:
                text = ""
                self.problem.setText(f"{exc.message} {exc.hint}".strip())
        self._updating = True
        try:
            if self.editor.toPlainText() != text:
                self.editor.setPlainText(text)
            try:
                self.pace.setValue(script_words_per_minute(project, self.settings.words_per_minute))
            except IntroStudioError:
                self.pace.setValue(self.settings.words_per_minute)
        finally:
            self._updating = False
        self._show_reading()

    def _show_reading(self) -> None:
        from introstudio.core.script.reading import count_words, format_duration, reading_seconds

        words = count_words(self.editor.toPlainText())
        wpm = self.pace.value()
        seconds = reading_seconds(words, wpm)
        text = f"{words} words · about {format_duration(seconds)} to read at {wpm} words per minute"
        if seconds > LONG_SECONDS:
            text += " · longer than 3 minutes: patients are more likely to watch a shorter video to the end"
        self.reading.setText(text)
