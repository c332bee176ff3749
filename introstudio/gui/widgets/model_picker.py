"""The speech-model picker of the Captions page: bundled and installed Whisper models, kept in the settings."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QWidget

from introstudio.core.captions.models import BUNDLED_MODEL_NAME, ModelInfo, english_only_hint, list_models
from introstudio.core.errors import IntroStudioError
from introstudio.core.paths import AppPaths
from introstudio.core.settings import Settings

USABLE = ("bundled", "verified", "unverified")


class ModelPicker(QComboBox):
    """Lists the usable models with their languages; a pick is saved as `caption_model` ('' = bundled tiny.en)."""

    noteChanged = Signal(str)  # what to tell the user about the choice ('' = nothing)

    def __init__(self, settings: Settings, paths: AppPaths | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings, self.paths = settings, paths
        self.language = "en"
        self.models: list[ModelInfo] = []
        self.setObjectName("captionModel")
        self.setAccessibleName("Speech model")
        self.activated.connect(self._picked)

    def refresh(self, language: str = "en") -> None:
        """Re-read the installed models (one may have been installed meanwhile) for a script in `language`."""
        self.language = (language or "en").split("-")[0].lower()
        self.models = list_models(self.paths.cache_dir) if self.paths is not None else []
        usable = [(m.name, m.languages) for m in self.models if m.state in USABLE] or [(BUNDLED_MODEL_NAME,
                                                                                         "English only")]
        chosen = self.settings.caption_model or ""
        self.blockSignals(True)
        self.clear()
        for name, languages in usable:
            self.addItem(f"{name} ({languages})", "" if name == BUNDLED_MODEL_NAME else name)
        if chosen and self.findData(chosen) < 0:  # a folder or a cached name set by hand: keep it
            self.addItem(chosen, chosen)
        self.setCurrentIndex(max(0, self.findData(chosen)))
        self.blockSignals(False)
        self._explain()

    def chosen(self) -> str:
        """The model to caption with: '' for the bundled one, else a store name or a folder."""
        return str(self.currentData() or "")

    def _picked(self, index: int) -> None:
        value = str(self.itemData(index) or "")
        if value != (self.settings.caption_model or ""):
            self.settings.caption_model = value
            if self.paths is not None:
                from introstudio.core.settings import update_settings

                try:
                    update_settings(self.paths.settings_file, caption_model=value)
                except (IntroStudioError, OSError) as exc:  # an unreadable settings file: say so, keep the choice
                    from introstudio.gui import errors

                    errors.show_error(self, exc)
        self._explain()

    def _explain(self) -> None:
        """Warn when the script's language needs a multilingual model and the chosen one is English only."""
        chosen = self.chosen()
        info = next((m for m in self.models if (m.name if m.state != "bundled" else "") == chosen), None)
        english_only = info.multilingual is False if info is not None else chosen == ""
        if self.language == "en" or not english_only:
            self.setToolTip("")
            self.noteChanged.emit("")
            return
        multilingual = [m.name for m in self.models if m.multilingual and m.state in USABLE]
        note = (f"This script is not in English and {chosen or BUNDLED_MODEL_NAME} understands English only. "
                + (f"Choose {multilingual[0]} as the speech model." if multilingual else english_only_hint()))
        self.setToolTip(note)
        self.noteChanged.emit(note)
