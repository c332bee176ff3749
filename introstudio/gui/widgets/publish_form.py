"""What YouTube will show: title, description, tags, visibility and the synthetic-media declaration.

An empty field uses the brand kit's template (shown greyed as the placeholder); counters follow
YouTube's limits as the user types, and the rules the text breaks are listed under the form.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from introstudio.core.project.model import Publish
from introstudio.core.publish.metadata import (
    MAX_DESCRIPTION_BYTES,
    MAX_TAGS_CHARS,
    MAX_TITLE_CHARS,
    MetadataError,
    VideoMetadata,
    tags_length,
)
from introstudio.core.publish.safeguards import NO_CAPTIONS_CHOICE
from introstudio.gui.style import tone

VISIBILITY = (("private", "Private: only you, until it is approved"),
              ("unlisted", "Unlisted: anyone with the link"),
              ("public", "Public: anyone, and it can be found"))


def split_tags(text: str) -> list[str]:
    """'heart, cardiology , ' -> ['heart', 'cardiology']."""
    return [" ".join(t.split()) for t in text.split(",") if t.strip()]


class MetadataForm(QWidget):
    """Edits a project's `Publish` values; `fieldEdited(label, field)` after each change the user makes."""

    fieldEdited = Signal(str, str)
    captionsChoiceChanged = Signal(bool)  # the "publish without captions" box was ticked or cleared

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.publish: Publish | None = None
        self._filling = False
        self.title = QLineEdit()
        self.title.setAccessibleName("Video title")
        self.title.setMaxLength(MAX_TITLE_CHARS * 2)  # typed past the limit: shown as a problem, not cut off
        self.title.textEdited.connect(lambda text: self._set("title", text.strip(), "edit the video title"))
        self.description = QPlainTextEdit()
        self.description.setAccessibleName("Video description")
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(self.description.fontMetrics().lineSpacing() * 6 + 12)
        self.description.textChanged.connect(
            lambda: self._set("description", self.description.toPlainText().strip(), "edit the description"))
        self.tags = QLineEdit()
        self.tags.setAccessibleName("Tags, separated by commas")
        self.tags.textEdited.connect(lambda text: self._set("tags", split_tags(text), "edit the tags"))
        self.privacy = QComboBox()
        self.privacy.setAccessibleName("Who can watch the video")
        for value, text in VISIBILITY:
            self.privacy.addItem(text, value)
        self.privacy.activated.connect(
            lambda _i: self._set("privacy", str(self.privacy.currentData()), "change who can watch"))
        self.synthetic = QCheckBox("Contains realistic altered or synthetic media (an AI voice, avatar or face)")
        self.synthetic.setAccessibleName("Declare altered or synthetic media to YouTube")
        self.synthetic.toggled.connect(
            lambda on: self._set("contains_synthetic_media", on, "change the synthetic media declaration"))
        self.no_captions = QCheckBox(NO_CAPTIONS_CHOICE)  # says what it means: shown only when there are none
        self.no_captions.setObjectName("noCaptions")
        self.no_captions.setAccessibleName("Publish without captions")
        self.no_captions.setAccessibleDescription(NO_CAPTIONS_CHOICE)
        self.no_captions.setVisible(False)
        self.no_captions.toggled.connect(self.captionsChoiceChanged)
        self.counts = {name: QLabel() for name in ("title", "description", "tags")}
        for name, label in self.counts.items():
            label.setObjectName(f"count-{name}")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        for text, editor, count in (("&Title:", self.title, "title"), ("&Description:", self.description,
                                                                         "description"),
                                    ("T&ags:", self.tags, "tags")):
            label = QLabel(text)
            label.setBuddy(editor)
            form.addRow(label, editor)
            form.addRow("", self.counts[count])
        who = QLabel("&Who can watch:")
        who.setBuddy(self.privacy)
        form.addRow(who, self.privacy)
        form.addRow("", self.synthetic)
        form.addRow("", self.no_captions)
        self.problems = QLabel()
        self.problems.setObjectName("metadataProblems")
        self.problems.setWordWrap(True)
        tone(self.problems, "problem")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.problems)

    def show_values(self, publish: Publish, meta: VideoMetadata, defaults: VideoMetadata,
                    problems: Sequence[MetadataError]) -> None:
        """Fill the form from `publish`; the templates' text (`defaults`) shows where the user typed nothing."""
        self.publish = publish
        self._filling = True
        try:
            if self.title.text().strip() != publish.title:
                self.title.setText(publish.title)
            if self.description.toPlainText().strip() != publish.description:
                self.description.setPlainText(publish.description)
            if split_tags(self.tags.text()) != list(publish.tags):
                self.tags.setText(", ".join(publish.tags))
            self.title.setPlaceholderText(defaults.title)
            self.description.setPlaceholderText(defaults.description)
            self.tags.setPlaceholderText(", ".join(defaults.tags))
            self.privacy.setCurrentIndex(max(0, self.privacy.findData(publish.privacy)))
            self.synthetic.setChecked(bool(publish.contains_synthetic_media))
        finally:
            self._filling = False
        self.show_check(meta, problems)

    def show_captions(self, has_captions: bool) -> None:
        """Offer the 'publish without captions' choice only when the export has none; it starts unticked."""
        self.no_captions.setChecked(False)
        self.no_captions.setVisible(not has_captions)

    def show_check(self, meta: VideoMetadata, problems: Sequence[MetadataError]) -> None:
        """Counters against YouTube's limits, and the rules broken, in words."""
        used = {"title": (len(meta.title), MAX_TITLE_CHARS, "characters"),
                "description": (len(meta.description.encode("utf-8")), MAX_DESCRIPTION_BYTES, "bytes"),
                "tags": (tags_length(meta.tags), MAX_TAGS_CHARS, "characters")}
        for name, (n, limit, unit) in used.items():
            label = self.counts[name]
            label.setText(f"{n} of {limit} {unit}" + ("" if getattr(self.publish, name, None) else
                                                      " · from the template"))
            tone(label, "problem" if n > limit else None)
        self.problems.setText("\n".join(f"⚠ {p.message}" for p in problems))
        self.problems.setVisible(bool(problems))

    def _set(self, field: str, value: object, label: str) -> None:
        if self._filling or self.publish is None or getattr(self.publish, field) == value:
            return
        setattr(self.publish, field, value)
        self.fieldEdited.emit(label, field)
